/// 请假 — approved leave: the person takes no shift that touches these dates.
///
/// Only approved leave is passed to the roster; requests and approval live with
/// attendance (考勤). A shift "touches" a leave day when any minute of it falls
/// between 00:00 of `firstDay` and 24:00 of `lastDay`, so a night that would run into
/// the first morning of leave is refused too.
public struct Leave: Hashable, Codable, Sendable {
    public let person: PersonID
    public let firstDay: LocalDate
    /// Inclusive.
    public let lastDay: LocalDate

    public init(person: PersonID, firstDay: LocalDate, lastDay: LocalDate) {
        precondition(firstDay <= lastDay, "leave ends before it begins: \(firstDay)…\(lastDay)")
        self.person = person
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    public func overlaps(_ interval: ShiftInterval) -> Bool {
        let start = firstDay.startMinute
        let end = lastDay.adding(days: 1).startMinute
        return interval.start.minutesSinceEpoch < end && start < interval.end.minutesSinceEpoch
    }

    public func contains(_ date: LocalDate) -> Bool {
        firstDay <= date && date <= lastDay
    }
}
