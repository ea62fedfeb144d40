import Foundation
import GRDB
import Replica
import Storage

/// Reads of the materialised tables for the domain's queries. They take a GRDB
/// `Database`, so one query serves both a read (`store.read`) and the checks a command
/// makes inside its write transaction (`tx.db`, the state before the command).
enum StoredRows {
    /// Rows of `entity` matching `filter` (SQL over the `e_<entity>` columns).
    static func fetch(_ db: Database, _ entity: EntitySchema, where filter: String = "1",
                      _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(ReplicaQueries.tableName(entity)) WHERE \(filter) ORDER BY id", arguments: arguments)
    }

    static func fetchOne(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT * FROM \(ReplicaQueries.tableName(entity)) WHERE id = ?", arguments: [blob(id)])
    }

    static func blob(_ id: RowID) -> Data { Data(id.bytes) }

    /// A counter column read without trapping: SQLite turns an overflowing sum of
    /// increments (peers may send any `Int64`) into a REAL, which GRDB's `as Int?` would
    /// refuse with a fatal error. Pinned to `Int`'s range; `StoredBounds` lists the row.
    static func counter(_ row: Row, _ column: String) -> Int? {
        let value: DatabaseValue = row[column]
        switch value.storage {
        case let .int64(v): return Int(v)
        case let .double(d): return d.isNaN ? nil : (d >= Double(Int.max) ? .max : (d <= Double(Int.min) ? .min : Int(d)))
        case .null, .string, .blob: return nil
        }
    }

    static func rowID(_ row: Row) -> RowID {
        guard let data = row["id"] as Data?, let id = RowID(bytes: data) else { preconditionFailure("row without id") }
        return id
    }

    /// Elements of an add-wins set, sorted.
    static func set(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ fieldName: String) throws -> [String] {
        guard let field = entity.field(named: fieldName) else { preconditionFailure("no field \(entity.name).\(fieldName)") }
        return try ReplicaQueries.setElements(db, entity, id, field).compactMap(String.fromDatabaseValue)
    }

    /// Entries of a log in stamp order — the same order on every converged replica.
    static func log(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ fieldName: String) throws -> [String] {
        guard let field = entity.field(named: fieldName) else { preconditionFailure("no field \(entity.name).\(fieldName)") }
        return try ReplicaQueries.logEntries(db, entity, id, field).compactMap(String.fromDatabaseValue)
    }

    /// Every visible version of a surfaced register, oldest first (one unless in conflict).
    static func surfaced(_ db: Database, _ entity: EntitySchema, _ id: RowID, _ fieldName: String) throws -> [String?] {
        guard let field = entity.field(named: fieldName) else { preconditionFailure("no field \(entity.name).\(fieldName)") }
        return try ReplicaQueries.surfacedVersions(db, entity, id, field).map { $0.value.textValue }
    }
}

/// Log entries are JSON objects with sorted keys: the bytes are the same on every node.
enum LogCoding {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { preconditionFailure("log entry does not encode") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Entries written by a newer version may not decode; they are skipped, not fatal.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
