/// A replicated scalar. The cases map one to one onto SQLite storage classes, so the
/// value written is the value read back on every campus.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])

    public var type: ValueType? {
        switch self {
        case .null: nil
        case .integer: .integer
        case .real: .real
        case .text: .text
        case .bytes: .bytes
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case let .integer(v): String(v)
        case let .real(v): String(v)
        case let .text(v): "\"\(v)\""
        case let .bytes(v): "<\(v.count) bytes>"
        }
    }

    public var integerValue: Int64? { if case let .integer(v) = self { v } else { nil } }
    public var textValue: String? { if case let .text(v) = self { v } else { nil } }
    public var realValue: Double? { if case let .real(v) = self { v } else { nil } }
    public var bytesValue: [UInt8]? { if case let .bytes(v) = self { v } else { nil } }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

/// The declared type of a field. Booleans are integers 0/1, times are integer
/// milliseconds, identifiers are bytes: the domain layer names the meaning.
public enum ValueType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case integer = 1
    case real = 2
    case text = 3
    case bytes = 4

    public var description: String {
        switch self {
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .bytes: "bytes"
        }
    }
}
