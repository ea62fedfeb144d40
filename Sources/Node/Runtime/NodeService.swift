import Logging
import ServiceLifecycle

/// The node as a swift-service-lifecycle `Service`: runs until graceful shutdown
/// (SIGTERM/SIGINT through the `ServiceGroup`), then closes every session with its
/// final frame, writes a last status file and releases the event loops.
public struct NodeService: Service {
    let config: NodeConfig
    let logger: Logger

    public init(config: NodeConfig, logger: Logger) {
        self.config = config
        self.logger = logger
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
        // Park until shutdown is requested; cancellation also ends the wait.
        try? await gracefulShutdown()
        await runtime.stop()
        await loops.shutdown()
    }
}
