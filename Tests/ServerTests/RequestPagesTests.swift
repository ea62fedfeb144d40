import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 申请 in the browser: filing a purchase, change or scrapping request, its page with
/// every step, the steps taken from it, and the lists of open and decided requests.
/// Done comes back to the request's page with `?done=`; refused comes back as the form
/// with the message in the user's language, the status, and nothing written.
@Suite struct RequestPagesTests {
    static func changeFields(_ csrf: String, rollback: String = "恢复虚拟机快照", title: String = "HIS 升级到 5.2") -> [(String, String)] {
        [("csrf", csrf), ("kind", "change"), ("campus", "EAST"), ("title", title), ("reason", "厂商补丁修复挂号超时"),
         ("system", "HIS"), ("impact", "门诊挂号停机 30 分钟"), ("rollbackPlan", rollback), ("plannedAt", "2026-03-10T22:00"),
         ("notifyDepartments", "门诊部\n药剂科")]
    }

    @Test func aChangeRequestIsFiledAssessedApprovedAndImplementedFromItsPage() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let form = try await client.page("/requests/new?kind=change", as: eng1)
            #expect(form.0 == .ok && form.2.contains("name=\"rollbackPlan\"") && form.2.contains("回退方案"))
            let filed = try await client.form("/requests/new", as: eng1, Self.changeFields(eng1.csrf))
            #expect(filed.0 == .seeOther)
            let change = try #require(try fixture.department.approvals(kind: .change).first)
            #expect(filed.1[.location] == "/requests/\(change.id)?done=filed")
            #expect(change.notifyDepartments.sorted() == ["药剂科", "门诊部"] && change.plannedAt?.description == "2026-03-10 22:00")

            let page = try await client.page("/requests/\(change.id)?done=filed", as: eng1).2
            #expect(page.contains("申请已提交") && page.contains("恢复虚拟机快照") && page.contains("员工eng1") && page.contains("东院区"))
            #expect(page.contains("/requests/\(change.id)/assess") && page.contains("/requests/\(change.id)/cancel"))

            let eng2 = try await client.signIn("eng2")
            let assessed = try await client.form("/requests/\(change.id)/assess", as: eng2, [("csrf", eng2.csrf), ("note", "风险低，夜间实施")])
            #expect(assessed.1[.location] == "/requests/\(change.id)?done=assess")
            let chief = try await client.signIn("chief")
            #expect(try await client.page("/requests/\(change.id)", as: chief).2.contains("/requests/\(change.id)/approve"))
            // The approvals page's own form comes back to the request's page too.
            let approved = try await client.form("/approvals/approval/\(change.id)/approve", as: chief, [("csrf", chief.csrf), ("note", "同意")])
            #expect(approved.1[.location] == "/requests/\(change.id)?done=approve")
            let implemented = try await client.form("/requests/\(change.id)/implement", as: eng1, [("csrf", eng1.csrf), ("note", "已完成")])
            #expect(implemented.0 == .seeOther)
            #expect(try fixture.department.approval(change.id).state == .implemented)

