import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import Testing
@testable import Domain
@testable import Server

/// 我的值班, the forms added for the rest of the duty engineer's day: 交接班, 换班/顶班,
/// 加班, 我的申请 with withdraw, and 我的日历. Each: done comes back with `?done=`;
/// refused comes back as the page with the refusal in the user's language, the
/// refusal's status, and nothing written; the role matrix (a requester, the central
/// viewer, an engineer of another campus) is refused.
@Suite struct DutyFormsTests {
    /// March's roster published at EAST; eng1 (E101), eng2 (E102) and duty (E105) stand on network-security.
    static func published() throws -> ServerFixture {
        let fixture = try ServerFixture()
        _ = try fixture.department.publishRoster(campus: "EAST", month: LocalMonth(containing: ServerFixture.start.date), seed: 7,
                                                 by: Acting("E001", at: ServerFixture.start))
        return fixture
    }

    /// A seat `person` holds alone, from the 4th on (not started at the fixture's start).
    static func seat(_ fixture: ServerFixture, of person: PersonID, skip: Int = 0) throws -> RosterSeat {
        let seats = try fixture.department.roster(campus: "EAST", month: LocalMonth(containing: ServerFixture.start.date))
            .filter { $0.assignee == person && $0.conflicting.isEmpty && $0.slot.date >= LocalDate(iso: "2026-03-04")! }
            .sorted { $0.slot < $1.slot }
        return try #require(seats.dropFirst(skip).first, "\(person) holds a seat in March")
    }

