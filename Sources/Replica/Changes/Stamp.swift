/// The total order of writes: hybrid time first, then site, then epoch. Every change in
/// a batch carries its batch's stamp; a batch writes a field at most once, so a stamp
/// names exactly one version of a field.
///
/// The epoch is part of the stamp because a restored node starts a new epoch with the
/// clock of its backup: it can issue a hybrid time its old epoch already used (the
/// simulator found this, seed 4292840874347071491). `(time, site)` alone would then name
/// two different writes, and whichever arrived first would win — a divergence. Within
/// one origin the hybrid clock is strictly increasing, so `(time, site, epoch)` is unique.
public struct Stamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let time: Timestamp
    public let site: SiteID
    public let epoch: Epoch

    public static let byteCount = 20
    public static let zero = Stamp(time: .zero, site: SiteID(rawValue: 0), epoch: 0)

    public init(time: Timestamp, site: SiteID, epoch: Epoch) {
        self.time = time
        self.site = site
        self.epoch = epoch
    }

    public init(time: Timestamp, origin: Origin) {
        self.init(time: time, site: origin.site, epoch: origin.epoch)
    }

    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        (lhs.time, lhs.site, lhs.epoch) < (rhs.time, rhs.site, rhs.epoch)
    }

    /// Big-endian bytes: byte-wise comparison (SQLite's for blobs) equals `<`.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        appendBigEndian(time.rawValue, to: &out)
        appendBigEndian(site.rawValue, to: &out)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: epoch >> UInt32(shift))) }
        return out
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        let array = Array(bytes)
        self.time = Timestamp(rawValue: readBigEndian(array, at: 0))
        self.site = SiteID(rawValue: readBigEndian(array, at: 8))
        self.epoch = array[16..<20].reduce(0) { $0 << 8 | Epoch($1) }
    }

    public var description: String { "\(time)@\(site)/\(epoch)" }
}

/// A row's identity, 16 bytes. Made from the creating batch's stamp so ids are unique
/// without coordination and roughly time-ordered (SQLite B-tree inserts stay local).
public struct RowID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public static let byteCount = 16

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The `index`-th row created by a batch with this stamp. Distinct sites differ in
    /// the low word; the index and the epoch's low bits are mixed into its top half, so
    /// two batches of one site with the same hybrid time in different epochs (a restored
    /// node, see `Stamp`) never make the same row id.
    public init(stamp: Stamp, index: UInt16) {
        self.high = stamp.time.rawValue
        self.low = stamp.site.rawValue ^ (UInt64(index) << 48 | UInt64(stamp.epoch & 0xFFFF) << 32)
    }

    public static func < (lhs: RowID, rhs: RowID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        appendBigEndian(high, to: &out)
        appendBigEndian(low, to: &out)
        return out
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        let array = Array(bytes)
        self.high = readBigEndian(array, at: 0)
        self.low = readBigEndian(array, at: 8)
    }

    /// 32 hex digits; what the CLI and the API print.
    public var description: String { hex16(high) + hex16(low) }

    public init?(hex: String) {
        guard hex.utf8.count == 32,
              let high = UInt64(hex.prefix(16), radix: 16),
              let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: high, low: low)
    }
}

@inline(__always)
func appendBigEndian(_ value: UInt64, to out: inout [UInt8]) {
    for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
}

@inline(__always)
func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
}
