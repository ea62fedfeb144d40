import GRDB
import Replica

/// Keeps a collected tombstone's promise: a row deleted and collected must not come
/// back through a later local write (a client holding the id from before the delete).
/// Replicas that still hold the tombstone would absorb such a write and the ones that
/// collected it would materialise it — a divergence no sync repairs.
///
/// The row id says which origin created the row and when (`RowID(stamp:index:)`). If
/// that creating batch is covered by a completed collection, it was delivered here
/// before the collection, so a row that is absent now was deleted: the write is
/// refused as `.rowDeleted`, as it was while the tombstone existed. Runs only on a
/// replica that has collected something; natural-key rows keep their tombstones and
/// never reach here.
enum CollectedRowGuard {
    /// Whether `row` of the entity was deleted and its tombstone since collected: absent,
    /// and created by a batch a completed collection covers.
    static func wasCollected(_ row: RowID, table: EntityTable, db: Database) throws -> Bool {
        let collected = try CollectedThrough.all(db: db)
        guard !collected.isEmpty,
              let creator = MetadataCollection.creator(of: row, among: try MetadataCollection.knownOrigins(db: db)),
              let through = collected[creator], row.high <= through.rawValue else { return false }
        let present = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(quoted(table.tableName)) WHERE id = ?)",
                                        arguments: [row.databaseValue]) ?? false
        return !present
    }

    static func check(_ changes: [Change], schema: Schema, tables: [EntityID: EntityTable], db: Database) throws {
        let collected = try CollectedThrough.all(db: db)
        guard !collected.isEmpty else { return }
        let origins = try MetadataCollection.knownOrigins(db: db)
        var checked = Set<RowID>()
        for change in changes where checked.insert(change.row).inserted {
            guard let creator = MetadataCollection.creator(of: change.row, among: origins),
                  let through = collected[creator], change.row.high <= through.rawValue,
                  let table = tables[change.entity] else { continue }
            let present = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(quoted(table.tableName)) WHERE id = ?)",
                                            arguments: [change.row.databaseValue]) ?? false
            if !present {
                throw StorageError.rowDeleted(entity: schema.entity(change.entity)?.name ?? "\(change.entity)", row: change.row)
            }
        }
    }
}
