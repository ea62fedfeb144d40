import ArgumentParser
import Foundation
import Logging
import Node

/// `meshdesk rebuild`: recreate a wiped node's replica from a peer's snapshot.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recreate this node's replica from a peer's snapshot (identity and cluster files kept, replica gone); starts a new epoch."
    )

    @Option(help: "Config file (TOML). Default: <data-dir>/meshdesk.toml.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Data directory.") var dataDir: String?
    @Option(help: "Peer to rebuild from: site id, campus code or address (default: each roster peer in turn).")
    var from: String?
    @Flag(help: "Resync a stopped node away past the compaction horizon (peers answered `snapshot needed`): keep its replica aside, install a peer's snapshot, re-apply what the old replica held beyond it (its own unsent writes above all).")
    var resync = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let logger = makeLogger("meshdesk.rebuild")
        let showProgress: @Sendable (NodeRebuild.Progress) -> Void = { progress in
            let percent = progress.fraction.map { "\(fmt($0 * 100, 1))%" } ?? "?"
            let line = "\rrebuild: \(percent)  \(fmt(Double(progress.bytes) / 1_048_576, 1)) MiB  "
                + "\(progress.rows) rows  \(fmt(progress.bytesPerSecond / 1_048_576, 1)) MiB/s   "
            FileHandle.standardError.write(Data(line.utf8))
        }
        if resync {
            let report = try await NodeResync.resync(config: nodeConfig, from: from, logger: logger, progress: showProgress)
            FileHandle.standardError.write(Data("\n".utf8))
            if json { print(try jsonString(report)) } else {
                print("resynced from \(report.rebuild.peer) under epoch \(report.rebuild.epoch): \(report.reapplied) batches re-applied "
                      + "from the old replica (\(report.reappliedOwn) of this node's own), \(report.alreadyHeld) already held, "
                      + "\(report.refused) refused; old replica kept at \(report.previousReplica)")
            }
            return
        }
        let report = try await NodeRebuild.rebuild(config: nodeConfig, from: from, logger: logger, progress: showProgress)
        FileHandle.standardError.write(Data("\n".utf8))
        if json { print(try jsonString(report)) } else {
            print("rebuilt from \(report.peer): \(report.batches) batches, \(report.rows) rows, "
                  + "\(fmt(Double(report.bytes) / 1_048_576, 1)) MiB in \(fmt(report.transferSeconds, 2)) s + install \(fmt(report.installSeconds, 2)) s; "
                  + "now writing under epoch \(report.epoch). Start `meshdesk serve` to catch up by sync.")
        }
    }
}