    /// A refused form: the status, the message on the page, and nothing written.
    static func expectRefused(_ answer: (HTTPResponse.Status, HTTPFields, String), _ status: HTTPResponse.Status, says text: String,
                              _ fixture: ServerFixture, before: VersionVector, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.0 == status, "status", sourceLocation: sourceLocation)
        #expect(answer.2.contains(text), "the page says: \(text)", sourceLocation: sourceLocation)
        #expect(answer.2.contains("role=\"alert\""), "the refusal is on the page, not the error page", sourceLocation: sourceLocation)
        #expect(try fixture.versionVector() == before, "nothing written", sourceLocation: sourceLocation)
    }

    // MARK: 交接班

    @Test func anEngineerHandsOverWithOpenProblemsAndTheIncomingOneSignsOnTheirPage() async throws {
        let fixture = try Self.published()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/duty", as: eng1)
            #expect(page.2.contains("id=\"start-handover\"") && page.2.contains("name=\"openItems\""))
            let started = try await client.form("/duty/handover", as: eng1, [
                ("csrf", eng1.csrf), ("post", "network-security"), ("incoming", "E102"),
                ("openItems", "EAST-1 打印机卡纸\nEAST-2 无线掉线"), ("done", "机房巡检正常"), ("pending", "等厂商回电")])
            #expect(started.0 == .seeOther && started.1[.location] == "/duty?done=handover")
            let handover = try #require(try fixture.department.handovers(campus: "EAST").first)
            #expect(handover.outgoing == "E101" && handover.incoming == "E102" && handover.signedByOutgoing && !handover.signedByIncoming)
            #expect(handover.openItems.sorted() == ["EAST-1 打印机卡纸", "EAST-2 无线掉线"])
            #expect(handover.notes.map(\.text) == ["done: 机房巡检正常", "pending: 等厂商回电"])

            let eng2 = try await client.signIn("eng2")
            let incoming = try await client.page("/duty", as: eng2)
            #expect(incoming.2.contains("id=\"handover-\(handover.id)\"") && incoming.2.contains("交给我的交接班"))
            #expect(incoming.2.contains("已完成：") && incoming.2.contains("机房巡检正常") && incoming.2.contains("待办：") && incoming.2.contains("打印机卡纸"))
            #expect(!incoming.2.contains("done: "), "the marker is not shown")
            let english = try await client.page("/duty?lang=en", as: eng2)
            #expect(english.2.contains("Handed over to me") && !english.2.contains("Done：") && english.2.contains("<strong>Done: </strong>"))

            // Only the incoming engineer signs: the duty engineer may not, the outgoing one already did.
            let before = try fixture.versionVector()
            let duty = try await client.signIn("duty")
            let stranger = try await client.form("/duty/handover-sign", as: duty, [("csrf", duty.csrf), ("id", handover.id), ("note", "")])
            try Self.expectRefused(stranger, .forbidden, says: "您没有权限执行此操作", fixture, before: before)
            let again = try await client.form("/duty/handover-sign", as: eng1, [("csrf", eng1.csrf), ("id", handover.id), ("note", "")])
            try Self.expectRefused(again, .conflict, says: "当前状态不允许此操作", fixture, before: before)

            let signed = try await client.form("/duty/handover-sign", as: eng2, [("csrf", eng2.csrf), ("id", handover.id), ("note", "已接班")])
            #expect(signed.1[.location] == "/duty?done=handover_signed")
            #expect(try fixture.department.handovers(campus: "EAST").first?.complete == true)
            let after = try await client.page("/duty?done=handover_signed", as: eng2)
            #expect(after.2.contains("已签字接班。") && !after.2.contains("id=\"handover-\(handover.id)\""))
        }
    }

    @Test func aHandoverToOneselfMissingOrOversizedIsRefusedOnThePageInTheUsersLanguage() async throws {
        let fixture = try Self.published()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            func post(_ fields: [(String, String)], lang: String = "") async throws -> (HTTPResponse.Status, HTTPFields, String) {
                try await client.form("/duty/handover\(lang)", as: eng1, [("csrf", eng1.csrf), ("post", "network-security")] + fields)
            }
            let me = try await post([("incoming", "E101"), ("openItems", ""), ("done", "x"), ("pending", "")])
            try Self.expectRefused(me, .unprocessableContent, says: "不能交接给自己", fixture, before: before)
            #expect(me.2.contains("id=\"error-handover\""), "next to the form")
            let meEnglish = try await post([("incoming", "E101"), ("openItems", ""), ("done", "x"), ("pending", "")], lang: "?lang=en")
            try Self.expectRefused(meEnglish, .unprocessableContent, says: "You cannot hand over to yourself", fixture, before: before)
            #expect(!meEnglish.2.contains("不能交接给自己"), "no Chinese refusal on an English page")

            let missing = try await post([("incoming", "E102"), ("openItems", ""), ("done", "  "), ("pending", "")])
            try Self.expectRefused(missing, .unprocessableContent, says: "请填写已完成的工作", fixture, before: before)
            let long = String(repeating: "长", count: Dashboard.handoverTextCharactersMax + 1)
            let oversized = try await post([("incoming", "E102"), ("openItems", "EAST-1"), ("done", "ok"), ("pending", long)])
            try Self.expectRefused(oversized, .unprocessableContent, says: "最多 \(Dashboard.handoverTextCharactersMax) 个字", fixture, before: before)
            #expect(oversized.2.contains("EAST-1</textarea>"), "what was typed is kept")
            let nobody = try await post([("incoming", ""), ("openItems", ""), ("done", "ok"), ("pending", "")])
            try Self.expectRefused(nobody, .unprocessableContent, says: "请填写接班人", fixture, before: before)
        }
    }

    @Test func aHandoverIsRefusedToARequesterTheViewerAndAcrossCampuses() async throws {
        let fixture = try Self.published()
        try await fixture.application().test(.router) { client in
            let before = try fixture.versionVector()
            let fields = [("post", "network-security"), ("incoming", "E102"), ("openItems", ""), ("done", "ok"), ("pending", "")]
            for username in ["ward", "viewer"] {
                let user = try await client.signIn(username)
                let refused = try await client.form("/duty/handover", as: user, [("csrf", user.csrf)] + fields)
                try Self.expectRefused(refused, .forbidden, says: "此操作仅限信息科值班人员", fixture, before: before)
            }
            // An engineer of MAIN: EAST's engineer is not theirs to hand over to.
            let maineng = try await client.signIn("maineng")
            let across = try await client.form("/duty/handover", as: maineng, [("csrf", maineng.csrf)] + fields)
            try Self.expectRefused(across, .forbidden, says: "所选同事不在本院区", fixture, before: before)
            // And an EAST engineer may not hand over to MAIN's.
            let eng1 = try await client.signIn("eng1")
            let toMain = try await client.form("/duty/handover", as: eng1, [("csrf", eng1.csrf), ("post", "network-security"), ("incoming", "M101"),
                                                                           ("openItems", ""), ("done", "ok"), ("pending", "")])
            try Self.expectRefused(toMain, .forbidden, says: "所选同事不在本院区", fixture, before: before)
            let forged = try await client.form("/duty/handover", as: eng1, fields)
            #expect(forged.0 == .forbidden && !forged.2.contains("role=\"alert\""), "no CSRF token: the error page")
            #expect(try fixture.versionVector() == before)
        }
    }
}

// MARK: 换班 / 顶班

