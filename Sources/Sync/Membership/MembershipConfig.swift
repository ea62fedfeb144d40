import Replica

/// Is this site on the current signed membership roster? Injected by the node (which
/// verifies the roster); Sync admits no one else, whatever gossip claims.
public typealias RosterCheck = @Sendable (SiteID) -> Bool

/// A peer named in the node's configuration, contacted at start to join the cluster.
public struct SeedPeer: Hashable, Sendable {
    public let site: SiteID
    public let address: String

    public init(site: SiteID, address: String) {
        self.site = site
        self.address = address
    }
}

/// SWIM's knobs, with the bounds that keep every table finite.
public struct MembershipConfig: Sendable {
    public var site: SiteID
    public var address: String
    public var seeds: [SeedPeer]

    /// One protocol period: one member is probed per period.
    public var probeIntervalMillis: UInt64 = 1_000
    /// How long a direct ping waits for its ack before asking others to probe.
    public var pingTimeoutMillis: UInt64 = 300
    /// How long the indirect probes wait before the target is suspected.
    public var indirectPingTimeoutMillis: UInt64 = 600
    /// How long a member stays suspect, unrefuted, before it is declared dead.
    public var suspicionTimeoutMillis: UInt64 = 5_000
    /// k in SWIM: how many peers are asked to probe a silent member.
    public var indirectProbeCount = 3
    /// Most membership updates piggybacked on one ping, ack or ping request.
    public var piggybackUpdatesMax = 8
    /// How many times a fresh update is piggybacked before it is considered spread.
    public var updateTransmissionsMax = 6
    /// Most members (any status, not counting this node) held in the table.
    public var peersMax = 64
    /// Most indirect probes this node relays for others at once.
    public var relayedProbesMax = 32
    /// Every this many protocol periods a random dead member is greeted with a ping (not
    /// a probe). Dead members are never probed, so after a partition longer than the
    /// suspicion timeout two halves that each still have a live member would otherwise
    /// hold each other dead for ever; the greeting carries "you are dead" and lets the
    /// other side refute (memberlist's "gossip to the dead" does the same).
    public var deadMemberGreetingPeriods = 5

    public init(site: SiteID, address: String, seeds: [SeedPeer]) {
        self.site = site
        self.address = address
        self.seeds = seeds
    }

    func validate() {
        precondition(address.utf8.count <= MemberUpdate.addressBytesMax, "address too long")
        precondition(probeIntervalMillis > 0, "probe interval must be positive")
        precondition(pingTimeoutMillis + indirectPingTimeoutMillis <= probeIntervalMillis,
                     "a probe must finish within its protocol period")
        precondition(indirectProbeCount >= 0 && updateTransmissionsMax >= 1, "bad dissemination knobs")
        precondition(piggybackUpdatesMax >= 1 && piggybackUpdatesMax <= SyncMessage.updatesMax,
                     "piggybackUpdatesMax must be within the wire bound \(SyncMessage.updatesMax)")
        precondition(peersMax >= 1 && relayedProbesMax >= 1, "tables need room")
        precondition(deadMemberGreetingPeriods >= 1, "dead members must be greeted now and then")
    }
}
