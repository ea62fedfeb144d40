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
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let logger = makeLogger("meshdesk.rebuild")
        let report = try await NodeRebuild.rebuild(config: nodeConfig, from: from, logger: logger) { progress in
            let percent = progress.fraction.map { "\(fmt($0 * 100, 1))%" } ?? "?"
            let line = "\rrebuild: \(percent)  \(fmt(Double(progress.bytes) / 1_048_576, 1)) MiB  "
                + "\(progress.rows) rows  \(fmt(progress.bytesPerSecond / 1_048_576, 1)) MiB/s   "
            FileHandle.standardError.write(Data(line.utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        if json { print(try jsonString(report)) } else {
            print("rebuilt from \(report.peer): \(report.batches) batches, \(report.rows) rows, "
                  + "\(fmt(Double(report.bytes) / 1_048_576, 1)) MiB in \(fmt(report.transferSeconds, 2)) s + install \(fmt(report.installSeconds, 2)) s; "
                  + "now writing under epoch \(report.epoch). Start `meshdesk serve` to catch up by sync.")
        }
    }
}
