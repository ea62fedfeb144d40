import ArgumentParser
import Foundation
import Node

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (ratios against a baseline measured in the same run).",
        subcommands: [BenchReplica.self, BenchSync.self, BenchRoster.self, BenchDomain.self, BenchHTTP.self,
                      BenchRebuild.self, BenchCompaction.self]
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


struct BenchSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync over loopback TCP: catch-up to a fresh node, wire overhead, idle bytes, propagation over 5 nodes."
    )
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Changes the fresh node catches up on.") var changes = 200_000
    @Option(help: "Writes in the propagation run.") var writes = 1_000
    @Option(help: "Gossip interval (ms) in the propagation run.") var gossipIntervalMs: UInt64 = 500
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench-sync").path

    func run() async throws {
        _ = makeLogger("meshdesk.bench", level: .error)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        var bench = SyncBenchmark(executable: executable)
        bench.catchupChanges = changes
        bench.propagationWrites = writes
        bench.gossipIntervalMillis = gossipIntervalMs
        let url = URL(fileURLWithPath: scratch)
        defer { try? FileManager.default.removeItem(at: url) }
        let figures = try await bench.run(directory: url) { if !json { print("… \($0)") } }
        if json { print(try jsonString(figures)); return }
        print("""
            figure                        value
            catchup_changes_per_s         \(fmt(figures.catchup_changes_per_s))   (\(figures.catchup_changes) changes in \(figures.catchup_batches) batches; \(fmt(figures.catchup_seconds, 2)) s from process start, first batch after \(fmt(figures.catchup_start_seconds, 2)) s; target ≥ 50000)
            receiver_peak_rss_mb          \(fmt(figures.receiver_peak_rss_mb, 1))
            wire_overhead_ratio           \(fmt(figures.wire_overhead_ratio, 3))   (target ≤ 1.15)
            idle_bytes_per_peer_round     \(fmt(figures.idle_bytes_per_peer_round, 1))   (target ≤ 256)
            propagation_p50_ms            \(fmt(figures.propagation_p50_ms, 1))   (\(figures.propagation_nodes) nodes, \(figures.propagation_writes) writes, gossip \(figures.gossip_interval_ms) ms)
            propagation_p99_ms            \(fmt(figures.propagation_p99_ms, 1))   (target ≤ \(2 * figures.gossip_interval_ms + 50))
            propagation_max_ms            \(fmt(figures.propagation_max_ms, 1))
            """)
    }
}
