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

    /// Statements of one batch's apply, looked up by a small key rather than by SQL
    /// text: hashing a long statement for every change showed up in profiles.
    final class Statements {
        struct Key: Hashable {
            let entity: EntityID
            let operation: UInt8
            let field: FieldID
        }

        let db: Database
        private var cache: [Key: Statement] = [:]
        private var tombstoneFree: [EntityID: Bool] = [:]

        init(db: Database) { self.db = db }

        /// Whether the entity has no tombstone: then no change of this batch can hit one
        /// until the batch itself deletes a row of it.
        func isTombstoneFree(_ entity: EntityID) throws -> Bool {
            if let known = tombstoneFree[entity] { return known }
            let any = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM tombstones WHERE entity = ?)"),
                                        arguments: [entity]) ?? false
            tombstoneFree[entity] = !any
            return !any
        }

        func noteTombstone(_ entity: EntityID) { tombstoneFree[entity] = false }

        func statement(_ key: Key, sql: @autoclosure () -> String) throws -> Statement {
            if let statement = cache[key] { return statement }
            let statement = try db.cachedStatement(sql: sql())
            cache[key] = statement
            return statement
        }
    }

    func apply(_ change: Change, index: Int, stamp: Stamp, statements: Statements) throws -> Outcome {
        guard let table = tables[change.entity] else { preconditionFailure("validated change names unknown entity") }
        let db = statements.db
        // Side-table paths (surfaced, set, log) are rare; they use GRDB's arguments.
        var row: DatabaseValue { change.row.databaseValue }
        var stampValue: DatabaseValue { stamp.databaseValue }
        switch change.operation {
        case let .assign(assignments):
            let unchecked = try statements.isTombstoneFree(change.entity)
            let statement = unchecked
                ? try statements.statement(.init(entity: change.entity, operation: 4, field: 0), sql: table.assignUncheckedSQL)
                : try statements.statement(.init(entity: change.entity, operation: 1, field: 0), sql: table.assignSQL)
            let binding = FastBinding(statement, nulls: table.assignNulls)
            binding.bind(change.row, at: 1)
            binding.bind(stamp, at: 2)
            let stampBase = Int32(3 + table.registerColumns.count)
            for a in assignments {
                let register = table.registerIndexByField[Int(a.field)]
                precondition(register >= 0, "validated register missing")
                binding.bind(a.value, at: Int32(3 + register))
                binding.bind(stamp, at: stampBase + Int32(table.stampIndexOfRegister[register]))
            }
            try statement.execute()
            return try outcomeOfUpsert(db, change: change, stamp: stamp)

        case let .increment(fieldID, delta):
            let field = table.schema.field(fieldID)!
            let statement = try statements.statement(.init(entity: change.entity, operation: 2, field: fieldID),
                                                     sql: table.incrementSQL(field))
            let binding = FastBinding(statement, nulls: EntityTable.incrementNulls)
            binding.bind(change.row, at: 1)
            binding.bind(stamp, at: 2)
            binding.bind(delta, at: 3)
            try statement.execute()
            return try outcomeOfUpsert(db, change: change, stamp: stamp)

        case let .assignSurfaced(fieldID, value, overwrites):
            guard try touch(table, change: change, stamp: stamp, statements: statements) else {
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
            guard try touch(table, change: change, stamp: stamp, statements: statements) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO set_elements SELECT ?1, ?2, ?3, ?4, ?5
                WHERE NOT EXISTS (SELECT 1 FROM set_removed
                                  WHERE entity = ?1 AND row = ?2 AND field = ?3 AND element = ?4 AND stamp = ?5)
                """, arguments: [Int64(change.entity), row, Int64(fieldID), element.databaseValue, stampValue])
            return .merged

        case let .remove(fieldID, element, observed):
            guard try touch(table, change: change, stamp: stamp, statements: statements) else {
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
            guard try touch(table, change: change, stamp: stamp, statements: statements) else {
                return try absorb(db, change: change, stamp: stamp)
            }
            try db.execute(sql: "INSERT OR IGNORE INTO log_entries VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Int64(change.entity), row, Int64(fieldID), stampValue, Int64(index), entry.databaseValue])
            return .merged

        case .delete:
            statements.noteTombstone(change.entity)
            try tombstone(table, change: change, stamp: stamp, db: db)
            return .merged
        }
    }

    /// Creates the row or raises its row stamp; false when the row is tombstoned.
    private func touch(_ table: EntityTable, change: Change, stamp: Stamp, statements: Statements) throws -> Bool {
        let statement = try statements.statement(.init(entity: change.entity, operation: 3, field: 0), sql: table.touchSQL)
        let binding = FastBinding(statement, nulls: EntityTable.touchNulls)
        binding.bind(change.row, at: 1)
        binding.bind(stamp, at: 2)
        try statement.execute()
        return statements.db.changesCount > 0
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
        let latestEdit = try DatabaseValue.fetchOne(db, sql: "SELECT coalesce(_s, _c) FROM \(quoted(table.tableName)) WHERE id = ?",
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
