import Foundation
import GRDB
import Logging
import Replica

/// Remote batches: checked outside the write lock (signature, clock bound, decoding,
/// schema), then sequenced inside one transaction — duplicate, fork, gap or next —
/// and applied through the same path as local writes.
extension ReplicaStore {
    /// Takes a batch from a peer. Throws `StorageError` for every refusal, after
    /// logging it; a refused batch leaves the replica as it was (a fork leaves only
    /// its evidence and the quarantine).
    @discardableResult
    public func receive(_ batch: SealedBatch) throws -> IntakeOutcome {
        try receive([batch])[0].get()
    }

    /// Decodes and takes a batch in its wire form.
    @discardableResult
    public func receive(encoded bytes: [UInt8]) throws -> IntakeOutcome {
        let batch: SealedBatch
        do {
            batch = try SealedBatch.decode(bytes)
        } catch {
            logger.warning("batch refused", metadata: ["reason": "\(error)"])
            throw StorageError.malformedBatch(error)
        }
        return try receive(batch)
    }

    /// Largest number of batches applied in one SQLite transaction.
    public static let intakeChunkBatchesMax = 512

    /// Takes a chunk of batches (as anti-entropy delivers them) in one SQLite
    /// transaction, each batch inside its own savepoint: a batch still applies whole or
    /// not at all, and one refused batch does not undo the others. One commit per chunk
    /// instead of one per batch is what makes catching up after a partition fast.
    /// Checks that need no database (signature, clock bound, decoding, schema) run
    /// before the write lock is taken.
    public func receive(_ batches: [SealedBatch]) -> [Result<IntakeOutcome, StorageError>] {
        precondition(batches.count <= Self.intakeChunkBatchesMax, "chunk of \(batches.count) batches")
        var results: [Result<IntakeOutcome, StorageError>?] = Array(repeating: nil, count: batches.count)
        var ready: [(index: Int, entry: PendingBuffer.Entry)] = []
        for (index, verified) in verifyAll(batches).enumerated() {
            do {
                switch try verified.get() {
                case let .ready(entry): ready.append((index, entry))
                case .newerSchema: results[index] = .success(try deferForUpgrade(batches[index]))
                }
            } catch {
                results[index] = .failure(StorageError.wrapping(error))
            }
        }
        if !ready.isEmpty {
            do {
                defer { noteCommitted() }
                try writer.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        for (index, entry) in ready {
                            results[index] = sequenceInSavepoint(entry, db: db)
                        }
                        return .commit
                    }
                }
            } catch {
                // The transaction itself failed (disk full, I/O error): nothing of the chunk applied.
                let failure = StorageError.wrapping(error)
                for (index, _) in ready { results[index] = .failure(failure) }
                pending.withLock { buffer in for (_, entry) in ready { buffer.discard(origin: entry.batch.header.origin) } }
            }
        }
        return zip(batches, results).map { batch, result in
            let result = result!
            if case let .failure(error) = result {
                logger.warning("batch refused", metadata: [
                    "origin": "\(batch.header.origin)", "seq": "\(batch.header.seq)", "reason": "\(error)",
                ])
            }
            return result
        }
    }

    private enum Verified {
        case ready(PendingBuffer.Entry)
        /// Signed correctly but written under a newer schema: kept aside for the upgrade.
        case newerSchema
    }

    /// The checks that need no database, in the batches' order. Verifying a chunk on
    /// both cores was tried and measured: remote apply stayed at 59–62k changes/s either
    /// way (SQLite and the kernel's writes dominate), so it stays sequential.
    private func verifyAll(_ batches: [SealedBatch]) -> [Result<Verified, StorageError>] {
        batches.map(verifyResult)
    }

    private func verifyResult(_ batch: SealedBatch) -> Result<Verified, StorageError> {
        do throws(StorageError) { return .success(try verify(batch)) } catch { return .failure(error) }
    }

    private func verify(_ batch: SealedBatch) throws(StorageError) -> Verified {
        let header = batch.header
        let message = batch.signedMessage
        let check = verifier.verify(signature: batch.signature, message: message, site: header.origin.site, suite: header.suite)
        guard check == .valid else { throw .signature(origin: header.origin, seq: header.seq, check) }
        if header.schemaVersion > schema.version { return .newerSchema }
        do {
            try HybridLogicalClock(futureDriftMillis: configuration.futureDriftMillis)
                .check(remote: header.time, physicalMillis: clock.nowMillis())
        } catch { throw .timestampBeyondBound(error) }
        let changes: [Change]
        do { changes = try batch.decodeChanges() } catch { throw .malformedBatch(error) }
        for change in changes { try validation.validate(change) }
        return .ready(PendingBuffer.Entry(batch: batch, hash: hasher.hash(message), changes: changes))
    }

    /// One batch inside the chunk's transaction. A refusal with evidence (a fork)
    /// commits its savepoint; a thrown error rolls back only this batch.
    private func sequenceInSavepoint(_ entry: PendingBuffer.Entry, db: Database) -> Result<IntakeOutcome, StorageError> {
        var result: Sequencing = .outcome(.duplicate)
        do {
            try db.inSavepoint {
                result = try sequence(entry, db: db)
                return .commit
            }
        } catch {
            return .failure(StorageError.wrapping(error))
        }
        switch result {
        case let .outcome(outcome): return .success(outcome)
        case let .refused(error): return .failure(error)
        }
    }

    private enum Sequencing {
        case outcome(IntakeOutcome)
        /// Refused; whatever evidence was recorded is committed before the error is thrown.
        case refused(StorageError)
    }

    private func sequence(_ entry: PendingBuffer.Entry, db: Database) throws -> Sequencing {
        let header = entry.batch.header
        let origin = header.origin
        let state = try OriginState.fetch(origin, db: db)
        if state.quarantined { return .refused(.quarantined(origin)) }
        if header.seq <= state.seq {
            // Below the floor the log kept no hash to compare: a fork there cannot be
            // told from a duplicate. Epochs keep honest restored nodes from reusing seqs.
            if header.seq <= (try LogFloor.seq(of: origin, db: db)) { return .outcome(.duplicate) }
            let stored = try Data.fetchOne(db, sql: "SELECT hash FROM batches WHERE site = ? AND epoch = ? AND seq = ?",
                                           arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(header.seq)])
            if let stored, Array(stored) == entry.hash.bytes { return .outcome(.duplicate) }
            try recordFork(entry, against: header.seq, db: db)
            return .refused(.fork(origin: origin, seq: header.seq))
        }
        if header.seq > state.seq + 1 {
            let insertion = try pending.withLock { try $0.insert(entry, contiguous: state.seq) }
            switch insertion {
            case .buffered, .alreadyBuffered:
                return .outcome(.buffered)
            case .conflictsWithBuffered:
                try recordFork(entry, against: nil, db: db)
                return .refused(.fork(origin: origin, seq: header.seq))
            }
        }
        var next: PendingBuffer.Entry? = entry
        var applied = 0
        var contiguous = state
        while let current = next {
            guard current.batch.header.prevHash == contiguous.hash else {
                try recordFork(current, against: contiguous.seq, db: db)
                return .refused(.fork(origin: origin, seq: current.batch.header.seq))
            }
            try appendAndMaterialize(current, local: false, db: db)
            applied += 1
            contiguous = OriginState(seq: current.batch.header.seq, hash: current.hash, quarantined: false)
            next = pending.withLock { $0.takeNext(after: contiguous.seq, of: origin) }
        }
        return .outcome(.applied(drained: applied - 1))
    }

    static let batchInsertNulls = StatementArguments([DatabaseValue](repeating: .null, count: 7))

    /// The one apply: materialise every change, then append the batch to the log and
    /// advance the origin, all in the caller's transaction.
    func appendAndMaterialize(_ entry: PendingBuffer.Entry, local: Bool, db: Database) throws {
        let header = entry.batch.header
        let stamp = header.stamp
        let statements = Materializer.Statements(db: db)
        for (index, change) in entry.changes.enumerated() {
            let outcome = try materializer.apply(change, index: index, stamp: stamp, statements: statements)
            if local, outcome == .absorbedByTombstone {
                let name = schema.entity(change.entity)?.name ?? "\(change.entity)"
                throw StorageError.rowDeleted(entity: name, row: change.row)
            }
            try configuration.faultInjection?(.afterMaterializing(changeIndex: index))
        }
        let touch = try db.cachedStatement(sql: """
            INSERT INTO entity_changes(entity, batches) VALUES (?, 1) ON CONFLICT(entity) DO UPDATE SET batches = batches + 1
            """)
        var touched = Set<EntityID>()
        for change in entry.changes where touched.insert(change.entity).inserted {
            touch.setUncheckedArguments([change.entity])
            try touch.execute()
        }
        try configuration.faultInjection?(.beforeLogAppend)
        var headerBytes = ByteWriter(capacity: BatchHeader.byteCount)
        header.encode(into: &headerBytes)
        let origin = header.origin
        let insert = try db.cachedStatement(sql: "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?)")
        let binding = FastBinding(insert, nulls: Self.batchInsertNulls)
        binding.bind(origin.site.databaseValue, at: 1)
        binding.bind(Int64(origin.epoch), at: 2)
        binding.bind(Int64(header.seq), at: 3)
        binding.bindBlob(entry.hash.bytes, at: 4)
        binding.bindBlob(headerBytes.bytes, at: 5)
        binding.bindBlob(entry.batch.body, at: 6)
        binding.bindBlob(entry.batch.signature, at: 7)
        try insert.execute()
        let advance = try db.cachedStatement(sql: """
            INSERT INTO origins (site, epoch, seq, hash) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(site, epoch) DO UPDATE SET seq = excluded.seq, hash = excluded.hash WHERE seq = ?3 - 1
            """)
        advance.setUncheckedArguments([origin.site.databaseValue, Int64(origin.epoch), Int64(header.seq), Data(entry.hash.bytes)])
        try advance.execute()
        precondition(db.changesCount == 1, "origin \(origin) must advance by exactly one to #\(header.seq)")
        try Self.raiseClock(to: header.time, db: db)
    }

    /// Keeps both batches as evidence, quarantines the origin, and drops what the
    /// buffer held of it. Never merges either side.
    private func recordFork(_ entry: PendingBuffer.Entry, against storedSeq: UInt64?, db: Database) throws {
        let header = entry.batch.header
        let origin = header.origin
        var evidence: Data?
        if let storedSeq {
            evidence = try BatchLog.fetch(origin, seq: storedSeq, db: db).map { Data($0.encoded()) }
        }
        try db.execute(sql: """
            INSERT INTO security_events (kind, site, epoch, seq, detail, evidence_a, evidence_b) VALUES ('fork', ?, ?, ?, ?, ?, ?)
            """, arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(header.seq),
                             "two different batches signed by \(origin) at or after #\(storedSeq ?? header.seq)",
                             evidence, Data(entry.batch.encoded())])
        try db.execute(sql: """
            INSERT INTO origins (site, epoch, seq, hash, quarantined) VALUES (?, ?, 0, ?, 1)
            ON CONFLICT(site, epoch) DO UPDATE SET quarantined = 1
            """, arguments: [origin.site.databaseValue, Int64(origin.epoch), Data(BatchHash.zero.bytes)])
        pending.withLock { $0.discard(origin: origin) }
        logger.error("fork detected; origin quarantined", metadata: ["origin": "\(origin)", "seq": "\(header.seq)"])
    }

    private func deferForUpgrade(_ batch: SealedBatch) throws -> IntakeOutcome {
        let origin = batch.header.origin
        try writer.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM deferred_batches") ?? 0
            guard count < configuration.deferredBatchesMax else { throw StorageError.pendingBufferFull(batchesMax: configuration.deferredBatchesMax) }
            try db.execute(sql: "INSERT OR IGNORE INTO deferred_batches VALUES (?, ?, ?, ?, ?)",
                           arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(batch.header.seq),
                                       Int64(batch.header.schemaVersion), Data(batch.encoded())])
        }
        logger.info("batch waits for a schema upgrade", metadata: [
            "origin": "\(origin)", "seq": "\(batch.header.seq)", "schema": "\(batch.header.schemaVersion)",
        ])
        return .awaitingUpgrade(schemaVersion: batch.header.schemaVersion)
    }

    /// After an upgrade, batches that waited for it are taken in sequence order. A batch
    /// leaves the table only once it is held (applied, or already there); one that is
    /// refused now (a signer not on this roster, a gap, a full buffer) is logged and kept
    /// for the next open — deleting it would lose a peer's write that nobody may resend.
    func retryDeferred() throws {
        let ready = try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT site, epoch, seq, batch FROM deferred_batches WHERE schema_version <= ? ORDER BY site, epoch, seq
                """, arguments: [Int64(schema.version)])
        }
        guard !ready.isEmpty else { return }
        var held: [(site: Int64, epoch: Int64, seq: Int64)] = []
        var kept = 0
        for row in ready {
            let key = (site: row["site"] as Int64, epoch: row["epoch"] as Int64, seq: row["seq"] as Int64)
            do {
                switch try receive(encoded: Array(row["batch"] as Data)) {
                case .applied, .duplicate: held.append(key)
                case .buffered, .awaitingUpgrade: kept += 1
                }
            } catch {
                kept += 1
                logger.error("a batch deferred for a schema upgrade does not apply yet; kept for the next start", metadata: [
                    "site": "\(key.site)", "epoch": "\(key.epoch)", "seq": "\(key.seq)", "reason": "\(error)",
                ])
            }
        }
        try writer.write { db in
            for key in held {
                try db.execute(sql: "DELETE FROM deferred_batches WHERE site = ? AND epoch = ? AND seq = ?",
                               arguments: [key.site, key.epoch, key.seq])
            }
        }
        if kept > 0 { logger.warning("deferred batches kept", metadata: ["kept": "\(kept)", "applied": "\(held.count)"]) }
    }

    /// How many batches wait in the deferred table (tests, status).
    public func deferredBatchCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM deferred_batches") ?? 0 }
    }
}

/// Where an origin's contiguous prefix ends, and the hash that the next batch must chain to.
struct OriginState {
    let seq: UInt64
    let hash: BatchHash
    let quarantined: Bool

    static func fetch(_ origin: Origin, db: Database) throws -> OriginState {
        let statement = try db.cachedStatement(sql: "SELECT seq, hash, quarantined FROM origins WHERE site = ? AND epoch = ?")
        guard let row = try Row.fetchOne(statement, arguments: [origin.site.databaseValue, Int64(origin.epoch)]) else {
            return OriginState(seq: 0, hash: .zero, quarantined: false)
        }
        return OriginState(seq: UInt64(row["seq"] as Int64), hash: BatchHash(bytes: Array(row["hash"] as Data)),
                           quarantined: (row["quarantined"] as Int64) != 0)
    }
}
