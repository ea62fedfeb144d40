import GRDB
import Replica
import Storage

/// 考勤表 — the attendance clerk's sheets: who was expected when (the published roster's
/// seats, and office hours on a working day for the department's staff), against the
/// 签到/签退 recorded, with approved leave and overtime.
///
/// A person's expected periods of a day are merged when they nearly touch (a 白班 seat
/// inside office hours is one period, office hours then a 前夜班 one evening). Each
/// period is judged on the person's own events near it only — from
/// `signInEarlyMinutesMax` before its start to its end — so a sign-in left open from
/// yesterday never makes today's period "on time": in by the start plus the grace is on
/// time, a later first sign-in is late by the minutes after the start, none is absent;
/// out before the end less the grace (and not back in) is an early leave.
public enum AttendanceSheet {
    /// 办公时间 — weekday office hours, as the regulation's 白班 (08:00–17:00).
    public static let officeStartMinute = 8 * 60
    public static let officeEndMinute = 17 * 60
    /// Minutes of slack at both ends before lateness or early leave counts.
    public static let graceMinutes = 5
    /// Periods closer than this are one period (office hours 17:00, then 前夜班 18:00).
    public static let mergeGapMinutes = 60
    /// How early a sign-in still counts for a period (someone in at 06:30 for 08:00).
    public static let signInEarlyMinutesMax = 120
    /// How late a sign-out is still shown as the day's (after overtime, the morning after a night).
    public static let signOutLateMinutesMax = 3 * 60
    /// The campus staff a sheet lists at most; a bigger directory is cut, not slow.
    public static let peopleMax = 500
    /// Seats are read this many days before the sheet's first day: the night before it
    /// (a night crossing midnight) and the rest days a night earns (no office hours then).
    static let seatsLookBackDays = RestRules.restDaysAfterNightMax + 1

    /// Roles whose holders work office hours on a working day.
    static let officeRoles: [Role] = [.sectionChief, .engineer, .dutyEngineer, .attendanceClerk]

    /// One expected period of a person's day.
    public struct Period: Hashable, Sendable {
        public let start: LocalDateTime
        public let end: LocalDateTime
        /// The seats the period covers (empty: office hours only).
        public let seats: [SlotKey]
        /// Whether office hours are part of it.
        public let officeHours: Bool
    }

    /// How a period went.
    public enum Outcome: Hashable, Sendable {
        /// Starts later than now.
        case upcoming
        /// Under way (or in its grace), not signed in yet.
        case notSignedIn
        /// 准时
        case onTime
        /// 迟到 — minutes after the period's start.
        case late(minutes: Int)
        /// 缺勤 — the period is over and there was no sign-in for it.
        case absent

        public var attended: Bool {
            switch self {
            case .onTime, .late: true
            case .upcoming, .notSignedIn, .absent: false
            }
        }
    }

    /// One person's day.
    public struct DayRow: Hashable, Sendable {
        public let person: StaffMember
        public let date: LocalDate
        public let periods: [Period]
        /// One per period, in the same order.
        public let outcomes: [Outcome]
        /// 早退 — minutes before the end of the periods the person left (0: none).
        public let earlyLeaveMinutes: Int
        /// The first sign-in and last sign-out of the date or of its periods.
        public let firstSignIn: LocalDateTime?
        public let lastSignOut: LocalDateTime?
        /// The approved leave covering the day (no periods are expected then).
        public let leave: LeaveRequest?

        public var lateMinutes: Int {
            outcomes.reduce(0) { if case .late(let m) = $1 { $0 + m } else { $0 } }
        }
        public var isAbsent: Bool { outcomes.contains(.absent) }
        public var worked: Bool { outcomes.contains { $0.attended } }
    }

