import Replica
import Storage
import Sync

/// Learns, from the anti-entropy messages a peer sends, which version vector it holds,
/// and records it in the store for the compaction horizon (docs/replication.md,
/// "Compaction"). Nothing new goes on the wire:
/// - `vectorRequest(v)` and `vector(v)` carry the peer's whole vector;
/// - a `vectorDigest` equal to the digest of our vector says it holds exactly what we
///   hold (a 64-bit FNV collision would overstate it; see the doc for why that is
///   accepted).
///
/// Writes are throttled: a peer's acknowledgement is stored when its vector changed or
/// `refreshMillis` passed since the last store, so a converged cluster exchanging only
/// digests costs one small write per peer per interval.
struct HorizonAcknowledgements {
    /// How often an unchanged acknowledgement is re-stored (its `learned_at` refreshed).
    static let refreshMillisDefault: UInt64 = 60_000

    let refreshMillis: UInt64
    private var lastStored: [SiteID: (vector: VersionVector, at: Instant)] = [:]

    init(refreshMillis: UInt64 = Self.refreshMillisDefault) {
        self.refreshMillis = refreshMillis
    }

    /// The vector `message` says `peer` holds, if it says one.
    static func acknowledgedVector(in message: SyncMessage, ourVector: VersionVector) -> VersionVector? {
        switch message {
        case let .vectorRequest(vector), let .vector(vector): vector
        case let .vectorDigest(digest): digest.digest == VectorDigest.of(ourVector) ? ourVector : nil
        default: nil
        }
    }

    /// Whether the acknowledgement should be written now; notes it as written if so.
    mutating func shouldStore(_ vector: VersionVector, from peer: SiteID, now: Instant) -> Bool {
        if let last = lastStored[peer], last.vector == vector, now < last.at.advanced(byMillis: refreshMillis) {
            return false
        }
        lastStored[peer] = (vector, now)
        return true
    }
}
