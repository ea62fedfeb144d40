import Foundation
import GRDB
import Replica

/// Merges validated changes into the materialised tables. The one merge function per
/// field kind; local writes and remote batches both come through here, inside the
/// transaction that also appends the batch to the log.
struct Materializer: Sendable {
    let schema: Schema
    let tables: [EntityID: EntityTable]

    enum Outcome: Equatable {
        case merged
        /// The row is tombstoned: the change is absorbed (its stamp still counts for
        /// the deleted-while-edited check) and nothing is resurrected.
        case absorbedByTombstone
    }

    func apply(_ change: Change, index: Int, stamp: Stamp, db: Database) throws -> Outcome {
        guard let table = tables[change.entity] else { preconditionFailure("validated change names unknown entity") }
        let row = change.row.databaseValue
        let stampValue = stamp.databaseValue
        switch change.operation {
        case let .assign(assignments):
            var arguments = [DatabaseValue](repeating: .null, count: 2 + table.registerColumns.count + table.stampColumns.count)
            arguments[0] = row
            arguments[1] = stampValue
            var stamped = Set<Int>()
            for a in assignments {
                guard let index = table.registerIndex[a.field] else { preconditionFailure("validated register missing") }
                arguments[2 + index] = a.value.databaseValue
                stamped.insert(index)
            }
            for (s, members) in table.stampMembers.enumerated() where members.contains(where: stamped.contains) {
                arguments[2 + table.registerColumns.count + s] = stampValue
            }
            let statement = try db.cachedStatement(sql: table.assignSQL)
            statement.setUncheckedArguments(StatementArguments(arguments))
            try statement.execute()
            return try outcomeOfUpsert(db, change: change, stamp: stamp)

        case let .increment(fieldID, delta):
            let field = table.schema.field(fieldID)!
            let statement = try db.cachedStatement(sql: table.incrementSQL(field))
            statement.setUncheckedArguments([row, stampValue, delta.databaseValue])
            try statement.execute()
            return try outcomeOfUpsert(db, change: change, stamp: stamp)

        case let .assignSurfaced(fieldID, value, overwrites):
            guard try touch(table, row: row, stamp: stampValue, db: db) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            let key: [DatabaseValue] = [Int64(change.entity).databaseValue, row, Int64(fieldID).databaseValue]
            for overwritten in overwrites {
                try db.execute(sql: "INSERT OR IGNORE INTO surfaced_overwritten VALUES (?, ?, ?, ?)",
                               arguments: StatementArguments(key + [overwritten.databaseValue]))
                try db.execute(sql: "DELETE FROM surfaced_versions WHERE entity = ? AND row = ? AND field = ? AND stamp = ?",
                               arguments: StatementArguments(key + [overwritten.databaseValue]))
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO surfaced_versions SELECT ?1, ?2, ?3, ?4, ?5
                WHERE NOT EXISTS (SELECT 1 FROM surfaced_overwritten WHERE entity = ?1 AND row = ?2 AND field = ?3 AND stamp = ?4)
                """, arguments: StatementArguments(key + [stampValue, value.databaseValue]))
            try refreshSurfacedDisplay(table, field: table.schema.field(fieldID)!, key: key, db: db)
            return .merged

        case let .add(fieldID, element):
            guard try touch(table, row: row, stamp: stampValue, db: db) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO set_elements SELECT ?1, ?2, ?3, ?4, ?5
                WHERE NOT EXISTS (SELECT 1 FROM set_removed
                                  WHERE entity = ?1 AND row = ?2 AND field = ?3 AND element = ?4 AND stamp = ?5)
                """, arguments: [Int64(change.entity), row, Int64(fieldID), element.databaseValue, stampValue])
            return .merged

        case let .remove(fieldID, element, observed):
            guard try touch(table, row: row, stamp: stampValue, db: db) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            for tag in observed {
                let arguments: StatementArguments = [Int64(change.entity), row, Int64(fieldID), element.databaseValue, tag.databaseValue]
                try db.execute(sql: "INSERT OR IGNORE INTO set_removed VALUES (?, ?, ?, ?, ?)", arguments: arguments)
                try db.execute(sql: """
                    DELETE FROM set_elements WHERE entity = ? AND row = ? AND field = ? AND element = ? AND stamp = ?
                    """, arguments: arguments)
            }
            return .merged

        case let .append(fieldID, entry):
            guard try touch(table, row: row, stamp: stampValue, db: db) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            try db.execute(sql: "INSERT OR IGNORE INTO log_entries VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Int64(change.entity), row, Int64(fieldID), stampValue, Int64(index), entry.databaseValue])
            return .merged

        case .delete:
            try tombstone(table, change: change, stamp: stamp, db: db)
            return .merged
        }
    }

    /// Creates the row or raises its row stamp; false when the row is tombstoned.
    private func touch(_ table: EntityTable, row: DatabaseValue, stamp: DatabaseValue, db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: table.touchSQL)
        statement.setUncheckedArguments([row, stamp])
        try statement.execute()
        return db.changesCount > 0
    }

