import Foundation
import GRDB
import Logging
import Replica
import Security
import Storage

/// `meshdesk bench replica`: the replica engine against plain SQLite in the same run,
/// on the same file system, with the same durability (WAL, synchronous=FULL). Ratios
/// are what to compare across machines; absolute rates move with the machine's load.
public struct ReplicaBenchmark {
    public struct Figures: Codable, Sendable {
        public var local_writes_per_s: Double
        public var plain_sqlite_writes_per_s: Double
        public var local_write_overhead_ratio: Double
        public var bulk_rows: Int
        public var bulk_replica_s: Double
        public var bulk_plain_s: Double
        public var bulk_overhead_ratio: Double
        public var remote_apply_changes_per_s: Double
        public var remote_apply_batch_changes: Int
        public var remote_apply_chunk_batches: Int
        public var remote_apply_one_batch_per_transaction_changes_per_s: Double
        public var digest_ms_per_100k_rows: Double
    }

    public var bulkRows = 100_000
    public var bulkTransactionRows = 1_000
    public var singleTransactions = 2_000
    public var remoteBatchChanges = 100
    public var remoteChanges = 100_000
    /// Batches per intake transaction, as an anti-entropy chunk delivers them.
    public var remoteChunkBatches = 64
    /// Each timed phase runs this many times, replica and baseline interleaved, and the
    /// fastest run counts: on a shared machine the minimum is the least disturbed figure.
    public var repeats = 3

    public init() {}

    static let entity = EntitySchema(id: 1, name: "bench_ticket", fields: [
        FieldSchema(id: 1, name: "title", kind: .register, type: .text),
        FieldSchema(id: 2, name: "department", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 3, name: "location", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 4, name: "priority", kind: .register, type: .integer),
        FieldSchema(id: 5, name: "state", kind: .register, type: .text),
        FieldSchema(id: 6, name: "opened_at", kind: .register, type: .integer),
    ])
    static let schema = Schema(version: 1, entities: [entity])

    static func assignments(_ i: Int) -> [FieldAssignment] {
        [
            FieldAssignment(field: 1, value: .text("工作站无法登录 HIS 系统 #\(i)")),
            FieldAssignment(field: 2, value: .text("心血管内科")),
            FieldAssignment(field: 3, value: .text("住院部 \(i % 20) 楼护士站")),
            FieldAssignment(field: 4, value: .integer(Int64(i % 4))),
            FieldAssignment(field: 5, value: .text("new")),
            FieldAssignment(field: 6, value: .integer(1_780_000_000_000 + Int64(i))),
        ]
    }

