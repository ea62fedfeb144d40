import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import Testing
@testable import Domain
@testable import Server

/// 资产管理 in the browser: the inventory with its filters and pages, one page per
/// asset with its history, label and forms, the label sheet, and registering. Each form:
/// done comes back with `?done=` and a confirmation; refused comes back as the asset's
/// page with the refusal in the user's language, its status, and nothing written.
@Suite struct AssetPagesTests {
    /// EAST: a PC held by eng1, a toner with 5 in stock, a switch; MAIN: a server.
    static func stocked() throws -> ServerFixture {
        let fixture = try ServerFixture()
        let d = fixture.department
        let eng = Acting("E101", at: ServerFixture.start)
        try d.registerAsset(AssetRecord(tag: "E-PC-01", campus: "EAST", type: .pc, name: "门诊电脑", model: "ThinkCentre M720", serial: "SN123",
                                        state: .inUse, department: "门诊部", location: "1F 诊室3", holder: "E101",
                                        warrantyUntil: LocalDate(iso: "2026-03-20"), inspectionDays: 30,
                                        registeredOn: LocalDate(iso: "2026-01-01")), by: eng)
        try d.registerAsset(AssetRecord(tag: "E-TN-01", campus: "EAST", type: .consumable, name: "硒鼓", stock: 5, stockMin: 2, unit: "个"), by: eng)
        try d.registerAsset(AssetRecord(tag: "E-SW-01", campus: "EAST", type: .network, name: "核心交换机", location: "机房"), by: eng)
        try d.registerAsset(AssetRecord(tag: "M-SRV-01", campus: "MAIN", type: .server, name: "HIS 服务器"), by: Acting("M101", at: ServerFixture.start))
        return fixture
    }

    // MARK: the inventory

