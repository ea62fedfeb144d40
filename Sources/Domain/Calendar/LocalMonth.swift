/// 月份 — the unit a roster is generated for.
public struct LocalMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard LocalDate.yearRange.contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public var firstDay: LocalDate {
        guard let first = LocalDate(year: year, month: month, day: 1) else {
            preconditionFailure("a valid month has a first day: \(year)-\(month)")
        }
        return first
    }

    public var dayCount: Int { LocalDate.daysIn(year: year, month: month) }

    /// Every date of the month, in order.
    public var days: [LocalDate] {
        let first = firstDay
        return (0..<dayCount).map { first.adding(days: $0) }
    }

    public var description: String { "\(LocalDate.pad(year, 4))-\(LocalDate.pad(month, 2))" }

    public static func < (lhs: LocalMonth, rhs: LocalMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
