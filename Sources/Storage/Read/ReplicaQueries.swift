import Foundation
import GRDB
import Replica

/// Reads of the materialised replica for layers above, on a GRDB `Database` so one
/// query serves both `store.read { db in … }` and the checks a command makes inside its
/// write transaction (`tx.db`). The side tables behind sets, logs and surfaced
/// registers stay Storage's business: callers name entities and fields, not tables.
public enum ReplicaQueries {
    /// The SQL name of an entity's table, for domain queries over its columns
    /// (one column per register, counter and surfaced register field).
    public static func tableName(_ entity: EntitySchema) -> String { quoted(EntityTable.tableName(entity)) }

    /// A row id as the SQL value of the `id` column.
    public static func sqlValue(_ id: RowID) -> DatabaseValue { id.databaseValue }

    /// Elements of an add-wins set, distinct, in SQLite's order.
    public static func setElements(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ field: FieldSchema) throws -> [DatabaseValue] {
        precondition(field.kind == .addWinsSet, "\(entity.name).\(field.name) is not a set")
        return try DatabaseValue.fetchAll(db, sql: """
            SELECT DISTINCT element FROM set_elements WHERE entity = ? AND row = ? AND field = ? ORDER BY element
            """, arguments: [entity.id, id.databaseValue, field.id])
    }

    /// Entries of a log, in stamp order — the same order on every converged replica.
    public static func logEntries(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ field: FieldSchema) throws -> [DatabaseValue] {
        precondition(field.kind == .log, "\(entity.name).\(field.name) is not a log")
        return try DatabaseValue.fetchAll(db, sql: """
            SELECT entry FROM log_entries WHERE entity = ? AND row = ? AND field = ? ORDER BY stamp, idx
            """, arguments: [entity.id, id.databaseValue, field.id])
    }

    /// Entries of a log field across every row of the entity, in stamp order.
    public static func logEntries(_ db: Database, _ entity: EntitySchema, _ field: FieldSchema) throws -> [DatabaseValue] {
        precondition(field.kind == .log, "\(entity.name).\(field.name) is not a log")
        return try DatabaseValue.fetchAll(db, sql: """
            SELECT entry FROM log_entries WHERE entity = ? AND field = ? ORDER BY stamp, idx
            """, arguments: [entity.id, field.id])
    }

    /// Every visible version of a surfaced register, oldest first (one unless in conflict).
    public static func surfacedVersions(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ field: FieldSchema) throws -> [SurfacedVersion] {
        precondition(field.kind == .surfacedRegister, "\(entity.name).\(field.name) is not a surfaced register")
        return try ReplicaStore.surfacedVersions([entity.id, id.databaseValue, field.id], db: db)
    }
}
