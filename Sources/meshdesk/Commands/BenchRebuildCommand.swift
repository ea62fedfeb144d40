import ArgumentParser
import Foundation
import Node

struct BenchRebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "RTO of a rebuild: snapshot of a replica of N changes, served by a real node over 127.0.0.1, checked and installed."
    )

    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Changes in the source replica.") var changes = 1_000_000
    @Option(help: "Changes per batch.") var perBatch = 1_000
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench-rebuild").path

    func run() async throws {
        var bench = RebuildBenchmark()
        bench.changes = changes
        bench.changesPerBatch = perBatch
        let url = URL(fileURLWithPath: scratch)
        defer { try? FileManager.default.removeItem(at: url) }
        let quiet = json
        let f = try await bench.run(directory: url) { if !quiet { print("… \($0)") } }
        if json { print(try jsonString(f)); return }
        print("""
            figure                 value
            changes                \(f.changes) (\(f.batches) batches of \(f.batch_changes))
            source replica         \(fmt(f.source_replica_mib, 1)) MiB (built in \(fmt(f.build_s, 1)) s)
            snapshot               \(fmt(f.snapshot_mib, 1)) MiB, \(f.rows) rows
            transfer               \(fmt(f.transfer_s, 2)) s (\(fmt(f.transfer_mib_per_s, 1)) MiB/s)
            check + install        \(fmt(f.check_install_s, 2)) s
            rto_s                  \(fmt(f.rto_s, 2))   (target ≤ \(fmt(f.target_rto_s)) s)
            digests equal          \(f.digests_equal)
            """)
    }
}
