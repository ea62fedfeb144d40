import Foundation
import GRDB
import Replica

/// Conversions between replica values and SQLite values, in one place so that what is
/// written is exactly what is read back and digested.
extension Value {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .integer(v): v.databaseValue
        case let .real(v): v.databaseValue
        case let .text(v): v.databaseValue
        case let .bytes(v): Data(v).databaseValue
        }
    }

    init(_ dbValue: DatabaseValue) {
        switch dbValue.storage {
        case .null: self = .null
        case let .int64(v): self = .integer(v)
        case let .double(v): self = .real(v)
        case let .string(v): self = .text(v)
        case let .blob(v): self = .bytes(Array(v))
        }
    }
}

extension RowID {
    var databaseValue: DatabaseValue { Data(bytes).databaseValue }

    init?(_ dbValue: DatabaseValue) {
        guard case let .blob(data) = dbValue.storage else { return nil }
        self.init(bytes: data)
    }
}

extension Stamp {
    var databaseValue: DatabaseValue { Data(bytes).databaseValue }

    init?(_ dbValue: DatabaseValue) {
        guard case let .blob(data) = dbValue.storage else { return nil }
        self.init(bytes: data)
    }
}

extension SiteID {
    /// Sites are stored as signed 64-bit integers with the same bits.
    var databaseValue: Int64 { Int64(bitPattern: rawValue) }
    init(database: Int64) { self.init(rawValue: UInt64(bitPattern: database)) }
}