    private func outcomeOfUpsert(_ db: Database, change: Change, stamp: Stamp) throws -> Outcome {
        db.changesCount > 0 ? .merged : try absorb(db, change: change, stamp: stamp)
    }

    /// A change to a deleted row only raises the tombstone's latest-edit stamp: whether
    /// the row was edited after (concurrently with) its deletion is then the same on
    /// every replica, whatever the order the delete and the edit arrived in.
    private func absorb(_ db: Database, change: Change, stamp: Stamp) throws -> Outcome {
        try db.execute(sql: "UPDATE tombstones SET max_edit = max(max_edit, ?) WHERE entity = ? AND row = ?",
                       arguments: [stamp.databaseValue, Int64(change.entity), change.row.databaseValue])
        return .absorbedByTombstone
    }

    private func tombstone(_ table: EntityTable, change: Change, stamp: Stamp, db: Database) throws {
        let entity = Int64(change.entity)
        let row = change.row.databaseValue
        let latestEdit = try DatabaseValue.fetchOne(db, sql: "SELECT _s FROM \(quoted(table.tableName)) WHERE id = ?",
                                                    arguments: [row]) ?? .null
        let maxEdit: DatabaseValue = latestEdit.isNull ? Data().databaseValue : latestEdit
        try db.execute(sql: """
            INSERT INTO tombstones (entity, row, stamp, max_edit) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(entity, row) DO UPDATE SET stamp = min(stamp, excluded.stamp), max_edit = max(max_edit, excluded.max_edit)
            """, arguments: [entity, row, stamp.databaseValue, maxEdit])
        try db.execute(sql: "DELETE FROM \(quoted(table.tableName)) WHERE id = ?", arguments: [row])
        for side in ["surfaced_versions", "surfaced_overwritten", "set_elements", "set_removed", "log_entries"] {
            try db.execute(sql: "DELETE FROM \(side) WHERE entity = ? AND row = ?", arguments: [entity, row])
        }
    }

    /// The displayed value of a surfaced register is its newest live version; the
    /// sibling count beside it says whether a human must choose.
    private func refreshSurfacedDisplay(_ table: EntityTable, field: FieldSchema, key: [DatabaseValue], db: Database) throws {
        let arguments = StatementArguments(key)
        let newest = try DatabaseValue.fetchOne(db, sql: """
            SELECT value FROM surfaced_versions WHERE entity = ? AND row = ? AND field = ? ORDER BY stamp DESC LIMIT 1
            """, arguments: arguments) ?? .null
        let live = try Int.fetchOne(db, sql: "SELECT count(*) FROM surfaced_versions WHERE entity = ? AND row = ? AND field = ?",
                                    arguments: arguments) ?? 0
        try db.execute(sql: "UPDATE \(quoted(table.tableName)) SET \(quoted(field.name)) = ?, \(quoted(field.name + "__n")) = ? WHERE id = ?",
                       arguments: [newest, live, key[1]])
    }
}
