import GRDB
import Replica
import Storage

/// 考勤表 — the attendance clerk's sheets: who was expected when (the published roster's
/// seats, and office hours on a working day for the department's staff), against the
/// 签到/签退 recorded, with approved leave and overtime.
///
/// A person's expected periods of a day are merged when they touch (a 白班 seat inside
/// office hours is one period); each period is judged on the person's in/out state
/// folded from their events in time order: signed in by the start (plus the grace) is on
/// time, later is late by the difference, never in is absent; out before the end (less
/// the grace) after having been in is an early leave.
public enum AttendanceSheet {
    /// 办公时间 — weekday office hours, as the regulation's 白班 (08:00–17:00).
    public static let officeStartMinute = 8 * 60
    public static let officeEndMinute = 17 * 60
    /// Minutes of slack at both ends before lateness or early leave counts.
    public static let graceMinutes = 5
    /// Periods closer than this are one period (a 白班 then 前夜班 with a break between).
    public static let mergeGapMinutes = 60
    /// The campus staff a sheet lists at most; a bigger directory is cut, not slow.
    public static let peopleMax = 500
    /// Leave kinds recognised from the request's reason (its first matching word), in
    /// the order tried; anything else is 其他.
    public static let leaveKinds: [(zh: String, en: String)] = [
        ("年假", "annual"), ("病假", "sick"), ("事假", "personal"), ("婚假", "marriage"), ("陪产假", "paternity"),
        ("产假", "maternity"), ("丧假", "bereavement"), ("调休", "time off in lieu"),
    ]
    public static let otherLeaveKind = (zh: "其他", en: "other")

    /// Roles whose holders work office hours on a working day.
    static let officeRoles: [Role] = [.sectionChief, .engineer, .dutyEngineer, .attendanceClerk]

    /// 年假 …, or 其他 — the kind of a leave request, from its reason.
    public static func leaveKind(of reason: String) -> (zh: String, en: String) {
        leaveKinds.first { reason.contains($0.zh) } ?? otherLeaveKind
    }

    /// One expected period of a person's day.
    public struct Period: Hashable, Sendable {
        public let start: LocalDateTime
        public let end: LocalDateTime
        /// The seats the period covers (empty: office hours only).
        public let seats: [SlotKey]
    }

    /// How a period went.
    public enum Outcome: Hashable, Sendable {
        /// Starts later than now.
        case upcoming
        /// Under way, not signed in yet.
        case notSignedIn
        case onTime
        case late(minutes: Int)
        case absent
    }

    /// One person's day.
    public struct DayRow: Hashable, Sendable {
        public let person: StaffMember
        public let date: LocalDate
        public let periods: [Period]
        public let outcomes: [Outcome]
        /// Minutes left before the end of a period (0: none).
        public let earlyLeaveMinutes: Int
        public let firstSignIn: LocalDateTime?
        public let lastSignOut: LocalDateTime?
        /// The approved leave covering the day.
        public let leave: LeaveRequest?

        public var lateMinutes: Int {
            outcomes.reduce(0) { if case .late(let m) = $1 { $0 + m } else { $0 } }
        }
        public var isAbsent: Bool { outcomes.contains(.absent) }
        public var worked: Bool { outcomes.contains { $0 == .onTime || { if case .late = $0 { true } else { false } }($0) } }
    }

    /// One person's month.
    public struct MonthRow: Hashable, Sendable {
        public let person: StaffMember
        public var daysWorked = 0
        public var shifts = 0
        public var nightShifts = 0
        public var weekendShifts = 0
        public var holidayShifts = 0
        /// Calendar days of approved leave in the month, by kind (Chinese name).
        public var leaveDays: [String: Int] = [:]
        public var overtimeMinutes = 0
        /// Days whose approved overtime passes the 2 h cap (concurrent approvals on two nodes).
        public var overtimeDaysOverCap = 0
        public var lateCount = 0
        public var lateMinutes = 0
        public var earlyLeaveCount = 0
        public var absentCount = 0

        init(person: StaffMember) { self.person = person }
    }

