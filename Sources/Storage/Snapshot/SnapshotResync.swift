import Foundation
import Replica

public struct ReapplyReport: Hashable, Sendable {
    /// Batches of the old replica the snapshot lacked, applied now.
    public var applied = 0
    /// Batches the snapshot already held (or that arrived buffered and drained).
    public var alreadyHeld = 0
    public var refused = 0
    /// Of the applied ones, batches of this very site: local writes no peer had yet.
    public var ownApplied = 0
}

extension ReplicaStore {
    /// Batches re-applied per chunk (one transaction each).
    public static let reapplyChunkBatchesMax = 256

    /// The second half of a resync past the compaction horizon: this replica was just
    /// installed from a peer's snapshot; `old` is the lagging replica it replaces. Every
    /// batch `old` holds that the snapshot's vector does not cover — its own unsent
    /// writes above all — goes through the normal intake (signature, chain, apply), so
    /// nothing the old replica knew is lost and nothing is applied twice.
    public func reapplyUncovered(from old: ReplicaStore) throws -> ReapplyReport {
        var report = ReapplyReport()
        let oldVector = try old.versionVector()
        let oldFloor = try old.logFloor()
        for origin in oldVector.origins {
            var next = max(try versionVector()[origin], oldFloor[origin]) + 1
            while next <= oldVector[origin] {
                let chunk = try old.batches(of: origin, from: next,
                                            limit: ChunkLimit(batchesMax: Self.reapplyChunkBatchesMax, bytesMax: 16 << 20))
                guard let last = chunk.last else { break }
                for result in receive(chunk) {
                    switch result {
                    case .success(.applied):
                        report.applied += 1
                        if origin.site == site { report.ownApplied += 1 }
                    case .success: report.alreadyHeld += 1
                    case .failure: report.refused += 1
                    }
                }
                next = last.header.seq + 1
            }
        }
        logger.notice("re-applied the old replica's batches the snapshot lacked", metadata: [
            "applied": "\(report.applied)", "own": "\(report.ownApplied)", "held": "\(report.alreadyHeld)", "refused": "\(report.refused)",
        ])
        return report
    }
}