    /// One person's month.
    public struct MonthRow: Hashable, Sendable {
        public let person: StaffMember
        /// Days with a period attended (on time or late), up to today.
        public var daysWorked = 0
        /// Seats of the month held (the roster's shifts; office hours are not shifts).
        public var shifts = 0
        public var nightShifts = 0
        /// Shifts whose duty date is a weekend, and a public holiday.
        public var weekendShifts = 0
        public var holidayShifts = 0
        /// Calendar days of approved leave in the month, by kind.
        public var leaveDays: [LeaveKind: Int] = [:]
        public var overtimeMinutes = 0
        /// Of `overtimeMinutes`, those to be paid (加班费); the rest are 调休.
        public var overtimePaidMinutes = 0
        /// Days whose approved overtime passes the 2 h cap (concurrent approvals on two nodes).
        public var overtimeDaysOverCap = 0
        public var lateCount = 0
        public var lateMinutes = 0
        public var earlyLeaveCount = 0
        public var earlyLeaveMinutes = 0
        /// Days with a period missed entirely.
        public var absentCount = 0
        /// 年假余额 of the month's year (nil: no entitlement set).
        public var annualLeave: AnnualLeaveBalance?

        init(person: StaffMember) { self.person = person }

        public var leaveDaysTotal: Int { leaveDays.values.reduce(0, +) }
    }

    /// 待归档 — an approved swap, leave or overtime of the month with who decided and when.
    public struct Decided: Hashable, Sendable {
        public enum Request: Hashable, Sendable {
            case swap(SwapRequest)
            case leave(LeaveRequest)
            case overtime(OvertimeRequest)
        }

        public let request: Request
        /// The approver (staff number) and when, from the request's history.
        public let decidedBy: PersonID
        public let decidedAt: LocalDateTime
        public let requestedBy: PersonID
        public let requestedAt: LocalDateTime
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
        /// person → events (several days, any order).
        public let events: [PersonID: [AttendanceEvent]]

        public init(campus: CampusCode, people: [StaffMember], policy: CampusRosterPolicy, calendar: HolidayCalendar,
                    seats: [RosterSeat], leave: [LeaveRequest], overtime: [OvertimeRequest], swaps: [SwapRequest],
                    events: [PersonID: [AttendanceEvent]]) {
            self.campus = campus
            self.people = people
            self.policy = policy
            self.calendar = calendar
            self.seats = seats
            self.leave = leave
            self.overtime = overtime
            self.swaps = swaps
            self.events = events
        }
    }

    /// One person's slice of the input, sorted once for every day of a sheet.
    struct Mine {
        let seats: [RosterSeat]
        let leave: [LeaveRequest]
        let events: [AttendanceEvent]

        init(_ input: Input, _ person: PersonID) {
            seats = input.seats.filter { $0.holders.contains(person) }
            leave = input.leave.filter { $0.person == person && $0.state == .approved }
            events = (input.events[person] ?? []).sorted { ($0.at, $0.kind.rawValue) < ($1.at, $1.kind.rawValue) }
        }
    }

    /// The people a sheet lists: active staff of the campus with a department role there.
    static func listed(_ people: [StaffMember], campus: CampusCode) -> [StaffMember] {
        people.filter { person in person.active && officeRoles.contains { person.holds($0, at: campus) } }
            .sorted { $0.id < $1.id }.prefix(peopleMax).map { $0 }
    }

    /// The daily sign-in sheet (签到表) of `date`, judged at `now`.
    public static func day(_ input: Input, date: LocalDate, now: LocalDateTime) -> [DayRow] {
        listed(input.people, campus: input.campus).map { row(input, Mine(input, $0.id), person: $0, date: date, now: now) }
    }