    public func run(directory: URL, progress: (String) -> Void = { _ in }) throws -> Figures {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let identity = SigningIdentity()
        let peer = SigningIdentity()
        let ring = KeyRing([identity.publicKey, peer.publicKey])
        let logger = Logger(label: "bench")
        func fresh(_ name: String) -> String {
            let path = directory.appendingPathComponent("\(name).sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return path
        }
        func replica(_ name: String, _ signer: SigningIdentity) throws -> ReplicaStore {
            try ReplicaStore.open(path: fresh(name), schema: Self.schema, signer: signer, verifier: ring,
                                  hasher: Blake2b(), clock: SystemClock(), logger: logger)
        }

        progress("single-row transactions")
        var plainSingleSeconds = Double.infinity, localSeconds = Double.infinity
        for _ in 0..<repeats {
            let plainSingle = try PlainTable(path: fresh("plain-single"))
            plainSingleSeconds = min(plainSingleSeconds, try time {
                for i in 0..<singleTransactions { try plainSingle.insert(rows: i..<(i + 1)) }
            })
            let localStore = try replica("replica-single", identity)
            localSeconds = min(localSeconds, try time {
                for i in 0..<singleTransactions { try localStore.write { tx in try record(tx, row: i) } }
            })
        }

        progress("bulk: \(bulkRows) rows in transactions of \(bulkTransactionRows)")
        var plainBulkSeconds = Double.infinity, replicaBulkSeconds = Double.infinity
        var bulkStore: ReplicaStore?
        for _ in 0..<repeats {
            let plainBulk = try PlainTable(path: fresh("plain-bulk"))
            plainBulkSeconds = min(plainBulkSeconds, try time {
                for start in stride(from: 0, to: bulkRows, by: bulkTransactionRows) {
                    try plainBulk.insert(rows: start..<min(start + bulkTransactionRows, bulkRows))
                }
            })
            bulkStore = nil
            let store = try replica("replica-bulk", identity)
            replicaBulkSeconds = min(replicaBulkSeconds, try time {
                for start in stride(from: 0, to: bulkRows, by: bulkTransactionRows) {
                    try store.write { tx in
                        for i in start..<min(start + bulkTransactionRows, bulkRows) { try record(tx, row: i) }
                    }
                }
            })
            bulkStore = store
        }

        progress("remote apply: \(remoteChanges) changes in batches of \(remoteBatchChanges)")
        let source = try replica("remote-source", peer)
        for start in stride(from: 0, to: remoteChanges, by: remoteBatchChanges) {
            try source.write { tx in for i in start..<(start + remoteBatchChanges) { try record(tx, row: i) } }
        }
        var batches: [SealedBatch] = []
        var vector = VersionVector()
        while true {
            let chunk = try source.batches(after: vector, limit: ChunkLimit(batchesMax: 512, bytesMax: 64 << 20))
            guard !chunk.isEmpty else { break }
            batches += chunk
            for b in chunk { vector[b.header.origin] = b.header.seq }
        }
        let sourceDigest = try source.stateDigest()
        var applySeconds = Double.infinity, oneByOneSeconds = Double.infinity
        for _ in 0..<repeats {
            let receiver = try replica("remote-receiver", identity)
            applySeconds = min(applySeconds, try time {
                for start in stride(from: 0, to: batches.count, by: remoteChunkBatches) {
                    for result in receiver.receive(Array(batches[start..<min(start + remoteChunkBatches, batches.count)])) {
                        _ = try result.get()
                    }
                }
            })
            let oneByOne = try replica("remote-receiver-single", identity)
            oneByOneSeconds = min(oneByOneSeconds, try time { for batch in batches { try oneByOne.receive(batch) } })
            let converged = try receiver.stateDigest() == sourceDigest && oneByOne.stateDigest() == sourceDigest
            precondition(converged, "benchmark replicas diverged")
        }

        progress("state digest over \(bulkRows) rows")
        var digestSeconds = Double.infinity
        for _ in 0..<repeats { digestSeconds = min(digestSeconds, try time { _ = try bulkStore!.stateDigest() }) }

        let totalRemote = batches.count * remoteBatchChanges
        return Figures(
            local_writes_per_s: Double(singleTransactions) / localSeconds,
            plain_sqlite_writes_per_s: Double(singleTransactions) / plainSingleSeconds,
            local_write_overhead_ratio: localSeconds / plainSingleSeconds,
            bulk_rows: bulkRows,
            bulk_replica_s: replicaBulkSeconds,
            bulk_plain_s: plainBulkSeconds,
            bulk_overhead_ratio: replicaBulkSeconds / plainBulkSeconds,
            remote_apply_changes_per_s: Double(totalRemote) / applySeconds,
            remote_apply_batch_changes: remoteBatchChanges,
            remote_apply_chunk_batches: remoteChunkBatches,
            remote_apply_one_batch_per_transaction_changes_per_s: Double(totalRemote) / oneByOneSeconds,
            digest_ms_per_100k_rows: digestSeconds * 1000 * 100_000 / Double(bulkRows)
        )
    }

    func record(_ tx: WriteTransaction, row i: Int) throws {
        tx.record(Change(entity: 1, row: RowID(high: tx.stamp.time.rawValue, low: UInt64(i)), operation: .assign(Self.assignments(i))))
    }

    func time(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// The baseline: the same columns in a plain SQLite table with the same key type,
/// written through the same library with the same durability.
struct PlainTable {
    let pool: DatabasePool

    init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON") }
        pool = try DatabasePool(path: path, configuration: config)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE bench_ticket (id BLOB PRIMARY KEY NOT NULL, title, department, location, priority, state, opened_at)
                WITHOUT ROWID
                """)
        }
    }

    func insert(rows: Range<Int>) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let statement = try db.cachedStatement(sql: "INSERT INTO bench_ticket VALUES (?, ?, ?, ?, ?, ?, ?)")
                let stamp = UInt64(rows.lowerBound) << 16
                for i in rows {
                    var key = [UInt8]()
                    for shift in stride(from: 56, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: stamp >> UInt64(shift))) }
                    for shift in stride(from: 56, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: UInt64(i) >> UInt64(shift))) }
                    let values = ReplicaBenchmark.assignments(i).map(\.value)
                    statement.setUncheckedArguments([Data(key), values[0].textValue, values[1].textValue, values[2].textValue,
                                                     values[3].integerValue, values[4].textValue, values[5].integerValue])
                    try statement.execute()
                }
                return .commit
            }
        }
    }
}
