import Foundation
import Replica
import Security
import Storage
import Synchronization

/// Views computed once per replica state. The merged state moves only when a batch
/// commits (here, at a peer, or by a CLI writing the same file), and the store counts,
/// per entity, the batches that touched it (`ReplicaReadState`). A view — a part of a
/// page, a list the API answers — reads a known set of entities (`ViewReads`); computed
/// for one set of their counts, one minute of the server clock (SLA clocks and "on duty
/// now" move with it), one language and one `ViewScope`, it is the same for every
/// request that agrees on all four, and is computed once. A ticket written leaves the
/// roster's and the assets' views where they are.
///
/// Single flight: the first request for a key computes it on the read lane and the
/// others await the same task, so a commit under 50 clients costs one computation,
/// not 50. A failed computation is not kept. A view's entries of an older generation
/// are dropped as soon as a newer one is seen; `entriesMax` bounds what many scopes can
/// hold.
/// Whether a requester must see the newest state (they just wrote: their write must be
/// in what they read next) or may be served the previous view for a moment.
enum ViewFreshness: Sendable {
    case newest
    case recentEnough
}

final class ViewCache<Value: Sendable>: Sendable {
    struct Key: Hashable, Sendable {
        /// Which view (`"home.tickets"`, `"api.tickets"` …).
        let view: String
        /// The touch counts of the entities the view reads.
        let touches: [UInt64]
        /// The server clock's minute, for views that show time-dependent state (0 else).
        let minute: Int
        /// Language, role scope and query: everything else the view depends on.
        let variant: String

        /// Counts only grow and the clock only moves on: a larger generation is newer.
        var generation: Generation { Generation(touched: touches.reduce(0, +), minute: minute) }
    }

    struct Generation: Comparable, Sendable {
        let touched: UInt64
        let minute: Int
        static func < (a: Generation, b: Generation) -> Bool { (a.touched, a.minute) < (b.touched, b.minute) }
    }

    /// Most views kept at once, all views, states and scopes together.
    static var entriesMax: Int { 1_024 }

    /// A view may be served up to this long after it was computed while its successor
    /// is being computed, to a requester that did not just write (`ViewFreshness`).
    static var staleServeMax: Duration { .seconds(2) }

    /// A view as served: its value and whether it is of the generation asked for.
    struct Served: Sendable {
        let value: Value
        let isCurrent: Bool
    }

    private enum Lookup {
        case uncached
        case wait(Task<Value, any Error>)
        case stale(Value)
    }

    private struct Variant: Hashable {
        let view: String
        let variant: String
    }

    private struct Entries {
        var tasks: [Key: Task<Value, any Error>] = [:]
        var order: [Key] = []
        var newest: [String: Generation] = [:]
        /// The last view computed for each view and variant, with when: what a
        /// `recentEnough` requester is served while the next one is computed.
        var lastGood: [Variant: (value: Value, generation: Generation, at: ContinuousClock.Instant)] = [:]
    }

    private let entries = Mutex(Entries())

    /// The cached view of `key`, or `compute` run once for it.
    func value(_ key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await serve(key, freshness: .newest, compute: compute).value
    }

    /// The cached view of `key`; on a miss `compute` runs once for it, and a requester
    /// that may (`recentEnough`) is served the previous view meanwhile, if it is younger
    /// than `staleServeMax`.
    func serve(_ key: Key, freshness: ViewFreshness, compute: @escaping @Sendable () async throws -> Value) async throws -> Served {
        let variant = Variant(view: key.view, variant: key.variant)
        let lookup = entries.withLock { e -> Lookup in
            let generation = key.generation
            if let newest = e.newest[key.view] {
                if generation < newest { return .uncached }
                if newest < generation {
                    // A newer generation makes the view's older entries unreachable: each
                    // request reads the counts first, and they only grow.
                    e.tasks = e.tasks.filter { $0.key.view != key.view || $0.key.generation == generation }
                    e.order.removeAll { $0.view == key.view && $0.generation != generation }
                }
            }
            e.newest[key.view] = generation
            if let running = e.tasks[key] {
                if case .recentEnough = freshness, let last = e.lastGood[variant], last.generation < generation,
                   ContinuousClock.now - last.at < Self.staleServeMax {
                    return .stale(last.value)
                }
                return .wait(running)
            }
            if e.order.count >= Self.entriesMax {
                let oldest = e.order.removeFirst()
                e.tasks[oldest] = nil
            }
            let task = Task { [weak self] in
                let value = try await compute()
                self?.entries.withLock { e in
                    if e.lastGood.count >= Self.entriesMax { e.lastGood.removeAll() }
                    if let last = e.lastGood[variant], generation < last.generation { return }
                    e.lastGood[variant] = (value, generation, ContinuousClock.now)
                }
                return value
            }
            e.tasks[key] = task
            e.order.append(key)
            if case .recentEnough = freshness, let last = e.lastGood[variant], ContinuousClock.now - last.at < Self.staleServeMax {
                return .stale(last.value)
            }
            return .wait(task)
        }
        switch lookup {
        case .uncached:
            // A request that read the counts just before a commit others have already
            // seen: its view is computed for it alone, not kept.
            return Served(value: try await compute(), isCurrent: true)
        case .stale(let value):
            return Served(value: value, isCurrent: false)
        case .wait(let task):
            do {
                return Served(value: try await task.value, isCurrent: true)
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
    }
}

/// A state of the replica as requests see it: the digest of the version vector (equal
/// digests, equal merged state) and its batch count, which only grows.
struct StateStamp: Hashable, Sendable {
    let digest: String
    let batches: UInt64

    init(digest: String, batches: UInt64) {
        self.digest = digest
        self.batches = batches
    }

    init(_ vector: VersionVector) {
        self.init(digest: ChangesDigest.of(vector), batches: vector.batchCount)
    }
}

/// What one request reads first, once: the stamp pages show and the event feed sends,
/// and the per-entity counts its views are cached by.
struct SeenState: Sendable {
    let stamp: StateStamp
    let read: ReplicaReadState

    init(_ read: ReplicaReadState) {
        self.read = read
        self.stamp = StateStamp(read.vector)
    }

    func touches(_ entities: [EntityID]) -> [UInt64] { read.touches(of: entities) }
}

/// The version the API and the pages show for a vector: 16 bytes of its BLAKE2b.
enum ChangesDigest {
    static func of(_ vector: VersionVector) -> String {
        Blake2b.digest(Array(vector.description.utf8), length: 16).map { String(format: "%02x", $0) }.joined()
    }
}