    /// The monthly sheet (月考勤表); days after `now` are not judged (their shifts, leave
    /// and overtime are counted: they are planned).
    public static func month(_ input: Input, month: LocalMonth, now: LocalDateTime) -> [MonthRow] {
        listed(input.people, campus: input.campus).map { person in
            let mine = Mine(input, person.id)
            var total = MonthRow(person: person)
            for date in month.days where date <= now.date {
                let day = row(input, mine, person: person, date: date, now: now)
                if day.worked { total.daysWorked += 1 }
                if day.lateMinutes > 0 { total.lateCount += 1; total.lateMinutes += day.lateMinutes }
                if day.earlyLeaveMinutes > 0 { total.earlyLeaveCount += 1; total.earlyLeaveMinutes += day.earlyLeaveMinutes }
                if day.isAbsent { total.absentCount += 1 }
            }
            for seat in mine.seats where LocalMonth(containing: seat.slot.date) == month {
                total.shifts += 1
                if input.policy.template(seat.slot.shiftKind)?.isNight == true { total.nightShifts += 1 }
                switch input.calendar.dayType(of: seat.slot.date) {
                case .weekend: total.weekendShifts += 1
                case .holiday: total.holidayShifts += 1
                case .workday: break
                }
            }
            for request in mine.leave {
                let days = month.days.count { request.firstDay <= $0 && $0 <= request.lastDay }
                if days > 0 { total.leaveDays[request.kind, default: 0] += days }
            }
            let overtime = input.overtime.filter { $0.person == person.id && $0.state == .approved && LocalMonth(containing: $0.start.date) == month }
            total.overtimeMinutes = overtime.reduce(0) { $0 + $1.minutes }
            total.overtimePaidMinutes = overtime.filter { $0.compensation == .pay }.reduce(0) { $0 + $1.minutes }
            total.annualLeave = AnnualLeaveBalance.of(person, year: month.year, leave: input.leave)
            total.overtimeDaysOverCap = Dictionary(grouping: overtime, by: \.start.date).values
                .count { $0.reduce(0) { $0 + $1.minutes } > Department.overtimeMinutesPerDayMax }
            return total
        }
    }

    /// 待归档 — the month's approved swaps (by the seat given up), leave (by first day)
    /// and overtime (by date), oldest decision first.
    public static func decided(_ input: Input, month: LocalMonth) -> [Decided] {
        func inMonth(_ date: LocalDate) -> Bool { LocalMonth(containing: date) == month }
        func decided(_ request: Decided.Request, _ history: [RequestTransition]) -> Decided? {
            guard let approval = history.last(where: { $0.action == .approve }), let asked = history.first(where: { $0.action == .request }) else {
                return nil
            }
            return Decided(request: request, decidedBy: PersonID(approval.by), decidedAt: LocalDateTime(minutesSinceEpoch: approval.at),
                           requestedBy: PersonID(asked.by), requestedAt: LocalDateTime(minutesSinceEpoch: asked.at))
        }
        let swaps = input.swaps.filter { $0.state == .approved && (inMonth($0.requesterSeat.date) || $0.colleagueSeat.map { inMonth($0.date) } == true) }
            .compactMap { decided(.swap($0), $0.history) }
        let leave = input.leave.filter { $0.state == .approved && inMonth($0.firstDay) }.compactMap { decided(.leave($0), $0.history) }
        let overtime = input.overtime.filter { $0.state == .approved && inMonth($0.start.date) }.compactMap { decided(.overtime($0), $0.history) }
        return (swaps + leave + overtime).sorted { $0.decidedAt < $1.decidedAt }
    }

    /// The expected periods of one person's day: seats held, and office hours on a
    /// working day unless it is a rest day after a night; none on approved leave.
    static func periods(_ input: Input, _ mine: Mine, person: StaffMember, date: LocalDate) -> [Period] {
        var spans: [(start: LocalDateTime, end: LocalDateTime, seats: [SlotKey], office: Bool)] = []
        if input.calendar.dayType(of: date) == .workday, !restsAfterNight(input, mine, on: date) {
            spans.append((LocalDateTime(date: date, minuteOfDay: officeStartMinute), LocalDateTime(date: date, minuteOfDay: officeEndMinute), [], true))
        }
        for seat in mine.seats where seat.slot.date == date {
            guard let template = input.policy.template(seat.slot.shiftKind) else { continue }
            let interval = template.interval(on: date)
            spans.append((interval.start, interval.end, [seat.slot], false))
        }
        spans.sort { $0.start < $1.start }
        var merged: [Period] = []
        for span in spans {
            if let last = merged.last, span.start.minutesSinceEpoch - last.end.minutesSinceEpoch <= mergeGapMinutes {
                merged[merged.count - 1] = Period(start: last.start, end: max(last.end, span.end), seats: last.seats + span.seats,
                                                  officeHours: last.officeHours || span.office)
            } else {
                merged.append(Period(start: span.start, end: span.end, seats: span.seats, officeHours: span.office))
            }
        }
        return merged
    }

