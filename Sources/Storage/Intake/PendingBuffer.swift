import Replica

/// Batches that arrived ahead of a gap in their origin's sequence, waiting for the
/// gap to fill. Bounded in count and in how far ahead a batch may be: what does not
/// fit is refused (the sender's anti-entropy offers it again later), never queued
/// without limit.
struct PendingBuffer: Sendable {
    struct Entry: Sendable {
        let batch: SealedBatch
        let hash: BatchHash
        let changes: [Change]
    }

    let batchesMax: Int
    let seqWindowMax: UInt64
    private(set) var byOrigin: [Origin: [UInt64: Entry]] = [:]
    private(set) var count = 0

    init(batchesMax: Int, seqWindowMax: UInt64) {
        precondition(batchesMax > 0 && seqWindowMax > 0)
        self.batchesMax = batchesMax
        self.seqWindowMax = seqWindowMax
    }

    enum Insertion: Equatable {
        case buffered
        case alreadyBuffered
        /// Another batch with the same origin and seq but different content is waiting.
        case conflictsWithBuffered(BatchHash)
    }

    mutating func insert(_ entry: Entry, contiguous: UInt64) throws(StorageError) -> Insertion {
        let origin = entry.batch.header.origin
        let seq = entry.batch.header.seq
        precondition(seq > contiguous + 1, "only batches beyond a gap are buffered")
        if let existing = byOrigin[origin]?[seq] {
            return existing.hash == entry.hash ? .alreadyBuffered : .conflictsWithBuffered(existing.hash)
        }
        guard seq - contiguous <= seqWindowMax else {
            throw .gapBeyondBuffer(origin: origin, seq: seq, contiguous: contiguous)
        }
        guard count < batchesMax else { throw .pendingBufferFull(batchesMax: batchesMax) }
        byOrigin[origin, default: [:]][seq] = entry
        count += 1
        return .buffered
    }

    /// Removes and returns the batch that continues `origin` after `contiguous`, if waiting.
    mutating func takeNext(after contiguous: UInt64, of origin: Origin) -> Entry? {
        guard let entry = byOrigin[origin]?.removeValue(forKey: contiguous + 1) else { return nil }
        count -= 1
        if byOrigin[origin]?.isEmpty == true { byOrigin[origin] = nil }
        return entry
    }

    /// Drops what can never apply: batches at or below the contiguous point, or of a
    /// quarantined origin.
    mutating func discard(origin: Origin, through contiguous: UInt64 = .max) {
        guard var entries = byOrigin[origin] else { return }
        for seq in entries.keys where seq <= contiguous { entries[seq] = nil; count -= 1 }
        byOrigin[origin] = entries.isEmpty ? nil : entries
    }
}
