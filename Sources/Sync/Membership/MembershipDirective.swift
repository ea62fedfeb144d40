import Replica

/// What the membership machine asks its shell to do.
public enum MembershipDirective: Hashable, Sendable {
    /// Send a message to a member at the address Sync knows for it.
    case send(SyncMessage, to: SiteID, address: String)
    /// Call `onTimeout(timer, now:)` at (or after) this instant.
    case scheduleTimer(MembershipTimer, at: Instant)
    /// A member appeared or changed status; anti-entropy and the dashboard listen.
    case memberStatusChanged(MemberStatusChange)
    /// A site or request was turned away; the shell logs and counts it.
    case refused(SiteID, MembershipRefusal)
}

/// The timers of the membership machine. Each carries what it is about, so a timer
/// that fires after its probe was answered is recognised as stale and ignored.
public enum MembershipTimer: Hashable, Sendable {
    case protocolPeriod
    case directProbeTimeout(seq: UInt64)
    case indirectProbeTimeout(seq: UInt64)
    case suspicionTimeout(SiteID, incarnation: UInt64)
    case relayTimeout(seq: UInt64)
}

public struct MemberStatusChange: Hashable, Sendable, CustomStringConvertible {
    public let site: SiteID
    public let address: String
    public let incarnation: UInt64
    /// `nil` when the member was not known before.
    public let previous: MemberStatus?
    public let current: MemberStatus

    public var description: String {
        "\(site) \(previous.map { "\($0)" } ?? "new") → \(current) #\(incarnation)"
    }
}

public enum MembershipRefusal: Hashable, Sendable {
    /// The site is not on the current roster.
    case notOnRoster
    /// The member table is full of live members (`MembershipConfig.peersMax`).
    case peersMax
    /// Too many indirect probes already relayed (`MembershipConfig.relayedProbesMax`).
    case relayedProbesMax
    /// A ping request from a site whose address is not yet known.
    case unknownRequester
}
