import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 考勤表 — the clerk's daily and monthly sheets on a replica with seats, sign-ins, leave
/// and overtime written through the department's own commands.
@Suite struct AttendanceSheetTests {
    let e = DepartmentFixture.engineers

    func at(_ iso: String, _ clock: String) -> LocalDateTime {
        let parts = clock.split(separator: ":").compactMap { Int($0) }
        return LocalDateTime(date: Fixture.date(iso), minuteOfDay: parts[0] * 60 + parts[1])
    }

    /// E101 on time, E102 late 20 and out 30 early, E103 never, E104 signed in the day
    /// before and never out, E105 on 年假, E106 on a 前夜班 the night before.
    func tuesday() throws -> DepartmentFixture {
        let f = try DepartmentFixture()
        let d = f.main
        try f.place([("2026-03-02", .nightFirst, e[5]), ("2026-03-07", .holidayNight, e[5])])
        func sign(_ kind: AttendanceEvent.Kind, _ person: PersonID, _ iso: String, _ clock: String) throws {
            try d.recordAttendance(kind, by: Acting(person, at: at(iso, clock)))
        }
        try sign(.signIn, e[0], "2026-03-03", "07:55"); try sign(.signOut, e[0], "2026-03-03", "17:02")
        try sign(.signIn, e[1], "2026-03-03", "08:20"); try sign(.signOut, e[1], "2026-03-03", "16:30")
        try sign(.signIn, e[3], "2026-03-02", "08:00")
        // The night's sign-out falls on the next date: refused before, accepted now.
        try sign(.signIn, e[5], "2026-03-02", "07:58"); try sign(.signOut, e[5], "2026-03-03", "01:03")
        let leave = try d.requestLeave(firstDay: Fixture.date("2026-03-03"), lastDay: Fixture.date("2026-03-03"), kind: .annual,
                                       reason: "探亲", by: f.acting(e[4]))
        try d.decideLeave(leave, approve: true, by: f.acting(DepartmentFixture.chief))
        let overtime = try d.requestOvertime(date: Fixture.date("2026-03-03"), startMinute: 17 * 60, endMinute: 18 * 60 + 30,
                                             reason: "HIS 升级", by: f.acting(e[0]))
        try d.decideOvertime(overtime, approve: true, by: f.acting(DepartmentFixture.chief))
        return f
    }

    func dayRows(_ f: DepartmentFixture, _ iso: String, now: LocalDateTime) throws -> [PersonID: AttendanceSheet.DayRow] {
        let date = Fixture.date(iso)
        let input = try f.main.attendanceSheetInput(campus: "E", from: date, to: date)
        return Dictionary(uniqueKeysWithValues: AttendanceSheet.day(input, date: date, now: now).map { ($0.person.id, $0) })
    }

    @Test func theDailySheetJudgesOnTimeLateEarlyLeaveAbsenceAndLeave() throws {
        let rows = try dayRows(try tuesday(), "2026-03-03", now: at("2026-03-04", "09:00"))
        let onTime = try #require(rows[e[0]])
        #expect(onTime.outcomes == [.onTime] && onTime.earlyLeaveMinutes == 0)
        #expect(onTime.firstSignIn == at("2026-03-03", "07:55") && onTime.lastSignOut == at("2026-03-03", "17:02"))
        let late = try #require(rows[e[1]])
        #expect(late.outcomes == [.late(minutes: 20)] && late.lateMinutes == 20)
        #expect(late.earlyLeaveMinutes == 30)
        #expect(rows[e[2]]?.outcomes == [.absent])
        // Yesterday's open sign-in is not today's arrival.
        #expect(rows[e[3]]?.outcomes == [.absent])
        let away = try #require(rows[e[4]])
        #expect(away.leave?.kind == .annual && away.periods.isEmpty && !away.isAbsent)
        // 夜班后休息: no office hours the morning after the night.
        let rested = try #require(rows[e[5]])
        #expect(rested.periods.isEmpty && rested.outcomes.isEmpty)
        // The night's sign-out after midnight is the night's (03-02's row), not the rest day's.
        #expect(rested.lastSignOut == nil && rested.firstSignIn == nil)
    }

