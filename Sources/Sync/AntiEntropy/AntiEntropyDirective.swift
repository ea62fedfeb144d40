import Replica

/// What the anti-entropy machine asks its shell to do.
public enum AntiEntropyDirective: Hashable, Sendable {
    case send(SyncMessage, to: SiteID)
    /// Read up to `maxCount` consecutive batches of one origin from the log, starting at
    /// `fromSeq`, stopping before `maxBytes` of encoded batches would be exceeded (but
    /// returning the first batch even when it alone is larger); answer with
    /// `onBatchesLoaded(_:for:now:)`. Fewer (or none) means the log has no more.
    case loadBatches(LoadRequest)
    /// Verify and apply these batches (idempotent, in sequence order), then report the
    /// store's new vector with `onApplied(_:vector:now:)`.
    case applyBatches([SealedBatch], from: SiteID, ticket: ApplyTicket)
    /// Vectors are equal but the materialised states differ: bookkeeping says "done"
    /// while the data disagree. The node raises it and runs a row-range comparison.
    case stateDivergence(peer: SiteID)
    /// The peer broke the protocol (e.g. sent beyond its credit); close its session.
    case protocolViolation(SiteID, String)
    case refused(SiteID, AntiEntropyRefusal)
    /// `peer` no longer holds `origin`'s batches through `floor`, which we lack: deltas
    /// cannot bring us past it. The shell resyncs from a snapshot (docs/sync.md).
    case snapshotNeeded(peer: SiteID, origin: Origin, floor: UInt64)
    /// Call `onTick(now:)` at (or after) this instant.
    case scheduleTick(at: Instant)
}

public struct LoadRequest: Hashable, Sendable {
    public let id: UInt64
    public let peer: SiteID
    public let origin: Origin
    public let fromSeq: UInt64
    public let maxCount: Int
    public let maxBytes: Int
}

/// Names one `applyBatches` so its completion is matched to the right session.
public struct ApplyTicket: Hashable, Sendable {
    public let rawValue: UInt64
}

public enum AntiEntropyRefusal: Hashable, Sendable {
    case notOnRoster
    /// `AntiEntropyConfig.pullSessionsMax` reached; the next round retries.
    case pullSessionsMax
    /// `AntiEntropyConfig.serveSessionsMax` reached; the requester times out and retries.
    case serveSessionsMax
    /// `AntiEntropyConfig.pushAppliesInflightMax` reached; anti-entropy repairs the drop.
    case pushAppliesInflightMax
}
