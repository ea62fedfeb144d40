/// 演示考勤 — sign-ins and sign-outs of the month so far for `meshdesk demo`, so the
/// attendance clerk's sheets show what a real month looks like: most people on time, a
/// few late, an early leave, an absence; and one approved overtime per campus.
/// Deterministic: the outcome of a period follows from its person, date and start.
enum DemoAttendance {
    static func fill(_ department: Department, campus: CampusCode, chief: PersonID, engineers: [PersonID],
                     now: LocalDateTime) throws(DomainError) {
        let month = LocalMonth(containing: now.date)
        if let worker = engineers.dropFirst(3).first {
            let date = month.firstDay.adding(days: 1)
            let id = try department.requestOvertime(date: date, startMinute: 17 * 60, endMinute: 18 * 60 + 30, reason: "HIS 升级割接",
                                                    by: Acting(worker, at: LocalDateTime(date: month.firstDay, minuteOfDay: 9 * 60)))
            try department.decideOvertime(id, approve: true, by: Acting(chief, at: LocalDateTime(date: month.firstDay, minuteOfDay: 10 * 60)))
        }
        let input = try department.attendanceSheetInput(campus: campus, from: month.firstDay, to: now.date)
        for person in AttendanceSheet.listed(input.people, campus: campus) {
            let mine = AttendanceSheet.Mine(input, person.id)
            for date in month.days where date <= now.date && mine.leave.allSatisfy({ !($0.firstDay <= date && date <= $0.lastDay) }) {
                for period in AttendanceSheet.periods(input, mine, person: person, date: date) where period.start < now {
                    try sign(department, person.id, period, now: now)
                }
            }
        }
    }

    /// One period's events: in 5–24 min early (1 in 12 late by 7–40 min, 1 in 40 never),
    /// out 0–14 min after the end (1 in 25 an hour early), nothing later than `now`.
    private static func sign(_ department: Department, _ person: PersonID, _ period: AttendanceSheet.Period,
                             now: LocalDateTime) throws(DomainError) {
        var hash: UInt64 = 1469598103934665603
        for byte in "\(person)|\(period.start.minutesSinceEpoch)".utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        let roll = Int(hash % 1_000)
        guard roll % 40 != 7 else { return }
        let arrive = roll % 12 == 3 ? period.start.adding(minutes: 7 + roll % 34) : period.start.adding(minutes: -(5 + roll % 20))
        guard arrive <= now else { return }
        try department.recordAttendance(.signIn, by: Acting(person, at: arrive))
        let leave = roll % 25 == 11 ? period.end.adding(minutes: -60) : period.end.adding(minutes: roll % 15)
        guard leave <= now, arrive < leave else { return }
        try department.recordAttendance(.signOut, by: Acting(person, at: leave))
    }
}
