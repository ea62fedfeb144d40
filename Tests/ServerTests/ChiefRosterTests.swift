import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import Testing
@testable import Domain
@testable import Server

/// 排班管理 (/chief/roster): the section chief generates a draft without writing,
/// publishes it, checks a seat change against the hard rules and saves it; a change that
/// breaks a rule, a publication over a published month, a form with a field missing and
/// a chief of another campus are refused on the page with nothing written; a duty
/// engineer has no roster to keep.
@Suite struct ChiefRosterTests {
    static let march = LocalMonth(containing: ServerFixture.start.date)

    @Test func theChiefSeesTheMonthAsAGridWithNamesAndTheFairnessReport() async throws {
        let fixture = try DutyFormsTests.published()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let page = try await client.page("/chief/roster?month=\(Self.march)", as: chief)
            #expect(page.0 == .ok)
            #expect(page.2.contains("排班管理") && page.2.contains("class=\"grid\"") && page.2.contains("公平性（仅值班人员）"))
            #expect(page.2.contains("员工eng1") && page.2.contains("已发布：员工chief"), "people by name, who published")
            #expect(page.2.contains("id=\"save-seat\"") && page.2.contains("id=\"draft\""))
            for raw in ["weekday-day", "network-security", "night-1", "section_chief"] {
                #expect(!page.2.contains(">\(raw)<"), "no raw key \(raw) shown")
            }
            let english = try await client.page("/chief/roster?month=\(Self.march)&lang=en", as: chief)
            #expect(english.2.contains("Roster management") && english.2.contains("Fairness (duty staff only)") && !english.2.contains("公平性"))
            // The navigation offers the page to the chief and not to an engineer.
            #expect(page.2.contains("href=\"/chief/roster\""))
            let eng1 = try await client.signIn("eng1")
            let engineer = try await client.page("/chief/roster", as: eng1)
            #expect(engineer.2.contains("此页仅供科长排班使用") && !engineer.2.contains("id=\"save-seat\""))
            #expect(!(try await client.page("/duty", as: eng1)).2.contains("href=\"/chief/roster\""))
        }
    }

    @Test func aDraftIsNotWrittenUntilTheChiefPublishesIt() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let empty = try await client.page("/chief/roster?month=\(Self.march)", as: chief)
            #expect(empty.2.contains("本月尚未排班"))
            let before = try fixture.versionVector()
            let draft = try await client.page("/chief/roster?month=\(Self.march)&draft=11", as: chief)
            #expect(draft.2.contains("草稿（未保存）") && draft.2.contains("id=\"publish\"") && draft.2.contains("name=\"seed\" value=\"11\""))
            #expect(try fixture.versionVector() == before, "a draft writes nothing")
            #expect(try fixture.department.roster(campus: "EAST", month: Self.march).isEmpty)

            let published = try await client.form("/chief/roster/publish", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("month", Self.march.description), ("seed", "11")])
            #expect(published.0 == .seeOther && published.1[.location] == "/chief/roster?campus=EAST&month=\(Self.march)&done=published")
            let seats = try fixture.department.roster(campus: "EAST", month: Self.march)
            #expect(!seats.isEmpty && seats.contains { $0.assignee != nil })
            let done = try await client.page("/chief/roster?campus=EAST&month=\(Self.march)&done=published", as: chief)
            #expect(done.2.contains("值班表已发布。"))

            // The same draft, published: the seats the page showed are the seats written.
            func grid(_ page: String) throws -> Substring {
                let start = try #require(page.range(of: "class=\"grid\"")).lowerBound
                return page[start...].prefix(while: { _ in true }).split(separator: "</table>", maxSplits: 1)[0]
            }
            #expect(try grid(draft.2) == grid(done.2), "the published grid is the draft's")

            // Again without ticking 替换: refused, nothing written.
            let after = try fixture.versionVector()
            let again = try await client.form("/chief/roster/publish", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("month", Self.march.description), ("seed", "12")])
            try DutyFormsTests.expectRefused(again, .conflict, says: "本月值班表已发布", fixture, before: after)
        }
    }

    @Test func aSeatChangeIsCheckedAgainstTheRulesThenSaved() async throws {
        let fixture = try DutyFormsTests.published()
        let seats = try fixture.department.roster(campus: "EAST", month: Self.march).filter { $0.slot.date >= LocalDate(iso: "2026-03-04")! }
        // The fixture's three engineers each hold one shift a day: a seat goes back to its
        // own holder once opened, and a second shift the same day breaks the rest rules.
        let seat = try #require(seats.first { $0.assignee != nil && $0.conflicting.isEmpty })
        let person = try #require(seat.assignee)
        let clash = try #require(seats.lazy.compactMap { other -> (RosterSeat, PersonID)? in
            guard other.slot.date == seat.slot.date, other.slot != seat.slot, let holder = other.assignee, holder != person else { return nil }
            return (seat, holder)
        }.first, "another engineer works the same day")
        @Sendable func fields(_ csrf: String, _ slot: SlotKey, _ who: PersonID, _ mode: String) -> [(String, String)] {
            [("csrf", csrf), ("campus", "EAST"), ("date", slot.date.iso), ("post", slot.post.rawValue), ("shift", slot.shiftKind.rawValue),
             ("seat", String(slot.seat)), ("person", who.rawValue), ("mode", mode)]
        }
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let opened = try await client.form("/chief/roster/seat", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("date", seat.slot.date.iso), ("post", seat.slot.post.rawValue),
                ("shift", seat.slot.shiftKind.rawValue), ("seat", String(seat.slot.seat)), ("person", ""), ("mode", "save")])
            #expect(opened.0 == .seeOther && opened.1[.location]?.hasSuffix("&done=opened") == true)
            #expect(try fixture.department.roster(campus: "EAST", month: Self.march).first { $0.slot == seat.slot }?.assignee == nil)

            let before = try fixture.versionVector()
            let checked = try await client.form("/chief/roster/seat", as: chief, fields(chief.csrf, seat.slot, person, "check"))
            #expect(checked.0 == .ok && checked.2.contains("检查通过") && checked.2.contains("员工"))
            #expect(try fixture.versionVector() == before, "a check writes nothing")

            let broken = try await client.form("/chief/roster/seat", as: chief, fields(chief.csrf, clash.0.slot, clash.1, "save"))
            try DutyFormsTests.expectRefused(broken, .conflict, says: "未保存：", fixture, before: before)
            #expect(broken.2.contains("休息不足") || broken.2.contains("重复排班"), "the broken rule is named")

            let missing = try await client.form("/chief/roster/seat", as: chief, [("csrf", chief.csrf), ("campus", "EAST"), ("date", ""), ("mode", "save")])
            try DutyFormsTests.expectRefused(missing, .unprocessableContent, says: "请选择日期。", fixture, before: before)
            let oversized = try await client.form("/chief/roster/seat", as: chief, fields(chief.csrf, seat.slot, PersonID(String(repeating: "x", count: 5_000)), "save"))
            #expect(oversized.0 != .ok && oversized.0 != .seeOther)
            #expect(try fixture.versionVector() == before, "an oversized field writes nothing")

            let mainchief = try await client.signIn("mainchief")
            let outside = try await client.form("/chief/roster/seat", as: mainchief, fields(mainchief.csrf, seat.slot, person, "save"))
            try DutyFormsTests.expectRefused(outside, .forbidden, says: "您不是该院区的科长", fixture, before: before)
            let eng1 = try await client.signIn("eng1")
            let engineer = try await client.form("/chief/roster/seat", as: eng1, fields(eng1.csrf, seat.slot, person, "save"))
            try DutyFormsTests.expectRefused(engineer, .forbidden, says: "您不是该院区的科长", fixture, before: before)

            let saved = try await client.form("/chief/roster/seat", as: chief, fields(chief.csrf, seat.slot, person, "save"))
            #expect(saved.0 == .seeOther && saved.1[.location]?.hasSuffix("&done=saved") == true)
            let now = try fixture.department.roster(campus: "EAST", month: Self.march).first { $0.slot == seat.slot }
            #expect(now?.assignee == person)
        }
    }

    @Test func theChiefTakesOverASeatForSomeoneWithAReasonAndTheDecisionStaysOnTheApprovalsPage() async throws {
        let fixture = try DutyFormsTests.published()
        let chiefActing = Acting("E001", at: ServerFixture.start)
        // Free E102 around the 10th, so E102 may take E101's day shift that day.
        for seat in try fixture.department.roster(campus: "EAST", month: Self.march)
        where seat.assignee == "E102" && ["2026-03-09", "2026-03-10", "2026-03-11"].contains(seat.slot.date.iso) {
            try fixture.department.overrideSeat(campus: "EAST", slot: seat.slot, person: nil, by: chiefActing)
        }
        let seats = try fixture.department.roster(campus: "EAST", month: Self.march)
        let day10 = try #require(seats.first { $0.assignee == "E101" && $0.slot.date.iso == "2026-03-10" })
        let day12 = try #require(seats.first { $0.assignee == "E101" && $0.slot.date.iso == "2026-03-12" })
        let leave = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-20")!, lastDay: LocalDate(iso: "2026-03-20")!,
                                                        reason: "家中有事", by: Acting("E105", at: ServerFixture.start))
        try fixture.department.decideLeave(leave, approve: false, by: chiefActing)
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let page = try await client.page("/chief/roster?month=\(Self.march)", as: chief)
            #expect(page.2.contains("代为换班 / 顶班") && page.2.contains("action=\"/chief/roster/arrange\""))

            let before = try fixture.versionVector()
            let noReason = try await client.form("/chief/roster/arrange", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("seat", day10.key), ("colleague", "E102"), ("colleagueSeat", ""), ("reason", " ")])
            try DutyFormsTests.expectRefused(noReason, .unprocessableContent, says: "请填写原因", fixture, before: before)
            let broken = try await client.form("/chief/roster/arrange", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("seat", day12.key), ("colleague", "E102"), ("colleagueSeat", ""), ("reason", "发热")])
            try DutyFormsTests.expectRefused(broken, .conflict, says: "未保存：", fixture, before: before)
            #expect(broken.2.contains("员工eng2"), "the broken rule names the person")
            let mainchief = try await client.signIn("mainchief")
            let outside = try await client.form("/chief/roster/arrange", as: mainchief, [
                ("csrf", mainchief.csrf), ("campus", "EAST"), ("seat", day10.key), ("colleague", "E102"), ("colleagueSeat", ""), ("reason", "发热")])
            try DutyFormsTests.expectRefused(outside, .forbidden, says: "您不是该院区的科长", fixture, before: before)

            let done = try await client.form("/chief/roster/arrange", as: chief, [
                ("csrf", chief.csrf), ("campus", "EAST"), ("seat", day10.key), ("colleague", "E102"), ("colleagueSeat", ""), ("reason", "张三发热离岗")])
            #expect(done.0 == .seeOther && done.1[.location]?.hasSuffix("&done=taken_over") == true)
            #expect(try fixture.department.roster(campus: "EAST", month: Self.march).first { $0.slot == day10.slot }?.assignee == "E102")
            let audit = try AuditTrail.entries(store: fixture.department.store).last
            #expect(audit?.action == "swap.take_over" && audit?.subject.contains("张三发热离岗") == true && audit?.via == "web user=chief")

            let approvals = try await client.page("/approvals", as: chief)
            #expect(approvals.2.contains("id=\"decided\"") && approvals.2.contains("张三发热离岗") && approvals.2.contains("已批准"))
            #expect(approvals.2.contains("家中有事") && approvals.2.contains("已驳回") && approvals.2.contains("员工chief"), "who decided")
            let english = try await client.page("/approvals?lang=en", as: chief)
            #expect(english.2.contains("Decided") && english.2.contains("rejected") && !english.2.contains("已驳回"))
        }
    }
}
