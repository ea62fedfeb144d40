import Foundation
import GRDB
import GRDBSQLite
import Replica

/// What an install did.
public struct SnapshotInstallReport: Hashable, Sendable {
    public let source: SiteID
    public let vector: VersionVector
    public let rows: UInt64
    /// The origin this replica writes under afterwards (a new epoch when the snapshot
    /// held batches of this site).
    public let origin: Origin
}

extension ReplicaStore {
    /// Installs a snapshot into this replica, which must be EMPTY (no batch, no origin,
    /// no row; only its own declared schema). `next` hands the encoded parts in order
    /// and nil after the last. Everything happens in one write transaction and commits
    /// only after the trailer's content hash, part count and row count match what was
    /// read: any refusal rolls back and the replica stays empty.
    ///
    /// Afterwards the log floor of every origin is the snapshot's vector (the log holds
    /// none of those batches: peers asking for them are told a snapshot is needed), the
    /// clock is at least the source's, and when the snapshot holds batches of this very
    /// site the epoch moves past all of them, so no sequence number is reused.
    @discardableResult
    public func installSnapshot(expectedSource: SiteID?, next: () throws -> [UInt8]?) throws -> SnapshotInstallReport {
        defer { noteCommitted() }
        do {
            let report = try writer.writeWithoutTransaction { db in
                var report: SnapshotInstallReport?
                try db.inTransaction(.immediate) {
                    report = try install(expectedSource: expectedSource, next: next, db: db)
                    return .commit
                }
                return report!
            }
            logger.notice("snapshot installed", metadata: [
                "source": "\(report.source)", "rows": "\(report.rows)", "batches": "\(report.vector.batchCount)",
                "origin": "\(report.origin)",
            ])
            return report
        } catch {
            let refusal = error as? SnapshotError ?? .database("\(error)")
            logger.error("snapshot refused; replica unchanged", metadata: ["reason": "\(refusal)"])
            throw refusal
        }
    }

    private func install(expectedSource: SiteID?, next: () throws -> [UInt8]?, db: Database) throws -> SnapshotInstallReport {
        guard let first = try next() else { throw SnapshotError.malformed("empty stream") }
        var hashing = SnapshotHashing(hasher: hasher)
        guard case let .header(header) = try SnapshotPart.decode(first) else { throw SnapshotError.malformed("first part is not a header") }
        hashing.add(first)
        if let expectedSource, header.source != expectedSource {
            throw SnapshotError.unexpectedSource(expected: expectedSource, got: header.source)
        }
        guard header.schemaVersion <= schema.version else {
            throw SnapshotError.incompatibleSchema("snapshot at schema \(header.schemaVersion), this node runs \(schema.version); upgrade first")
        }
        let local = Dictionary(uniqueKeysWithValues: try snapshotTables(db: db).map { ($0.name, Set($0.columns)) })
        for table in header.tables {
            guard let columns = local[table.name] else { throw SnapshotError.incompatibleSchema("unknown table \(table.name)") }
            if let unknown = table.columns.first(where: { !columns.contains($0) }) {
                throw SnapshotError.incompatibleSchema("unknown column \(table.name).\(unknown)")
            }
        }
        try requireEmpty(db: db)
        let statements = try header.tables.map { try SnapshotRowWriter(table: $0, db: db) }
        var rows: UInt64 = 0
        var rowsParts: UInt64 = 0
        var trailer: SnapshotTrailer?
        while let bytes = try next() {
            guard trailer == nil else { throw SnapshotError.malformed("part after the trailer") }
            switch try SnapshotPart.decode(bytes) {
            case .header: throw SnapshotError.malformed("second header")
            case let .rows(index, batch):
                guard index < statements.count else { throw SnapshotError.malformed("rows of table #\(index), header names \(statements.count)") }
                hashing.add(bytes)
                rowsParts += 1
                guard rowsParts < UInt64(SnapshotFormat.partsMax) else { throw SnapshotError.tooLarge("more than \(SnapshotFormat.partsMax) parts") }
                for row in batch { try statements[index].write(row) }
                rows += UInt64(batch.count)
            case let .trailer(t):
                trailer = t
            }
        }
        guard let trailer else { throw SnapshotError.malformed("stream ends without a trailer (truncated)") }
        guard trailer.contentHash == hashing.total() else { throw SnapshotError.contentHashMismatch }
        guard trailer.rowsParts == rowsParts, trailer.rows == rows, header.rows == rows else {
            throw SnapshotError.malformed("header/trailer say \(trailer.rowsParts) parts / \(trailer.rows) rows, read \(rowsParts) / \(rows)")
        }
        // The origins table now holds the source's vector; it must be the header's.
        let installed = try Self.versionVector(db: db)
        guard installed == header.vector else { throw SnapshotError.malformed("origins do not match the header's vector") }
        for origin in header.vector.origins { try LogFloor.raise(origin, to: header.vector[origin], db: db) }
        try Self.raiseClock(to: header.clock, db: db)
        let origin = try moveEpochPastOwnOrigins(db: db)
        return SnapshotInstallReport(source: header.source, vector: header.vector, rows: rows, origin: origin)
    }

