import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// Leave, overtime, sign-in/out, handover and the duty log.
@Suite struct AttendanceAndHandoverTests {
    let chief = DepartmentFixture.chief
    let e = DepartmentFixture.engineers


    func day(_ iso: String) -> LocalDate { Fixture.date(iso) }

    @Test func leaveWithReversedDatesTooLongOrOverlappingIsRefused() throws {
        let f = try DepartmentFixture()
        let me = f.acting(e[0])
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.requestLeave(firstDay: day("2026-03-05"), lastDay: day("2026-03-02"), reason: "病假", by: me) }
            == .reversedTimes(start: "2026-03-05", end: "2026-03-02"))
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.requestLeave(firstDay: day("2026-03-01"), lastDay: day("2026-09-30"), reason: "产假", by: me) }
            == .leaveTooLong(days: 214, max: Department.leaveDaysMax))
        _ = try f.main.requestLeave(firstDay: day("2026-03-02"), lastDay: day("2026-03-04"), reason: "年假", by: me)
        guard case .overlapping? = try refusedWithoutWriting(f.main, { _ = try f.main.requestLeave(firstDay: day("2026-03-04"), lastDay: day("2026-03-06"), reason: "事假", by: me) }) else {
            Issue.record("overlapping leave allowed"); return
        }
    }

    @Test func onlyTheChiefOfTheCampusApprovesLeaveAndApprovedDaysAreCounted() throws {
        let f = try DepartmentFixture()
        let id = try f.main.requestLeave(firstDay: day("2026-03-02"), lastDay: day("2026-03-04"), reason: "年假", by: f.acting(e[0]))
        guard case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.decideLeave(id, approve: true, by: f.acting(DepartmentFixture.clerk)) }) else {
            Issue.record("clerk approved leave"); return
        }
        try f.main.decideLeave(id, approve: true, by: f.acting(chief))
        let request = try #require(try f.main.leaveRequests(person: e[0]).first)
        #expect(request.state == .approved && request.days == 3)
        #expect(try refusedWithoutWriting(f.main) { try f.main.decideLeave(id, approve: false, by: f.acting(chief)) }
            == .wrongState(what: "leave \(id)", state: "approved", action: "reject"))
    }

    @Test func overtimeIsRequestedInAdvanceAndRefusedPastTwoHoursADay() throws {
        let f = try DepartmentFixture()
        let me = f.acting(e[0])
        let date = day("2026-03-03")
        _ = try f.main.requestOvertime(date: date, startMinute: 17 * 60, endMinute: 18 * 60 + 30, reason: "HIS 升级", by: me)
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.requestOvertime(date: date, startMinute: 19 * 60, endMinute: 20 * 60, reason: "补录", by: me) }
            == .overtimeCapExceeded(person: e[0], date: date, requestedMinutes: 60, alreadyMinutes: 90, capMinutes: 120))
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.requestOvertime(date: date, startMinute: 20 * 60, endMinute: 19 * 60, reason: "补录", by: me) }
            == .reversedTimes(start: "2026-03-03 20:00", end: "2026-03-03 19:00"))
        guard case .overtimeNotInAdvance? = try refusedWithoutWriting(f.main, {
            _ = try f.main.requestOvertime(date: day("2026-02-20"), startMinute: 8 * 60, endMinute: 9 * 60, reason: "补录", by: me)
        }) else { Issue.record("overtime after the fact allowed"); return }
        guard case .overlapping? = try refusedWithoutWriting(f.main, {
            _ = try f.main.requestOvertime(date: date, startMinute: 18 * 60, endMinute: 18 * 60 + 20, reason: "补录", by: me)
        }) else { Issue.record("overlapping overtime allowed"); return }
    }

    @Test func twoCampusesRequestingOvertimeConcurrentlyCannotBothBeApprovedPastTheCap() throws {
        let f = try DepartmentFixture()
        let date = day("2026-03-03")
        let a = try f.main.requestOvertime(date: date, startMinute: 17 * 60, endMinute: 18 * 60 + 30, reason: "升级", by: f.acting(e[0]))
        let b = try f.east.requestOvertime(date: date, startMinute: 19 * 60, endMinute: 20 * 60 + 30, reason: "巡检", by: f.acting(e[0]))
        try f.exchange()
        try f.main.decideOvertime(a, approve: true, by: f.acting(chief))
        guard case .overtimeCapExceeded? = try refusedWithoutWriting(f.main, { try f.main.decideOvertime(b, approve: true, by: f.acting(chief)) }) else {
            Issue.record("cap passed by approval"); return
        }
    }

    @Test func signOutNeedsAnEarlierSignInAndOnlyTheClerkRecordsForOthers() throws {
        let f = try DepartmentFixture()
        let morning = LocalDateTime(date: day("2026-03-02"), minuteOfDay: 8 * 60)
        #expect(try refusedWithoutWriting(f.main) { try f.main.recordAttendance(.signOut, by: f.acting(e[0], morning)) }
            == .wrongState(what: "attendance of E101 on 2026-03-02", state: "not signed in", action: "sign out"))
        try f.main.recordAttendance(.signIn, by: f.acting(e[0], morning))
        guard case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.recordAttendance(.signIn, person: e[0], by: f.acting(e[1], morning)) }) else {
            Issue.record("engineer recorded for a colleague"); return
        }
        try f.main.recordAttendance(.signOut, person: e[0], by: f.acting(DepartmentFixture.clerk, morning.adding(minutes: 9 * 60)))
        #expect(try f.main.attendance(person: e[0], date: day("2026-03-02")).map(\.kind) == [.signIn, .signOut])
    }

    @Test func aHandoverIsCompleteOnlyWhenBothEngineersSignAndNobodyElseMaySign() throws {
        let f = try DepartmentFixture()
        let id = try f.main.startHandover(campus: "E", post: "network-security", incoming: e[1], openItems: ["E-2026-00042"],
                                          note: "防火墙策略变更待验证", by: f.acting(e[0]))
        #expect(try f.main.handovers(campus: "E").first?.complete == false)
        guard case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.signHandover(id, by: f.acting(e[2])) }) else {
            Issue.record("third person signed"); return
        }
        try f.main.signHandover(id, note: "已接收", by: f.acting(e[1]))
        let handover = try #require(try f.main.handovers(campus: "E").first)
        #expect(handover.complete && handover.openItems == ["E-2026-00042"] && handover.notes.map(\.text) == ["防火墙策略变更待验证", "已接收"])
        guard case .wrongState? = try refusedWithoutWriting(f.main, { try f.main.signHandover(id, by: f.acting(e[1])) }) else {
            Issue.record("signed twice"); return
        }
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.startHandover(campus: "E", post: "no-post", incoming: e[1], openItems: [], note: "", by: f.acting(e[0])) }
            == .unknownPost("E", "no-post"))
    }

    @Test func onlyTheEngineerOnDutyWritesThePostsDutyLogAndANightsEntriesStayWithTheNight() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .nightSecond, e[1])])
        let late = LocalDateTime(date: day("2026-03-11"), minuteOfDay: 2 * 60)
        try f.main.writeDutyLog(campus: "E", post: "network-security", text: "02:00 核心交换机告警，已处理", by: f.acting(e[1], late))
        #expect(try refusedWithoutWriting(f.main) { try f.main.writeDutyLog(campus: "E", post: "network-security", text: "记录", by: f.acting(e[0], late)) }
            == .notOnDuty(person: e[0], post: "network-security", at: late))
        try f.exchange()
        #expect(try f.east.dutyLog(campus: "E", post: "network-security", date: day("2026-03-10")).map(\.by) == ["E102"])
    }
}
