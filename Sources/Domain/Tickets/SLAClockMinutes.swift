/// Counts the minutes between two moments that an SLA clock counts: every minute, or
/// office hours of working days on the holiday calendar.
public struct SLAMinutes: Sendable {
    public let calendar: HolidayCalendar
    /// 办公时间 — 08:00–12:00 and 13:00–17:00, as minutes of the day.
    public static let officeHours: [Range<Int>] = [8 * 60..<12 * 60, 13 * 60..<17 * 60]
    /// Longest span counted day by day; beyond it (a ticket years old) the count is
    /// capped — it has breached any target long before.
    public static let daysCountedMax = 3_660

    /// The spans of a working day this count uses (a campus's from the ticket policy).
    public let hours: [Range<Int>]

    public init(calendar: HolidayCalendar, hours: [Range<Int>] = SLAMinutes.officeHours) {
        self.calendar = calendar
        self.hours = hours
    }

    /// The same calendar with `campus`'s business hours from `policy`.
    public func at(_ campus: CampusCode, policy: TicketPolicy) -> SLAMinutes {
        SLAMinutes(calendar: calendar, hours: policy.businessHours(at: campus))
    }

    public func minutes(_ clock: SLAClock, from start: Int, to end: Int) -> Int {
        // Stored instants from a peer may be anywhere in `Int`; inside the clamp the
        // differences and day arithmetic below cannot overflow.
        let range = LocalDateTime.minutesSinceEpochRange
        let start = min(max(start, range.lowerBound), range.upperBound), end = min(max(end, range.lowerBound), range.upperBound)
        guard end > start else { return 0 }
        switch clock {
        case .allDay:
            return end - start
        case .businessHours:
            var total = 0
            let perDay = LocalDateTime.minutesPerDay
            let firstDay = LocalDateTime(minutesSinceEpoch: start).date.daysSinceEpoch
            let lastDay = min(LocalDateTime(minutesSinceEpoch: end - 1).date.daysSinceEpoch, firstDay + Self.daysCountedMax)
            for day in firstDay...lastDay where calendar.dayType(of: LocalDate(daysSinceEpoch: day)) == .workday {
                let base = day * perDay
                for hours in self.hours {
                    let lower = max(start, base + hours.lowerBound), upper = min(end, base + hours.upperBound)
                    if upper > lower { total += upper - lower }
                }
            }
            return total
        }
    }

    /// Counted minutes from `start` to `end` less those inside the pauses.
    public func running(_ clock: SLAClock, from start: Int, to end: Int, pauses: [[Int]], pendingSince: Int?) -> Int {
        var total = minutes(clock, from: start, to: end)
        for pause in pauses where pause.count == 2 {
            total -= minutes(clock, from: max(pause[0], start), to: min(pause[1], end))
        }
        if let since = pendingSince { total -= minutes(clock, from: max(since, start), to: end) }
        return max(0, total)
    }
}
