import Replica

/// What became of a remote batch handed to `ReplicaStore.receive`.
public enum IntakeOutcome: Equatable, Sendable {
    /// Applied, together with `drained` buffered batches it unblocked.
    case applied(drained: Int)
    /// Already held, with identical content.
    case duplicate
    /// Ahead of a gap; held in the bounded buffer until the gap fills.
    case buffered
    /// Written under a newer schema than this node knows; kept until the node is upgraded.
    case awaitingUpgrade(schemaVersion: UInt16)
}

/// A local transaction's batch, committed and durable.
public struct WriteReceipt: Sendable {
    public let batch: SealedBatch
    public let hash: BatchHash
    public var origin: Origin { batch.header.origin }
    public var seq: UInt64 { batch.header.seq }
    public var stamp: Stamp { batch.header.stamp }
}

/// Test seam: lets a test fail the apply transaction at a chosen point to prove that
/// nothing of a half-applied batch survives.
public enum FaultPoint: Sendable, Equatable {
    case afterMaterializing(changeIndex: Int)
    case beforeLogAppend
}