    /// 夜班后休息: a night ending on the morning of day E rests E and the following
    /// `restDaysAfterNight − 1` days — no office hours are expected then.
    static func restsAfterNight(_ input: Input, _ mine: Mine, on date: LocalDate) -> Bool {
        let restDays = input.policy.rest.restDaysAfterNight
        guard restDays > 0 else { return false }
        return mine.seats.contains { seat in
            guard let template = input.policy.template(seat.slot.shiftKind), template.isNight else { return false }
            let ends = template.interval(on: seat.slot.date).end.date
            return ends <= date && date < ends.adding(days: restDays)
        }
    }

    static func row(_ input: Input, _ mine: Mine, person: StaffMember, date: LocalDate, now: LocalDateTime) -> DayRow {
        let leave = mine.leave.first { $0.firstDay <= date && date <= $0.lastDay }
        let periods = leave == nil ? periods(input, mine, person: person, date: date) : []
        var outcomes: [Outcome] = []
        var early = 0
        for period in periods {
            let outcome = outcome(period, events: mine.events, now: now)
            outcomes.append(outcome)
            if outcome.attended, period.end <= now, let left = leftEarly(period, events: mine.events) { early += left }
        }
        // The date's own events and those of its periods (a night's sign-out next
        // morning), but not those of yesterday's periods (that night's sign-out is
        // yesterday's, not a sign-out of a rest day).
        func window(_ periods: [Period]) -> ClosedRange<LocalDateTime>? {
            guard let first = periods.first, let last = periods.last else { return nil }
            return first.start.adding(minutes: -signInEarlyMinutesMax)...last.end.adding(minutes: signOutLateMinutesMax)
        }
        let mineToday = window(periods)
        let yesterday = window(self.periods(input, mine, person: person, date: date.adding(days: -1)))
        let today = mine.events.filter { event in
            if let mineToday, mineToday.contains(event.time) { return true }
            return event.time.date == date && yesterday?.contains(event.time) != true
        }
        return DayRow(person: person, date: date, periods: periods, outcomes: outcomes, earlyLeaveMinutes: early,
                      firstSignIn: today.first { $0.kind == .signIn }?.time, lastSignOut: today.last { $0.kind == .signOut }?.time,
                      leave: leave)
    }

    /// The events that bear on `period`: from `signInEarlyMinutesMax` before its start to `until`.
    static func near(_ period: Period, _ events: [AttendanceEvent], until: LocalDateTime) -> [AttendanceEvent] {
        let opens = period.start.adding(minutes: -signInEarlyMinutesMax)
        return events.filter { opens <= $0.time && $0.time <= until }
    }

    static func outcome(_ period: Period, events: [AttendanceEvent], now: LocalDateTime) -> Outcome {
        if now < period.start { return .upcoming }
        let deadline = period.start.adding(minutes: graceMinutes)
        let seen = near(period, events, until: min(period.end, now))
        // In at the deadline: the last event up to it is a sign-in.
        if seen.last(where: { $0.time <= deadline })?.kind == .signIn { return .onTime }
        if let arrived = seen.first(where: { $0.kind == .signIn && deadline < $0.time }) {
            return .late(minutes: arrived.time.minutesSinceEpoch - period.start.minutesSinceEpoch)
        }
        return now < period.end ? .notSignedIn : .absent
    }

    /// Minutes before the period's end the person left: out at the cutoff (end less the
    /// grace) by a sign-out inside the period; nil when in at the cutoff.
    static func leftEarly(_ period: Period, events: [AttendanceEvent]) -> Int? {
        let cutoff = period.end.adding(minutes: -graceMinutes)
        guard let last = near(period, events, until: cutoff).last, last.kind == .signOut, period.start < last.time else { return nil }
        return period.end.minutesSinceEpoch - last.time.minutesSinceEpoch
    }
}

extension Department {
    /// Everything the attendance sheets of `campus` need for `first…last` (events one
    /// day either side and seats `seatsLookBackDays` before, for nights that cross
    /// midnight and the rest days after them).
    public func attendanceSheetInput(campus: CampusCode, from first: LocalDate, to last: LocalDate) throws(DomainError) -> AttendanceSheet.Input {
        try query { db in
            let context = try RosterContext.load(db, campus: campus)
            let seats = try RosterSeats.seats(db, campus: campus, from: first.adding(days: -AttendanceSheet.seatsLookBackDays), to: last)
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