    @Test func theInventoryListsSearchesAndFiltersTheCampusesOfTheReaderByName() async throws {
        let fixture = try Self.stocked()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let all = try await client.page("/assets", as: eng1)
            #expect(all.0 == .ok)
            #expect(all.2.contains("资产台账") && all.2.contains("href=\"/assets/E-PC-01\"") && all.2.contains("href=\"/assets/E-TN-01\""))
            #expect(!all.2.contains("M-SRV-01"), "eng1 has no role at MAIN")
            #expect(all.2.contains("<td>电脑</td>") && all.2.contains("<td>使用中</td>") && all.2.contains("<td>耗材</td>"))
            #expect(!all.2.contains(">in_use<") && !all.2.contains(">consumable<"), "no raw keys")
            #expect(all.2.contains("待巡检") && all.2.contains("保修即将到期"), "the due-lists stay")

            let searched = try await client.page("/assets?q=thinkcentre", as: eng1)
            #expect(searched.2.contains("E-PC-01") && !searched.2.contains("href=\"/assets/E-SW-01\""))
            // The inventory follows the filter; the due-lists below it do not.
            let byType = try await client.page("/assets?type=network", as: eng1)
            let inventory = try #require(byType.2.components(separatedBy: "<h2>待巡检").first)
            #expect(inventory.contains("href=\"/assets/E-SW-01\"") && !inventory.contains("href=\"/assets/E-PC-01\""))
            let byHolder = try await client.page("/assets?holder=%E5%91%98%E5%B7%A5eng1", as: eng1)  // 员工eng1
            #expect(byHolder.2.contains("href=\"/assets/E-PC-01\"") && !byHolder.2.contains("href=\"/assets/E-TN-01\""))
            let byLocation = try await client.page("/assets?location=%E6%9C%BA%E6%88%BF", as: eng1)  // 机房
            #expect(byLocation.2.contains("href=\"/assets/E-SW-01\"") && !byLocation.2.contains("href=\"/assets/E-TN-01\""))
            let warranty = try await client.page("/assets?warranty=1", as: eng1)
            #expect(warranty.2.contains("资产台账 (1)") && warranty.2.contains("href=\"/assets/E-PC-01\""))
            let notYet = try await client.page("/assets?due=1", as: eng1)
            #expect(notYet.2.contains("资产台账 (0)"), "registered today, inspected every 30 days")
            fixture.clock.advance(minutes: 31 * 24 * 60)
            let later = try await client.signIn("eng1")  // a month on, the first session has ended
            // Another query than before: the view cache may serve a just-previous view of the same one.
            let due = try await client.page("/assets?due=1&type=pc", as: later)
            #expect(due.2.contains("资产台账 (1)") && due.2.contains("href=\"/assets/E-PC-01\""))
            // An inspection round today puts the next one 30 days on.
            let inspected = try await client.form("/assets/E-PC-01/inspect", as: later, [("csrf", later.csrf), ("item1", "外观"), ("result1", "ok")])
            #expect(inspected.0 == .seeOther)
            let after = try await client.page("/assets?due=1&type=pc&q=E-", as: later)
            #expect(after.2.contains("资产台账 (0)"))

            let viewer = try await client.signIn("viewer")
            let central = try await client.page("/assets?lang=en", as: viewer)
            #expect(central.2.contains("M-SRV-01") && central.2.contains("<td>server</td>") && central.2.contains("<td>in use</td>"))
            #expect(!central.2.contains("Register an asset"), "the central viewer registers nothing")
        }
    }

    @Test func theInventoryPagesItsRowsByTheNamedPageSize() async throws {
        let fixture = try ServerFixture()
        let eng = Acting("E101", at: ServerFixture.start)
        let count = AssetInventoryPage.pageSizeMax + 5
        for n in 0..<count {
            try fixture.department.registerAsset(AssetRecord(tag: String(format: "E-PC-%03d", n), campus: "EAST", type: .pc, name: "电脑\(n)"), by: eng)
        }
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let first = try await client.page("/assets?type=pc", as: eng1)
            #expect(first.2.contains("资产台账 (\(count))") && first.2.contains("E-PC-000") && !first.2.contains("href=\"/assets/E-PC-054\""))
            #expect(first.2.contains("href=\"/assets?type=pc&amp;page=2\""))
            let second = try await client.page("/assets?type=pc&page=2", as: eng1)
            #expect(second.2.contains("href=\"/assets/E-PC-054\"") && !second.2.contains("href=\"/assets/E-PC-000\""))
            #expect(second.2.contains("第 2 / 2 页"))
        }
    }

    // MARK: one asset

    @Test func anAssetHasAPageWithItsFieldsHistoryLabelAndForms() async throws {
        let fixture = try Self.stocked()
        try fixture.department.recordMaintenance("E-PC-01", kind: .repair, text: "更换电源", state: .underRepair, ticket: nil,
                                                 by: Acting("E101", at: ServerFixture.start))
        let ticket = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊部", category: .hardware,
                                                                    description: "电脑不开机"), by: Acting("E101", at: ServerFixture.start))
        try fixture.department.linkTicket(ticket.number, asset: "E-PC-01", by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/assets/E-PC-01", as: eng1)
            #expect(page.0 == .ok)
            #expect(page.2.contains("门诊电脑") && page.2.contains("ThinkCentre M720") && page.2.contains("员工eng1 (E101)"))
            #expect(page.2.contains("<td>维修中</td>") && page.2.contains("<td>电脑</td>"))
            #expect(page.2.contains("<svg") && page.2.contains("href=\"/assets/labels?tag=E-PC-01\""), "the QR label")
            #expect(page.2.contains("登记入账") && page.2.contains("更换电源") && page.2.contains("维修 → 维修中"), "the history")
            #expect(page.2.contains("id=\"form-repaired\"") && !page.2.contains("id=\"form-repair\""), "under repair: back from repair is offered")
            #expect(page.2.contains("id=\"form-inspect\"") && page.2.contains("id=\"form-scrap\"") && page.2.contains(eng1.csrf))
            #expect(page.2.contains("href=\"/tickets/\(ticket.number)\""), "linked tickets lead to the ticket")
            #expect(try await client.page("/tickets/\(ticket.number)", as: eng1).2.contains("href=\"/assets/E-PC-01\""), "and back")

            let viewer = try await client.signIn("viewer")
            let read = try await client.page("/assets/E-PC-01", as: viewer)
            #expect(read.0 == .ok && !read.2.contains("id=\"form-") && read.2.contains("只有本院区的工程师"))

            let unknown = try await client.page("/assets/E-NONE-9", as: eng1)
            #expect(unknown.0 == .notFound && unknown.2.contains("没有编号为 E-NONE-9 的资产") && unknown.2.contains("lang=\"zh-CN\""))
            #expect(unknown.2.contains("href=\"/assets?q=E-NONE-9\"") && unknown.2.contains("退出"), "in the frame, with a search")
            let english = try await client.page("/assets/E-NONE-9?lang=en", as: eng1)
            #expect(english.0 == .notFound && english.2.contains("No asset is tagged E-NONE-9"))
            let outside = try await client.page("/assets/M-SRV-01", as: eng1)
            #expect(outside.0 == .forbidden)
        }
    }

    /// Every form of the page once, in an order the asset's states allow.
    @Test func eachFormWritesAndComesBackWithAConfirmation() async throws {
        let fixture = try Self.stocked()
        let d = fixture.department
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            func post(_ tag: String, _ form: String, _ fields: [(String, String)]) async throws -> String? {
                let answer = try await client.form("/assets/\(tag)/\(form)", as: eng1, [("csrf", eng1.csrf)] + fields)
                #expect(answer.0 == .seeOther, "\(form): \(answer.0) \(answer.2.prefix(400))")
                return answer.1[.location]
            }
            #expect(try await post("E-SW-01", "move", [("department", "信息科"), ("location", "2F 机房")]) == "/assets/E-SW-01?done=move")
            #expect(try d.asset("E-SW-01").record.location == "2F 机房")
            _ = try await post("E-SW-01", "checkout", [("holder", "员工eng2"), ("department", "信息科"), ("location", "2F"), ("returnBy", "2026-03-09")])
            #expect(try d.asset("E-SW-01").record.holder == "E102" && d.asset("E-SW-01").state == .inUse)
            let out = try await client.page("/assets/E-SW-01", as: eng1)
            #expect(out.2.contains("<th>预计归还</th><td>2026-03-09</td>") && out.2.contains("使用人 员工eng2 (E102)，预计归还 2026-03-09"))
            _ = try await post("E-SW-01", "checkin", [("location", "库房")])
            #expect(try d.asset("E-SW-01").record.holder == "" && d.asset("E-SW-01").state == .inStock)
            _ = try await post("E-SW-01", "inspect", [("item1", "指示灯"), ("result1", "ok"), ("item2", "端口"), ("result2", "fault"), ("note", "3 口不通")])
            #expect(try d.asset("E-SW-01").inspections.first?.items == ["指示灯": .ok, "端口": .fault])
            _ = try await post("E-SW-01", "repair", [("text", "端口故障"), ("ticket", "")])
            #expect(try d.asset("E-SW-01").state == .underRepair)
            _ = try await post("E-SW-01", "repaired", [("text", "更换模块"), ("state", "in_use")])
            #expect(try d.asset("E-SW-01").state == .inUse)
            _ = try await post("E-SW-01", "maintain", [("kind", "upgrade"), ("text", "固件升级")])
            #expect(try d.asset("E-SW-01").maintenance.last?.kind == .upgrade)
            _ = try await post("E-TN-01", "stock", [("direction", "out"), ("quantity", "2")])
            #expect(try d.asset("E-TN-01").record.stock == 3)
            #expect(try await client.page("/assets/E-TN-01", as: eng1).2.contains("出库 2 个，余 3 个"))
            _ = try await post("E-SW-01", "scrap", [("reason", "老化")])
            #expect(try d.approvals(campus: "EAST", kind: .scrap).contains { $0.assetTag == "E-SW-01" && $0.state == .requested })

            let chief = try await client.signIn("chief")
            #expect(try await client.page("/approvals", as: chief).2.contains("href=\"/assets/E-SW-01\""), "the scrap request leads to the asset")
            let done = try await client.page("/assets/E-SW-01?done=scrap", as: eng1)
            #expect(done.2.contains("报废申请已提交") && done.2.contains("报废申请 · 已申请") && done.2.contains("固件升级"))
            #expect(done.2.contains("端口：异常") && done.2.contains("→ 信息科 · 2F 机房") && done.2.contains("归还入库"))
            // Newest first, in the order the steps were taken within the minute.
            let order = ["报废申请", "升级", "维修 → 使用中", "维修 → 维修中", "巡检：有异常", "归还入库", "领用 / 调拨", "调拨", "登记入账"]
            let positions = order.compactMap { done.2.range(of: "<td>\($0)")?.lowerBound }
            #expect(positions.count == order.count && positions == positions.sorted(), "history order")
        }
    }

    @Test func registeringFromTheWebAddsTheAssetAndADuplicateTagIsRefused() async throws {
        let fixture = try Self.stocked()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let form = try await client.page("/assets/new", as: eng1)
            #expect(form.0 == .ok && form.2.contains("id=\"form-register\"") && form.2.contains("value=\"EAST\"") && !form.2.contains("value=\"MAIN\""))
            let fields: [(String, String)] = [("csrf", eng1.csrf), ("tag", "E-PR-07"), ("name", "病房打印机"), ("campus", "EAST"), ("type", "printer"),
                                              ("location", "5F 护士站"), ("holder", ""), ("warrantyUntil", "2027-01-31"), ("inspectionDays", "90")]
            let done = try await client.form("/assets/new", as: eng1, fields)
            #expect(done.0 == .seeOther && done.1[.location] == "/assets/E-PR-07?done=register")
            #expect(try fixture.department.asset("E-PR-07").record.warrantyUntil == LocalDate(iso: "2027-01-31"))

            let before = try fixture.versionVector()
            let again = try await client.form("/assets/new", as: eng1, fields.map { $0.0 == "name" ? ($0.0, "另一台") : $0 })
            try DutyFormsTests.expectRefused(again, .conflict, says: "资产编号 E-PR-07 已在院区 EAST 登记", fixture, before: before)
            #expect(again.2.contains("value=\"另一台\""), "what was typed is kept")
            let badDate = try await client.form("/assets/new", as: eng1, [("csrf", eng1.csrf), ("tag", "E-PR-08"), ("name", "x"), ("campus", "EAST"),
                                                                          ("type", "printer"), ("warrantyUntil", "2027-02-30")])
            try DutyFormsTests.expectRefused(badDate, .badRequest, says: "日期无效", fixture, before: before)
            let maineng = try await client.signIn("maineng")
            let elsewhere = try await client.form("/assets/new", as: maineng, fields.map { $0.0 == "csrf" ? ($0.0, maineng.csrf) : ($0.0 == "tag" ? ($0.0, "E-PR-09") : $0) })
            try DutyFormsTests.expectRefused(elsewhere, .forbidden, says: "您在该院区没有职务", fixture, before: before)
        }
    }

    @Test func refusedFormsSayWhyInTheUsersLanguageAndWriteNothing() async throws {
        let fixture = try Self.stocked()
        let d = fixture.department
        var scrap = ApprovalRequest(kind: .scrap, campus: "EAST", title: "报废", reason: "坏了")
        scrap.assetTag = "E-SW-01"
        let id = try d.requestApproval(scrap, by: Acting("E101", at: ServerFixture.start))
        _ = try d.decideApproval(id, .approve, by: Acting("E001", at: ServerFixture.start))
        #expect(try d.asset("E-SW-01").state == .scrapped)
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            let unknownHolder = try await client.form("/assets/E-PC-01/checkout", as: eng1, [("csrf", eng1.csrf), ("holder", "张三"),
                                                                                            ("department", ""), ("location", "")])
            try DutyFormsTests.expectRefused(unknownHolder, .unprocessableContent, says: "找不到使用人“张三”", fixture, before: before)
            #expect(unknownHolder.2.contains("value=\"张三\""))
            let scrapped = try await client.form("/assets/E-SW-01/inspect", as: eng1, [("csrf", eng1.csrf), ("item1", "外观"), ("result1", "ok")])
            try DutyFormsTests.expectRefused(scrapped, .conflict, says: "该资产已报废", fixture, before: before)
            let belowZero = try await client.form("/assets/E-TN-01/stock", as: eng1, [("csrf", eng1.csrf), ("direction", "out"), ("quantity", "6")])
            try DutyFormsTests.expectRefused(belowZero, .unprocessableContent, says: "库存不足：现有 5 个，不能出库 6 个", fixture, before: before)
            let english = try await client.form("/assets/E-TN-01/stock?lang=en", as: eng1, [("csrf", eng1.csrf), ("direction", "out"), ("quantity", "6")])
            try DutyFormsTests.expectRefused(english, .unprocessableContent, says: "Not enough in stock: 5 个 on hand", fixture, before: before)
            // The domain's own bound (the web's check passed): said with the stock on hand.
            let tooMuch = try await client.form("/assets/E-TN-01/stock", as: eng1, [("csrf", eng1.csrf), ("direction", "in"), ("quantity", "\(Asset.stockMax)")])
            try DutyFormsTests.expectRefused(tooMuch, .unprocessableContent, says: "库存不能低于 0，也不能超过 \(Asset.stockMax)（现有 5 个）", fixture, before: before)
            let past = try await client.form("/assets/E-PC-01/checkout", as: eng1, [("csrf", eng1.csrf), ("holder", "E102"), ("department", ""),
                                                                                   ("location", ""), ("returnBy", "2026-03-01")])
            try DutyFormsTests.expectRefused(past, .unprocessableContent, says: "预计归还日期不能早于今天", fixture, before: before)
            let noItems = try await client.form("/assets/E-PC-01/inspect", as: eng1, [("csrf", eng1.csrf), ("item1", ""), ("result1", "ok")])
            try DutyFormsTests.expectRefused(noItems, .unprocessableContent, says: "请至少填写一个检查项", fixture, before: before)
            let unknownTicket = try await client.form("/assets/E-PC-01/repair", as: eng1, [("csrf", eng1.csrf), ("text", "坏了"), ("ticket", "EAST-2026-999")])
            try DutyFormsTests.expectRefused(unknownTicket, .notFound, says: "找不到工单", fixture, before: before)
            let unknownTag = try await client.form("/assets/E-NONE/move", as: eng1, [("csrf", eng1.csrf), ("department", ""), ("location", "x")])
            #expect(unknownTag.0 == .notFound && unknownTag.2.contains("找不到该资产"))
            let noCSRF = try await client.form("/assets/E-PC-01/move", as: eng1, [("department", ""), ("location", "x")])
            #expect(noCSRF.0 == .forbidden && !noCSRF.2.contains("role=\"alert\""))
            #expect(try fixture.versionVector() == before)
        }
    }

    @Test func detailsAndATransferToAnotherCampusAreFormsOfTheAssetPage() async throws {
        let fixture = try Self.stocked()
        let d = fixture.department
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/assets/E-PC-01", as: eng1)
            #expect(page.2.contains("id=\"form-details\"") && page.2.contains("id=\"form-transfer\"") && page.2.contains("value=\"MAIN\""))
            let details: [(String, String)] = [("csrf", eng1.csrf), ("name", "门诊电脑"), ("model", "ThinkCentre M720"), ("serial", "SN123"),
                                               ("manufacturer", "联想"), ("supplier", "院采购中心"), ("purchaseCost", "¥4,999.00"),
                                               ("purchasedOn", "2025-03-01"), ("warrantyUntil", ""), ("warrantyMonths", "36"),
                                               ("contractUntil", ""), ("inspectionDays", "30"), ("notes", "门诊一楼 3 诊室")]
            let saved = try await client.form("/assets/E-PC-01/details", as: eng1, details)
            #expect(saved.0 == .seeOther && saved.1[.location] == "/assets/E-PC-01?done=details", "\(saved.0) \(saved.2.prefix(300))")
            let r = try d.asset("E-PC-01").record
            #expect(r.purchaseCostFen == 499_900, "\(String(describing: r.purchaseCostFen))")
            #expect(r.warrantyUntil == LocalDate(iso: "2028-03-01"), "\(String(describing: r.warrantyUntil))")
            #expect(r.purchaseCostFen == 499_900 && r.manufacturer == "联想" && r.warrantyUntil == LocalDate(iso: "2028-03-01") && r.notes == "门诊一楼 3 诊室")
            let shown = try await client.page("/assets/E-PC-01?done=details", as: eng1)
            #expect(shown.2.contains("资产资料已保存") && shown.2.contains("¥4,999.00 / ¥") && shown.2.contains("联想 / 院采购中心"))
            #expect(shown.2.contains("修改资料") && shown.2.contains("购置金额 — → 4999.00"), "the history says what changed")
            let english = try await client.page("/assets/E-PC-01?lang=en", as: eng1)
            #expect(english.2.contains("cost — → 4999.00") && english.2.contains("straight line over 6 years"))

            let before = try fixture.versionVector()
            let badCost = try await client.form("/assets/E-PC-01/details", as: eng1, details.map { $0.0 == "purchaseCost" ? ($0.0, "四千") : $0 })
            try DutyFormsTests.expectRefused(badCost, .unprocessableContent, says: "购置金额“四千”无效", fixture, before: before)
            #expect(badCost.2.contains("value=\"四千\"") && badCost.2.contains("<details class=\"card\" open>"), "what was typed is kept, the form open")
            let unchanged = try await client.form("/assets/E-PC-01/details", as: eng1, details.map { $0.0 == "warrantyMonths" ? ($0.0, "") : $0 }
                .map { $0.0 == "warrantyUntil" ? ($0.0, "2028-03-01") : $0 })
            try DutyFormsTests.expectRefused(unchanged, .unprocessableContent, says: "资料没有变化", fixture, before: before)
            let noDate = try await client.form("/assets/E-PC-01/details", as: eng1, details.map { $0.0 == "purchasedOn" ? ($0.0, "") : $0 })
            try DutyFormsTests.expectRefused(noDate, .unprocessableContent, says: "请同时填写购置日期", fixture, before: before)

            let sent = try await client.form("/assets/E-PC-01/transfer", as: eng1, [("csrf", eng1.csrf), ("campus", "MAIN"), ("location", "总院库房")])
            // EAST's engineer does not read MAIN's assets: the confirmation is on the inventory.
            #expect(sent.0 == .seeOther && sent.1[.location] == "/assets?sent=E-PC-01&to=MAIN")
            let there = try d.asset("E-PC-01")
            #expect(there.campus == "MAIN" && there.state == .inStock && there.record.holder == "")
            let inventory = try await client.page("/assets?sent=E-PC-01&to=MAIN", as: eng1)
            #expect(inventory.2.contains("资产 E-PC-01 已调拨到") && !inventory.2.contains("href=\"/assets/E-PC-01\""))
            let maineng = try await client.signIn("maineng")
            let atMain = try await client.page("/assets/E-PC-01", as: maineng)
            #expect(atMain.2.contains("id=\"form-move\"") && atMain.2.contains("<td>院区调拨</td>"), "MAIN's engineer keeps it now")
        }
    }

    /// A tag registered at two campuses while cut off: /problems says so in the user's
    /// words and leads to each campus's asset, whose page retags it.
    @Test func aDuplicateTagIsResolvedFromTheProblemsPageByRetagging() async throws {
        let fixture = try Self.stocked()
        let d = fixture.department
        // What a merge brings: MAIN's own E-PC-01 (a peer wrote it while cut off).
        try d.store.write { tx in
            try tx.assign(DomainSchema.asset.name, tx.newRowID(), ["tag": .text("E-PC-01"), "campus": .text("MAIN"), "type": .text("pc"),
                                                                  "name": .text("总院电脑"), "state": .text("in_stock")])
        }
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let problems = try await client.page("/problems", as: chief)
            #expect(problems.2.contains("资产编号 E-PC-01 在本院区与 MAIN 同时登记") && problems.2.contains("href=\"/assets/E-PC-01@EAST\""))
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/assets/E-PC-01@EAST", as: eng1)
            #expect(try await client.page("/assets/E-PC-01%40EAST", as: eng1).0 == .ok, "an encoded @ reads the same")
            #expect(page.0 == .ok && page.2.contains("action=\"/assets/E-PC-01%40EAST/retag\""))
            let before = try fixture.versionVector()
            let taken = try await client.form("/assets/E-PC-01%40EAST/retag", as: eng1, [("csrf", eng1.csrf), ("tag", "E-SW-01")])
            try DutyFormsTests.expectRefused(taken, .conflict, says: "资产编号 E-SW-01 已在院区 EAST 登记", fixture, before: before)
            let done = try await client.form("/assets/E-PC-01%40EAST/retag", as: eng1, [("csrf", eng1.csrf), ("tag", "E-PC-01A")])
            #expect(done.0 == .seeOther && done.1[.location] == "/assets/E-PC-01A?done=retag", "\(done.0) \(done.2.prefix(300))")
            #expect(try d.asset("E-PC-01A").campus == "EAST" && d.asset("E-PC-01").campus == "MAIN" && d.assetProblems().isEmpty)
            #expect(try await client.page("/assets/E-PC-01A?done=retag", as: eng1).2.contains("资产编号已更改"))
        }
    }

    @Test func theInventoryExportsTheReadersCampusesAsCSV() async throws {
        let fixture = try Self.stocked()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let csv = try await client.page("/assets/export.csv", as: eng1)
            #expect(csv.0 == .ok && csv.1[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.2.hasPrefix("\u{FEFF}tag,campus,type") && csv.2.contains("E-PC-01,EAST,pc,门诊电脑") && !csv.2.contains("M-SRV-01"))
            let viewer = try await client.signIn("viewer")
            let all = try await client.page("/assets/export.csv", as: viewer).2
            #expect(all.contains("M-SRV-01") && all.components(separatedBy: "tag,campus,type").count == 2, "one header")
        }
    }

    // MARK: labels

    @Test func theLabelSheetPrintsTheSelectionUpToItsNamedLimit() async throws {
        let fixture = try Self.stocked()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let sheet = try await client.page("/assets/labels", as: eng1)
            #expect(sheet.0 == .ok && sheet.2.contains("size:A4") && sheet.2.components(separatedBy: "class=\"label\"").count - 1 == 3)
            #expect(sheet.2.contains("门诊电脑") && sheet.2.contains("核心交换机") && !sheet.2.contains("HIS 服务器"))
            let one = try await client.page("/assets/labels?tag=E-TN-01", as: eng1)
            #expect(one.2.components(separatedBy: "class=\"label\"").count - 1 == 1 && one.2.contains("硒鼓"))
            let filtered = try await client.page("/assets/labels?type=network", as: eng1)
            #expect(filtered.2.components(separatedBy: "class=\"label\"").count - 1 == 1 && filtered.2.contains("核心交换机"))
        }
    }
}
