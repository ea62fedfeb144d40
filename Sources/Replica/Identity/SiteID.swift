/// A site is one node's identity in the replication protocol. Its id is derived from
/// the node's Ed25519 public key (see `Security`), 64 bits wide: compact in every
/// stamp and row id, and a collision among the few dozen sites of a hospital is
/// refused by the membership roster rather than left to chance.
public struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Sixteen hex digits, the form used in logs, configs and the CLI.
    public var description: String { hex16(rawValue) }

    /// Parses the sixteen-hex-digit form of `description`.
    public init?(hex: String) {
        guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.rawValue = value
    }
}

/// An epoch counts how often a site has restarted its history: bumped on restore or
/// rebuild so a database copied from a backup never reuses a sequence number.
public typealias Epoch = UInt32

/// The writer of a batch: a site in one of its epochs. Sequence numbers are gap-free
/// per origin, which is what lets a version vector describe a replica exactly.
public struct Origin: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let site: SiteID
    public let epoch: Epoch

    public init(site: SiteID, epoch: Epoch) {
        self.site = site
        self.epoch = epoch
    }

    public static func < (lhs: Origin, rhs: Origin) -> Bool {
        (lhs.site, lhs.epoch) < (rhs.site, rhs.epoch)
    }

    public var description: String { "\(site)/\(epoch)" }
}

func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
