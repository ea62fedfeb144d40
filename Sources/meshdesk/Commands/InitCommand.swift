import ArgumentParser
import Foundation
import Node
import Security

/// `meshdesk init`: a data directory with a fresh identity (0600) and a config file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node's data directory: identity key file (0600), public key, meshdesk.toml."
    )

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Campus code (A-Z0-9, 1…8), e.g. MAIN, EAST.") var campus = "MAIN"
    @Option(help: "Campus name as staff say it.") var name = "主院区"
    @Option(help: "Listen address host:port.") var listen = "127.0.0.1:7400"
    @Option(name: .customLong("seed"), help: "Seed peer address (repeatable); default: every roster member.")
    var seeds: [String] = []
    @Option(help: "Gossip (anti-entropy) interval in ms.") var gossipIntervalMs: UInt64 = 500
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let logger = makeLogger("meshdesk.init")
        let directory = data.directory
        var config = NodeConfig()
        config.campusCode = campus
        config.campusName = name
        config.listen = listen
        config.seeds = seeds
        config.dataDirectory = directory.url.path
        config.gossipIntervalMillis = gossipIntervalMs
        try config.validate()
        guard !FileManager.default.fileExists(atPath: directory.identityURL.path) else {
            throw ValidationError("\(directory.url.path) already holds a node identity; not overwriting it")
        }
        let identity = try directory.prepareIdentity(logger: logger)
        try ClusterFiles.writePublicKey(identity.publicKey, to: directory.url.appendingPathComponent("identity.pub").path)
        try Data(config.toml.utf8).write(to: directory.configURL, options: .atomic)
        let report = InitReport(data_dir: directory.url.path, site: identity.site.description,
                                public_key: identity.publicKey.description, config: directory.configURL.path)
        if json { print(try jsonString(report)) } else {
            print("""
                node created in \(report.data_dir)
                site        \(report.site)
                public key  \(report.public_key)
                config      \(report.config)
                next: meshdesk cluster add --cluster-dir CLUSTER --data-dir \(data.path)
                """)
        }
    }

    struct InitReport: Codable { let data_dir, site, public_key, config: String }
}
