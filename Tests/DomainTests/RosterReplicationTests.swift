import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// Publishing, swaps, overrides and the post-merge checks, on one and two replicas.
@Suite struct RosterReplicationTests {
    let chief = DepartmentFixture.chief
    let e = DepartmentFixture.engineers


    @Test func publishingWritesEverySeatRespectsApprovedLeaveAndIsRefusedTwice() throws {
        let f = try DepartmentFixture()
        let leaveID = try f.main.requestLeave(firstDay: Fixture.date("2026-03-09"), lastDay: Fixture.date("2026-03-13"), reason: "婚假",
                                              by: f.acting(e[0]))
        try f.main.decideLeave(leaveID, approve: true, by: f.acting(chief))
        let publication = try f.main.publishRoster(campus: "E", month: DepartmentFixture.month, seed: 7, by: f.acting(chief))
        let seats = try f.main.roster(campus: "E", month: DepartmentFixture.month)
        #expect(seats.count == publication.seatsWritten && seats.count == publication.result.roster.slots.count)
        #expect(publication.result.unfilled.isEmpty)
        let leave = Leave(person: e[0], firstDay: Fixture.date("2026-03-09"), lastDay: Fixture.date("2026-03-13"))
        let slots = Dictionary(uniqueKeysWithValues: publication.result.roster.slots.map { ($0.key, $0) })
        let held = seats.filter { $0.assignee == e[0] }
        #expect(!held.isEmpty && held.allSatisfy { !leave.overlaps(slots[$0.slot]!.interval) })
        #expect(try RosterProblems.list(store: f.main.store).isEmpty)
        let again = try refusedWithoutWriting(f.main) { _ = try f.main.publishRoster(campus: "E", month: DepartmentFixture.month, seed: 8, by: f.acting(chief)) }
        #expect(again == .alreadyPublished("E", DepartmentFixture.month))
    }

    @Test func onlyTheChiefPublishesTheRoster() throws {
        let f = try DepartmentFixture()
        let error = try refusedWithoutWriting(f.main) { _ = try f.main.publishRoster(campus: "E", month: DepartmentFixture.month, seed: 1, by: f.acting(e[0])) }
        #expect(error?.description.contains("科长") == true)
    }

