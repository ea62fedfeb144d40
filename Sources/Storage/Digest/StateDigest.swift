import Foundation
import GRDB
import GRDBSQLite
import Replica

/// A hash of the materialised state — every entity table, the live set elements, log
/// entries and surfaced versions, and the tombstones of rows edited after their delete —
/// in canonical row order. Bookkeeping that compaction collects (other tombstones,
/// overwritten stamps, removed tags) is left out. Two
/// replicas that merged the same batches have the same digest whatever order the
/// batches arrived in; the batch log and local bookkeeping are not part of it.
///
/// Each section is hashed in chunks of `rowsPerChunk` rows; the chunk hashes are what
/// a range comparison between peers will exchange (docs/replication.md).
public struct StateDigest: Hashable, Sendable, CustomStringConvertible {
    public let total: BatchHash
    public let sections: [String: [BatchHash]]
    public let rowCount: Int

    public static let rowsPerChunk = 1_024

    public var description: String { total.description }
}

extension ReplicaStore {
    public func stateDigest() throws -> StateDigest {
        try writer.read { db in
            var sections: [String: [BatchHash]] = [:]
            var rows = 0
            let systemSections: [(String, String)] = [
                // Only tombstones a human must look at (edited after delete): the others,
                // like overwritten stamps and removed tags, are bookkeeping compaction
                // collects on its own schedule, so two replicas with the same data may
                // differ in how much of it they still hold (docs/replication.md).
                ("tombstones", "SELECT entity, row, stamp, max_edit FROM tombstones WHERE max_edit > stamp ORDER BY entity, row"),
                ("surfaced_versions", "SELECT * FROM surfaced_versions ORDER BY entity, row, field, stamp"),
                ("set_elements", "SELECT * FROM set_elements ORDER BY entity, row, field, element, stamp"),
                ("log_entries", "SELECT * FROM log_entries ORDER BY entity, row, field, stamp, idx"),
            ]
            let entitySections = schema.entities.sorted { $0.id < $1.id }.map { entity in
                (EntityTable.tableName(entity), materializer.tables[entity.id]!.digestSQL)
            }
            for (name, sql) in entitySections + systemSections {
                let (chunks, count) = try digestSection(sql: sql, db: db)
                sections[name] = chunks
                rows += count
            }
            var top = ByteWriter()
            for name in sections.keys.sorted() {
                top.lengthPrefixed(name.utf8)
                for chunk in sections[name]! { top.raw(chunk.bytes) }
            }
            return StateDigest(total: hasher.hash(top.bytes), sections: sections, rowCount: rows)
        }
    }

    /// Reads the section with SQLite's column API: building a GRDB `Row` and a
    /// `Value` per cell cost more than hashing. Each cell is written as a type byte and
    /// its canonical bytes, so the digest does not depend on how values are decoded.
    private func digestSection(sql: String, db: Database) throws -> ([BatchHash], Int) {
        var chunks: [BatchHash] = []
        var buffer = ByteWriter(capacity: 64 << 10)
        var inChunk = 0
        var count = 0
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        let columns = sqlite3_column_count(handle)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            for column in 0..<columns {
                let type = sqlite3_column_type(handle, column)
                buffer.u8(UInt8(truncatingIfNeeded: type))
                switch type {
                case SQLITE_INTEGER: buffer.u64(UInt64(bitPattern: sqlite3_column_int64(handle, column)))
                case SQLITE_FLOAT: buffer.u64(sqlite3_column_double(handle, column).bitPattern)
                case SQLITE_TEXT, SQLITE_BLOB:
                    // Pointer first, then length, as SQLite's docs ask (no conversion in between).
                    let pointer = sqlite3_column_blob(handle, column)
                    let length = Int(sqlite3_column_bytes(handle, column))
                    buffer.varint(UInt64(length))
                    if length > 0, let bytes = pointer {
                        buffer.raw(UnsafeRawBufferPointer(start: bytes, count: length))
                    }
                default: break
                }
            }
            inChunk += 1
            count += 1
            if inChunk == StateDigest.rowsPerChunk {
                chunks.append(hasher.hash(buffer.bytes))
                buffer = ByteWriter(capacity: 64 << 10)
                inChunk = 0
            }
        }
        if inChunk > 0 { chunks.append(hasher.hash(buffer.bytes)) }
        return (chunks, count)
    }
}
