import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

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
            return Response(status: .ok, headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("X-Accel-Buffering")!: "no",
            ], body: ResponseBody { writer in
                defer { feed.close(listener.id) }
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                var told = lastSeen
                // Whatever woke it, a stream first tells the newest state it has not told.
                for await wake in listener.wakes {
                    if let stamp = feed.latest, stamp.digest != told {
                        told = stamp.digest
                        try await writer.write(ByteBuffer(string: Self.event(stamp)))
                    } else if case .heartbeat = wake {
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    }
                    if case .expired = wake { break }
                }
                try await writer.finish(nil)
            })
        }
    }
}

extension APIRoutes {
    static func event(_ stamp: StateStamp) -> String {
        "id: \(stamp.digest)\nevent: state\ndata: {\"version\":\"\(stamp.digest)\",\"batches\":\(stamp.batches)}\n\n"
    }
}
