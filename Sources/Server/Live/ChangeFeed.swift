import Foundation
import Logging
import Storage
import Synchronization

/// Tells open pages that the replica's state moved — a local write, a batch from a
/// peer, a CLI writing the same file — as server-sent events (`GET /api/events`).
///
/// One watcher reads the version vector every `pollInterval` while anyone listens (a
/// read of one small table) and wakes each listener when it moved, or when a heartbeat
/// is due. A wake-up carries nothing: the listener reads the newest state from the feed,
/// so one that falls behind skips states rather than queueing them, and a slow or
/// stalled client costs one slot and nothing more. Slots are bounded per node and per session, and a
/// stream ends after `streamLifetime` (the browser reconnects with `Last-Event-ID`), so
/// a client that never reads cannot hold one for ever.
final class ChangeFeed: Sendable {
    struct Limits: Sendable {
        /// Open streams on this node, all sessions together.
        var streamsMax = 1_000
        /// Open streams of one session (a user with many tabs).
        var streamsPerSessionMax = 8
        /// How often the watcher reads the version vector while anyone listens.
        var pollInterval: Duration = .milliseconds(50)
        /// A comment line this often keeps proxies and the browser from timing out.
        var heartbeatInterval: Duration = .seconds(15)
        /// After this a stream ends and the browser opens a new one.
        var streamLifetime: Duration = .seconds(600)
        /// A write to a stream that has not completed after this (a client that stopped
        /// reading, its socket buffers full) closes the connection.
        var writeStallMax: Duration = .seconds(30)
        /// How often a stream's watchdog looks for a stalled write.
        var writeStallCheckInterval: Duration = .seconds(1)
    }

    /// Why a stream was not opened.
    enum Refusal: Error, Equatable {
        case nodeFull
        case sessionFull
    }

    /// Why a listener was woken.
    enum Wake: Sendable {
        case moved
        case heartbeat
        /// The stream has lived its `streamLifetime`: end it.
        case expired
    }

    struct Listener: Sendable {
        let id: UInt64
        let wakes: AsyncStream<Wake>
    }

    private struct Listeners {
        var byID: [UInt64: (session: String, opened: ContinuousClock.Instant, continuation: AsyncStream<Wake>.Continuation)] = [:]
        var perSession: [String: Int] = [:]
        var nextID: UInt64 = 0
        var watcher: Task<Void, Never>?
        var latest: StateStamp?
        var refused = 0
    }

    let limits: Limits
    /// How long past its lifetime a stream may stay registered before the watcher drops it.
    static let abandonedGrace: Duration = .seconds(60)
    private let store: ReplicaStore
    private let listeners = Mutex(Listeners())
    private let logger: Logger

    init(store: ReplicaStore, limits: Limits = Limits(), logger: Logger = Logger(label: "meshdesk.web.events")) {
        self.store = store
        self.limits = limits
        self.logger = logger
    }

    /// A slot for `session`, or a refusal when the node or the session has none left.
    func listen(session: String) throws(Refusal) -> Listener {
        let (stream, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let outcome = listeners.withLock { l -> Result<UInt64, Refusal> in
            if l.byID.count >= limits.streamsMax { l.refused += 1; return .failure(.nodeFull) }
            if l.perSession[session, default: 0] >= limits.streamsPerSessionMax { l.refused += 1; return .failure(.sessionFull) }
            l.nextID += 1
            l.byID[l.nextID] = (session, ContinuousClock.now, continuation)
            l.perSession[session, default: 0] += 1
            if l.latest != nil { continuation.yield(.moved) }
            if l.watcher == nil { l.watcher = Task { [weak self] in await self?.watch() } }
            return .success(l.nextID)
        }
        switch outcome {
        case .success(let id):
            continuation.onTermination = { [weak self] _ in self?.close(id) }
            return Listener(id: id, wakes: stream)
        case .failure(let refusal):
            logger.warning("event stream refused", metadata: ["reason": "\(refusal)", "session_streams_max": "\(limits.streamsPerSessionMax)",
                                                              "streams_max": "\(limits.streamsMax)"])
            throw refusal
        }
    }

    func close(_ id: UInt64) {
        let (removed, watcher) = listeners.withLock { l -> (AsyncStream<Wake>.Continuation?, Task<Void, Never>?) in
            guard let removed = l.byID.removeValue(forKey: id) else { return (nil, nil) }
            l.perSession[removed.session, default: 1] -= 1
            if l.perSession[removed.session] == 0 { l.perSession[removed.session] = nil }
            guard l.byID.isEmpty, let watcher = l.watcher else { return (removed.continuation, nil) }
            l.watcher = nil
            // Nobody watches now: the next listener must not be told a state that old.
            l.latest = nil
            return (removed.continuation, watcher)
        }
        // Outside the lock: finishing runs `onTermination`, which calls `close` again.
        removed?.finish()
        watcher?.cancel()
    }

    /// The newest state the watcher saw (nil until its first read).
    var latest: StateStamp? { listeners.withLock { $0.latest } }

    /// Open streams and refusals since start (for `/metrics` and the tests).
    var counts: (open: Int, refused: Int) { listeners.withLock { ($0.byID.count, $0.refused) } }

    /// The state requests see now. Read in place, not on the read lane: it is one read of
    /// a table with a row per origin (tens of microseconds), and queued behind the lane's
    /// page work it would delay every open page's event by as long as the heaviest page.
    static func stamp(of store: ReplicaStore) throws -> StateStamp { StateStamp(try store.versionVector()) }

    private func watch() async {
        var lastBeat = ContinuousClock.now
        while !Task.isCancelled {
            do {
                let stamp = try Self.stamp(of: store)
                let beat = ContinuousClock.now - lastBeat >= limits.heartbeatInterval
                if beat { lastBeat = ContinuousClock.now }
                listeners.withLock { l in
                    let moved = l.latest != stamp
                    l.latest = stamp
                    guard moved || beat else { return }
                    for listener in l.byID.values { listener.continuation.yield(moved ? .moved : .heartbeat) }
                }
                // After the state: a stream that expires tells the newest state first.
                let overdue = listeners.withLock { l -> [UInt64] in
                    let now = ContinuousClock.now
                    for listener in l.byID.values where now - listener.opened >= limits.streamLifetime {
                        listener.continuation.yield(.expired)
                    }
                    // A stream whose response was never written (the client left first)
                    // would hold its slot for ever: past its lifetime and a grace, it goes.
                    return l.byID.filter { now - $0.value.opened > limits.streamLifetime + Self.abandonedGrace }.map(\.key)
                }
                for id in overdue { close(id) }
            } catch {
                logger.error("event feed could not read the version vector", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: limits.pollInterval) } catch { return }
        }
    }
}