    @Test func officeHoursThenANightAreOnePeriodSignedOutAfterMidnight() throws {
        let rows = try dayRows(try tuesday(), "2026-03-02", now: at("2026-03-04", "09:00"))
        let night = try #require(rows[e[5]])
        #expect(night.periods.count == 1)
        #expect(night.periods.first?.start == at("2026-03-02", "08:00") && night.periods.first?.end == at("2026-03-03", "01:00"))
        #expect(night.outcomes == [.onTime] && night.earlyLeaveMinutes == 0)
        #expect(night.lastSignOut == at("2026-03-03", "01:03"))
        // Signed in on 03-02 and never out: on time that day, no early leave counted.
        #expect(rows[e[3]]?.outcomes == [.onTime] && rows[e[3]]?.earlyLeaveMinutes == 0)
    }

    @Test func aPeriodUnderWayIsNotYetAbsentAndOneAheadIsUpcoming() throws {
        let f = try tuesday()
        let early = try dayRows(f, "2026-03-03", now: at("2026-03-03", "07:30"))
        #expect(early[e[2]]?.outcomes == [.upcoming])
        let during = try dayRows(f, "2026-03-03", now: at("2026-03-03", "08:03"))
        #expect(during[e[2]]?.outcomes == [.notSignedIn])
        #expect(during[e[0]]?.outcomes == [.onTime])
        // Within the grace: not late yet; an early leave is not judged before the end.
        let afternoon = try dayRows(f, "2026-03-03", now: at("2026-03-03", "16:45"))
        #expect(afternoon[e[1]]?.outcomes == [.late(minutes: 20)] && afternoon[e[1]]?.earlyLeaveMinutes == 0)
    }

    /// Leave across a month end: one request, each month's sheet counts its own days.
    @Test func leaveAcrossAMonthEndIsCountedInEachMonth() throws {
        let f = try tuesday()
        let leave = try f.main.requestLeave(firstDay: Fixture.date("2026-03-30"), lastDay: Fixture.date("2026-04-02"), kind: .maternity,
                                            reason: "产假", by: f.acting(e[3]))
        try f.main.decideLeave(leave, approve: true, by: f.acting(DepartmentFixture.chief))
        let april = LocalMonth(containing: Fixture.date("2026-04-01"))
        let input = try f.main.attendanceSheetInput(campus: "E", from: Fixture.march2026.firstDay, to: april.lastDay)
        let later = at("2026-04-30", "18:00")
        let march = AttendanceSheet.month(input, month: Fixture.march2026, now: later).first { $0.person.id == e[3] }
        let aprilRow = AttendanceSheet.month(input, month: april, now: later).first { $0.person.id == e[3] }
        #expect(march?.leaveDays[.maternity] == 2 && aprilRow?.leaveDays[.maternity] == 2)
        #expect(try f.main.leaveRequests(person: e[3]).first { $0.id == leave }?.days == 4)
    }

    @Test func theMonthlySheetCountsShiftsNightsWeekendsLeaveOvertimeLatenessAndAbsences() throws {
        let f = try tuesday()
        let input = try f.main.attendanceSheetInput(campus: "E", from: Fixture.march2026.firstDay, to: Fixture.march2026.lastDay)
        let rows = Dictionary(uniqueKeysWithValues: AttendanceSheet.month(input, month: Fixture.march2026, now: at("2026-03-04", "09:00"))
            .map { ($0.person.id, $0) })
        let nights = try #require(rows[e[5]])
        #expect(nights.shifts == 2 && nights.nightShifts == 2 && nights.weekendShifts == 1 && nights.holidayShifts == 0)
        let late = try #require(rows[e[1]])
        #expect(late.lateCount == 1 && late.lateMinutes == 20 && late.earlyLeaveCount == 1 && late.earlyLeaveMinutes == 30)
        // 03-02 and 03-03 missed (Sunday 03-01 expects nobody; 03-04 is still under way).
        #expect(rows[e[2]]?.absentCount == 2 && rows[e[2]]?.daysWorked == 0)
        let onTime = try #require(rows[e[0]])
        #expect(onTime.daysWorked == 1 && onTime.absentCount == 1 && onTime.lateCount == 0)
        #expect(onTime.overtimeMinutes == 90 && onTime.overtimeDaysOverCap == 0)
        #expect(rows[e[4]]?.leaveDays == [.annual: 1])
        // The chief's approvals are the month's 待归档: leave and overtime, with who decided.
        let decided = AttendanceSheet.decided(input, month: Fixture.march2026)
        #expect(decided.count == 2 && decided.allSatisfy { $0.decidedBy == DepartmentFixture.chief })
    }

