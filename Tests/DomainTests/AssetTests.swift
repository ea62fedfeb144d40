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

    // MARK: details, cost and transfer between campuses

    @Test func detailsEditedAtTwoCampusesConcurrentlyKeepBothAndTheHistorySaysWhatChanged() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        try f.exchange()
        var atMain = AssetDetails(try f.main.asset("E-PRN-001").record)
        atMain.purchaseCostFen = 499_900
        atMain.purchasedOn = Fixture.date("2024-03-10")
        try f.main.editAssetDetails("E-PRN-001", atMain, by: f.acting(e[0], 1))
        var atEast = AssetDetails(try f.east.asset("E-PRN-001").record)
        atEast.supplier = "华为授权服务商"
        atEast.notes = "二楼护士站"
        try f.east.editAssetDetails("E-PRN-001", atEast, by: f.acting(e[1], 1))
        try f.exchange()
        // Each edit wrote only the fields it changed: neither undoes the other.
        for d in [f.main, f.east] {
            let r = try d.asset("E-PRN-001").record
            #expect(r.purchaseCostFen == 499_900 && r.supplier == "华为授权服务商" && r.notes == "二楼护士站" && r.model == "M404")
        }
        let edits = try f.main.assetHistory(tag: "E-PRN-001").compactMap(\.details)
        #expect(Set(edits.flatMap(\.fields)) == [.purchaseCost, .purchasedOn, .supplier, .notes])
        #expect(edits.flatMap(\.edits).contains { $0.field == .purchaseCost && $0.before == "" && $0.after == "4999.00" })
        // Six years straight line, 24 of 72 months gone.
        #expect(AssetCost.bookValueFen(try f.main.asset("E-PRN-001").record, today: Fixture.date("2026-03-10")) == 333_267)
    }

    @Test func badDetailsAreRefusedWithoutWriting() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        let recorded = AssetDetails(try f.main.asset("E-PRN-001").record)
        var costly = recorded
        costly.purchaseCostFen = Asset.purchaseCostFenMax + 1
        var backwards = recorded
        backwards.purchasedOn = Fixture.date("2026-04-01")
        var unnamed = recorded
        unnamed.name = " "
        var wordy = recorded
        wordy.notes = String(repeating: "字", count: Asset.notesCharactersMax + 1)
        for (details, field) in [(costly, "purchase cost"), (backwards, "warranty"), (wordy, "notes"), (recorded, "details")] {
            let error = try refusedWithoutWriting(f.main) { try f.main.editAssetDetails("E-PRN-001", details, by: f.acting(e[0], 1)) }
            if case .invalid(let refused, _)? = error { #expect(refused == field) } else { Issue.record("\(field): \(String(describing: error))") }
        }
        #expect(try refusedWithoutWriting(f.main) { try f.main.editAssetDetails("E-PRN-001", unnamed, by: f.acting(e[0], 1)) } != nil)
        // Someone without a role at the asset's campus.
        #expect(try refusedWithoutWriting(f.main) { try f.main.editAssetDetails("E-PRN-001", costly, by: f.acting(CampusReplicas.requester, 1)) } != nil)
    }

    @Test func aTransferHandsTheAssetToTheOtherCampusInStock() throws {
        let f = try CampusReplicas()
        try f.main.registerCampus(Campus(code: "W", name: "西院区"), by: f.acting(CampusReplicas.admin))
        try f.main.grantRole(RoleGrant(.engineer, .campus("W")), to: e[1], by: f.acting(CampusReplicas.admin))
        try f.main.registerAsset(printer(), by: f.acting(e[0]))
        try f.main.moveAsset("E-PRN-001", department: "门诊部", location: "1F", holder: CampusReplicas.requester.rawValue, by: f.acting(e[0], 1))
        try f.main.transferAsset("E-PRN-001", to: "W", location: "西院信息科库房", by: f.acting(e[0], 2))
        try f.exchange()
        let moved = try f.east.asset("E-PRN-001")
        #expect(moved.campus == "W" && moved.state == .inStock && moved.record.holder == "" && moved.record.location == "西院信息科库房")
        let transfer = try f.east.assetHistory(tag: "E-PRN-001").last { $0.action == "asset.transfer" }?.move
        #expect(transfer?.fromCampus == "E" && transfer?.toCampus == "W")
        // West's engineer keeps it now; sending it to where it is, or to nowhere, is refused.
        try f.east.moveAsset("E-PRN-001", department: "放射科", location: "CT 室", holder: "", by: f.acting(e[1], 3))
        #expect(try refusedWithoutWriting(f.east) { try f.east.transferAsset("E-PRN-001", to: "W", location: "x", by: f.acting(e[1], 4)) }
                == .invalid(field: "campus", reason: "E-PRN-001 is already at W"))
        #expect(try refusedWithoutWriting(f.east) { try f.east.transferAsset("E-PRN-001", to: "NOWHERE", location: "x", by: f.acting(e[1], 4)) }
                == .unknownCampus("NOWHERE"))
    }

    @Test func costsReadAsSheetsWriteThemAndNothingElse() {
        #expect(AssetCost.fen(yuan: "4999") == 499_900)
        #expect(AssetCost.fen(yuan: "¥4,999.5") == 499_950)
        #expect(AssetCost.fen(yuan: "4999.05元") == 499_905)
        for bad in ["", "-1", "4999.001", "12e3", "四千", "1.2.3", "99999999999999"] { #expect(AssetCost.fen(yuan: bad) == nil, "\(bad)") }
        #expect(AssetCost.yuan(499_905) == "4999.05" && AssetCost.fen(yuan: AssetCost.yuan(123_456_789)) == 123_456_789)
        let old = AssetRecord(tag: "T", campus: "E", type: .pc, name: "PC", purchasedOn: Fixture.date("2010-01-01"), purchaseCostFen: 100_000)
        #expect(AssetCost.bookValueFen(old, today: Fixture.date("2026-01-01")) == 0)
        let future = AssetRecord(tag: "T", campus: "E", type: .pc, name: "PC", purchasedOn: Fixture.date("2027-01-01"), purchaseCostFen: 100_000)
        #expect(AssetCost.bookValueFen(future, today: Fixture.date("2026-01-01")) == 100_000)
        let licence = AssetRecord(tag: "T", campus: "E", type: .software, name: "Licence", purchasedOn: Fixture.date("2025-01-01"), purchaseCostFen: 100_000)
        #expect(AssetCost.bookValueFen(licence, today: Fixture.date("2026-01-01")) == nil)
    }

    /// Replicated data is input: a peer's asset row with only a type, a campus and a
    /// negative stock (no tag, no name) is listed by the reports, never a trap.
    @Test func aPeersAssetRowWithoutTagOrNameIsReadWithoutTrap() throws {
        let f = try CampusReplicas()
        try f.east.store.write { tx in
            let row = tx.newRowID()
            try tx.assign(DomainSchema.asset.name, row, ["campus": .text("E"), "type": .text("consumable"),
                                                         "warranty_until": .text(CampusReplicas.start.date.adding(days: 5).iso)])
            try tx.increment(DomainSchema.asset.name, row, "stock", by: -3)
        }
        try f.exchange()
        #expect(try f.main.assetProblems() == [.negativeStock(tag: "", campus: "E", stock: -3)])
        let report = try f.main.assetReport(on: CampusReplicas.start.date)
        #expect(report.lowStock.count == 1 && report.warrantyEnding.count == 1)
        #expect(try f.main.assets().count == 1)
    }
}
