import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server
import Security

/// 我的值班: a duty engineer signs in and out, writes the duty log and requests leave
/// from the page, and each form comes back with a confirmation.
@Suite struct MyDutyPageTests {
    @Test func aDutyEngineerSignsInWritesTheLogAndRequestsLeaveFromTheirPage() async throws {
        let fixture = try ServerFixture()
        let at = ServerFixture.start
        let chief = Acting("E001", at: at)
        _ = try fixture.department.publishRoster(campus: "EAST", month: LocalMonth(containing: at.date), seed: 7, by: chief)
        // An account for whoever the published roster has on duty now.
        let covered = try #require(try fixture.department.onDuty(campus: "EAST", at: at).first { $0.onDuty.count == 1 })
        let holder = PersonID(covered.onDuty[0].person)
        let username = ServerFixture.people.first { $0.1 == holder }?.0 ?? "oncall"
        if username == "oncall" {
            let hash = try PasswordHasher(limits: .testingOnly).hash(ServerFixture.password)
            try fixture.department.createAccount(username: username, person: holder, passwordHash: hash, mustChangePassword: false,
                                                 by: Acting("A001", at: at))
        }
        try await fixture.application().test(.router) { client in
            let duty = try await client.signIn(username)
            let first = try await client.page("/duty", as: duty)
            #expect(first.0 == .ok)
            #expect(first.2.contains("我的值班") && first.2.contains("id=\"sign-in\"") && first.2.contains("今天尚无记录"))

            let signed = try await client.form("/duty/attendance", as: duty, [("csrf", duty.csrf), ("kind", "sign_in")])
            #expect(signed.0 == .seeOther && signed.1[.location] == "/duty?done=sign_in")
            let after = try await client.page("/duty?done=sign_in", as: duty)
            #expect(after.2.contains("已签到。") && after.2.contains("签到</li>"), "the confirmation and today's record")
            #expect(try fixture.department.attendance(person: holder, date: ServerFixture.start.date).map(\.kind) == [.signIn])

            #expect(first.2.contains("id=\"write-log\""), "the engineer on duty is offered the duty log")
            let post = covered.post.rawValue
            let logged = try await client.form("/duty/log", as: duty, [("csrf", duty.csrf), ("post", post), ("text", "机房巡检正常")])
            #expect(logged.1[.location] == "/duty?done=log")
            #expect(try fixture.department.dutyLog(campus: "EAST", post: PostID(post), date: ServerFixture.start.date).map(\.text) == ["机房巡检正常"])

            let leave = try await client.form("/duty/leave", as: duty, [("csrf", duty.csrf), ("firstDay", "2026-03-20"),
                                                                       ("lastDay", "2026-03-21"), ("reason", "年假")])
            #expect(leave.1[.location] == "/duty?done=leave")
            let listed = try await client.page("/duty?done=leave&lang=en", as: duty)
            #expect(listed.2.contains("Leave requested") && listed.2.contains("年假") && listed.2.contains("requested"))
            #expect(listed.2.contains("<td>requested</td>"), "the state by its English name")
            #expect(!listed.2.contains(">sign_in<") && !listed.2.contains(">requested<td>"), "no raw keys shown as text")
        }
    }

    /// Found by the browser test run after midnight: the log of a night shift is kept under
    /// the shift's date, and the page read today's, so what the engineer wrote vanished.
    @Test func aNightShiftsLogWrittenAfterMidnightIsOnThePage() async throws {
        let fixture = try ServerFixture()
        let chief = Acting("E001", at: ServerFixture.start)
        _ = try fixture.department.publishRoster(campus: "EAST", month: LocalMonth(containing: ServerFixture.start.date), seed: 7, by: chief)
        // 02:00 the next morning: someone is on a night seat that began the evening before.
        fixture.clock.advance(minutes: 24 * 60 - ServerFixture.start.minuteOfDay + 2 * 60)
        let now = fixture.clock.now()
        let night = try #require(try fixture.department.onDuty(campus: "EAST", at: now).first {
            $0.onDuty.count == 1 && ($0.slot?.date ?? now.date) < now.date
        }, "a night seat of the evening before")
        let holder = PersonID(night.onDuty[0].person)
        var username = ServerFixture.people.first { $0.1 == holder }?.0 ?? ""
        if username.isEmpty {
            username = "nightowl"
            let hash = try PasswordHasher(limits: .testingOnly).hash(ServerFixture.password)
            try fixture.department.createAccount(username: username, person: holder, passwordHash: hash, mustChangePassword: false,
                                                 by: Acting("A001", at: now))
        }
        let account = username
        try await fixture.application().test(.router) { client in
            let duty = try await client.signIn(account)
            let logged = try await client.form("/duty/log", as: duty, [("csrf", duty.csrf), ("post", night.post.rawValue), ("text", "凌晨巡检机房正常")])
            #expect(logged.1[.location] == "/duty?done=log")
            let page = try await client.page("/duty?done=log", as: duty)
            #expect(page.2.contains("凌晨巡检机房正常") && !page.2.contains("本班次尚无值班记录"))
        }
    }

    @Test func aFormWithoutItsTokenOrWithABadKindIsRefusedAndStoresNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let duty = try await client.signIn("duty")
            let page = try await client.page("/duty", as: duty)
            #expect(!page.2.contains("id=\"write-log\"") && page.2.contains("此刻不在班"), "off duty: no duty log form, and why")
            let before = try fixture.versionVector()
            let forged = try await client.form("/duty/attendance", as: duty, [("kind", "sign_in")])
            #expect(forged.0 == .forbidden)
            let bad = try await client.form("/duty/attendance", as: duty, [("csrf", duty.csrf), ("kind", "nap")])
            #expect(bad.0 == .badRequest)
            #expect(bad.2.contains("类型不正确") && !bad.2.contains("sign_in or sign_out"), "the error page says it in Chinese")
            let reversed = try await client.form("/duty/leave", as: duty, [("csrf", duty.csrf), ("firstDay", "2026-03-21"),
                                                                          ("lastDay", "2026-03-20"), ("reason", "x")])
            #expect(reversed.0.code >= 400 && reversed.0.code < 500)
            let offDuty = try await client.form("/duty/log", as: duty, [("csrf", duty.csrf), ("post", "network-security"), ("text", "x")])
            #expect(offDuty.0 == .conflict, "the domain refuses a log entry from someone not on duty")
            #expect(try fixture.versionVector() == before)
        }
    }
}

extension MyDutyPageTests {
    @Test func aWardRequesterIsNotOfferedTheDutyPage() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let ward = try await client.signIn("ward")
            let home = try await client.page("/", as: ward)
            #expect(!home.2.contains("href=\"/duty\""), "no 我的值班 link for a requester")
            let page = try await client.page("/duty", as: ward)
            #expect(page.0 == .ok && page.2.contains("您的账户不参加值班") && !page.2.contains("id=\"sign-in\""))
            let chief = try await client.signIn("chief")
            #expect(try await client.page("/", as: chief).2.contains("href=\"/duty\""))
        }
    }
}
