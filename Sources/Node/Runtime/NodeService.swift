import Logging
import ServiceLifecycle

/// The node as a swift-service-lifecycle `Service`: runs until graceful shutdown
/// (SIGTERM/SIGINT through the `ServiceGroup`), then closes every session with its
/// final frame, writes a last status file and releases the event loops.
///
/// A `companion` runs beside the started node in the same task — `meshdesk serve` runs
/// the web server there (Node cannot import Server, so the executable passes it in).
/// The companion must return when graceful shutdown is requested (a Hummingbird
/// application's `run()` does); the node stops after it, so the last HTTP requests
/// still find an open replica. If the companion fails, the node stops and the error
/// ends the service group.
public struct NodeService: Service {
    public typealias Companion = @Sendable (NodeRuntime) async throws -> Void

    let config: NodeConfig
    let logger: Logger
    let companion: Companion?

    public init(config: NodeConfig, logger: Logger, companion: Companion? = nil) {
        self.config = config
        self.logger = logger
        self.companion = companion
    }

    public func run() async throws {
        let loops = NodeBoot.Loops()
        let runtime: NodeRuntime
        do {
            runtime = try await NodeBoot.start(config: config, loops: loops, logger: logger)
        } catch {
            await loops.shutdown()
            throw error
        }
        var failure: (any Error)?
        if let companion {
            do { try await companion(runtime) } catch {
                logger.error("companion service failed; stopping the node", metadata: ["error": "\(error)"])
                failure = error
            }
        } else {
            // Park until shutdown is requested; cancellation also ends the wait.
            try? await gracefulShutdown()
        }
        await runtime.stop()
        await loops.shutdown()
        if let failure { throw failure }
    }
}
