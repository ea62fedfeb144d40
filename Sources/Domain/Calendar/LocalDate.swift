/// 日期 — a civil date in local China time, with no time zone and no Foundation
/// `Calendar`, so that roster arithmetic is deterministic on every node.
///
/// Days are counted from 1970-01-01 (day 0) with the proleptic Gregorian rules
/// (H. Hinnant's `days_from_civil`), which is exact for every year we will ever roster.
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Years outside this range are refused: they are typos, not rosters.
    public static let yearRange = 1900...2999

    /// Returns nil for an impossible date (2026-02-30, month 13, year 20260).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.yearRange.contains(year), (1...12).contains(month),
              day >= 1, day <= Self.daysIn(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Day numbers of 1900-01-01 … 2999-12-31, the dates `yearRange` allows. A day count
    /// outside (a replicated value from a faulty peer, or arithmetic on one) is clamped to
    /// this range rather than trapping in `civil(fromDays:)`; the row holding it is listed
    /// by `StoredBounds` as a problem, so the clamp never goes unseen.
    public static let daysSinceEpochRange = -25_567...376_199

    /// Clamps into `daysSinceEpochRange` (see there); never traps.
    public init(daysSinceEpoch days: Int) {
        let clamped = min(max(days, Self.daysSinceEpochRange.lowerBound), Self.daysSinceEpochRange.upperBound)
        let (y, m, d) = Self.civil(fromDays: clamped)
        self.year = y
        self.month = m
        self.day = d
    }

    /// Parses exactly `YYYY-MM-DD` (ten characters, ASCII digits); nil otherwise.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12 // March = 0, so leap day is last
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        let index = ((daysSinceEpoch + 3) % 7 + 7) % 7
        return Weekday.allCases[index]
    }

    /// Saturates at the ends of `daysSinceEpochRange`: `days` may come from a stored value.
    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch.addingSaturated(days))
    }

    /// nil when the result falls outside `yearRange` — for callers that must refuse, not clamp.
    public func addingChecked(days: Int) -> LocalDate? {
        let (sum, overflow) = daysSinceEpoch.addingReportingOverflow(days)
        guard !overflow, Self.daysSinceEpochRange.contains(sum) else { return nil }
        return LocalDate(daysSinceEpoch: sum)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Midnight at the start of this date, in local minutes since the epoch.
    public var startMinute: Int { daysSinceEpoch * LocalDateTime.minutesPerDay }

    public var iso: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    /// `20261001`, the iCalendar basic form.
    public var compact: String {
        "\(Self.pad(year, 4))\(Self.pad(month, 2))\(Self.pad(day, 2))"
    }

    public var description: String { iso }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeap(year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeap(year: year) ? 29 : 28
        default: preconditionFailure("month out of range: \(month)")
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
