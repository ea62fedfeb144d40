import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 销假 and 加班补偿: approved leave called off by the person or the chief up to its last
/// day (the annual balance gets the days back; covered seats are listed for the chief),
/// and overtime carrying how it is made good, an unknown stored value reading as 调休.
@Suite struct LeaveRevokeTests {
    let chief = DepartmentFixture.chief
    let e = DepartmentFixture.engineers

    @Test func approvedLeaveIsCalledOffAndTheCoveredSeatIsListedForTheChief() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0])])
        let leave = try f.main.requestLeave(firstDay: Fixture.date("2026-03-09"), lastDay: Fixture.date("2026-03-11"), kind: .sick,
                                            reason: "发热", by: f.acting(e[0]))
        // Withdrawing (撤回) is for a request not yet decided; 销假 for approved leave only.
        #expect(try refusedWithoutWriting(f.main) { try f.main.revokeLeave(leave, by: f.acting(e[0])) }
            == .wrongState(what: "leave \(leave)", state: "requested", action: "revoke"))
        try f.main.decideLeave(leave, approve: true, by: f.acting(chief))
        // The chief has a colleague take the seat while the leave stands.
        _ = try f.main.arrangeSwap(campus: "E", seat: Fixture.slot("2026-03-10", .weekdayDay), colleague: e[2], colleagueSeat: nil,
                                   reason: "病假顶班", by: f.acting(chief))
        // Only the person or the chief calls it off.
        guard case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.revokeLeave(leave, by: f.acting(e[1])) }) else {
            Issue.record("a colleague called off someone's leave"); return
        }
        try f.main.revokeLeave(leave, by: f.acting(e[0]))
        let revoked = try #require(try f.main.leaveRequests(person: e[0]).first { $0.id == leave })
        #expect(revoked.state == .cancelled && revoked.history.map(\.action) == [.request, .approve, .revoke])
        let problems = try RosterProblems.list(store: f.main.store, campus: "E")
        #expect(problems.contains(.leaveRevokedAfterCover(campus: "E", leave: leave, person: e[0], seats: [Fixture.slot("2026-03-10", .weekdayDay)])))
        // Twice is refused; so is a leave already over.
        #expect(try refusedWithoutWriting(f.main) { try f.main.revokeLeave(leave, by: f.acting(e[0])) }
            == .wrongState(what: "leave \(leave)", state: "cancelled", action: "revoke"))
        let past = try f.main.requestLeave(firstDay: Fixture.date("2026-03-02"), lastDay: Fixture.date("2026-03-02"), reason: "事假",
                                           by: f.acting(e[1]))
        try f.main.decideLeave(past, approve: true, by: f.acting(chief))
        let after = LocalDateTime(date: Fixture.date("2026-03-03"), minuteOfDay: 9 * 60)
        #expect(try refusedWithoutWriting(f.main) { try f.main.revokeLeave(past, by: Acting(chief, at: after)) }
            == .wrongState(what: "leave \(past)", state: "ended on 2026-03-02", action: "revoke"))
    }

    @Test func annualLeaveCalledOffGivesItsDaysBack() throws {
        let f = try DepartmentFixture()
        try f.main.setAnnualLeave(person: e[0], days: 5, by: f.acting(DepartmentFixture.admin))
        let leave = try f.main.requestLeave(firstDay: Fixture.date("2026-03-16"), lastDay: Fixture.date("2026-03-20"), kind: .annual,
                                            reason: "探亲", by: f.acting(e[0]))
        try f.main.decideLeave(leave, approve: true, by: f.acting(chief))
        guard case .annualLeaveExceeded? = try refusedWithoutWriting(f.main, {
            _ = try f.main.requestLeave(firstDay: Fixture.date("2026-03-25"), lastDay: Fixture.date("2026-03-25"), kind: .annual,
                                        reason: "年假", by: f.acting(e[0]))
        }) else { Issue.record("the balance was not used up"); return }
        try f.main.revokeLeave(leave, by: f.acting(chief))
        _ = try f.main.requestLeave(firstDay: Fixture.date("2026-03-25"), lastDay: Fixture.date("2026-03-25"), kind: .annual,
                                    reason: "年假", by: f.acting(e[0]))
    }

    @Test func overtimeKeepsItsCompensationAndAnUnknownOneReadsAsTimeOff() throws {
        let f = try DepartmentFixture()
        let paid = try f.main.requestOvertime(date: Fixture.date("2026-03-03"), startMinute: 17 * 60, endMinute: 18 * 60, reason: "HIS 升级",
                                              compensation: .pay, by: f.acting(e[0]))
        let unstated = try f.main.requestOvertime(date: Fixture.date("2026-03-04"), startMinute: 17 * 60, endMinute: 18 * 60, reason: "巡检",
                                                  by: f.acting(e[0]))
        let list = try f.main.overtimeRequests(person: e[0])
        #expect(list.first { $0.id == paid }?.compensation == .pay && list.first { $0.id == unstated }?.compensation == .timeOff)
        #expect(OvertimeCompensation.stored("bonus") == .timeOff && OvertimeCompensation.stored(nil) == .timeOff)
    }
}