    /// What the sheets read, loaded in one transaction.
    public struct Input: Sendable {
        public let campus: CampusCode
        public let people: [StaffMember]
        public let policy: CampusRosterPolicy
        public let calendar: HolidayCalendar
        public let seats: [RosterSeat]
        public let leave: [LeaveRequest]
        public let overtime: [OvertimeRequest]
        public let swaps: [SwapRequest]
        /// person → events, in stamp order (several days).
        public let events: [PersonID: [AttendanceEvent]]
    }

    /// The people a sheet lists: active staff of the campus with a department role there.
    static func listed(_ people: [StaffMember], campus: CampusCode) -> [StaffMember] {
        people.filter { person in person.active && officeRoles.contains { person.holds($0, at: campus) } }
            .sorted { $0.id < $1.id }.prefix(peopleMax).map { $0 }
    }

    /// The daily sign-in sheet (签到表) of `date`, judged at `now`.
    public static func day(_ input: Input, date: LocalDate, now: LocalDateTime) -> [DayRow] {
        listed(input.people, campus: input.campus).map { row(input, person: $0, date: date, now: now) }
    }

    /// The monthly sheet (月考勤表), days after `now` not judged.
    public static func month(_ input: Input, month: LocalMonth, now: LocalDateTime) -> [MonthRow] {
        listed(input.people, campus: input.campus).map { person in
            var total = MonthRow(person: person)
            for date in month.days where date <= now.date {
                let day = row(input, person: person, date: date, now: now)
                if day.worked { total.daysWorked += 1 }
                if day.lateMinutes > 0 { total.lateCount += 1; total.lateMinutes += day.lateMinutes }
                if day.earlyLeaveMinutes > 0 { total.earlyLeaveCount += 1 }
                if day.isAbsent { total.absentCount += 1 }
            }
            for seat in input.seats where seat.holders.contains(person.id) && month.days.contains(seat.slot.date) {
                total.shifts += 1
                guard let template = input.policy.template(seat.slot.shiftKind) else { continue }
                if template.isNight { total.nightShifts += 1 }
                switch input.calendar.dayType(of: seat.slot.date) {
                case .weekend: total.weekendShifts += 1
                case .holiday: total.holidayShifts += 1
                case .workday: break
                }
            }
            for request in input.leave where request.person == person.id && request.state == .approved {
                let days = month.days.count { request.firstDay <= $0 && $0 <= request.lastDay }
                if days > 0 { total.leaveDays[leaveKind(of: request.reason).zh, default: 0] += days }
            }
            let overtime = input.overtime.filter { $0.person == person.id && $0.state == .approved && month.days.contains($0.start.date) }
            total.overtimeMinutes = overtime.reduce(0) { $0 + $1.minutes }
            total.overtimeDaysOverCap = Dictionary(grouping: overtime, by: \.start.date).values
                .count { $0.reduce(0) { $0 + $1.minutes } > Department.overtimeMinutesPerDayMax }
            return total
        }
    }

    /// The expected periods of one person's day: seats held, and office hours on a
    /// working day; none on approved leave.
    static func periods(_ input: Input, person: StaffMember, date: LocalDate) -> [Period] {
        var spans: [(LocalDateTime, LocalDateTime, [SlotKey])] = []
        if input.calendar.dayType(of: date) == .workday, officeRoles.contains(where: { person.holds($0, at: input.campus) }) {
            spans.append((LocalDateTime(date: date, minuteOfDay: officeStartMinute), LocalDateTime(date: date, minuteOfDay: officeEndMinute), []))
        }
        for seat in input.seats where seat.slot.date == date && seat.holders.contains(person.id) {
            guard let template = input.policy.template(seat.slot.shiftKind) else { continue }
            let interval = template.interval(on: date)
            spans.append((interval.start, interval.end, [seat.slot]))
        }
        spans.sort { $0.0 < $1.0 }
        var merged: [Period] = []
        for span in spans {
            if let last = merged.last, span.0.minutesSinceEpoch - last.end.minutesSinceEpoch <= mergeGapMinutes {
                merged[merged.count - 1] = Period(start: last.start, end: max(last.end, span.1), seats: last.seats + span.2)
            } else {
                merged.append(Period(start: span.0, end: span.1, seats: span.2))
            }
        }
        return merged
    }

