import Replica

/// Anti-entropy's knobs, with the bounds that keep memory finite during a long catch-up.
public struct AntiEntropyConfig: Sendable {
    public var site: SiteID

    /// How often a random live peer is asked to compare version-vector digests.
    public var roundIntervalMillis: UInt64 = 2_000
    /// How often (more rarely) a peer is asked for its materialised-state digest.
    public var stateDigestIntervalMillis: UInt64 = 60_000
    /// How many random live peers receive each fresh local batch at once.
    public var pushFanout = 3
    /// Most batches in one chunk.
    public var chunkBatchesMax = 64
    /// Most charged bytes in one chunk (see `BatchCharge`).
    public var chunkBytesMax = 1 << 20
    /// The receive window, in full chunks: a puller grants credit for this many times
    /// `chunkBatchesMax` batches and `chunkBytesMax` charged bytes, and gives credit back
    /// only as chunks are applied, so per session no more than that is ever in flight or
    /// waiting to be applied (smaller chunks may be more numerous; the bytes stay bounded).
    public var inflightChunksMax = 4
    /// A session with no progress for this long is dropped; the next round retries.
    public var sessionIdleTimeoutMillis: UInt64 = 10_000
    /// Most peers pulled from at once.
    public var pullSessionsMax = 4
    /// Most peers served at once.
    public var serveSessionsMax = 8
    /// Most pushed batches handed to the store and not yet reported applied.
    public var pushAppliesInflightMax = 16

    public init(site: SiteID) { self.site = site }

    var windowBatches: UInt32 { UInt32(inflightChunksMax * chunkBatchesMax) }
    var windowBytes: UInt32 { UInt32(inflightChunksMax * chunkBytesMax) }

    func validate() {
        precondition(roundIntervalMillis > 0 && stateDigestIntervalMillis > 0, "intervals must be positive")
        precondition(pushFanout >= 0, "push fanout \(pushFanout)")
        precondition(chunkBatchesMax >= 1 && chunkBatchesMax <= SyncMessage.chunkBatchesMax,
                     "chunkBatchesMax must be within the wire bound \(SyncMessage.chunkBatchesMax)")
        precondition(chunkBytesMax >= 1 && inflightChunksMax >= 1, "windows need room")
        precondition(UInt64(inflightChunksMax) * UInt64(chunkBytesMax) <= UInt64(UInt32.max), "byte window beyond 32 bits")
        precondition(pullSessionsMax >= 1 && serveSessionsMax >= 1 && pushAppliesInflightMax >= 1, "tables need room")
    }
}

/// What a batch costs against a byte credit: its encoded size, but never more than
/// one chunk. A batch larger than `chunkBytesMax` (bodies may reach 8 MiB) then still
/// moves, alone in its chunk, instead of stalling the stream forever; memory stays
/// bounded by `inflightChunksMax` such chunks.
public enum BatchCharge {
    public static func bytes(_ batch: SealedBatch, chunkBytesMax: Int) -> UInt32 {
        UInt32(min(encodedByteCount(batch), chunkBytesMax))
    }

    public static func encodedByteCount(_ batch: SealedBatch) -> Int {
        BatchHeader.byteCount + varintLength(batch.body.count) + batch.body.count
            + varintLength(batch.signature.count) + batch.signature.count
    }

    static func varintLength(_ n: Int) -> Int {
        var n = UInt64(n), length = 1
        while n >= 0x80 { n >>= 7; length += 1 }
        return length
    }
}
