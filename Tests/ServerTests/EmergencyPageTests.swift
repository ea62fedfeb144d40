import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 应急预案 pages, forms and API: who may read and write, the dashboard's 待演练,
/// confirmations and refusals beside the form.
@Suite struct EmergencyPageTests {
    static let his = PlanDraft(campus: "EAST", system: .his, title: "HIS 宕机应急预案", steps: "1. 切换手工开单\n2. 启用备用服务器", startLevel: .sectionChief)

    @Test(arguments: ServerFixture.people.map(\.0))
    func everyPlanWriteAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let chief = Acting("E001", at: ServerFixture.start)
        let plan = try fixture.department.writePlan(Self.his, by: chief)
        let drill = try fixture.department.scheduleDrill(plan, on: ServerFixture.start.date, scenario: "数据库宕机", by: chief)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            let writes: [(String, String, String, Set<String>)] = [
                ("write plan", "/api/plans", #"{"campus":"EAST","system":"pacs","title":"PACS 应急预案","steps":"1. 启用本地缓存","startLevel":"duty_engineer"}"#, ["chief"]),
                ("add contact", "/api/plans/\(plan)/contacts", #"{"person":"E101"}"#, ["chief"]),
                ("schedule drill", "/api/plans/\(plan)/drills", #"{"date":"2026-03-20","scenario":"断网"}"#, ["chief"]),
                ("record drill", "/api/drills/\(drill)/record", #"{"doneOn":"2026-03-02","findings":"切换 20 分钟"}"#, ["chief", "eng1", "eng2", "duty"]),
            ]
            for (name, path, body, allowed) in writes {
                let (status, text) = try await client.call(.post, path, as: session, json: body)
                #expect(status.code < 500, "\(username) \(name): \(status) \(text)")
                #expect(allowed.contains(username) != (status == .forbidden), "\(username) \(name): got \(status.code) \(text)")
            }
            let readers: Set<String> = ["admin", "chief", "clerk", "eng1", "eng2", "duty", "viewer", "mainchief", "maineng"]
            let (plans, _, _) = try await client.page("/plans", as: session)
            #expect(plans == (readers.contains(username) ? .ok : .forbidden), "\(username) /plans: \(plans)")
            let (one, _, _) = try await client.page("/plans/\(plan)", as: session)
            let eastReaders = readers.subtracting(["mainchief", "maineng"])
            #expect(one == (eastReaders.contains(username) ? .ok : .forbidden), "\(username) /plans/{EAST plan}: \(one)")
        }
    }

    @Test func theDashboardListsDrillsDueAndTheFormsConfirmOrRefuseBesideThemselves() async throws {
        let fixture = try ServerFixture()
        let chief = Acting("E001", at: ServerFixture.start)
        let plan = try fixture.department.writePlan(Self.his, by: chief)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("chief")
            let (scheduled, headers, _) = try await client.form("/plans/\(plan)/schedule", as: session,
                                                                [("csrf", session.csrf), ("date", "2026-03-09"), ("scenario", "HIS 数据库主机宕机")])
            #expect(scheduled == .seeOther && headers[.location] == "/plans/\(plan)?done=schedule")
            let (_, _, home) = try await client.page("/", as: session)
            #expect(home.contains("待演练") && home.contains("HIS 数据库主机宕机"))
            let before = try fixture.versionVector()
            let (refused, _, page) = try await client.form("/plans/\(plan)/schedule", as: session, [("csrf", session.csrf), ("date", "2026-03-09"), ("scenario", " ")])
            #expect(refused == .unprocessableContent && page.contains("请填写演练内容") && page.contains("role=\"alert\""))
            let (badDate, _, _) = try await client.form("/plans/\(plan)/schedule", as: session, [("csrf", session.csrf), ("date", "2026-02-30"), ("scenario", "x")])
            #expect(badDate == .badRequest)
            #expect(try fixture.versionVector() == before, "a refused form wrote nothing")
            let drill = try #require(try fixture.department.drills(plan: plan).first)
            let (recorded, _, _) = try await client.form("/plans/\(plan)/record", as: session, [("csrf", session.csrf), ("drill", drill.id),
                                                                                              ("done_on", "2026-03-02"), ("findings", "切换用时 25 分钟"), ("actions", "更新脚本")])
            #expect(recorded == .seeOther)
            let (_, _, after) = try await client.page("/plans/\(plan)?done=record", as: session)
            #expect(after.contains("演练记录已保存") && after.contains("切换用时 25 分钟"))
            let (_, _, home2) = try await client.page("/", as: session)
            #expect(!home2.contains("HIS 数据库主机宕机"), "a recorded drill is no longer due")
            let (written, where_, _) = try await client.form("/plans/new", as: session, [("csrf", session.csrf), ("campus", "EAST"), ("system", "network"),
                                                                                      ("title", "网络中断应急预案"), ("steps", "1. 切换备用链路"), ("start_level", "duty_engineer")])
            #expect(written == .seeOther && where_[.location]?.hasSuffix("?done=write") == true)
            let eng = try await client.signIn("eng1")
            let (notChief, _, engPage) = try await client.form("/plans/new", as: eng, [("csrf", eng.csrf), ("campus", "EAST"), ("system", "lis"),
                                                                                    ("title", "x"), ("steps", "y"), ("start_level", "duty_engineer")])
            #expect(notChief == .forbidden && engPage.contains("只有科长可以编制应急预案"))
        }
    }
}
