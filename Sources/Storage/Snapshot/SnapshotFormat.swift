import Replica

/// A snapshot (快照) of a replica: its materialised state and CRDT bookkeeping at one
/// version vector, without the batch log. It travels as a stream of bounded parts:
///
///     header  ‖  rows … rows  ‖  trailer
///
/// Each part is `u8 kind ‖ body`:
/// - header (1): `u8 format ‖ u16 schemaVersion ‖ u64 source site ‖ u64 clock ‖ vector ‖ u64 rows ‖
///   varint tables ‖ per table: name, varint columns, column names` (strings length-prefixed);
/// - rows (2): `varint table index ‖ varint row count ‖ per row, per column: u8 SQLite type ‖
///   value` (integer and float 8 bytes, text and blob varint length and bytes, null nothing);
/// - trailer (3): `varint rows parts ‖ u64 rows ‖ 32-byte content hash`.
///
/// The content hash is the hash of the concatenated hashes of the header and of every
/// rows part, in order: a dropped, repeated, reordered or altered part changes it.
public enum SnapshotFormat {
    public static let formatVersion: UInt8 = 1
    /// Largest encoded part: fits one session message with room, and bounds what a
    /// receiver buffers per part.
    public static let partBytesMax = 512 << 10
    /// Rows in one rows part, at most (bounds the decoder's allocation).
    public static let partRowsMax = 16_384
    /// Parts in one snapshot, at most (2 TiB at the largest part size: a bound, not a target).
    public static let partsMax = 4_000_000
    public static let tablesMax = 1_024
    public static let columnsMax = 1_024
    public static let nameBytesMax = 255
    /// Largest single value carried (a batch body is at most 8 MiB; one value is far less).
    public static let valueBytesMax = 8 << 20

    static let headerKind: UInt8 = 1
    static let rowsKind: UInt8 = 2
    static let trailerKind: UInt8 = 3

    /// The bookkeeping tables a snapshot carries besides the entity tables; the batch
    /// log, deferred batches and security events are local and stay behind, and so do
    /// the compaction's own rounds (acknowledgements, collection point). What compaction
    /// already collected travels (`collected_through`): without it an installed replica
    /// would accept writes to rows whose tombstones are gone.
    static let systemTables = ["tombstones", "surfaced_versions", "surfaced_overwritten", "set_elements",
                               "set_removed", "log_entries", "declared_fields", "origins", "collected_through"]
}

public struct SnapshotTable: Hashable, Sendable {
    public let name: String
    public let columns: [String]
}

public struct SnapshotHeader: Hashable, Sendable {
    public let schemaVersion: UInt16
    /// The site whose replica was exported.
    public let source: SiteID
    /// The source's hybrid clock: an installed replica must never issue a stamp below it.
    public let clock: Timestamp
    /// What the snapshot holds: every batch up to this vector, no other.
    public let vector: VersionVector
    /// Rows in the whole snapshot, counted in the export's transaction (progress, and
    /// checked against the trailer).
    public let rows: UInt64
    public let tables: [SnapshotTable]
}

public struct SnapshotTrailer: Hashable, Sendable {
    public let rowsParts: UInt64
    public let rows: UInt64
    public let contentHash: BatchHash
}

/// One decoded part. Rows hold SQLite values as exported.
public enum SnapshotPart: Sendable {
    case header(SnapshotHeader)
    case rows(table: Int, rows: [[SnapshotValue]])
    case trailer(SnapshotTrailer)
}

public enum SnapshotValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text([UInt8])
    case blob([UInt8])
}

/// Why a snapshot was refused. Each leaves the target replica as it was.
public enum SnapshotError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case contentHashMismatch
    case unexpectedSource(expected: SiteID, got: SiteID)
    case incompatibleSchema(String)
    case replicaNotEmpty(String)
    case tooLarge(String)
    case database(String)

    public var description: String {
        switch self {
        case let .malformed(reason): "malformed snapshot: \(reason)"
        case .contentHashMismatch: "snapshot content hash does not match: altered, reordered or incomplete"
        case let .unexpectedSource(expected, got): "snapshot of site \(got), expected \(expected)"
        case let .incompatibleSchema(reason): "snapshot schema incompatible: \(reason)"
        case let .replicaNotEmpty(what): "a snapshot installs only into an empty replica; this one holds \(what)"
        case let .tooLarge(what): "snapshot beyond bound: \(what)"
        case let .database(reason): "database failure during snapshot: \(reason)"
        }
    }
}