    static func row(_ input: Input, person: StaffMember, date: LocalDate, now: LocalDateTime) -> DayRow {
        let leave = input.leave.first { $0.person == person.id && $0.state == .approved && $0.firstDay <= date && date <= $0.lastDay }
        let periods = leave == nil ? periods(input, person: person, date: date) : []
        let events = (input.events[person.id] ?? []).sorted { $0.at < $1.at }
        let mine = events.filter { $0.time.date == date }
        var outcomes: [Outcome] = []
        var early = 0
        for period in periods {
            outcomes.append(outcome(period, events: events, now: now))
            if period.end.adding(minutes: -graceMinutes) <= now, let left = leftEarly(period, events: events) { early += left }
        }
        return DayRow(person: person, date: date, periods: periods, outcomes: outcomes, earlyLeaveMinutes: early,
                      firstSignIn: mine.first { $0.kind == .signIn }?.time, lastSignOut: mine.last { $0.kind == .signOut }?.time,
                      leave: leave)
    }

    /// Whether the person is in at `moment`, folding the events before it.
    static func isIn(at moment: LocalDateTime, _ events: [AttendanceEvent]) -> Bool {
        events.last { $0.time <= moment }?.kind == .signIn
    }

    static func outcome(_ period: Period, events: [AttendanceEvent], now: LocalDateTime) -> Outcome {
        if now < period.start { return .upcoming }
        let deadline = period.start.adding(minutes: graceMinutes)
        if isIn(at: min(deadline, now), events) { return .onTime }
        let horizon = min(period.end, now)
        if let arrived = events.first(where: { $0.kind == .signIn && period.start < $0.time && $0.time <= horizon }) {
            return arrived.time <= deadline ? .onTime : .late(minutes: arrived.time.minutesSinceEpoch - period.start.minutesSinceEpoch)
        }
        return now < period.end ? .notSignedIn : .absent
    }

    /// Minutes before the period's end that the person left, if they were in during it and out at its end.
    static func leftEarly(_ period: Period, events: [AttendanceEvent]) -> Int? {
        let cutoff = period.end.adding(minutes: -graceMinutes)
        guard !isIn(at: cutoff, events) else { return nil }
        guard let out = events.last(where: { $0.kind == .signOut && period.start < $0.time && $0.time <= cutoff }) else { return nil }
        return period.end.minutesSinceEpoch - out.time.minutesSinceEpoch
    }
}

extension Department {
    /// Everything the attendance sheets of `campus` need for `first…last` (events and
    /// seats one day either side, for nights that cross midnight).
    public func attendanceSheetInput(campus: CampusCode, from first: LocalDate, to last: LocalDate) throws(DomainError) -> AttendanceSheet.Input {
        try query { db in
            let context = try RosterContext.load(db, campus: campus)
            let seats = try RosterSeats.seats(db, campus: campus, from: first.adding(days: -1), to: last)
            let rows = try StoredRows.fetch(db, DomainSchema.attendanceDay, where: "campus = ? AND date BETWEEN ? AND ?",
                                            [campus.rawValue, first.adding(days: -1).iso, last.adding(days: 1).iso])
            var events: [PersonID: [AttendanceEvent]] = [:]
            for row in rows {
                let person = PersonID((row["person"] as String?) ?? "")
                let logged = try StoredRows.log(db, DomainSchema.attendanceDay, StoredRows.rowID(row), "events")
                    .compactMap { LogCoding.decode(AttendanceEvent.self, $0) }
                events[person, default: []].append(contentsOf: logged)
            }
            return AttendanceSheet.Input(campus: campus, people: context.people, policy: context.policy, calendar: context.calendar,
                                         seats: seats, leave: try LeaveRequests.all(db, campus: campus),
                                         overtime: try OvertimeRequests.all(db).filter { $0.campus == campus },
                                         swaps: try SwapRequests.all(db, campus: campus), events: events)
        }
    }
}
