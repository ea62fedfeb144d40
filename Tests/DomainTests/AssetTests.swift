import Testing
import Replica
import Storage
@testable import Domain

/// Asset lifecycle, maintenance, inspection, consumables and the hospital-wide tag rule.
@Suite struct AssetTests {
    let e = CampusReplicas.engineers

    func printer(_ tag: String = "E-PRN-001", campus: CampusCode = "E") -> AssetRecord {
        AssetRecord(tag: tag, campus: campus, type: .printer, name: "HP LaserJet", model: "M404", serial: "CN123",
                    warrantyUntil: Fixture.date("2026-03-31"), inspectionDays: 30)
    }

    @Test func anAssetIsAssignedRepairedInspectedAndShowsWhenItsInspectionIsDue() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        try f.main.moveAsset("E-PRN-001", department: "门诊部", location: "门诊楼2F", holder: CampusReplicas.requester.rawValue, by: f.acting(e[0]))
        #expect(try f.main.asset("E-PRN-001").state == .inUse)
        try f.main.recordMaintenance("E-PRN-001", kind: .repair, text: "更换定影器", state: .underRepair, ticket: nil, by: f.acting(e[0], 10))
        #expect(try f.main.asset("E-PRN-001").state == .underRepair)
        try f.main.recordMaintenance("E-PRN-001", kind: .calibration, text: "校准完成", state: .inUse, ticket: nil, by: f.acting(e[0], 20))
        let report = try f.main.assetReport(on: Fixture.date("2026-04-09"))
        #expect(report.inspectionsDue.map(\.tag) == ["E-PRN-001"] && report.inspectionsDue[0].detail == "2026-04-09")
        #expect(try f.main.assetReport(on: Fixture.date("2026-03-20")).warrantyEnding.map(\.tag) == ["E-PRN-001"])
        try f.main.recordInspection("E-PRN-001", items: ["外观": .ok, "打印质量": .fault], note: "有条纹", by: f.acting(e[0], 30))
        let asset = try f.main.asset("E-PRN-001")
        #expect(asset.maintenance.map(\.kind) == [.repair, .calibration])
        #expect(asset.inspections.count == 1 && !asset.inspections[0].passed)
        #expect(asset.inspectionDue == Fixture.date("2026-04-09"))
    }

    @Test func consumableDrawsAtTwoCampusesBothCountAndLowStockIsReported() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(AssetRecord(tag: "TONER-88A", campus: "E", type: .consumable, name: "硒鼓 88A", stock: 5, stockMin: 3, unit: "个"),
                                 by: f.acting(e[0]))
        try f.exchange()
        _ = try f.main.adjustStock("TONER-88A", by: -2, acting: f.acting(e[0], 1))
        _ = try f.east.adjustStock("TONER-88A", by: -1, acting: f.acting(e[1], 1))
        try f.exchange()
        #expect(try f.main.asset("TONER-88A").record.stock == 2)
        #expect(try f.east.asset("TONER-88A").record.stock == 2)
        #expect(try f.east.assetReport(on: CampusReplicas.start.date).lowStock.map(\.detail) == ["2/3 个"])
        let error = try refusedWithoutWriting(f.main) { _ = try f.main.adjustStock("TONER-88A", by: -3, acting: f.acting(e[0], 2)) }
        if case .invalid? = error {} else { Issue.record("stock went below zero") }
    }

    @Test func aTagRegisteredAtTwoCampusesWhileCutOffIsAnItemToResolveNotAnOverwrite() throws {
        let f = try CampusReplicas()
        try f.main.registerCampus(Campus(code: "W", name: "西院区"), by: f.acting(CampusReplicas.admin))
        try f.main.grantRole(RoleGrant(.engineer, .campus("W")), to: e[1], by: f.acting(CampusReplicas.admin))
        try f.exchange()
        try f.main.registerAsset(printer("PRN-7"), by: f.acting(e[0]))
        try f.east.registerAsset(printer("PRN-7", campus: "W"), by: f.acting(e[1]))
        try f.exchange()
        let problems = try f.main.assetProblems()
        let atEast = try f.east.assetProblems()
        #expect(problems == [.duplicateTag(tag: "PRN-7", campuses: ["E", "W"])] && problems == atEast)
        #expect(try refusedWithoutWriting(f.main) { _ = try f.main.asset("PRN-7") } == .ambiguousAssetTag(tag: "PRN-7", campuses: ["E", "W"]))
        #expect(try f.main.asset("PRN-7@W").campus == "W")
        try f.east.retagAsset("PRN-7@W", newTag: "W-PRN-7", by: f.acting(e[1], 5))
        try f.exchange()
        #expect(try f.main.assetProblems().isEmpty)
    }

    @Test func registeringADuplicateTagIsRefused() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        let error = try refusedWithoutWriting(f.main) { try f.main.registerAsset(printer(), by: f.acting(e[1])) }
        #expect(error == .duplicateAssetTag(tag: "E-PRN-001", campus: "E"))
    }

    @Test func aScrapNeedsTheChiefsApprovalAndAConcurrentMoveDoesNotBringTheAssetBack() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        var request = ApprovalRequest(kind: .scrap, campus: "E", title: "报废打印机", reason: "维修成本过高")
        request.assetTag = "E-PRN-001"
        let id = try f.main.requestApproval(request, by: f.acting(e[0]))
        #expect(try f.main.asset("E-PRN-001").state == .inStock)
        try f.exchange()
        try f.main.decideApproval(id, .approve, by: f.acting(CampusReplicas.chief, 5))
        try f.east.moveAsset("E-PRN-001", department: "药剂科", location: "药房", holder: "", by: f.acting(e[1], 6))
        try f.exchange()
        #expect(try f.main.asset("E-PRN-001").state == .scrapped)
        #expect(try f.east.asset("E-PRN-001").state == .scrapped)
        #expect(try refusedWithoutWriting(f.main) { try f.main.moveAsset("E-PRN-001", department: "x", location: "", holder: "", by: f.acting(e[0], 7)) }
                == .wrongState(what: "asset E-PRN-001", state: "scrapped", action: "move"))
    }

    @Test func aQRLabelIsALibqrencodeSymbolDrawnAsSVG() throws {
        let grid = try AssetLabel.modules("E-PRN-001")
        #expect(grid.count == 21 && grid.allSatisfy { $0.count == 21 })
        // The three finder patterns: dark corners.
        #expect(grid[0][0] && grid[0][20] && grid[20][0])
        let svg = try AssetLabel.svg(tag: "E-PRN-001", caption: "门诊 <2F>")
        #expect(svg.contains("<svg") && svg.contains("E-PRN-001 门诊 &lt;2F&gt;") && svg.hasSuffix("</svg>\n"))
    }
}