// MARK: - Codec

extension SnapshotHeader {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(SnapshotFormat.headerKind)
        w.u8(SnapshotFormat.formatVersion)
        w.u16(schemaVersion)
        w.u64(source.rawValue)
        w.u64(clock.rawValue)
        vector.encode(into: &w)
        w.u64(rows)
        w.varint(UInt64(tables.count))
        for table in tables {
            w.lengthPrefixed(table.name.utf8)
            w.varint(UInt64(table.columns.count))
            for column in table.columns { w.lengthPrefixed(column.utf8) }
        }
        return w.bytes
    }
}

extension SnapshotTrailer {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(SnapshotFormat.trailerKind)
        w.varint(rowsParts)
        w.u64(rows)
        w.raw(contentHash.bytes)
        return w.bytes
    }
}

extension SnapshotPart {
    /// Decodes one part; never traps on any input.
    public static func decode(_ bytes: [UInt8]) throws(SnapshotError) -> SnapshotPart {
        guard bytes.count <= SnapshotFormat.partBytesMax else { throw .tooLarge("part of \(bytes.count) bytes") }
        var r = ByteReader(bytes)
        do {
            let part: SnapshotPart
            switch try r.u8() {
            case SnapshotFormat.headerKind: part = .header(try decodeHeader(&r))
            case SnapshotFormat.rowsKind: part = try decodeRows(&r)
            case SnapshotFormat.trailerKind:
                let parts = try r.varint()
                let rows = try r.u64()
                part = .trailer(SnapshotTrailer(rowsParts: parts, rows: rows, contentHash: BatchHash(bytes: Array(try r.raw(32)))))
            case let kind: throw SnapshotError.malformed("unknown part kind \(kind)")
            }
            try r.expectEnd()
            return part
        } catch let error as SnapshotError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func string(_ r: inout ByteReader) throws -> String {
        let bytes = try r.lengthPrefixed(max: SnapshotFormat.nameBytesMax)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw SnapshotError.malformed("name not UTF-8") }
        return text
    }

    private static func decodeHeader(_ r: inout ByteReader) throws -> SnapshotHeader {
        let format = try r.u8()
        guard format == SnapshotFormat.formatVersion else { throw SnapshotError.malformed("format version \(format)") }
        let schemaVersion = try r.u16()
        let source = SiteID(rawValue: try r.u64())
        let clock = Timestamp(rawValue: try r.u64())
        let vector = try VersionVector.decode(from: &r)
        let rows = try r.u64()
        let tableCount = try r.count(max: SnapshotFormat.tablesMax, of: "tables")
        var tables: [SnapshotTable] = []
        for _ in 0..<tableCount {
            let name = try string(&r)
            let columnCount = try r.count(max: SnapshotFormat.columnsMax, of: "columns")
            guard columnCount > 0 else { throw SnapshotError.malformed("table \(name) without columns") }
            var columns: [String] = []
            for _ in 0..<columnCount { columns.append(try string(&r)) }
            tables.append(SnapshotTable(name: name, columns: columns))
        }
        return SnapshotHeader(schemaVersion: schemaVersion, source: source, clock: clock, vector: vector, rows: rows, tables: tables)
    }

    /// Rows are decoded with the column count the header gave; the installer checks
    /// the table index, so here each row takes its values until the count it declares.
    private static func decodeRows(_ r: inout ByteReader) throws -> SnapshotPart {
        let table = try r.count(max: SnapshotFormat.tablesMax - 1, of: "table index")
        let rowCount = try r.count(max: SnapshotFormat.partRowsMax, of: "rows")
        var rows: [[SnapshotValue]] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            let columns = try r.count(max: SnapshotFormat.columnsMax, of: "columns")
            var row: [SnapshotValue] = []
            row.reserveCapacity(columns)
            for _ in 0..<columns {
                switch try r.u8() {
                case 1: row.append(.integer(Int64(bitPattern: try r.u64())))
                case 2: row.append(.real(Double(bitPattern: try r.u64())))
                case 3: row.append(.text(Array(try r.lengthPrefixed(max: SnapshotFormat.valueBytesMax))))
                case 4: row.append(.blob(Array(try r.lengthPrefixed(max: SnapshotFormat.valueBytesMax))))
                case 5: row.append(.null)
                case let type: throw SnapshotError.malformed("value type \(type)")
                }
            }
            rows.append(row)
        }
        return .rows(table: table, rows: rows)
    }
}
