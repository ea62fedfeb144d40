import ArgumentParser
import Foundation
import Logging
import Node
import Security

/// `meshdesk` — the campus node and its operator commands.
@main
struct MeshDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshdesk",
        abstract: "MeshDesk: hospital IT operations replicated across campuses.",
        subcommands: [Serve.self, Status.self, Bench.self,
                      RosterCommand.self, HandoverCommand.self, LeaveCommand.self, DutyCommand.self, DemoCommand.self,
                      TicketCommand.self, AssetCommand.self, ApprovalCommand.self]
    )
}

struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The node's data directory.")
    var path: String = DataDirectory.defaultPath

    var directory: DataDirectory { DataDirectory(path: path) }
}

func makeLogger(_ label: String) -> Logger {
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    return Logger(label: label)
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run this campus node: create the data directory and identity if needed, open the replica, report its status."
    )

    @OptionGroup var data: DataDirectoryOption
    @Flag(help: "Report the status and exit instead of running until interrupted.")
    var once = false

    func run() throws {
        let logger = makeLogger("meshdesk.node")
        let directory = data.directory
        let identity = try directory.prepareIdentity(logger: logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        print(try NodeStatus(store: store, directory: directory).text)
        guard !once else { return }
        logger.notice("node running; peer sync is not part of this build yet. Ctrl-C stops it.")
        let stop = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        sources.forEach { $0.cancel() }
        logger.notice("node stopped")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the replica's site, epoch, version vector and digest.")

    @OptionGroup var data: DataDirectoryOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let logger = makeLogger("meshdesk.status")
        let directory = data.directory
        guard FileManager.default.fileExists(atPath: directory.identityURL.path) else {
            throw ValidationError("no node in \(directory.url.path): run `meshdesk serve --data-dir \(data.path)` first")
        }
        let identity = try directory.prepareIdentity(logger: logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let status = try NodeStatus(store: store, directory: directory)
        print(json ? try jsonString(status) : status.text)
    }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures (ratios against a baseline measured in the same run).",
        subcommands: [BenchReplica.self, BenchRoster.self, BenchDomain.self]
    )
}

struct BenchReplica: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replica",
                                                    abstract: "The replica engine against plain SQLite.")

    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Rows in the bulk comparison.") var rows = 100_000
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench").path

    func run() throws {
        var bench = ReplicaBenchmark()
        bench.bulkRows = rows
        bench.remoteChanges = rows
        let url = URL(fileURLWithPath: scratch)
        defer { try? FileManager.default.removeItem(at: url) }
        let figures = try bench.run(directory: url) { if !json { print("… \($0)") } }
        if json {
            print(try jsonString(figures))
        } else {
            print("""
                figure                         value
                local_writes_per_s             \(fmt(figures.local_writes_per_s))
                plain_sqlite_writes_per_s      \(fmt(figures.plain_sqlite_writes_per_s))
                local_write_overhead_ratio     \(fmt(figures.local_write_overhead_ratio, 2))
                bulk_overhead_ratio            \(fmt(figures.bulk_overhead_ratio, 2))   (\(figures.bulk_rows) rows: replica \(fmt(figures.bulk_replica_s, 2)) s, plain \(fmt(figures.bulk_plain_s, 2)) s; target ≤ 2.0)
                remote_apply_changes_per_s     \(fmt(figures.remote_apply_changes_per_s))   (batches of \(figures.remote_apply_batch_changes), \(figures.remote_apply_chunk_batches) per transaction; target ≥ 100000)
                  one batch per transaction    \(fmt(figures.remote_apply_one_batch_per_transaction_changes_per_s))
                digest_ms_per_100k_rows        \(fmt(figures.digest_ms_per_100k_rows, 1))
                """)
        }
    }
}

func fmt(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

func jsonString(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
