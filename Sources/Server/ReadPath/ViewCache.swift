import Foundation
import Replica
import Security
import Synchronization

/// Views computed once per replica state. The merged state moves only when a batch
/// commits (here, at a peer, or by a CLI writing the same file), and the version vector
/// names that state; so a view — a part of a page, a list the API answers — computed
/// for one vector, one minute of the server clock (SLA clocks and "on duty now" move
/// with it), one language and one `ViewScope` is the same for every request that
/// agrees on all four, and is computed once.
///
/// Single flight: the first request for a key computes it on the read lane and the
/// others await the same task, so a commit under 50 clients costs one computation,
/// not 50. A failed computation is not kept. Entries of an older state are dropped as
/// soon as a newer state is seen; `entriesMax` bounds what many scopes can hold.
final class ViewCache<Value: Sendable>: Sendable {
    struct Key: Hashable, Sendable {
        /// Which view (`"home.tickets"`, `"api.tickets"` …).
        let view: String
        /// The replica state the view was computed at.
        let state: StateStamp
        /// The server clock's minute, for views that show time-dependent state.
        let minute: Int
        /// Language, role scope and query: everything else the view depends on.
        let variant: String
    }

    /// Most views kept at once, all states and scopes together.
    static var entriesMax: Int { 1_024 }

    private struct Entries {
        var tasks: [Key: Task<Value, any Error>] = [:]
        var order: [Key] = []
        var newestState = StateStamp(digest: "", batches: 0)
        var hits = 0
        var misses = 0
    }

    private let entries = Mutex(Entries())

    /// The cached view of `key`, or `compute` run once for it.
    func value(_ key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let cached = entries.withLock { e -> Task<Value, any Error>? in
            if key.state.batches < e.newestState.batches { return nil }
            if e.newestState != key.state {
                // A newer state makes every older view unreachable: each request reads
                // the vector first, and the vector only grows.
                e.tasks = e.tasks.filter { $0.key.state == key.state }
                e.order.removeAll { $0.state != key.state }
                e.newestState = key.state
            }
            if let running = e.tasks[key] {
                e.hits += 1
                return running
            }
            e.misses += 1
            if e.order.count >= Self.entriesMax {
                let oldest = e.order.removeFirst()
                e.tasks[oldest] = nil
            }
            let task = Task { try await compute() }
            e.tasks[key] = task
            e.order.append(key)
            return task
        }
        // A request that read the vector just before a commit others have already seen:
        // its view is computed for it alone, not kept.
        guard let task = cached else { return try await compute() }
        do {
            return try await task.value
        } catch {
            entries.withLock { e in
                // Keep no failure: the next request computes again (and sees the error itself).
                if e.tasks[key] == task {
                    e.tasks[key] = nil
                    e.order.removeAll { $0 == key }
                }
            }
            throw error
        }
    }

    /// Hits and misses since the node started (for `/metrics` and the benchmark).
    var counts: (hits: Int, misses: Int, entries: Int) {
        entries.withLock { ($0.hits, $0.misses, $0.tasks.count) }
    }
}

/// A state of the replica as requests see it: the digest of the version vector (equal
/// digests, equal merged state) and its batch count, which only grows, to tell older
/// from newer.
struct StateStamp: Hashable, Sendable {
    let digest: String
    let batches: UInt64
}

/// The version the API and the pages show for a vector: 16 bytes of its BLAKE2b.
enum ChangesDigest {
    static func of(_ vector: VersionVector) -> String {
        Blake2b.digest(Array(vector.description.utf8), length: 16).map { String(format: "%02x", $0) }.joined()
    }
}