    @Test func aSwapIsAcceptedThenApprovedAndOnlyThenSeenByTheAttendanceClerk() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0]), ("2026-03-12", .weekdayDay, e[1])])
        let mine = Fixture.slot("2026-03-10", .weekdayDay), theirs = Fixture.slot("2026-03-12", .weekdayDay)
        let id = try f.main.requestSwap(campus: "E", seat: mine, colleague: e[1], colleagueSeat: theirs, reason: "家中有事", by: f.acting(e[0]))
        let clerk = DepartmentFixture.clerk
        #expect(try f.main.approvedSwaps(campus: "E", viewer: clerk).isEmpty)
        // The chief cannot approve before the colleague accepts; the colleague's colleague cannot accept.
        #expect(try refusedWithoutWriting(f.main) { try f.main.approveSwap(id, by: f.acting(chief)) } == .wrongState(what: "swap \(id)", state: "requested", action: "approve"))
        if case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.answerSwap(id, accept: true, by: f.acting(e[2])) }) {} else { Issue.record("wrong acceptor allowed") }
        try f.main.answerSwap(id, accept: true, by: f.acting(e[1]))
        // An engineer may not approve.
        if case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.approveSwap(id, by: f.acting(e[1])) }) {} else { Issue.record("engineer approved") }
        #expect(try f.main.approvedSwaps(campus: "E", viewer: clerk).isEmpty)
        try f.main.approveSwap(id, by: f.acting(chief))
        #expect(try f.main.approvedSwaps(campus: "E", viewer: clerk).map(\.id) == [id])
        let seats = try f.main.roster(campus: "E", month: DepartmentFixture.month)
        #expect(seats.first { $0.slot == mine }?.assignee == e[1] && seats.first { $0.slot == theirs }?.assignee == e[0])
        // An engineer is not shown the clerk's view.
        #expect(throws: DomainError.self) { try f.main.approvedSwaps(campus: "E", viewer: e[3]) }
    }

    @Test func aSwapThatWouldBreakTheRestRuleIsRefusedAtApproval() throws {
        let f = try DepartmentFixture()
        // E102 works the night of the 10th; taking E101's day shift on the 11th leaves no rest day.
        try f.place([("2026-03-11", .weekdayDay, e[0]), ("2026-03-10", .nightSecond, e[1])])
        let id = try f.main.requestSwap(campus: "E", seat: Fixture.slot("2026-03-11", .weekdayDay), colleague: e[1], colleagueSeat: nil,
                                        reason: "顶班", by: f.acting(e[0]))
        try f.main.answerSwap(id, accept: true, by: f.acting(e[1]))
        guard case .breaksRosterRule? = try refusedWithoutWriting(f.main, { try f.main.approveSwap(id, by: f.acting(chief)) }) else {
            Issue.record("rest rule not enforced"); return
        }
    }

    @Test func theChiefsOverrideOntoAnOverlappingShiftOrAnUnknownPersonOrPostIsRefused() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .nightFirst, e[0]), ("2026-03-10", .nightSecond, e[1])])
        guard case .breaksRosterRule? = try refusedWithoutWriting(f.main, {
            try f.main.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-10", .nightSecond), person: e[0], by: f.acting(chief))
        }) else { Issue.record("overlap allowed"); return }
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-10", .nightSecond), person: "E404", by: f.acting(chief))
        } == .unknownPerson("E404"))
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-10", .nightSecond, post: .dataOperations), person: e[2], by: f.acting(chief))
        } == .unknownPost("E", "data-operations"))
        try f.main.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-10", .nightSecond), person: e[2], by: f.acting(chief))
    }

    @Test func twoCampusesAssigningOneSeatConcurrentlySurfaceTheSameConflictOnBothReplicas() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0])])
        try f.exchange()
        let slot = Fixture.slot("2026-03-10", .weekdayDay)
        try f.main.overrideSeat(campus: "E", slot: slot, person: e[1], by: f.acting(chief))
        f.clock.advance(1)
        try f.east.overrideSeat(campus: "E", slot: slot, person: e[2], by: f.acting(chief))
        try f.exchange()
        let problems = try RosterProblems.list(store: f.main.store)
        #expect(problems == (try RosterProblems.list(store: f.east.store)))
        #expect(problems == [.concurrentAssignees(campus: "E", slot: slot, versions: [e[1], e[2]])])
        // The chief's override resolves it everywhere.
        try f.east.overrideSeat(campus: "E", slot: slot, person: e[2], by: f.acting(chief))
        try f.exchange()
        #expect(try RosterProblems.list(store: f.main.store).isEmpty && RosterProblems.list(store: f.east.store).isEmpty)
    }

    @Test func onePersonPutOnOverlappingShiftsByTwoCampusesShowsUpAsAnItemOnEveryReplica() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .nightFirst, e[0]), ("2026-03-10", .nightSecond, e[1]), ("2026-03-11", .weekdayDay, e[2])])
        try f.exchange()
        // MAIN gives E104 the first night half; EAST, unaware, gives E104 the second half and next morning.
        try f.main.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-10", .nightFirst), person: e[3], by: f.acting(chief))
        try f.east.overrideSeat(campus: "E", slot: Fixture.slot("2026-03-11", .weekdayDay), person: e[3], by: f.acting(chief))
        try f.exchange()
        let problems = try RosterProblems.list(store: f.main.store)
        #expect(problems == (try RosterProblems.list(store: f.east.store)))
        #expect(problems.contains { if case .rule(_, .noRestDayAfterNight(e[3], _, _)) = $0 { true } else { false } }
            || problems.contains { if case .rule(_, .restTooShort(e[3], _, _, _)) = $0 { true } else { false } })
    }

    @Test func anApprovalThatCrossesACancelIsKeptAndReportedNotDropped() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0]), ("2026-03-12", .weekdayDay, e[1])])
        let id = try f.main.requestSwap(campus: "E", seat: Fixture.slot("2026-03-10", .weekdayDay), colleague: e[1],
                                        colleagueSeat: Fixture.slot("2026-03-12", .weekdayDay), reason: "调换", by: f.acting(e[0]))
        try f.main.answerSwap(id, accept: true, by: f.acting(e[1]))
        try f.exchange()
        try f.east.cancelSwap(id, by: f.acting(e[0]))
        f.clock.advance(5)
        try f.main.approveSwap(id, by: f.acting(chief))
        try f.exchange()
        let problems = try RosterProblems.list(store: f.main.store)
        #expect(problems == (try RosterProblems.list(store: f.east.store)))
        #expect(problems.contains(.swapApprovalAfterClose(swap: id, state: .cancelled)))
    }

    @Test func onDutyNowFindsTheNightSeatAfterMidnightAndTheEscalationChain() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .nightSecond, e[1])])
        let moment = LocalDateTime(date: Fixture.date("2026-03-11"), minuteOfDay: 3 * 60)
        let duty = try #require(try f.main.onDuty(campus: "E", at: moment).first)
        #expect(duty.onDuty.map(\.person) == ["E102"] && duty.postPhone == "6601")
        #expect(duty.escalation.map(\.level) == [.dutyEngineer, .sectionChief, .generalDutyOfficer])
        #expect(duty.escalation[1].contacts.map(\.person) == ["E001"])
        #expect(duty.escalation[2].contacts.map(\.phone) == ["8000"])
        let gap = LocalDateTime(date: Fixture.date("2026-03-10"), minuteOfDay: 17 * 60 + 30)
        #expect(try f.main.onDuty(campus: "E", at: gap).first?.onDuty.isEmpty == true)
    }
}

