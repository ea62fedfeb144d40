import ArgumentParser
import Foundation
import Node

struct BenchCompaction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compaction",
        abstract: "Disk growth per 10,000 changes of a steady workload, without and with periodic compaction."
    )

    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Windows of 10,000 changes.") var windows = 6
    @Option(help: "Live tickets the workload keeps.") var liveRows = 1_000
    @Option(help: "Changes between compaction rounds.") var compactEvery = 1_000
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench-compaction").path

    func run() throws {
        var bench = CompactionBenchmark()
        bench.windows = max(2, windows)
        bench.liveRows = liveRows
        bench.compactionEveryChanges = max(1, compactEvery)
        let url = URL(fileURLWithPath: scratch)
        defer { try? FileManager.default.removeItem(at: url) }
        let f = try bench.run(directory: url) { if !json { print("… \($0)") } }
        if json { print(try jsonString(f)); return }
        print("""
            figure                              value
            without_compaction_bytes_per_10k    \(f.without_compaction_bytes_per_10k)   (last window; sizes \(f.without_compaction_bytes))
            with_compaction_bytes_per_10k       \(f.with_compaction_bytes_per_10k)   (last window; sizes \(f.with_compaction_bytes))
            steady_state_bytes                  \(f.steady_state_bytes)   (\(f.live_rows) live tickets, round every \(f.compaction_every_changes) changes, \(f.retained_batches_min) batches retained)
            log_batches                         \(f.log_batches_without) without, \(f.log_batches_with) with
            tombstones                          \(f.tombstones_without) without, \(f.tombstones_with) with
            seconds                             \(String(format: "%.1f", f.seconds))
            """)
    }
}