extension DutyFormsTests {
    @Test func aSwapIsAcceptedByTheColleagueOnTheirPageThenWaitsForTheChief() async throws {
        let fixture = try Self.published()
        let mine = try Self.seat(fixture, of: "E101")
        let theirs = try Self.seat(fixture, of: "E102")
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/duty", as: eng1)
            #expect(page.2.contains("id=\"request-swap\"") && page.2.contains("value=\"\(mine.key)\""))
            #expect(page.2.contains("value=\"\(theirs.key)\""), "the colleague's seat is offered in return")
            let asked = try await client.form("/duty/swap", as: eng1, [("csrf", eng1.csrf), ("seat", mine.key), ("colleague", "E102"),
                                                                      ("colleagueSeat", theirs.key), ("reason", "家中有事")])
            #expect(asked.0 == .seeOther && asked.1[.location] == "/duty?done=swap")
            let swap = try #require(try fixture.department.swaps(campus: "EAST").first)
            #expect(swap.state == .requested && swap.colleagueSeat == theirs.slot)

            let eng2 = try await client.signIn("eng2")
            let theirPage = try await client.page("/duty", as: eng2)
            #expect(theirPage.2.contains("id=\"accept-swap-\(swap.id)\"") && theirPage.2.contains("id=\"decline-swap-\(swap.id)\""))
            #expect(theirPage.2.contains("同事请我换班") && theirPage.2.contains("家中有事"))
            // Someone else may not answer for eng2.
            let before = try fixture.versionVector()
            let maineng = try await client.signIn("maineng")
            let other = try await client.form("/duty/swap-answer", as: maineng, [("csrf", maineng.csrf), ("id", swap.id), ("answer", "accept")])
            try Self.expectRefused(other, .forbidden, says: "您没有权限执行此操作", fixture, before: before)

            let accepted = try await client.form("/duty/swap-answer", as: eng2, [("csrf", eng2.csrf), ("id", swap.id), ("answer", "accept")])
            #expect(accepted.1[.location] == "/duty?done=swap_accepted")
            #expect(try fixture.department.swaps(campus: "EAST").first?.state == .accepted)
            let chief = try await client.signIn("chief")
            let approvals = try await client.page("/approvals", as: chief)
            #expect(approvals.2.contains("/approvals/swap/\(swap.id)/approve"), "the chief decides it on the approvals page")

            let mineListed = try await client.page("/duty?lang=en", as: eng1)
            #expect(mineListed.2.contains("<td>accepted by the colleague</td>") && mineListed.2.contains("员工eng2 accepted"))
            #expect(mineListed.2.contains("id=\"withdraw-\(swap.id)\""), "still withdrawable before the chief decides")
        }
    }

    @Test func aSwapWithSomeoneNotOnDutyThenOrWithOneselfIsRefusedAndACoverIsWithdrawn() async throws {
        let fixture = try Self.published()
        let mine = try Self.seat(fixture, of: "E101")
        let another = try Self.seat(fixture, of: "E101", skip: 1)
        let dutys = try Self.seat(fixture, of: "E105")
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            func ask(_ colleague: String, _ theirSeat: String, reason: String = "调休", lang: String = "") async throws -> (HTTPResponse.Status, HTTPFields, String) {
                try await client.form("/duty/swap\(lang)", as: eng1, [("csrf", eng1.csrf), ("seat", mine.key), ("colleague", colleague),
                                                                    ("colleagueSeat", theirSeat), ("reason", reason)])
            }
            // eng2 does not hold the duty engineer's seat: not on duty then.
            let notTheirs = try await ask("E102", dutys.key)
            try Self.expectRefused(notTheirs, .conflict, says: "没有这个班次（不在班）", fixture, before: before)
            let notTheirsEnglish = try await ask("E102", dutys.key, lang: "?lang=en")
            try Self.expectRefused(notTheirsEnglish, .conflict, says: "is not on duty in that shift", fixture, before: before)
            let own = try await ask("E102", another.key)
            try Self.expectRefused(own, .conflict, says: "没有这个班次", fixture, before: before)
            let me = try await ask("E101", "")
            try Self.expectRefused(me, .unprocessableContent, says: "不能与自己换班", fixture, before: before)
            let main = try await ask("M101", "")
            try Self.expectRefused(main, .forbidden, says: "所选同事不在本院区", fixture, before: before)
            let noReason = try await ask("E102", "", reason: "")
            try Self.expectRefused(noReason, .unprocessableContent, says: "请填写事由", fixture, before: before)
            let notMine = try await client.form("/duty/swap", as: eng1, [("csrf", eng1.csrf), ("seat", dutys.key), ("colleague", "E102"),
                                                                        ("colleagueSeat", ""), ("reason", "x")])
            try Self.expectRefused(notMine, .conflict, says: "不是您的班次", fixture, before: before)
            for username in ["ward", "viewer"] {
                let user = try await client.signIn(username)
                let refused = try await client.form("/duty/swap", as: user, [("csrf", user.csrf), ("seat", mine.key), ("colleague", "E102"),
                                                                            ("colleagueSeat", ""), ("reason", "x")])
                try Self.expectRefused(refused, .forbidden, says: "此操作仅限信息科值班人员", fixture, before: before)
            }

            // A cover (顶班), then withdrawn from 我的申请.
            let cover = try await ask("E102", "")
            #expect(cover.1[.location] == "/duty?done=swap")
            let swap = try #require(try fixture.department.swaps(campus: "EAST").first)
            #expect(swap.colleagueSeat == nil)
            let listed = try await client.page("/duty", as: eng1)
            #expect(listed.2.contains("<td>顶班</td>") && listed.2.contains("id=\"withdraw-\(swap.id)\""))
            let withdrawn = try await client.form("/duty/withdraw", as: eng1, [("csrf", eng1.csrf), ("kind", "swap"), ("id", swap.id)])
            #expect(withdrawn.1[.location] == "/duty?done=withdrawn")
            #expect(try fixture.department.swaps(campus: "EAST").first?.state == .cancelled)
            let after = try await client.page("/duty?done=withdrawn", as: eng1)
            #expect(after.2.contains("申请已撤回。") && after.2.contains("<td>已撤回</td>") && !after.2.contains("id=\"withdraw-\(swap.id)\""))
        }
    }
}

