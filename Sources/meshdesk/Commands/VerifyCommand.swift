import ArgumentParser
import Foundation
import Logging
import Node
import Security

/// `meshdesk verify`: integrity check, gap-free hash-chained log per origin, and the
/// materialised state against a replay of the log (`ReplicaAudit`). Read-only; run it on
/// a stopped node (after a crash, a restore, a disk scare). Exits 1 when a check fails.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a replica: SQLite integrity, per-origin log gap-free and hash-chained, state equal to a replay of the log."
    )

    @Option(help: "Config file (TOML).") var config: String?
    @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let logger = makeLogger("meshdesk.verify", level: .warning)
        let directory = DataDirectory(path: nodeConfig.dataDirectory)
        let keyPath = nodeConfig.path(nodeConfig.identityKey)
        guard FileManager.default.fileExists(atPath: directory.replicaURL.path), FileManager.default.fileExists(atPath: keyPath) else {
            throw ValidationError("no replica in \(directory.url.path)")
        }
        let identity = try directory.loadIdentity(keyPath: keyPath)
        // Every origin's key: the roster's (a single node has only its own).
        let roster = ClusterFiles.present(nodeConfig) ? try ClusterFiles.load(nodeConfig).roster : nil
        let verifier = RosterKeyRing(roster: roster, own: identity.publicKey)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let audit = try ReplicaAudit.run(path: directory.replicaURL.path, store: store, verifier: verifier, logger: logger)
        print(json ? try jsonString(audit) : audit.text)
        if !audit.ok { throw ExitCode(1) }
    }
}