    @Test func annualLeavePastTheEntitlementIsRefusedAndApprovedLeaveDrawsItDown() throws {
        let f = try DepartmentFixture()
        let d = f.main
        let me = f.acting(e[0])
        func day(_ iso: String) -> LocalDate { Fixture.date(iso) }
        guard case .notPermitted? = try refusedWithoutWriting(d, { try d.setAnnualLeave(person: e[0], days: 5, by: f.acting(DepartmentFixture.chief)) }) else {
            Issue.record("a chief set annual leave days"); return
        }
        try d.setAnnualLeave(person: e[0], days: 5, by: f.acting(DepartmentFixture.admin))
        let first = try d.requestLeave(firstDay: day("2026-03-02"), lastDay: day("2026-03-04"), kind: .annual, reason: "探亲", by: me)
        #expect(try refusedWithoutWriting(d) {
            _ = try d.requestLeave(firstDay: day("2026-04-06"), lastDay: day("2026-04-08"), kind: .annual, reason: "旅游", by: me)
        } == .annualLeaveExceeded(person: e[0], year: 2026, requestedDays: 3, remainingDays: 2, entitledDays: 5))
        // Other kinds draw nothing; a person without an entitlement is not limited.
        _ = try d.requestLeave(firstDay: day("2026-04-06"), lastDay: day("2026-04-08"), kind: .sick, reason: "发烧", by: me)
        _ = try d.requestLeave(firstDay: day("2026-03-02"), lastDay: day("2026-03-31"), kind: .annual, reason: "长假", by: f.acting(e[1]))
        try d.decideLeave(first, approve: true, by: f.acting(DepartmentFixture.chief))
        let balance = try #require(try d.annualLeaveBalance(person: e[0], year: 2026))
        #expect(balance.approvedDays == 3 && balance.requestedDays == 0 && balance.remainingDays == 2)
        #expect(try d.annualLeaveBalance(person: e[1], year: 2026) == nil)
        let input = try d.attendanceSheetInput(campus: "E", from: Fixture.march2026.firstDay, to: Fixture.march2026.lastDay)
        let row = AttendanceSheet.month(input, month: Fixture.march2026, now: at("2026-03-01", "09:00")).first { $0.person.id == e[0] }
        #expect(row?.annualLeave?.remainingDays == 2 && row?.leaveDays == [.annual: 3])
    }

    @Test func aLeaveRowWithoutAKindOrWithAnUnknownOneReadsAsPersonalLeave() throws {
        let f = try DepartmentFixture()
        // As a version-2 node writes it (no kind), and as a newer node might (a kind unknown here).
        for (index, kind) in [nil, "sabbatical"].enumerated() {
            try f.main.store.write { tx in
                var values: [String: Value] = [
                    "person": .text(e[index].rawValue), "campus": .text("E"), "first_day": .text("2026-03-10"), "last_day": .text("2026-03-10"),
                    "days": .integer(1), "reason": .text("旧节点"), "requested_at": .integer(0),
                ]
                if let kind { values["kind"] = .text(kind) }
                try tx.assign(DomainSchema.leaveRequest.name, tx.newRowID(), values)
            }
        }
        let read = try f.main.leaveRequests()
        #expect(read.count == 2 && read.allSatisfy { $0.kind == .personal })
        let id = try f.main.requestLeave(firstDay: Fixture.date("2026-03-12"), lastDay: Fixture.date("2026-03-12"), kind: .timeOffInLieu,
                                         reason: "节假日值班", by: f.acting(e[2]))
        #expect(try f.main.leaveRequests().first { $0.id == id }?.kind == .timeOffInLieu)
        #expect(LeaveKind.stored(nil) == .personal && LeaveKind.stored("annual") == .annual)
    }
}
