import Replica

/// The receiving side of one stream: what we asked a peer for and how much more it
/// may send. Credit is spent by each chunk received and given back only when that
/// chunk is applied, so unapplied data per session never exceeds the window.
struct PullSession: Hashable, Sendable {
    /// Per origin, the highest sequence number asked for.
    var wanted: [Origin: UInt64]
    /// What the peer may still send before it must wait for a `Credit`.
    var availableBatches: UInt32
    var availableBytes: UInt32
    var lastActivity: Instant

    func isComplete(given local: VersionVector) -> Bool {
        wanted.allSatisfy { local[$0.key] >= $0.value }
    }

    /// Checks a chunk against what was asked and the credit left; nil when acceptable.
    func violation(in chunk: BatchChunk, charged: UInt32, chunkBatchesMax: Int, chunkBytesMax: Int) -> String? {
        if chunk.batches.count > chunkBatchesMax { return "chunk of \(chunk.batches.count) batches, at most \(chunkBatchesMax)" }
        if UInt32(chunk.batches.count) > availableBatches { return "chunk beyond batch credit \(availableBatches)" }
        if charged > availableBytes { return "chunk of \(charged) bytes beyond byte credit \(availableBytes)" }
        if charged > UInt32(chunkBytesMax) { return "chunk of \(charged) bytes, at most \(chunkBytesMax)" }
        for batch in chunk.batches {
            guard let through = wanted[batch.header.origin], batch.header.seq <= through else {
                return "unrequested batch \(batch.header.origin)#\(batch.header.seq)"
            }
        }
        return nil
    }
}

/// The sending side of one stream: ranges still to send and the credit granted.
/// At most one load from the store is outstanding per session, which is what bounds
/// the memory a serving node spends on one peer.
struct ServeSession: Hashable, Sendable {
    var ranges: [SeqRange]
    var creditBatches: UInt32
    var creditBytes: UInt32
    var loading: LoadRequest?
    var lastActivity: Instant
}
