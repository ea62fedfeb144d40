import ArgumentParser
import Foundation
import Logging
import Node
import ServiceLifecycle

/// `meshdesk serve`: run one campus node until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run this campus node: listen, sync with the roster's peers, until SIGTERM or SIGINT."
    )

    @Option(help: "Config file (TOML). Default: <data-dir>/meshdesk.toml if present, else built-in defaults.")
    var config: String?
    @Option(name: .customLong("data-dir"), help: "Data directory (overrides the config's).") var dataDir: String?
    @Option(help: "Listen address host:port (overrides the config's).") var listen: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func run() async throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        var effective = nodeConfig
        if let listen { effective.listen = listen }
        try effective.validate()
        let logger = makeLogger("meshdesk.node", level: Logger.Level(rawValue: logLevel) ?? .info)
        let group = ServiceGroup(services: [NodeService(config: effective, logger: logger)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
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
    return config
}
