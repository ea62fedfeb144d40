import Foundation
import GRDB
import Logging
import Replica
import Security
import Storage

/// `meshdesk bench compaction`: disk growth of a replica under a steady workload — a
/// bounded set of live tickets, created, edited again and again (registers, a surfaced
/// assignee, tags) and deleted — without compaction and with a compaction round every
/// `compactionEveryChanges` changes. Two replicas: the measured one writes, a second
/// receives every batch and acknowledges it (what anti-entropy records in a running
/// node), so the horizon moves as in a converged two-campus cluster.
public struct CompactionBenchmark {
    public struct Figures: Codable, Sendable {
        public var changes: Int
        public var live_rows: Int
        public var compaction_every_changes: Int
        public var retained_batches_min: UInt64
        /// File size (database + WAL, after a checkpoint) at the end of each window of
        /// 10,000 changes.
        public var without_compaction_bytes: [Int]
        public var with_compaction_bytes: [Int]
        /// Growth over the last window: what 10,000 more changes cost once steady.
        public var without_compaction_bytes_per_10k: Int
        public var with_compaction_bytes_per_10k: Int
        public var steady_state_bytes: Int
        public var log_batches_without: Int
        public var log_batches_with: Int
        public var tombstones_without: Int
        public var tombstones_with: Int
        public var seconds: Double
    }

    public var windows = 6
    public let windowChanges = 10_000
    public var liveRows = 1_000
    public var compactionEveryChanges = 1_000
    public var retainedBatchesMin: UInt64 = 128
    public var seed: UInt64 = 0x5EED_C0FF_EE00_0008

    public init() {}

    static let entity = EntitySchema(id: 1, name: "bench_ticket", fields: [
        FieldSchema(id: 1, name: "title", kind: .register, type: .text),
        FieldSchema(id: 2, name: "state", kind: .register, type: .text),
        FieldSchema(id: 3, name: "priority", kind: .register, type: .integer),
        FieldSchema(id: 4, name: "assignee", kind: .surfacedRegister, type: .text),
        FieldSchema(id: 5, name: "tags", kind: .addWinsSet, type: .text),
    ])
    static let schema = Schema(version: 1, entities: [entity])

    public func run(directory: URL, progress: (String) -> Void = { _ in }) throws -> Figures {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let started = Date()
        progress("without compaction: \(windows) × \(windowChanges) changes")
        let without = try runOnce(directory: directory, name: "without", compact: false, progress: progress)
        progress("with a compaction round every \(compactionEveryChanges) changes")
        let with = try runOnce(directory: directory, name: "with", compact: true, progress: progress)
        func lastGrowth(_ sizes: [Int]) -> Int { sizes.count >= 2 ? sizes[sizes.count - 1] - sizes[sizes.count - 2] : sizes.last ?? 0 }
        return Figures(changes: windows * windowChanges, live_rows: liveRows, compaction_every_changes: compactionEveryChanges,
                       retained_batches_min: retainedBatchesMin,
                       without_compaction_bytes: without.sizes, with_compaction_bytes: with.sizes,
                       without_compaction_bytes_per_10k: lastGrowth(without.sizes),
                       with_compaction_bytes_per_10k: lastGrowth(with.sizes),
                       steady_state_bytes: with.sizes.last ?? 0,
                       log_batches_without: without.logBatches, log_batches_with: with.logBatches,
                       tombstones_without: without.tombstones, tombstones_with: with.tombstones,
                       seconds: Date().timeIntervalSince(started))
    }

    private struct Run {
        var sizes: [Int] = []
        var logBatches = 0
        var tombstones = 0
    }

    private func runOnce(directory: URL, name: String, compact: Bool, progress: (String) -> Void) throws -> Run {
        let writer = SigningIdentity(), peer = SigningIdentity()
        let ring = KeyRing([writer.publicKey, peer.publicKey])
        // Each round logs a notice; the figures are what this prints.
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        func fresh(_ file: String) -> String {
            let path = directory.appendingPathComponent("\(name)-\(file).sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return path
        }
        let path = fresh("campus-a")
        let store = try ReplicaStore.open(path: path, schema: Self.schema, signer: writer, verifier: ring, hasher: Blake2b(),
                                          clock: SystemClock(), logger: logger)
        let mirror = try ReplicaStore.open(path: fresh("campus-b"), schema: Self.schema, signer: peer, verifier: ring,
                                           hasher: Blake2b(), clock: SystemClock(), logger: logger)
        var policy = CompactionPolicy()
        policy.retainedBatchesPerOriginMin = retainedBatchesMin
        var random = SplitMix64(seed: seed)
        var live: [RowID] = []
        var run = Run()
        for window in 0..<windows {
            for step in 0..<windowChanges {
                let receipt = try change(store, live: &live, random: &random)
                if let receipt { _ = try mirror.receive(receipt.batch) }
                if compact, (window * windowChanges + step + 1) % compactionEveryChanges == 0 {
                    // What anti-entropy would record: each side holds what the other sent.
                    try store.recordAcknowledgement(of: peer.site, vector: try mirror.versionVector())
                    try mirror.recordAcknowledgement(of: writer.site, vector: try store.versionVector())
                    _ = try store.compact(members: [peer.site], policy: policy)
                    _ = try mirror.compact(members: [writer.site], policy: policy)
                }
            }
            run.sizes.append(try Self.fileBytes(path))
            progress("\(name): \((window + 1) * windowChanges) changes, \(run.sizes.last!) bytes")
        }
        let (digestA, digestB) = (try store.stateDigest(), try mirror.stateDigest())
        precondition(digestA == digestB, "the two campuses must hold the same state")
        run.logBatches = Int(try store.versionVector().batchCount - store.logFloor().batchCount)
        run.tombstones = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tombstones") ?? 0 }
        return run
    }

    /// One change of the steady mix, one transaction (as a desk clerk's click is).
    private func change(_ store: ReplicaStore, live: inout [RowID], random: inout SplitMix64) throws -> WriteReceipt? {
        let name = Self.entity.name
        let roll = random.next() % 100
        if live.count < liveRows || roll < 10 {
            let (row, receipt) = try store.write { tx -> RowID in
                let row = tx.newRowID()
                try tx.assign(name, row, ["title": .text("工作站无法登录 HIS 系统 #\(random.next() % 100_000)"),
                                          "state": .text("new"), "priority": .integer(Int64(random.next() % 4))])
                return row
            }
            live.append(row)
            return receipt
        }
        let index = Int(random.next() % UInt64(live.count))
        let row = live[index]
        switch roll {
        case 10..<20:
            live.swapAt(index, live.count - 1)
            live.removeLast()
            return try store.write { tx in try tx.delete(name, row) }.receipt
        case 20..<40:
            return try store.write { tx in try tx.assignSurfaced(name, row, "assignee", .text("工程师 \(random.next() % 40)")) }.receipt
        case 40..<55:
            let tag = Value.text(["网络", "打印机", "HIS", "PACS", "紧急"][Int(random.next() % 5)])
            return try store.write { tx in
                if random.next() % 2 == 0 { try tx.add(name, row, "tags", tag) } else { try tx.remove(name, row, "tags", tag) }
            }.receipt
        default:
            return try store.write { tx in
                try tx.assign(name, row, ["state": .text(["new", "in_progress", "pending", "resolved"][Int(random.next() % 4)]),
                                          "priority": .integer(Int64(random.next() % 4))])
            }.receipt
        }
    }

    /// Database plus WAL after a checkpoint: what the replica occupies on disk.
    static func fileBytes(_ path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        return ["", "-wal"].reduce(0) { sum, suffix in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
    }
}

