/// A wall-clock instant in local China time (Asia/Shanghai, UTC+8, no daylight saving
/// since 1991), counted in whole minutes from 1970-01-01 00:00 local.
///
/// Shifts are planned to the minute; seconds would only invite rounding disagreements.
public struct LocalDateTime: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public static let minutesPerDay = 24 * 60

    public let minutesSinceEpoch: Int

    public init(minutesSinceEpoch: Int) {
        self.minutesSinceEpoch = minutesSinceEpoch
    }

    public init(date: LocalDate, minuteOfDay: Int) {
        self.minutesSinceEpoch = date.startMinute + minuteOfDay
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

    public func adding(minutes: Int) -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: minutesSinceEpoch + minutes)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.minutesSinceEpoch < rhs.minutesSinceEpoch
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
