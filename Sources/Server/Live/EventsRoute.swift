import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `GET /api/events`: the change feed as `text/event-stream`. Each event's id is the
/// state's version (the `version` of `/api/changes`); a browser that reconnects sends
/// the last one as `Last-Event-ID` and is told at once if the state moved meanwhile.
/// A comment line every heartbeat keeps the connection open through idle minutes.
extension APIRoutes {
    func registerEvents(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/events") { request, context in
            let user = try context.user()
            let listener: ChangeFeed.Listener
            switch Result(catching: { () throws(ChangeFeed.Refusal) in try reads.feed.listen(session: user.session.token) }) {
            case .success(let opened): listener = opened
            case .failure(.sessionFull):
                throw APIError(.tooManyRequests, "event_streams_per_session",
                               "this session has \(reads.feed.limits.streamsPerSessionMax) event streams open already")
            case .failure(.nodeFull):
                throw APIError(.serviceUnavailable, "event_streams_full", "this node serves as many event streams as it can; the page polls instead")
            }
            let lastSeen = request.headers[HTTPField.Name("Last-Event-ID")!]
            let feed = reads.feed
            let channel = context.channel
            return Response(status: .ok, headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("X-Accel-Buffering")!: "no",
            ], body: ResponseBody { writer in
                try await Self.streamEventsUntilShutdown(listener, feed: feed, lastSeen: lastSeen, write: { try await writer.write($0) },
                                                         close: { channel.close(promise: nil) }, logger: context.logger)
                try await writer.finish(nil)
            })
        }
    }
}

extension APIRoutes {
    /// Writes `listener`'s events until it expires or a write fails. A write still pending
    /// after `writeStallMax` (a client that stopped reading) is ended by `close`, which
    /// closes the connection and so fails the write: a client that never reads holds its
    /// slot and its connection for at most that long, not for ever.
    static func streamEvents(_ listener: ChangeFeed.Listener, feed: ChangeFeed, lastSeen: String?,
                             write: (ByteBuffer) async throws -> Void, close: @escaping @Sendable () -> Void,
                             logger: Logger) async throws {
        defer { feed.close(listener.id) }
        let pending = PendingWrite()
        let limits = feed.limits
        let watchdog = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: limits.writeStallCheckInterval) } catch { return }
                guard let since = pending.since.withLock({ $0 }), ContinuousClock.now - since >= limits.writeStallMax else { continue }
                logger.notice("event stream closed: a write stalled", metadata: ["stall_max_s": "\(limits.writeStallMax.components.seconds)"])
                close()
                return
            }
        }
        defer { watchdog.cancel() }
        func send(_ text: String) async throws {
            pending.since.withLock { $0 = .now }
            defer { pending.since.withLock { $0 = nil } }
            try await write(ByteBuffer(string: text))
        }
        try await send("retry: 3000\n\n")
        var told = lastSeen
        // Whatever woke it, a stream first tells the newest state it has not told.
        for await wake in listener.wakes {
            if let stamp = feed.latest, stamp.digest != told {
                told = stamp.digest
                try await send(Self.event(stamp))
            } else if case .heartbeat = wake {
                try await send(": heartbeat\n\n")
            }
            if case .expired = wake { break }
        }
    }

    /// `streamEvents`, ended when the server shuts down gracefully. A stream lives up to its
    /// lifetime (minutes) and graceful shutdown waits for open responses: without this an
    /// open page would hold `meshdesk serve` up until it is killed. The browser reconnects
    /// to whichever node answers.
    static func streamEventsUntilShutdown(_ listener: ChangeFeed.Listener, feed: ChangeFeed, lastSeen: String?,
                                          write: (ByteBuffer) async throws -> Void, close: @escaping @Sendable () -> Void,
                                          logger: Logger) async throws {
        try await withGracefulShutdownHandler {
            try await streamEvents(listener, feed: feed, lastSeen: lastSeen, write: write, close: close, logger: logger)
        } onGracefulShutdown: {
            feed.close(listener.id)
        }
    }

    static func event(_ stamp: StateStamp) -> String {
        "id: \(stamp.digest)\nevent: state\ndata: {\"version\":\"\(stamp.digest)\",\"batches\":\(stamp.batches)}\n\n"
    }
}

/// When the write a stream is waiting on began (nil: none pending), for its watchdog.
final class PendingWrite: Sendable {
    let since = Mutex<ContinuousClock.Instant?>(nil)
}
