import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 代为换班 / 顶班: the chief moves seats for someone; it is an approved swap the clerk files,
/// with the chief in its history and the reason in the audit; the hard rules, the holder
/// and the role are checked first and a refusal writes nothing.
@Suite struct ArrangedSwapTests {
    let chief = DepartmentFixture.chief
    let e = DepartmentFixture.engineers

    @Test func theChiefExchangesTwoSeatsAndTheClerkFilesItAsAnApprovedSwap() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0]), ("2026-03-12", .weekdayDay, e[1])])
        let mine = Fixture.slot("2026-03-10", .weekdayDay), theirs = Fixture.slot("2026-03-12", .weekdayDay)
        let id = try f.main.arrangeSwap(campus: "E", seat: mine, colleague: e[1], colleagueSeat: theirs, reason: "张伟住院，电话告知", by: f.acting(chief))
        let seats = try f.main.roster(campus: "E", month: DepartmentFixture.month)
        #expect(seats.first { $0.slot == mine }?.assignee == e[1] && seats.first { $0.slot == theirs }?.assignee == e[0])
        let filed = try f.main.approvedSwaps(campus: "E", viewer: DepartmentFixture.clerk)
        #expect(filed.map(\.id) == [id])
        let swap = try #require(filed.first)
        #expect(swap.requester == e[0] && swap.colleague == e[1] && swap.state == .approved)
        #expect(swap.history.map(\.action) == [.request, .accept, .approve] && swap.history.allSatisfy { $0.by == chief.rawValue })
        let audit = try AuditTrail.entries(store: f.main.store).last
        #expect(audit?.action == "swap.arrange" && audit?.subject.contains("张伟住院，电话告知") == true)
    }

    @Test func theChiefTakesOverASeatAlreadyUnderWay() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .weekdayDay, e[0])])
        let slot = Fixture.slot("2026-03-10", .weekdayDay)
        // 10:00 on the day: the shift started at 08:00; the engineer went home ill.
        let during = LocalDateTime(date: Fixture.date("2026-03-10"), minuteOfDay: 10 * 60)
        _ = try f.main.arrangeSwap(campus: "E", seat: slot, colleague: e[2], colleagueSeat: nil, reason: "发热离岗",
                                   by: Acting(chief, at: during))
        #expect(try f.main.roster(campus: "E", month: DepartmentFixture.month).first { $0.slot == slot }?.assignee == e[2])
        #expect(try AuditTrail.entries(store: f.main.store).last?.action == "swap.take_over")
    }

    @Test func aBrokenRuleAWrongHolderAnEngineerOrNoReasonIsRefusedWithoutWriting() throws {
        let f = try DepartmentFixture()
        try f.place([("2026-03-10", .nightFirst, e[0]), ("2026-03-10", .nightSecond, e[1]), ("2026-03-12", .weekdayDay, e[2])])
        let first = Fixture.slot("2026-03-10", .nightFirst), second = Fixture.slot("2026-03-10", .nightSecond)
        guard case .breaksRosterRule? = try refusedWithoutWriting(f.main, {
            _ = try f.main.arrangeSwap(campus: "E", seat: first, colleague: e[1], colleagueSeat: nil, reason: "顶班", by: f.acting(chief))
        }) else { Issue.record("two night halves in a row allowed"); return }
        guard case .wrongState? = try refusedWithoutWriting(f.main, {
            _ = try f.main.arrangeSwap(campus: "E", seat: first, colleague: e[3], colleagueSeat: Fixture.slot("2026-03-12", .weekdayDay),
                                       reason: "换班", by: f.acting(chief))
        }) else { Issue.record("a seat the colleague does not hold was offered"); return }
        guard case .notPermitted? = try refusedWithoutWriting(f.main, {
            _ = try f.main.arrangeSwap(campus: "E", seat: second, colleague: e[3], colleagueSeat: nil, reason: "顶班", by: f.acting(e[2]))
        }) else { Issue.record("an engineer arranged a swap"); return }
        #expect(try refusedWithoutWriting(f.main) {
            _ = try f.main.arrangeSwap(campus: "E", seat: second, colleague: e[3], colleagueSeat: nil, reason: "  ", by: f.acting(chief))
        } == .missing(field: "reason"))
        guard case .notPermitted? = try refusedWithoutWriting(f.main, {
            _ = try f.main.arrangeSwap(campus: "E", seat: second, colleague: e[1], colleagueSeat: nil, reason: "顶班", by: f.acting(chief))
        }) else { Issue.record("a seat given to its own holder"); return }
    }
}