    /// Only the replica's own schema declaration may be there before an install.
    private func requireEmpty(db: Database) throws {
        let checks = [("batches", "batches"), ("origins", "origins"), ("log_floor", "log_floor"),
                      ("deferred_batches", "deferred_batches")]
            + (schema.entities.map(EntityTable.tableName) + SnapshotFormat.systemTables)
                .filter { $0 != "declared_fields" && $0 != "origins" }.map { ($0, $0) }
        for (what, table) in checks {
            let holds = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \"\(table)\")") ?? false
            if holds { throw SnapshotError.replicaNotEmpty(what) }
        }
    }

    /// A snapshot taken from a peer carries this site's old epochs; writing under one of
    /// them again would fork. The epoch moves past the highest one held.
    private func moveEpochPastOwnOrigins(db: Database) throws -> Origin {
        let current = try Self.localOrigin(site: site, db: db)
        let highest = try Int64.fetchOne(db, sql: "SELECT max(epoch) FROM origins WHERE site = ?", arguments: [site.databaseValue])
        guard let highest, Epoch(highest) >= current.epoch else { return current }
        let origin = Origin(site: site, epoch: Epoch(highest) + 1)
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'epoch'", arguments: [Int64(origin.epoch)])
        return origin
    }
}

/// Inserts a snapshot's rows of one table, binding straight into SQLite. The schema
/// declaration is not inserted but compared: the snapshot may only declare fields this
/// node declares identically.
private struct SnapshotRowWriter {
    let table: SnapshotTable
    let statement: Statement
    let isDeclaration: Bool
    let db: Database
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(table: SnapshotTable, db: Database) throws {
        self.table = table
        self.db = db
        let columns = table.columns.map { "\"\($0)\"" }
        isDeclaration = table.name == "declared_fields"
        if isDeclaration {
            statement = try db.makeStatement(sql: "SELECT count(*) FROM declared_fields WHERE "
                                             + columns.map { "\($0) IS ?" }.joined(separator: " AND "))
        } else {
            statement = try db.makeStatement(sql: "INSERT INTO \"\(table.name)\"(\(columns.joined(separator: ", "))) VALUES ("
                                             + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
        }
    }

    func write(_ row: [SnapshotValue]) throws {
        guard row.count == table.columns.count else {
            throw SnapshotError.malformed("row of \(row.count) values in \(table.name), which has \(table.columns.count) columns")
        }
        statement.setUncheckedArguments(StatementArguments([DatabaseValue](repeating: .null, count: row.count)))
        let handle = statement.sqliteStatement
        for (i, value) in row.enumerated() {
            let index = Int32(i + 1)
            let code: Int32 = switch value {
            case .null: sqlite3_bind_null(handle, index)
            case let .integer(v): sqlite3_bind_int64(handle, index, v)
            case let .real(v): sqlite3_bind_double(handle, index, v)
            case let .text(bytes):
                bytes.withUnsafeBytes { raw in
                    // Empty text stays TEXT, not NULL: SQLite needs a non-nil pointer, never read at length 0.
                    sqlite3_bind_text(handle, index, (raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
                                      Int32(raw.count), Self.transient)
                }
            case let .blob(bytes):
                bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw SnapshotError.database("bind failed: \(code)") }
        }
        if isDeclaration {
            guard try Int.fetchOne(statement) == 1 else {
                throw SnapshotError.incompatibleSchema("a field declared by the snapshot is not declared identically here")
            }
        } else {
            do { try statement.execute() } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw SnapshotError.malformed("duplicate or invalid row in \(table.name): \(error.message ?? "")")
            }
        }
    }
}

/// Checks a snapshot stream without a database: structure, bounds, counts and the
/// content hash. Run over a received file before anything is installed.
public enum SnapshotCheck {
    public static func verify(hasher: any ContentHasher, next: () throws -> [UInt8]?) throws -> (SnapshotHeader, SnapshotTrailer) {
        guard let first = try next() else { throw SnapshotError.malformed("empty stream") }
        guard case let .header(header) = try SnapshotPart.decode(first) else { throw SnapshotError.malformed("first part is not a header") }
        var hashing = SnapshotHashing(hasher: hasher)
        hashing.add(first)
        var rows: UInt64 = 0
        var rowsParts: UInt64 = 0
        var trailer: SnapshotTrailer?
        while let bytes = try next() {
            guard trailer == nil else { throw SnapshotError.malformed("part after the trailer") }
            switch try SnapshotPart.decode(bytes) {
            case .header: throw SnapshotError.malformed("second header")
            case let .rows(index, batch):
                guard index < header.tables.count else { throw SnapshotError.malformed("rows of table #\(index)") }
                for row in batch where row.count != header.tables[index].columns.count {
                    throw SnapshotError.malformed("row of \(row.count) values in \(header.tables[index].name)")
                }
                hashing.add(bytes)
                rowsParts += 1
                guard rowsParts < UInt64(SnapshotFormat.partsMax) else { throw SnapshotError.tooLarge("more than \(SnapshotFormat.partsMax) parts") }
                rows += UInt64(batch.count)
            case let .trailer(t): trailer = t
            }
        }
        guard let trailer else { throw SnapshotError.malformed("stream ends without a trailer (truncated)") }
        guard trailer.contentHash == hashing.total() else { throw SnapshotError.contentHashMismatch }
        guard trailer.rowsParts == rowsParts, trailer.rows == rows, header.rows == rows else {
            throw SnapshotError.malformed("header/trailer counts do not match")
        }
        return (header, trailer)
    }
}
