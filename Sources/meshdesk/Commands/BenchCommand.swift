import ArgumentParser
import Foundation
import Node

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (ratios against a baseline measured in the same run).",
        subcommands: [BenchReplica.self, BenchSync.self]
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
                remote_apply_changes_per_s     \(fmt(figures.remote_apply_changes_per_s))   (batches of \(figures.remote_apply_batch_changes); target ≥ 100000)
                digest_ms_per_100k_rows        \(fmt(figures.digest_ms_per_100k_rows, 1))
                """)
        }
    }
}


struct BenchSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Sync over loopback TCP: catch-up, wire overhead, idle bytes, propagation.")
    @Flag(help: "Print one JSON object.") var json = false
    func run() async throws {}
}
