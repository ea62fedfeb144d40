import Replica

/// SWIM's view of one member. Alive and suspect members are probed; a dead member is
/// kept (up to `MembershipConfig.peersMax`) so stale gossip cannot resurrect it, and it
/// comes back only by refuting with a higher incarnation.
public enum MemberStatus: UInt8, Hashable, Sendable, CustomStringConvertible {
    case alive = 1
    case suspect = 2
    case dead = 3

    public var description: String {
        switch self {
        case .alive: "alive"
        case .suspect: "suspect"
        case .dead: "dead"
        }
    }
}

/// One member as this node sees it.
public struct Member: Hashable, Sendable, CustomStringConvertible {
    public let site: SiteID
    /// Where the shell reaches the member ("host:port"); opaque to Sync.
    public var address: String
    /// Bumped only by the member itself, to refute a suspicion about it.
    public var incarnation: UInt64
    public var status: MemberStatus
    /// When the current suspicion started, for the suspicion timeout.
    public var suspectedAt: Instant?

    public init(site: SiteID, address: String, incarnation: UInt64, status: MemberStatus, suspectedAt: Instant? = nil) {
        self.site = site
        self.address = address
        self.incarnation = incarnation
        self.status = status
        self.suspectedAt = suspectedAt
    }

    public var update: MemberUpdate {
        MemberUpdate(site: site, address: address, incarnation: incarnation, status: status)
    }

    public var description: String { "\(site)@\(address)#\(incarnation) \(status)" }
}

/// A gossiped claim about one member: the unit that pings and acks piggyback.
public struct MemberUpdate: Hashable, Sendable, CustomStringConvertible {
    public static let addressBytesMax = 255

    public let site: SiteID
    public let address: String
    public let incarnation: UInt64
    public let status: MemberStatus

    public init(site: SiteID, address: String, incarnation: UInt64, status: MemberStatus) {
        precondition(address.utf8.count <= Self.addressBytesMax, "address longer than \(Self.addressBytesMax) bytes")
        self.site = site
        self.address = address
        self.incarnation = incarnation
        self.status = status
    }

    /// SWIM's precedence: does this claim override what we hold about the member?
    /// Higher incarnation wins; at equal incarnation suspect beats alive and dead beats
    /// both, so a member can only clear a suspicion by incarnating again.
    public func overrides(_ held: Member) -> Bool {
        precondition(held.site == site, "comparing claims about different members")
        switch (status, held.status) {
        case (.alive, _): return incarnation > held.incarnation
        case (.suspect, .alive): return incarnation >= held.incarnation
        case (.suspect, .suspect), (.suspect, .dead): return incarnation > held.incarnation
        case (.dead, .alive), (.dead, .suspect): return incarnation >= held.incarnation
        case (.dead, .dead): return incarnation > held.incarnation
        }
    }

    public var description: String { "\(site)@\(address)#\(incarnation) \(status)" }
}