// MARK: 加班, 我的申请

extension DutyFormsTests {
    @Test func overtimePastTwoHoursADayIsRefusedWithTheFiguresAndTheDecisionShowsWhoAndWhen() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            func ask(_ start: String, _ end: String, date: String = "2026-03-05", lang: String = "") async throws -> (HTTPResponse.Status, HTTPFields, String) {
                try await client.form("/duty/overtime\(lang)", as: eng1, [("csrf", eng1.csrf), ("date", date), ("start", start), ("end", end),
                                                                         ("reason", "系统升级")])
            }
            let first = try await ask("18:00", "19:30")
            #expect(first.0 == .seeOther && first.1[.location] == "/duty?done=overtime")
            let before = try fixture.versionVector()
            let past = try await ask("19:30", "20:30")
            try Self.expectRefused(past, .unprocessableContent, says: "每日加班不超过 2 小时", fixture, before: before)
            #expect(past.2.contains("本次申请 60 分钟") && past.2.contains("已申请或已批准 90 分钟"), "the figures")
            #expect(past.2.contains("value=\"19:30\""), "what was typed is kept")
            let english = try await ask("19:30", "20:30", lang: "?lang=en")
            try Self.expectRefused(english, .unprocessableContent, says: "Overtime is at most 2 h a day", fixture, before: before)
            let late = try await ask("08:00", "09:00", date: "2026-03-01")
            try Self.expectRefused(late, .unprocessableContent, says: "加班须提前申请", fixture, before: before)
            let reversed = try await ask("20:00", "19:00")
            try Self.expectRefused(reversed, .unprocessableContent, says: "结束须晚于开始", fixture, before: before)
            let badTime = try await ask("7pm", "20:00")
            try Self.expectRefused(badTime, .badRequest, says: "时间无效", fixture, before: before)
            for username in ["ward", "viewer"] {
                let user = try await client.signIn(username)
                let refused = try await client.form("/duty/overtime", as: user, [("csrf", user.csrf), ("date", "2026-03-05"), ("start", "18:00"),
                                                                                ("end", "19:00"), ("reason", "x")])
                try Self.expectRefused(refused, .forbidden, says: "此操作仅限信息科值班人员", fixture, before: before)
            }

            let request = try #require(try fixture.department.overtimeRequests(person: "E101").first)
            try fixture.department.decideOvertime(request.id, approve: true, by: Acting("E001", at: ServerFixture.start.adding(minutes: 30)))
            let listed = try await client.page("/duty", as: eng1)
            #expect(listed.2.contains("<td>加班</td>") && listed.2.contains("<td>已批准</td>"))
            #expect(listed.2.contains("2026-03-02 09:30 员工chief 批准"), "who decided and when")
            #expect(!listed.2.contains("id=\"withdraw-\(request.id)\""), "overtime has no withdrawal in the domain")
        }
    }

    @Test func leaveIsWithdrawnFromMyRequestsAndAnotherPersonsIsNot() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            _ = try await client.form("/duty/leave", as: eng1, [("csrf", eng1.csrf), ("firstDay", "2026-03-20"), ("lastDay", "2026-03-20"), ("reason", "事假")])
            let leave = try #require(try fixture.department.leaveRequests(person: "E101").first)
            let before = try fixture.versionVector()
            let eng2 = try await client.signIn("eng2")
            let theirs = try await client.form("/duty/withdraw", as: eng2, [("csrf", eng2.csrf), ("kind", "leave"), ("id", leave.id)])
            try Self.expectRefused(theirs, .forbidden, says: "您没有权限执行此操作", fixture, before: before)
            let done = try await client.form("/duty/withdraw", as: eng1, [("csrf", eng1.csrf), ("kind", "leave"), ("id", leave.id)])
            #expect(done.1[.location] == "/duty?done=withdrawn")
            #expect(try fixture.department.leaveRequests(person: "E101").first?.state == .cancelled)
        }
    }
}

