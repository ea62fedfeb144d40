import Foundation
import GRDB
import Replica

/// One version of a surfaced register still visible (not overwritten by any write
/// this replica knows).
public struct SurfacedVersion: Hashable, Sendable {
    public let stamp: Stamp
    public let value: Value
}

/// One entry of an append-only log field.
public struct LogEntry: Hashable, Sendable {
    public let stamp: Stamp
    public let index: Int
    public let value: Value
}

/// A row as materialised on this replica.
public struct MaterializedRow: Hashable, Sendable {
    public let id: RowID
    /// Stamp of the latest change merged into the row.
    public let stamp: Stamp
    /// Registers, counters and the displayed value of surfaced registers, by field name.
    public var values: [String: Value]
    /// Surfaced fields whose versions conflict (more than one visible), by field name.
    public var siblings: [String: [SurfacedVersion]]
    /// Add-wins sets, elements in a stable order.
    public var sets: [String: [Value]]
    /// Logs in stamp order.
    public var logs: [String: [LogEntry]]

    public subscript(field: String) -> Value { values[field] ?? .null }
}

/// Something replication cannot decide for a human, identical on every converged replica.
public enum ConflictItem: Hashable, Sendable {
    /// Concurrent writes to a surfaced register, each overwriting the same version.
    case siblings(entity: String, row: RowID, field: String, versions: [SurfacedVersion])
    /// A row deleted while another campus, unaware of the delete, was still editing it.
    /// The delete won; the edit is reported so a human can re-create what mattered.
    case editedAfterDelete(entity: String, row: RowID, deletedAt: Stamp, lastEdit: Stamp)
}

/// A security-relevant observation, kept locally as evidence.
public struct SecurityEvent: Hashable, Sendable {
    public let kind: String
    public let origin: Origin
    public let seq: UInt64
    public let detail: String
}

extension ReplicaStore {
    public func row(_ entityName: String, _ id: RowID) throws -> MaterializedRow? {
        guard let entity = schema.entity(named: entityName) else { throw StorageError.unknownEntityName(entityName) }
        return try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM \(quoted(EntityTable.tableName(entity))) WHERE id = ?",
                             arguments: [id.databaseValue]).map { try Self.materialize($0, entity: entity, db: db) }
        }
    }

    /// Every live row of an entity in id order (tests, exports; the domain queries SQL).
    public func rows(_ entityName: String) throws -> [MaterializedRow] {
        guard let entity = schema.entity(named: entityName) else { throw StorageError.unknownEntityName(entityName) }
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(quoted(EntityTable.tableName(entity))) ORDER BY id")
                .map { try Self.materialize($0, entity: entity, db: db) }
        }
    }

    public func isDeleted(_ entityName: String, _ id: RowID) throws -> Bool {
        guard let entity = schema.entity(named: entityName) else { throw StorageError.unknownEntityName(entityName) }
        return try writer.read { db in
            // A collected tombstone still means deleted (docs/replication.md, "Compaction").
            try Bool.fetchOne(db, sql: "SELECT 1 FROM tombstones WHERE entity = ? AND row = ?",
                              arguments: [entity.id, id.databaseValue]) ?? false
                || CollectedRowGuard.wasCollected(id, table: materializer.tables[entity.id]!, db: db)
        }
    }

    static func materialize(_ row: Row, entity: EntitySchema, db: Database) throws -> MaterializedRow {
        let latest: DatabaseValue = row["_s"]
        guard let id = RowID(row["id"] as DatabaseValue), let stamp = Stamp(latest.isNull ? row["_c"] : latest) else {
            throw StorageError.incompatibleSchema("row of \(entity.name) without id or stamp")
        }
        var result = MaterializedRow(id: id, stamp: stamp, values: [:], siblings: [:], sets: [:], logs: [:])
        for field in entity.fields {
            switch field.kind {
            case .register, .counter:
                result.values[field.name] = Value(row[field.name] as DatabaseValue)
            case .surfacedRegister:
                result.values[field.name] = Value(row[field.name] as DatabaseValue)
                if (row["\(field.name)__n"] as Int64) > 1 {
                    result.siblings[field.name] = try ReplicaQueries.surfacedVersions(db, entity, id, field)
                }
            case .addWinsSet:
                result.sets[field.name] = try ReplicaQueries.setElements(db, entity, id, field).map(Value.init)
            case .log:
                result.logs[field.name] = try Row.fetchAll(db, sql: """
                    SELECT stamp, idx, entry FROM log_entries WHERE entity = ? AND row = ? AND field = ? ORDER BY stamp, idx
                    """, arguments: [entity.id, id.databaseValue, field.id]).map {
                    LogEntry(stamp: Stamp($0["stamp"] as DatabaseValue)!, index: $0["idx"], value: Value($0["entry"] as DatabaseValue))
                }
            }
        }
        return result
    }

    static func surfacedVersions(_ arguments: StatementArguments, db: Database) throws -> [SurfacedVersion] {
        try Row.fetchAll(db, sql: "SELECT stamp, value FROM surfaced_versions WHERE entity = ? AND row = ? AND field = ? ORDER BY stamp",
                         arguments: arguments).map {
            SurfacedVersion(stamp: Stamp($0["stamp"] as DatabaseValue)!, value: Value($0["value"] as DatabaseValue))
        }
    }

    /// Every conflict to resolve, in a canonical order.
    public func conflicts() throws -> [ConflictItem] {
        try writer.read { db in
            var items: [ConflictItem] = []
            let groups = try Row.fetchAll(db, sql: """
                SELECT entity, row, field FROM surfaced_versions GROUP BY entity, row, field HAVING count(*) > 1
                ORDER BY entity, row, field
                """)
            for g in groups {
                guard let entity = schema.entity(EntityID(g["entity"] as Int64)),
                      let field = entity.field(FieldID(g["field"] as Int64)),
                      let row = RowID(g["row"] as DatabaseValue) else { continue }
                let versions = try Self.surfacedVersions([g["entity"], g["row"], g["field"]], db: db)
                items.append(.siblings(entity: entity.name, row: row, field: field.name, versions: versions))
            }
            for t in try Row.fetchAll(db, sql: "SELECT * FROM tombstones WHERE max_edit > stamp ORDER BY entity, row") {
                guard let entity = schema.entity(EntityID(t["entity"] as Int64)), let row = RowID(t["row"] as DatabaseValue),
                      let deleted = Stamp(t["stamp"] as DatabaseValue), let edit = Stamp(t["max_edit"] as DatabaseValue) else { continue }
                items.append(.editedAfterDelete(entity: entity.name, row: row, deletedAt: deleted, lastEdit: edit))
            }
            return items
        }
    }

    public func securityEvents() throws -> [SecurityEvent] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, site, epoch, seq, detail FROM security_events ORDER BY id").map {
                SecurityEvent(kind: $0["kind"], origin: Origin(site: SiteID(database: $0["site"]), epoch: Epoch($0["epoch"] as Int64)),
                              seq: UInt64($0["seq"] as Int64), detail: $0["detail"])
            }
        }
    }
}

extension EntityTable {
    static func tableName(_ entity: EntitySchema) -> String { "e_\(entity.name)" }
}
