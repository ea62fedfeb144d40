import Replica
@testable import Sync

func site(_ n: UInt64) -> SiteID { SiteID(rawValue: n) }

func makeBatch(origin: Origin, seq: UInt64, bodyBytes: Int, fill: UInt8 = 0xAB) -> SealedBatch {
    let header = BatchHeader(origin: origin, seq: seq, prevHash: .zero, time: Timestamp(millis: seq), schemaVersion: 1)
    return SealedBatch(header: header, body: [UInt8](repeating: fill &+ UInt8(truncatingIfNeeded: seq), count: bodyBytes),
                       signature: [UInt8](repeating: 0x5A, count: 64))
}

/// Stands in for the Storage layer: a batch log per origin keyed by sequence number.
/// Applying is idempotent and holds out-of-order batches, as the real store's bounded
/// buffer does; the vector counts only the gap-free prefix.
struct FakeReplica: Equatable {
    var log: [Origin: [UInt64: SealedBatch]] = [:]

    mutating func append(_ batch: SealedBatch) { log[batch.header.origin, default: [:]][batch.header.seq] = batch }

    var vector: VersionVector {
        var entries: [Origin: UInt64] = [:]
        for (origin, batches) in log {
            var seq: UInt64 = 0
            while batches[seq + 1] != nil { seq += 1 }
            entries[origin] = seq
        }
        return VersionVector(entries)
    }

    /// The `loadBatches` contract: consecutive batches, at most `maxCount`, stopping
    /// before `maxBytes` would be exceeded except that the first is always returned.
    func load(_ request: LoadRequest) -> [SealedBatch] {
        var out: [SealedBatch] = []
        var bytes = 0
        var seq = request.fromSeq
        while out.count < request.maxCount, let batch = log[request.origin]?[seq] {
            let size = BatchCharge.encodedByteCount(batch)
            if !out.isEmpty && bytes + size > request.maxBytes { break }
            out.append(batch)
            bytes += size
            seq += 1
        }
        return out
    }
}