// MARK: 我的日历

extension DutyFormsTests {
    static func token(in page: String) -> String? {
        guard let range = page.range(of: #"/calendar/[0-9a-f]{64}\.ics"#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst("/calendar/".count).dropLast(4))
    }

    @Test func myCalendarDownloadsAndItsSubscriptionTokenIsRevocableAndSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try ServerFixture(directory: .init(path: directory.path))
        _ = try fixture.department.publishRoster(campus: "EAST", month: LocalMonth(containing: ServerFixture.start.date), seed: 7,
                                                 by: Acting("E001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let download = try await client.page("/duty/calendar.ics", as: eng1)
            #expect(download.0 == .ok && download.1[.contentType] == "text/calendar; charset=utf-8")
            #expect(download.2.hasPrefix("BEGIN:VCALENDAR") && download.2.contains("SUMMARY:值班：网络安全"))

            let made = try await client.form("/duty/calendar", as: eng1, [("csrf", eng1.csrf), ("action", "new")])
            #expect(made.0 == .ok && made.2.contains("id=\"calendar-url\""))
            let first = try #require(Self.token(in: made.2))
            let subscribed = try await client.page("/calendar/\(first).ics", as: nil)
            #expect(subscribed.0 == .ok && subscribed.1[.contentType] == "text/calendar; charset=utf-8" && subscribed.2.contains("BEGIN:VEVENT"))
            #expect(try await client.page("/calendar/\(eng1.cookie).ics", as: nil).0 == .notFound, "the session is not a calendar token")
            let stored = try String(contentsOf: directory.appendingPathComponent("calendar-tokens.json"), encoding: .utf8)
            #expect(!stored.contains(first) && stored.contains(CalendarTokens.hash(first)), "only the hash is kept")

            let remade = try await client.form("/duty/calendar", as: eng1, [("csrf", eng1.csrf), ("action", "new")])
            let second = try #require(Self.token(in: remade.2))
            #expect(try await client.page("/calendar/\(first).ics", as: nil).0 == .notFound, "a new token revokes the old")
            #expect(try await client.page("/calendar/\(second).ics", as: nil).0 == .ok)
            let later = try await client.page("/duty", as: eng1)
            #expect(!later.2.contains(second), "the token is shown once")
            let token = second

            let ward = try await client.signIn("ward")
            let refused = try await client.form("/duty/calendar", as: ward, [("csrf", ward.csrf), ("action", "new")])
            #expect(refused.0 == .forbidden && refused.2.contains("此操作仅限信息科值班人员"))
            #expect(try await client.page("/duty/calendar.ics", as: ward).0 == .forbidden)
        // A restart: a new router reads the tokens back from the data directory.
        try await fixture.application().test(.router) { client in
            #expect(try await client.page("/calendar/\(token).ics", as: nil).0 == .ok, "the subscription survives a restart")
            let eng1 = try await client.signIn("eng1")
            let revoked = try await client.form("/duty/calendar", as: eng1, [("csrf", eng1.csrf), ("action", "revoke")])
            #expect(revoked.1[.location] == "/duty?done=calendar_revoked")
            #expect(try await client.page("/calendar/\(token).ics", as: nil).0 == .notFound)
            // The API: a token as JSON, then revoked.
            let api = try await client.call(.post, "/api/calendar/token", as: eng1)
            #expect(api.0 == .created && api.1.contains("\"path\":\"/calendar/"))
            let apiToken = try #require(Self.token(in: api.1))
            #expect(try await client.call(.get, "/api/calendar", as: eng1).1.hasPrefix("BEGIN:VCALENDAR"))
            #expect(try await client.call(.delete, "/api/calendar/token", as: eng1).0 == .noContent)
            #expect(try await client.page("/calendar/\(apiToken).ics", as: nil).0 == .notFound)
        }
        }
    }
}
