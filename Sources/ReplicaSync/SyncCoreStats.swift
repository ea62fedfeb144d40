/// Counters of what a core did, for metrics and for the simulator's bytes-per-round
/// figures. Plain counts: they never influence a decision.
public struct SyncCoreStats: Hashable, Sendable {
    public var messagesIn = 0
    public var messagesOut = 0
    public var batchesApplied = 0
    public var batchesDuplicate = 0
    public var batchesBuffered = 0
    public var batchesAwaitingUpgrade = 0
    public var refusals: [BatchRefusalReason: Int] = [:]
    public var loads = 0
    public var stateDigestsComputed = 0
    public var undeliverable = 0
    /// Loads that reached below the log floor (answered `snapshotNeeded`).
    public var compactedLoads = 0
    /// Peers that told us to take a snapshot.
    public var snapshotsNeeded = 0

    public init() {}

    public var batchesRefused: Int { refusals.values.reduce(0, +) }
    /// Peers' acknowledged vectors written for the compaction horizon, and failed writes.
    public var acknowledgementsRecorded = 0
    public var acknowledgementWriteFailures = 0
}
