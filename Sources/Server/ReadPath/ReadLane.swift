import Hummingbird
import NIOCore
import Logging
import NIOPosix
import Synchronization
#if os(Linux)
import Glibc
#endif

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

    /// How much lower than the request threads the lane's threads run (a `nice` step):
    /// with the cores busy, a cached answer or a session check is scheduled before the
    /// next slice of a view being computed, so cheap requests do not wait behind heavy
    /// ones. At 5 the lane still gets about a quarter of a busy core (Linux CFS weights
    /// 335 against 1024), so views keep being computed under load.
    static let priorityLowering: Int32 = 5

    /// The lane's own threads (one per core), started once per process: lowering their
    /// priority must not lower NIO's shared blocking pool, which file I/O also uses.
    static let lanePool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        pool.start()
        return pool
    }()

    private let pool: NIOThreadPool
    private let inFlight = Mutex(0)
    private let logger: Logger

    init(pool: NIOThreadPool = ReadLane.lanePool, logger: Logger = Logger(label: "meshdesk.web.reads")) {
        self.pool = pool
        self.logger = logger
    }

    /// Lowers the calling thread's scheduling priority once (a lane thread, on its first work).
    private static func lowerPriorityOnce() {
        #if os(Linux)
        guard loweredThreads.currentValue == nil else { return }
        loweredThreads.currentValue = LoweredThread()
        // On Linux the nice value is per thread, and PRIO_PROCESS with `who` 0 is the
        // calling thread (setpriority(2), "BUGS"): this lowers the lane thread alone.
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        _ = setpriority(which, 0, getpriority(which, 0) + priorityLowering)
        #endif
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
        return try await pool.runIfActive {
            Self.lowerPriorityOnce()
            return try work()
        }
    }
}

/// Marks a lane thread whose priority was lowered already.
private final class LoweredThread: Sendable {}
private let loweredThreads = ThreadSpecificVariable<LoweredThread>()
