import ArgumentParser
import Domain
import Foundation
import Hummingbird
import Logging
import NIOCore
import Node
import Server
import ServiceLifecycle

/// `meshdesk serve`: run one campus node — gossip sync and, unless `[http]` is off, the
/// dashboard and JSON API in the same process over the same replica — until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run this campus node: sync with the roster's peers and serve the dashboard, until SIGTERM or SIGINT."
    )

    @Option(help: "Config file (TOML). Default: <data-dir>/meshdesk.toml if present, else built-in defaults.")
    var config: String?
    @Option(name: .customLong("data-dir"), help: "Data directory (overrides the config's).") var dataDir: String?
    @Option(help: "Sync listen address host:port (overrides the config's).") var listen: String?
    @Option(name: .customLong("http-listen"), help: "Dashboard/API listen address host:port (overrides the config's).")
    var httpListen: String?
    @Flag(name: .customLong("no-http"), help: "Serve no dashboard/API, whatever the config says.") var noHTTP = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @OptionGroup var notifications: NotificationOptions

    func run() async throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        var effective = nodeConfig
        if let listen { effective.listen = listen }
        if let httpListen { effective.httpListen = httpListen }
        if noHTTP { effective.httpListen = nil }
        try effective.validate()
        let logger = makeLogger("meshdesk.node", level: Logger.Level(rawValue: logLevel) ?? .info)
        let web: NodeService.Companion?
        if let address = effective.httpAddress {
            let directory = DataDirectory(path: effective.dataDirectory)
            let configuration = Self.serverConfiguration(effective)
            let notifications = self.notifications
            let campus = CampusCode(effective.campusCode)
            web = { runtime in
                // The web server reads and writes the very store the node syncs into:
                // one GRDB pool, each read a fresh snapshot, so a batch applied from a
                // peer is on the next page load.
                let department = Department(store: runtime.store)
                let app = try WebApplication.make(department: department, directory: directory,
                                                  configuration: configuration, host: address.host, port: address.port,
                                                  logger: logger) { port in
                    logger.notice("dashboard on http://\(address.host):\(port)/ (sign in at /sign-in)")
                }
                // Notification delivery runs beside the dashboard over the same replica, as its own service.
                let delivery = try notifications.delivery(department: department, directory: directory, localCampus: campus, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await app.run() }
                    if let delivery { group.addTask { try await delivery.run() } }
                    try await group.waitForAll()
                }
            }
        } else {
            logger.notice("http is off for this node: no dashboard or API")
            web = nil
        }
        let group = ServiceGroup(services: [NodeService(config: effective, logger: logger, companion: web)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    static func serverConfiguration(_ config: NodeConfig) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.passwordChangePeriodDays = config.passwordChangeDays > 0 ? config.passwordChangeDays : nil
        if let address = config.httpAddress {
            configuration.allowedHostNames = ServerConfiguration.hostNames(listenHost: address.host, extra: config.httpNames)
        }
        return configuration
    }
}

/// The Hummingbird application of a node: `MeshDeskServer`'s router, plus a callback
/// with the bound port (port 0 picks a free one: benchmarks and tests).
enum WebApplication {
    static func make(department: Department, directory: DataDirectory, configuration: ServerConfiguration,
                     host: String, port: Int, logger: Logger,
                     onRunning: @escaping @Sendable (Int) -> Void) throws -> some ApplicationProtocol {
        let router = try MeshDeskServer.makeRouter(department: department, directory: directory, configuration: configuration)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "MeshDesk"),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}

/// The config a command runs with: `--config`, else `<data-dir>/meshdesk.toml`, else
/// the defaults (with `--data-dir` applied).
func resolveConfig(config path: String?, dataDir: String?) throws -> NodeConfig {
    if let path { 
        var config = try NodeConfig.load(path: path)
        if let dataDir { config.dataDirectory = DataDirectory(path: dataDir).url.path }
        return config
    }
    let directory = DataDirectory(path: dataDir ?? DataDirectory.defaultPath)
    if FileManager.default.fileExists(atPath: directory.configURL.path) {
        return try NodeConfig.load(path: directory.configURL.path)
    }
    var config = NodeConfig()
    config.dataDirectory = directory.url.path
    config.httpListen = NodeConfig.httpListenDefault(dataDirectory: directory.url.path)
    return config
}
