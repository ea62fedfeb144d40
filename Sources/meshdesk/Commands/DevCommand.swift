import ArgumentParser
import Foundation
import Node
import Security

/// `meshdesk dev …`: development helpers that exercise replication until the domain's
/// commands land. They write only the `dev_fixture_note` fixture entity.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Development helpers (write fixture rows to exercise sync).",
        subcommands: [Write.self, List.self]
    )

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write N dev_fixture_note rows into the node's replica (a running node pushes them to its peers)."
        )
        @Option(help: "Config file (TOML).") var config: String?
        @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
        @Option(help: "Rows to write.") var count = 1
        @Option(help: "Rows per transaction (one batch each).") var perBatch = 1
        @Option(help: "Text prefix of the rows.") var text = "开发测试记录"
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
            let logger = makeLogger("meshdesk.dev", level: .warning)
            let directory = DataDirectory(path: nodeConfig.dataDirectory)
            let identity = try directory.loadIdentity(keyPath: nodeConfig.path(nodeConfig.identityKey))
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: SystemClock(), logger: logger)
            let prefix = text
            let written = try DevFixtureNote.write(into: store, campus: nodeConfig.campusCode, count: count, perBatch: perBatch,
                                                   text: { "\(prefix) #\($0)" })
            let vector = try store.versionVector()
            let origin = try store.currentOrigin()
            if json {
                print("{\"written\": \(written), \"origin\": \"\(origin)\", \"seq\": \(vector[origin])}")
            } else {
                print("wrote \(written) rows as \(origin), now at #\(vector[origin])")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count dev_fixture_note rows by the campus that wrote them, and show the latest.")
        @Option(help: "Config file (TOML).") var config: String?
        @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
        @Option(help: "How many of the latest rows to show.") var latest = 3
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
            let logger = makeLogger("meshdesk.dev", level: .warning)
            let directory = DataDirectory(path: nodeConfig.dataDirectory)
            let identity = try directory.loadIdentity(keyPath: nodeConfig.path(nodeConfig.identityKey))
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: SystemClock(), logger: logger)
            let rows = try store.rows(DevFixtureNote.entity.name).sorted { $0.stamp < $1.stamp }
            var byCampus: [String: Int] = [:]
            for row in rows { byCampus[row["campus"].textValue ?? "?", default: 0] += 1 }
            if json {
                print(try jsonString(byCampus))
                return
            }
            print("\(nodeConfig.campusCode): \(rows.count) notes — " + byCampus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for row in rows.suffix(latest) { print("  \(row["campus"].textValue ?? "?")  \(row["text"].textValue ?? "")") }
        }
    }
}
