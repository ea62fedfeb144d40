import Replica

/// The knobs of a run that do not come from the seed: size, phase lengths, which
/// named scenario, and the deliberately broken merge of `--self-test`.
public struct SimulationOptions: Sendable {
    public var nodes = 7
    public var faultPhaseMillis: UInt64 = 60_000
    public var writesMin = 20
    public var writesMax = 80
    /// Fraction of seeds with a byzantine node.
    public var byzantineRate = 0.3
    /// The sequence-reuse trap: restores skip `beginNewEpoch`. The checkers must fail the run.
    public var restoreWithoutEpochBump = false
    /// `--self-test`: after every 50th remote batch a node applies, its counter merge is
    /// corrupted (one extra increment written straight to its table). Checkers must notice.
    public var brokenMerge = false
    /// Wipes and restores from backup in the drawn plans. The self-test turns them off:
    /// a wiped node rebuilt from its peers would erase the corruption it must detect.
    public var diskLossFaults = true
    /// Compaction rounds at random nodes in plans without disk loss.
    public var compactionFaults = true
    /// One anti-entropy round (and one SWIM protocol period).
    public var roundMillis: UInt64 = 1_000
    /// Liveness: after healing, all replicas must agree within this many rounds.
    public var convergenceRoundsMax = 90
    /// Most frames in flight in the simulated network; beyond it frames are dropped and
    /// counted (and the bounded-buffers check fails: the protocol should never need it).
    public var inflightMessagesMax = 200_000
    /// Faults added to whatever the seed draws (named scenarios).
    public var extraActions: [(at: UInt64, action: FaultAction)] = []
    /// Replaces the drawn fault plan's actions entirely (named scenarios).
    public var onlyExtraActions = false
    public var schema: Schema = SimulationSchema.v1
    public var workload: [WorkloadOperation] = TicketWorkload.operations
    /// Check every replica's batch log against the commit registry (costly at 200 nodes).
    public var auditLogs = true

    public init() {}
}
