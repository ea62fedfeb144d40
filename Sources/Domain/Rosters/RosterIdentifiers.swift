// Small string-backed identifiers, one type each so a person id can never be passed
// where a post id is expected. They encode as plain JSON strings (RawRepresentable).

/// What every string-backed identifier shares: built from a string or a literal, shown
/// and ordered as its string.
public protocol StringIdentifier: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    ExpressibleByStringLiteral, CustomStringConvertible where RawValue == String {
    init(rawValue: String)
}

extension StringIdentifier {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// 人员编号 — a staff member's id (工号 or account name).
public struct PersonID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// 岗位编号 — a post's id, e.g. `network-security`.
public struct PostID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// 班次编号 — a shift kind's id, e.g. `night-1`.
public struct ShiftKindID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// 院区代码 — a campus code, e.g. `E` for the east campus; it also prefixes ticket numbers.
public struct CampusCode: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// 技能 — a named competence a post may require, e.g. `网络安全`.
public struct Skill: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}
