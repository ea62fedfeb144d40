import Foundation
import GRDB
import GRDBSQLite
import Replica

/// What an export produced, for logs and progress.
public struct SnapshotSummary: Hashable, Sendable {
    public let vector: VersionVector
    public let parts: Int
    public let rows: UInt64
    public let bytes: UInt64
    public let contentHash: BatchHash
}

extension ReplicaStore {
    /// Exports the replica as a snapshot: every part is handed to `emit` in order, all
    /// read inside ONE read transaction, so the parts describe exactly the state at the
    /// vector in the header even while the node keeps writing (WAL readers see a fixed
    /// snapshot). `emit` may block (flow control): the transaction stays open meanwhile,
    /// which only holds back WAL checkpoints.
    @discardableResult
    public func exportSnapshot(emit: (_ part: [UInt8]) throws -> Void) throws -> SnapshotSummary {
        try writer.read { db in
            let tables = try snapshotTables(db: db)
            var total: UInt64 = 0
            for table in tables { total += UInt64(try Int64.fetchOne(db, sql: "SELECT count(*) FROM \"\(table.name)\"") ?? 0) }
            let header = SnapshotHeader(schemaVersion: schema.version, source: site, clock: try Self.storedClock(db: db),
                                        vector: try Self.versionVector(db: db), rows: total, tables: tables)
            var running = SnapshotHashing(hasher: hasher)
            let headerBytes = header.encoded()
            precondition(headerBytes.count <= SnapshotFormat.partBytesMax, "snapshot header beyond its bound")
            running.add(headerBytes)
            try emit(headerBytes)
            var rows: UInt64 = 0
            var bytes = UInt64(headerBytes.count)
            var parts = 1
            for (index, table) in tables.enumerated() {
                try exportRows(of: table, index: index, db: db) { part, count in
                    running.add(part)
                    rows += UInt64(count)
                    bytes += UInt64(part.count)
                    parts += 1
                    precondition(parts < SnapshotFormat.partsMax, "snapshot beyond partsMax")
                    try emit(part)
                }
            }
            precondition(rows == total, "rows exported \(rows) differ from the count \(total) in the same transaction")
            let trailer = SnapshotTrailer(rowsParts: UInt64(parts - 1), rows: rows, contentHash: running.total())
            let trailerBytes = trailer.encoded()
            try emit(trailerBytes)
            return SnapshotSummary(vector: header.vector, parts: parts + 1, rows: rows,
                                   bytes: bytes + UInt64(trailerBytes.count), contentHash: trailer.contentHash)
        }
    }

    /// Entity tables in schema order, then the bookkeeping tables, each with its columns
    /// as SQLite declares them (so a snapshot installs by column name).
    func snapshotTables(db: Database) throws -> [SnapshotTable] {
        let names = schema.entities.sorted { $0.id < $1.id }.map(EntityTable.tableName) + SnapshotFormat.systemTables
        return try names.map { name in
            let columns = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
                .map { $0["name"] as String }
            precondition(!columns.isEmpty, "table \(name) has no columns")
            return SnapshotTable(name: name, columns: columns)
        }
    }

    /// Reads a table with SQLite's column API and cuts it into parts of at most
    /// `partBytesMax` bytes and `partRowsMax` rows.
    private func exportRows(of table: SnapshotTable, index: Int, db: Database,
                            emit: (_ part: [UInt8], _ rows: Int) throws -> Void) throws {
        let sql = "SELECT " + table.columns.map { "\"\($0)\"" }.joined(separator: ", ") + " FROM \"\(table.name)\""
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        let columns = sqlite3_column_count(handle)
        var body = ByteWriter(capacity: SnapshotFormat.partBytesMax)
        var inPart = 0
        // Room left for the part's own prefix (kind, table index, row count varints).
        let prefixBytesMax = 1 + 10 + 10
        func flush() throws {
            guard inPart > 0 else { return }
            var part = ByteWriter(capacity: body.bytes.count + prefixBytesMax)
            part.u8(SnapshotFormat.rowsKind)
            part.varint(UInt64(index))
            part.varint(UInt64(inPart))
            part.raw(body.bytes)
            try emit(part.bytes, inPart)
            body = ByteWriter(capacity: SnapshotFormat.partBytesMax)
            inPart = 0
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            var row = ByteWriter(capacity: 256)
            row.varint(UInt64(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(handle, column) {
                case SQLITE_INTEGER:
                    row.u8(1)
                    row.u64(UInt64(bitPattern: sqlite3_column_int64(handle, column)))
                case SQLITE_FLOAT:
                    row.u8(2)
                    row.u64(sqlite3_column_double(handle, column).bitPattern)
                case let type where type == SQLITE_TEXT || type == SQLITE_BLOB:
                    row.u8(type == SQLITE_TEXT ? 3 : 4)
                    let pointer = sqlite3_column_blob(handle, column)
                    let length = Int(sqlite3_column_bytes(handle, column))
                    row.varint(UInt64(length))
                    if length > 0, let pointer { row.raw(UnsafeRawBufferPointer(start: pointer, count: length)) }
                default:
                    row.u8(5)
                }
            }
            precondition(row.bytes.count + prefixBytesMax <= SnapshotFormat.partBytesMax,
                         "a row of \(table.name) is larger than a snapshot part")
            if inPart == SnapshotFormat.partRowsMax || body.bytes.count + row.bytes.count + prefixBytesMax > SnapshotFormat.partBytesMax {
                try flush()
            }
            body.raw(row.bytes)
            inPart += 1
        }
        try flush()
    }
}

/// The running content hash: the hash of the concatenated part hashes.
struct SnapshotHashing {
    let hasher: any ContentHasher
    private var hashes = ByteWriter(capacity: 4_096)

    init(hasher: any ContentHasher) { self.hasher = hasher }

    mutating func add(_ part: [UInt8]) { hashes.raw(hasher.hash(part).bytes) }
    func total() -> BatchHash { hasher.hash(hashes.bytes) }
}
