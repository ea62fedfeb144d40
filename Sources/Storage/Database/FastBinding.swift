import GRDB
import GRDBSQLite
import Replica

/// Binds values straight into a GRDB statement's SQLite handle on the hot paths
/// (materialising changes, logging batches). GRDB's generic argument arrays cost more
/// than the SQLite work itself there; this keeps GRDB's execution path — its
/// transaction tracking and error handling — and only replaces the binding.
///
/// Use: `prepare(statement, nulls:)` once per execution, then `bind…`, then
/// `statement.execute()`. GRDB sees arguments it considers bound (all NULL) and
/// executes the statement with the values bound here.
struct FastBinding {
    let handle: SQLiteStatement

    /// `nulls` must be the statement's parameter count of NULLs (see `EntityTable`).
    init(_ statement: Statement, nulls: StatementArguments) {
        statement.setUncheckedArguments(nulls)
        handle = statement.sqliteStatement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ value: Value, at index: Int32) {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case let .integer(v): code = sqlite3_bind_int64(handle, index, v)
        case let .real(v): code = sqlite3_bind_double(handle, index, v)
        case let .text(v):
            var v = v
            if v.isEmpty {
                // Still TEXT, not NULL: SQLite needs a non-nil pointer.
                code = sqlite3_bind_text(handle, index, "", 0, Self.transient)
            } else {
                code = v.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        sqlite3_bind_text(handle, index, chars.baseAddress!, Int32(chars.count), Self.transient)
                    }
                }
            }
        case let .bytes(v): code = bindBlob(v, at: index)
        }
        precondition(code == SQLITE_OK, "sqlite3_bind failed: \(code)")
    }

    func bind(_ v: Int64, at index: Int32) {
        precondition(sqlite3_bind_int64(handle, index, v) == SQLITE_OK)
    }

    /// Sixteen bytes, big-endian: row ids.
    func bind(high: UInt64, low: UInt64, at index: Int32) {
        var words = (high.bigEndian, low.bigEndian)
        let code = withUnsafeBytes(of: &words) { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress, 16, Self.transient)
        }
        precondition(code == SQLITE_OK, "sqlite3_bind_blob failed: \(code)")
    }

    func bind(_ row: RowID, at index: Int32) { bind(high: row.high, low: row.low, at: index) }
    /// Twenty bytes, big-endian, exactly `Stamp.bytes` (time, site, epoch).
    func bind(_ stamp: Stamp, at index: Int32) {
        var parts = (stamp.time.rawValue.bigEndian, stamp.site.rawValue.bigEndian, stamp.epoch.bigEndian)
        let code = withUnsafeBytes(of: &parts) { raw in
            // The tuple is laid out 8 + 8 + 4 bytes with no padding before the epoch.
            sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(Stamp.byteCount), Self.transient)
        }
        precondition(code == SQLITE_OK, "sqlite3_bind_blob failed: \(code)")
    }

    @discardableResult
    func bindBlob(_ bytes: [UInt8], at index: Int32) -> Int32 {
        let code = bytes.withUnsafeBytes { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
        }
        precondition(code == SQLITE_OK, "sqlite3_bind_blob failed: \(code)")
        return code
    }
}

