import ArgumentParser
import Foundation
import Logging
import Node
import Security

/// `meshdesk status`: the replica (read from its database) and, while the node runs,
/// its peers, sessions and lag (from the status file the node rewrites).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Site, roster epoch, peers and their states, version vector, per-origin lag, quarantined origins."
    )

    @Option(help: "Config file (TOML).") var config: String?
    @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print the metrics in Prometheus text format (the running node's last, else the replica's gauges).")
    var metrics = false

    struct Report: Codable {
        let running: Bool
        let roster_epoch: UInt64
        let replica: NodeStatus
        let node: RuntimeStatus?
    }

    func run() throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let logger = makeLogger("meshdesk.status", level: .warning)
        let directory = DataDirectory(path: nodeConfig.dataDirectory)
        let keyPath = nodeConfig.path(nodeConfig.identityKey)
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw ValidationError("no node in \(directory.url.path): run `meshdesk init --data-dir \(directory.url.path)` first")
        }
        let identity = try directory.loadIdentity(keyPath: keyPath)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let replica = try NodeStatus(store: store, directory: directory)
        let runtime = RuntimeStatus.ofRunningNode(nodeConfig, nowMillis: SystemClock().nowMillis())
        let running = runtime != nil
        let epoch = (try? ClusterFiles.load(nodeConfig).roster.epoch) ?? 0
        let report = Report(running: running, roster_epoch: running ? runtime!.roster_epoch : epoch, replica: replica,
                            node: running ? runtime : nil)
        if metrics {
            print(StatusMetrics.text(running: running, directory: directory, store: store, logger: logger), terminator: "")
            return
        }
        if json { print(try jsonString(report)); return }
        print(replica.text)
        print("roster epoch     \(report.roster_epoch)")
        guard let node = report.node else {
            print("node             not running (no fresh \(directory.statusURL.lastPathComponent))")
            return
        }
        print("node             running, pid \(node.pid), listening on \(node.listen)")
        if let unsaved = node.roster_unsaved_epoch {
            print("roster file      NOT SAVED: epoch \(unsaved) is in force but \(nodeConfig.roster) could not be written (see the log);"
                + " a restart now would start from the older file")
        }
        print("peers")
        if node.peers.isEmpty { print("  (none)") }
        for peer in node.peers {
            print("  \(peer.campus.isEmpty ? "-" : peer.campus)\t\(peer.site)\t\(peer.address)\tmember \(peer.membership)\tsession \(peer.session)")
        }
        print("per-origin lag")
        for lag in node.origin_lag { print("  \(lag.origin)\theld #\(lag.held)\tseen #\(lag.seen)\tlag \(lag.lag)") }
        if !node.refusals.isEmpty {
            print("refusals")
            for (reason, count) in node.refusals.sorted(by: { $0.key < $1.key }) { print("  \(reason)\t\(count)") }
        }
    }
}