            let steps = try await client.page("/requests/\(change.id)?done=implement", as: chief).2
            for text in ["已记录实施完成", "评估", "风险低，夜间实施", "员工eng2", "批准", "同意", "实施", "员工chief"] {
                #expect(steps.contains(text), "the page shows \(text)")
            }
            let list = try await client.page("/requests", as: chief).2
            let decided = try #require(list.range(of: "id=\"decided\""))
            #expect(list[decided.upperBound...].contains("HIS 升级到 5.2"), "the implemented change is listed as decided, not gone")
            #expect(list.contains("已实施"))
        }
    }

    @Test func aRefusedRequestFormSaysWhyKeepsWhatWasTypedAndWritesNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            var before = try fixture.versionVector()
            let noRollback = try await client.form("/requests/new", as: eng1, Self.changeFields(eng1.csrf, rollback: "  "))
            try DutyFormsTests.expectRefused(noRollback, .unprocessableContent, says: "请填写回退方案", fixture, before: before)
            #expect(noRollback.2.contains("HIS 升级到 5.2"), "what was typed is kept")

            let long = try await client.form("/requests/new", as: eng1, Self.changeFields(eng1.csrf, title: String(repeating: "长", count: 101)))
            try DutyFormsTests.expectRefused(long, .unprocessableContent, says: "最多 100 个字", fixture, before: before)

            let quantity = try await client.form("/requests/new", as: eng1, [
                ("csrf", eng1.csrf), ("kind", "purchase"), ("campus", "EAST"), ("title", "扫码枪"), ("reason", "门诊新增窗口"),
                ("department", "门诊"), ("quantity", "0")])
            try DutyFormsTests.expectRefused(quantity, .unprocessableContent, says: "“数量”应为 1 到 10000 之间的整数", fixture, before: before)
            #expect(quantity.2.contains("扫码枪"))

            let english = try await client.form("/requests/new?lang=en", as: eng1, Self.changeFields(eng1.csrf, rollback: ""))
            #expect(english.2.contains("Please fill in rollback plan") || english.2.contains("rollback plan"))

            let unknownAsset = try await client.form("/requests/new", as: eng1, [
                ("csrf", eng1.csrf), ("kind", "scrap"), ("title", "报废"), ("reason", "损坏"), ("assetTag", "E-NONE-1")])
            try DutyFormsTests.expectRefused(unknownAsset, .notFound, says: "找不到资产编号“E-NONE-1”", fixture, before: before)

            // A role acting outside its campus: the MAIN engineer files at EAST.
            let maineng = try await client.signIn("maineng")
            before = try fixture.versionVector()
            let outside = try await client.form("/requests/new", as: maineng, Self.changeFields(maineng.csrf))
            try DutyFormsTests.expectRefused(outside, .forbidden, says: "您在该院区没有职务", fixture, before: before)

            // A step without its note, and one the role may not take: the engineer approves.
            var change = ApprovalRequest(kind: .change, campus: "EAST", title: "升级", reason: "补丁")
            change.system = "HIS"; change.impact = "停机"; change.rollbackPlan = "快照"; change.notifyDepartments = ["门诊部"]
            let id = try fixture.department.requestApproval(change, by: Acting("E101", at: ServerFixture.start))
            before = try fixture.versionVector()
            let eng2 = try await client.signIn("eng2")
            let empty = try await client.form("/requests/\(id)/assess", as: eng2, [("csrf", eng2.csrf), ("note", "")])
            try DutyFormsTests.expectRefused(empty, .unprocessableContent, says: "请填写评估意见", fixture, before: before)
            let notChief = try await client.form("/requests/\(id)/approve", as: eng2, [("csrf", eng2.csrf), ("note", "")])
            try DutyFormsTests.expectRefused(notChief, .forbidden, says: "您没有权限执行此操作", fixture, before: before)
        }
    }

    @Test func aScrappingRequestByAssetTagScrapsTheAssetWhenTheChiefApproves() async throws {
        let fixture = try ServerFixture()
        try fixture.department.registerAsset(AssetRecord(tag: "E-PC-01", campus: "EAST", type: .pc, name: "分诊台电脑", inspectionDays: 30),
                                             by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let form = try await client.page("/requests/new?kind=scrap&tag=E-PC-01", as: eng1).2
            #expect(form.contains("value=\"E-PC-01\""), "the asset pages link here with the tag filled in")
            let filed = try await client.form("/requests/new", as: eng1, [
                ("csrf", eng1.csrf), ("kind", "scrap"), ("title", "分诊台电脑报废"), ("reason", "主板损坏，超过维修价值"), ("assetTag", "E-PC-01")])
            #expect(filed.0 == .seeOther)
            let scrap = try #require(try fixture.department.approvals(kind: .scrap).first)
            #expect(scrap.assetTag == "E-PC-01" && scrap.campus == "EAST")
            let chief = try await client.signIn("chief")
            let approved = try await client.form("/requests/\(scrap.id)/approve", as: chief, [("csrf", chief.csrf), ("note", "同意报废")])
            #expect(approved.1[.location] == "/requests/\(scrap.id)?done=approve")
            #expect(try fixture.department.asset("E-PC-01").state == .scrapped)
        }
    }

    @Test func eachRoleSeesTheRequestsOfItsCampusesAndAWardItsOwn() async throws {
        let fixture = try ServerFixture()
        let at = Acting("R001", at: ServerFixture.start)
        var mine = ApprovalRequest(kind: .purchase, campus: "EAST", title: "病房打印机", reason: "旧的坏了")
        mine.department = "心内科病房"; mine.quantity = 1
        let wardID = try fixture.department.requestApproval(mine, by: at)
        var theirs = ApprovalRequest(kind: .purchase, campus: "EAST", title: "信息科扫码枪", reason: "备用")
        theirs.department = "信息科"; theirs.quantity = 2
        let engID = try fixture.department.requestApproval(theirs, by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            for (user, sees, seesNot) in [("ward", ["病房打印机"], ["信息科扫码枪"]), ("chief", ["病房打印机", "信息科扫码枪"], []),
                                          ("viewer", ["病房打印机", "信息科扫码枪"], []), ("mainchief", [], ["病房打印机", "信息科扫码枪"])] {
                let session = try await client.signIn(user)
                let page = try await client.page("/requests", as: session)
                #expect(page.0 == .ok)
                for title in sees { #expect(page.2.contains(title), "\(user) sees \(title)") }
                for title in seesNot { #expect(!page.2.contains(title), "\(user) does not see \(title)") }
            }
            let ward = try await client.signIn("ward")
            #expect(try await client.page("/requests/\(wardID)", as: ward).0 == .ok)
            #expect(try await client.page("/requests/\(engID)", as: ward).0 == .forbidden)
            #expect(try await client.page("/requests/\(engID)", as: try await client.signIn("mainchief")).0 == .forbidden)
            // The ward may file a purchase (and only that): its form offers only its campus.
            let form = try await client.page("/requests/new", as: ward).2
            #expect(form.contains("value=\"EAST\"") && !form.contains("value=\"MAIN\"") && !form.contains("kind=change"))
            let nav = try await client.page("/", as: ward).2
            #expect(nav.contains("href=\"/requests\""))
        }
    }
}
