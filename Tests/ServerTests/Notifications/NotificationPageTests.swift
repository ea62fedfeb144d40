import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Node
import Testing
@testable import Domain
@testable import Server

/// 我的通知, 通知设置 and 升级策略 through the router: the unread count, 认领 and 已读,
/// refusals in the reader's language with what was typed kept, and who may set the policy.
@Suite struct NotificationPageTests {
    func notified(_ f: ServerFixture) async throws -> String {
        let number = try f.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "急诊科", category: .network,
                                                              description: "急诊挂号系统全部断网", urgency: .high, impact: .hospital),
                                                 by: Acting("R001", at: ServerFixture.start)).number
        let loop = NotificationDelivery(department: f.department, outbox: OutboxFile(url: nil),
                                        configuration: .init(localCampus: "EAST"), clock: f.clock, logger: Logger(label: "page-test"))
        #expect(await loop.planOnce() == 1)
        return number
    }

    @Test func theChiefSeesTheUnreadNotificationClaimsItAndTheEscalationStops() async throws {
        let f = try ServerFixture()
        let number = try await notified(f)
        try await f.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let (status, _, page) = try await client.page("/notifications", as: chief)
            #expect(status == .ok && page.contains("通知<span data-live=\"unread\"> (1)</span>") && page.contains(number))
            let key = try f.department.notifications(for: "E001")[0].key
            let (claimed, headers, _) = try await client.form("/notifications/claim", as: chief, [("csrf", chief.csrf), ("key", key), ("number", number)])
            #expect(claimed == .seeOther && headers[.location]?.hasPrefix("/notifications?done=claimed") == true)
            #expect(try f.department.ticket(number).state == .inProgress)
            let (_, _, after) = try await client.page("/notifications?done=claimed&ticket=\(number)", as: chief)
            #expect(after.contains("升级已停止") && after.contains("<span data-live=\"unread\"></span>"))
            // Someone else's notification cannot be marked read.
            let eng = try await client.signIn("eng1")
            let (refused, _, _) = try await client.form("/notifications/read", as: eng, [("csrf", eng.csrf), ("key", key)])
            #expect(refused == .forbidden)
        }
    }

    @Test func malformedSettingsAreRefusedInChineseWithWhatWasTypedKeptAndGoodOnesAreConfirmed() async throws {
        let f = try ServerFixture()
        try await f.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let (status, _, page) = try await client.form("/notifications/settings", as: eng, [
                ("csrf", eng.csrf), ("email", "zhang@hospital"), ("kind0", "dingtalk"), ("url0", "https://oapi.dingtalk.com/robot/send?access_token=t"),
                ("secret0", "nope"), ("quietStart", ""), ("quietEnd", ""),
            ])
            #expect(status == .ok && page.contains("未保存") && page.contains("电子邮件地址格式应为") && page.contains("value=\"zhang@hospital\""))
            let (_, _, ding) = try await client.form("/notifications/settings", as: eng, [
                ("csrf", eng.csrf), ("email", "zhang@hospital.example"), ("kind0", "dingtalk"),
                ("url0", "https://oapi.dingtalk.com/robot/send?access_token=t"), ("secret0", "nope"),
            ])
            #expect(ding.contains("钉钉加签密钥应以 SEC 开头"))
            let (quiet, _, quietPage) = try await client.form("/notifications/settings", as: eng, [("csrf", eng.csrf), ("quietStart", "25:00"), ("quietEnd", "07:00")])
            #expect(quiet == .ok && quietPage.contains("免打扰时间应写成 时:分"))
            #expect(try f.department.notificationSettings(for: "E101") == .none, "nothing stored by a refusal")
            let (saved, headers, _) = try await client.form("/notifications/settings", as: eng, [
                ("csrf", eng.csrf), ("email", "zhang@hospital.example"), ("kind0", "feishu"), ("url0", "https://open.feishu.cn/open-apis/bot/v2/hook/x"),
                ("quietStart", "22:00"), ("quietEnd", "07:00"),
            ])
            #expect(saved == .seeOther && headers[.location] == "/notifications/settings?done=saved")
            let (_, _, confirmed) = try await client.page("/notifications/settings?done=saved", as: eng)
            #expect(confirmed.contains("通知设置已保存") && confirmed.contains("value=\"22:00\""))
            #expect(try f.department.notificationSettings(for: "E101").webhooks.map(\.kind) == [.feishu])
            #expect(try !f.department.peopleWithoutChannel(campus: "EAST").map(\.id).contains("E101"))
        }
    }

    @Test func onlyTheAdministratorSetsTheEscalationPolicyAndOutOfRangeTimersAreRefused() async throws {
        let f = try ServerFixture()
        try await f.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let (forbidden, _, _) = try await client.page("/admin/escalation", as: chief)
            #expect(forbidden == .forbidden)
            let admin = try await client.signIn("admin")
            var fields: [(String, String)] = [("csrf", admin.csrf), ("takeover", "5")]
            for p in 1...4 { fields += [("chief\(p)", "20"), ("officer\(p)", "10"), ("repeat\(p)", "")] }
            let (refused, _, page) = try await client.form("/admin/escalation", as: admin, fields)
            #expect(refused == .ok && page.contains("未保存") && page.contains("通知总值班须晚于通知科长"))
            #expect(try f.department.escalationPolicy() == .standard)
            fields = [("csrf", admin.csrf), ("takeover", "5")]
            for p in 1...4 { fields += [("chief\(p)", "\(p * 10)"), ("officer\(p)", p < 3 ? "\(p * 40)" : ""), ("repeat\(p)", "30")] }
            let (saved, _, _) = try await client.form("/admin/escalation", as: admin, fields)
            #expect(saved == .seeOther)
            #expect(try f.department.escalationPolicy().rule(2).officerAfterMinutes == 80 && f.department.escalationPolicy().takeoverMinutes == 5)
        }
    }

    @Test func theStatusPageListsDeadLettersWithTheRobotsHostButNotItsToken() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: path) }
        let f = try ServerFixture(directory: DataDirectory(path: path.path))
        var box = Outbox()
        let address = ChannelAddress.webhook(WebhookTarget(kind: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-TOKEN"))
        box.enqueue(key: "k", address: address, recipientName: "赵科长", item: OutgoingItem(key: "k", number: "EAST-2026-0001-00001", title: "t", urgent: true, link: nil), notBefore: 0)
        for attempt in 0..<Outbox.attemptsMax {
            let taken = box.take(channel: "wecom", now: Int64(attempt) * 600_000, messagesMax: 1)
            box.failed(taken[0], error: "webhook answered 503: busy", now: Int64(attempt) * 600_000)
        }
        try JSONEncoder().encode(box).write(to: path.appendingPathComponent("notification-outbox.json"))
        try await f.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let (_, _, page) = try await client.page("/status", as: chief)
            #expect(page.contains("通知发件箱") && page.contains("qyapi.weixin.qq.com") && page.contains("webhook answered 503"))
            #expect(!page.contains("SECRET-TOKEN"))
        }
    }
}
