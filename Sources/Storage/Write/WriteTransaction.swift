import Foundation
import GRDB
import Replica

/// The changes of one local transaction, gathered by name and turned into one batch at
/// commit. Reads through `db` see the replica as it was when the transaction began
/// (the changes materialise at commit, through the same apply as remote batches).
public final class WriteTransaction {
    public let db: Database
    /// The stamp every change of this transaction will carry.
    public let stamp: Stamp
    let schema: Schema
    private(set) var changes: [Change] = []
    private var assignmentIndex: [RowKey: Int] = [:]
    private var rowsCreated: UInt16 = 0

    /// Largest number of changes in one local transaction; larger imports are split by
    /// the caller (a bounded batch keeps sync chunks and apply transactions bounded).
    public static let changesMax = 20_000

    struct RowKey: Hashable {
        let entity: EntityID
        let row: RowID
    }

    init(db: Database, schema: Schema, stamp: Stamp) {
        self.db = db
        self.schema = schema
        self.stamp = stamp
    }

    /// A fresh row id, unique across all sites without coordination.
    public func newRowID() -> RowID {
        precondition(rowsCreated < UInt16.max, "too many rows created in one transaction")
        defer { rowsCreated += 1 }
        return RowID(stamp: stamp, index: rowsCreated)
    }

    /// Sets register fields. Several calls on one row merge into one change, the later
    /// value of a field winning.
    public func assign(_ entityName: String, _ row: RowID, _ values: [String: Value]) throws {
        let entity = try self.entity(entityName)
        var assignments: [FieldAssignment] = []
        for (name, value) in values {
            assignments.append(FieldAssignment(field: try field(name, of: entity).id, value: value))
        }
        let key = RowKey(entity: entity.id, row: row)
        if let index = assignmentIndex[key], case let .assign(earlier) = changes[index].operation {
            let overridden = Set(assignments.map(\.field))
            assignments += earlier.filter { !overridden.contains($0.field) }
            changes[index] = Change(entity: entity.id, row: row, operation: .assign(assignments.sorted { $0.field < $1.field }))
        } else {
            assignmentIndex[key] = changes.count
            record(Change(entity: entity.id, row: row, operation: .assign(assignments.sorted { $0.field < $1.field })))
        }
    }

    /// Sets a surfaced register, overwriting every version currently visible — which
    /// is also how a human resolves a sibling conflict.
    public func assignSurfaced(_ entityName: String, _ row: RowID, _ fieldName: String, _ value: Value) throws {
        let entity = try self.entity(entityName)
        let field = try self.field(fieldName, of: entity)
        let visible = try Data.fetchAll(db, sql: "SELECT stamp FROM surfaced_versions WHERE entity = ? AND row = ? AND field = ? ORDER BY stamp",
                                        arguments: [entity.id, row.databaseValue, field.id]).compactMap { Stamp(bytes: $0) }
        record(Change(entity: entity.id, row: row, operation: .assignSurfaced(field: field.id, value: value, overwrites: visible)))
    }

    public func increment(_ entityName: String, _ row: RowID, _ fieldName: String, by delta: Int64) throws {
        let entity = try self.entity(entityName)
        record(Change(entity: entity.id, row: row, operation: .increment(field: try field(fieldName, of: entity).id, by: delta)))
    }

    public func add(_ entityName: String, _ row: RowID, _ fieldName: String, _ element: Value) throws {
        let entity = try self.entity(entityName)
        record(Change(entity: entity.id, row: row, operation: .add(field: try field(fieldName, of: entity).id, element: element)))
    }

    /// Removes the element as observed now; an add this replica has not seen survives.
    public func remove(_ entityName: String, _ row: RowID, _ fieldName: String, _ element: Value) throws {
        let entity = try self.entity(entityName)
        let field = try self.field(fieldName, of: entity)
        let observed = try Data.fetchAll(db, sql: """
            SELECT stamp FROM set_elements WHERE entity = ? AND row = ? AND field = ? AND element = ? ORDER BY stamp
            """, arguments: [entity.id, row.databaseValue, field.id, element.databaseValue]).compactMap { Stamp(bytes: $0) }
        guard !observed.isEmpty else { return }
        record(Change(entity: entity.id, row: row, operation: .remove(field: field.id, element: element, observed: observed)))
    }

    public func append(_ entityName: String, _ row: RowID, _ fieldName: String, _ entry: Value) throws {
        let entity = try self.entity(entityName)
        record(Change(entity: entity.id, row: row, operation: .append(field: try field(fieldName, of: entity).id, entry: entry)))
    }

    public func delete(_ entityName: String, _ row: RowID) throws {
        let entity = try self.entity(entityName)
        record(Change(entity: entity.id, row: row, operation: .delete))
    }

    /// A change already expressed in ids (bulk import, the simulator's workload).
    public func record(_ change: Change) {
        precondition(changes.count < Self.changesMax, "a local transaction holds at most \(Self.changesMax) changes")
        changes.append(change)
    }

    private func entity(_ name: String) throws(StorageError) -> EntitySchema {
        guard let entity = schema.entity(named: name) else { throw .unknownEntityName(name) }
        return entity
    }

    private func field(_ name: String, of entity: EntitySchema) throws(StorageError) -> FieldSchema {
        guard let field = entity.field(named: name) else { throw .unknownFieldName(entity: entity.name, field: name) }
        return field
    }
}

extension ReplicaStore {
    /// Runs `body` in one SQLite transaction and commits its changes as one signed
    /// batch of this node's origin. Nothing is written when `body` throws or records
    /// no change. The batch is durable (WAL, synchronous=FULL) when this returns.
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> (value: T, receipt: WriteReceipt?) {
        defer { noteCommitted() }
        return try writer.writeWithoutTransaction { db in
            var value: T?
            var receipt: WriteReceipt?
            try db.inTransaction(.immediate) {
                let origin = try Self.localOrigin(site: site, db: db)
                let state = try OriginState.fetch(origin, db: db)
                if state.quarantined { throw StorageError.quarantined(origin) }
                var hlc = HybridLogicalClock(last: try Self.storedClock(db: db))
                let time = hlc.tick(physicalMillis: clock.nowMillis())
                let tx = WriteTransaction(db: db, schema: schema, stamp: Stamp(time: time, origin: origin))
                value = try body(tx)
                guard !tx.changes.isEmpty else { return .rollback }
                for change in tx.changes { try validation.validate(change) }
                try CollectedRowGuard.check(tx.changes, schema: schema, tables: materializer.tables, db: db)
                let header = BatchHeader(suite: signer.suite, origin: origin, seq: state.seq + 1, prevHash: state.hash,
                                         time: time, schemaVersion: schema.version)
                var message = ByteWriter(capacity: BatchHeader.byteCount + tx.changes.count * 48)
                header.encode(into: &message)
                let body = ChangeCodec.encodeBody(tx.changes)
                message.raw(body)
                let batch = SealedBatch(header: header, body: body, signature: signer.sign(message.bytes))
                let hash = hasher.hash(message.bytes)
                try appendAndMaterialize(PendingBuffer.Entry(batch: batch, hash: hash, changes: tx.changes), local: true, db: db)
                receipt = WriteReceipt(batch: batch, hash: hash)
                return .commit
            }
            return (value!, receipt)
        }
    }

    /// A read-only view for queries of the domain layer.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.read(body)
    }
}
