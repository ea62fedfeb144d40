import GRDB
import Replica

extension ReplicaStore {
    /// Largest number of columns in one index: a wider one would cost every write more
    /// than it saves a query.
    public static let indexColumnsMax = 8

    /// Creates, if missing, a local SQL index on columns of an entity's table (register,
    /// counter and surfaced register fields) for the domain's queries. An index is a
    /// local read aid: it is not replicated, not part of the digest, and dropping it
    /// changes no result. Refuses names that are not columns of the entity.
    public func ensureIndex(entity entityName: String, columns: [String]) throws {
        guard let entity = schema.entity(named: entityName) else { throw StorageError.unknownEntityName(entityName) }
        precondition(!columns.isEmpty && columns.count <= Self.indexColumnsMax, "an index has 1…\(Self.indexColumnsMax) columns")
        for column in columns {
            guard let field = entity.field(named: column), field.kind != .addWinsSet, field.kind != .log else {
                throw StorageError.unknownFieldName(entity: entity.name, field: column)
            }
        }
        let table = EntityTable.tableName(entity)
        let name = "ix_\(table)_\(columns.joined(separator: "_"))"
        let list = columns.map(quoted).joined(separator: ", ")
        // Every CLI command opens the store and asks for its indexes: a read answers
        // the usual case without queueing for the write lock behind a busy node.
        let present = try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", arguments: [name]) ?? false
        }
        if present { return }
        try writer.write { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(quoted(name)) ON \(quoted(table)) (\(list))")
        }
    }
}
