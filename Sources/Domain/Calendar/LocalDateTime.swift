/// A wall-clock instant in local China time (Asia/Shanghai, UTC+8, no daylight saving
/// since 1991), counted in whole minutes from 1970-01-01 00:00 local.
///
/// Shifts are planned to the minute; seconds would only invite rounding disagreements.
public struct LocalDateTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public static let minutesPerDay = 24 * 60

    public let minutesSinceEpoch: Int

    /// 1900-01-01 00:00 … 2999-12-31 23:59, the instants of `LocalDate.daysSinceEpochRange`.
    public static let minutesSinceEpochRange =
        (LocalDate.daysSinceEpochRange.lowerBound * minutesPerDay)...(LocalDate.daysSinceEpochRange.upperBound * minutesPerDay + minutesPerDay - 1)

    /// Clamps into `minutesSinceEpochRange`: stored minutes come from peers, and every
    /// later computation (date, clock, SLA deadlines) then stays far from `Int` overflow.
    /// A clamped row is listed by `StoredBounds`.
    public init(minutesSinceEpoch: Int) {
        self.minutesSinceEpoch = min(max(minutesSinceEpoch, Self.minutesSinceEpochRange.lowerBound), Self.minutesSinceEpochRange.upperBound)
    }

    public init(date: LocalDate, minuteOfDay: Int) {
        self.init(minutesSinceEpoch: date.startMinute.addingSaturated(minuteOfDay))
    }

    public var date: LocalDate {
        LocalDate(daysSinceEpoch: Self.floorDiv(minutesSinceEpoch, Self.minutesPerDay))
    }

    public var minuteOfDay: Int {
        minutesSinceEpoch - date.startMinute
    }

    public var hour: Int { minuteOfDay / 60 }
    public var minute: Int { minuteOfDay % 60 }

    /// `08:00`
    public var clock: String { "\(LocalDate.pad(hour, 2)):\(LocalDate.pad(minute, 2))" }

    /// `20261001T080000`, the iCalendar local (floating or TZID) form.
    public var compact: String { "\(date.compact)T\(LocalDate.pad(hour, 2))\(LocalDate.pad(minute, 2))00" }

    public var description: String { "\(date.iso) \(clock)" }

    /// Saturates (then clamps): `minutes` is often a stored duration.
    public func adding(minutes: Int) -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: minutesSinceEpoch.addingSaturated(minutes))
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.minutesSinceEpoch < rhs.minutesSinceEpoch
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

extension Int {
    /// `self + other`, pinned to `Int.min`/`Int.max` instead of trapping: for arithmetic
    /// on replicated values, whose range a peer — not this node — decided.
    public func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self * other`, pinned like `addingSaturated`.
    public func multipliedSaturated(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `self - other`, pinned like `addingSaturated`.
    public func subtractingSaturated(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}
