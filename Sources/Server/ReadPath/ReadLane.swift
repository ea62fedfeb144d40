import Hummingbird
import Logging
import NIOPosix
import Synchronization

/// Where a request's synchronous work runs — SQLite reads, computing a view, rendering
/// it. Not on NIO's event loops and not on Swift's cooperative threads: both are few (one
/// per core) and a page that reads for 50 ms would hold one, so a session check or the
/// version vector would queue behind it. The lane's threads block instead, and the
/// operating system shares the cores between them and the cheap requests.
///
/// Bounded: at most `heavyInFlightMax` requests wait for or run on the lane; the next one
/// is answered 503 at once (with a log line) rather than queued without end.
final class ReadLane: Sendable {
    /// Requests that may wait for or hold a lane thread at once. Past this the node is
    /// overloaded: a quick 503 tells the client to retry instead of a minute's wait.
    static let heavyInFlightMax = 512

    private let pool: NIOThreadPool
    private let inFlight = Mutex(0)
    private let logger: Logger

    init(pool: NIOThreadPool = .singleton, logger: Logger = Logger(label: "meshdesk.web.reads")) {
        self.pool = pool
        self.logger = logger
    }

    /// Runs `work` on a lane thread and returns its result to the caller's task.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = inFlight.withLock { count -> Bool in
            guard count < Self.heavyInFlightMax else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.warning("read lane full: request refused", metadata: ["in_flight_max": "\(Self.heavyInFlightMax)"])
            throw APIError(.serviceUnavailable, "overloaded", "the node is answering \(Self.heavyInFlightMax) requests already; retry in a moment")
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }
}
