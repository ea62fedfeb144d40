import ArgumentParser
import Domain
import Foundation

/// `meshdesk asset …` — 资产管理.
struct AssetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asset", abstract: "Assets (资产): add, edit, import, export, move, transfer, repair, scrap, list, show, inspect, stock, retag, qr, report.",
        subcommands: [AssetAdd.self, AssetEdit.self, AssetImport.self, AssetExport.self, AssetMove.self, AssetTransfer.self, AssetRepair.self, AssetScrap.self, AssetList.self,
                      AssetShow.self, AssetInspect.self, AssetStock.self, AssetRetag.self, AssetQR.self, AssetReportCommand.self,
                      AssetProblemsCommand.self])
}

func readText(_ path: String, _ what: String) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw ValidationError("cannot read \(what) \(path): \(error.localizedDescription)")
    }
}

struct AssetAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Register an asset (its tag must be new hospital-wide).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Asset tag (资产编号).") var tag: String
    @Option(help: "Campus code.") var campus: String
    @Option(help: "server, pc, printer, network, medical-interface, software, consumable.") var type: String
    @Option(help: "Name.") var name: String
    @Option(help: "Model.") var model = ""
    @Option(help: "Serial number.") var serial = ""
    @Option(help: "in_stock or in_use.") var state = "in_stock"
    @Option(help: "Department (使用科室).") var department = ""
    @Option(help: "Location.") var location = ""
    @Option(help: "Staff number of the person using it.") var holder = ""
    @Option(help: "Warranty end, YYYY-MM-DD.") var warranty: String?
    @Option(help: "Contract end, YYYY-MM-DD.") var contract: String?
    @Option(name: .customLong("inspect-every"), help: "Inspection round every N days (巡检周期).") var inspectEvery: Int?
    @Option(help: "Consumables: stock.") var stock = 0
    @Option(name: .customLong("stock-min"), help: "Consumables: low-stock threshold.") var stockMin = 0
    @Option(help: "Consumables: unit.") var unit = ""
    @Option(help: "Purchased on, YYYY-MM-DD.") var purchased: String?
    @Option(help: "Purchase cost in yuan (购置金额), e.g. 4999.00.") var cost: String?
    @Option(help: "Manufacturer (生产厂家).") var manufacturer = ""
    @Option(help: "Supplier (供应商).") var supplier = ""
    @Option(help: "Notes (备注).") var notes = ""

    func run() throws {
        let now = try options.moment()
        let record = AssetRecord(tag: tag, campus: CampusCode(campus), type: try parseChoice(type, "type"), name: name, model: model,
                                 serial: serial, state: try parseChoice(state, "state"), department: department, location: location,
                                 holder: holder, purchasedOn: try purchased.map(parseDate), warrantyUntil: try warranty.map(parseDate),
                                 contractUntil: try contract.map(parseDate), inspectionDays: inspectEvery, stock: stock, stockMin: stockMin,
                                 unit: unit, registeredOn: now.date, purchaseCostFen: try cost.map(parseCost), manufacturer: manufacturer,
                                 supplier: supplier, notes: notes)
        let d = try options.department()
        let id = try refusing { try d.registerAsset(record, by: try options.acting()) }
        try options.emit(["tag": tag, "id": id]) { "asset \(tag) registered" }
    }
}

struct AssetImport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import a CSV through a mapping file: all rows or none.")
    @OptionGroup var options: DomainOptions
    @Option(help: "CSV file (UTF-8, RFC 4180).") var csv: String
    @Option(help: "Mapping file (see docs/assets.md); default: the header names our fields.") var mapping: String?

    func run() throws {
        let map: AssetMapping
        if let mapping {
            do { map = try AssetMapping.parse(try readText(mapping, "mapping")) } catch let error as AssetMapping.ParseError {
                throw Refused(description: "refused: \(error)")
            }
        } else {
            map = .identity
        }
        let text = try readText(csv, "CSV")
        let d = try options.department()
        let summary = try refusing { try d.importAssets(csv: text, mapping: map, by: try options.acting()) }
        try options.emit(summary) {
            let left = summary.unmappedColumns.isEmpty ? ""
                : "\nnot imported (no field mapped): \(summary.unmappedColumns.joined(separator: ", "))"
            return "imported \(summary.imported) assets\(left)"
        }
    }
}

struct AssetExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export assets as CSV (importable back without a mapping).")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func run() throws {
        let d = try options.department()
        let text = try refusing { try d.exportAssets(campus: try campus.map { try knownCampus($0, in: d) }) }
        if let output { try text.write(toFile: output, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
    }
}

struct AssetMove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "move", abstract: "Assign to a department, location and person (empty department and holder: back to stock).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag (TAG or TAG@CAMPUS).") var tag: String
    @Option(help: "Department.") var department = ""
    @Option(help: "Location.") var location = ""
    @Option(help: "Staff number.") var holder = ""

    func run() throws {
        let d = try options.department()
        try refusing { try d.moveAsset(tag, department: department, location: location, holder: holder, by: try options.acting()) }
        try emitAsset(options, try refusing { try d.asset(tag) })
    }
}

func parseCost(_ text: String) throws -> Int {
    guard let fen = AssetCost.fen(yuan: text) else {
        throw ValidationError("cost \"\(text)\" is not an amount in yuan (e.g. 4999.00, at most \(AssetCost.yuan(Asset.purchaseCostFenMax)))")
    }
    return fen
}

struct AssetEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Correct or complete an asset's details (资产资料); options not given keep their value, \"\" clears one.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag (TAG or TAG@CAMPUS).") var tag: String
    @Option(help: "Name.") var name: String?
    @Option(help: "Model.") var model: String?
    @Option(help: "Serial number.") var serial: String?
    @Option(help: "Manufacturer (生产厂家).") var manufacturer: String?
    @Option(help: "Supplier (供应商).") var supplier: String?
    @Option(help: "Notes (备注).") var notes: String?
    @Option(help: "Purchase cost in yuan (购置金额).") var cost: String?
    @Option(help: "Purchased on, YYYY-MM-DD.") var purchased: String?
    @Option(help: "Warranty end, YYYY-MM-DD.") var warranty: String?
    @Option(help: "Contract end, YYYY-MM-DD.") var contract: String?
    @Option(name: .customLong("inspect-every"), help: "Inspection round every N days; 0 for none.") var inspectEvery: Int?

    func run() throws {
        let d = try options.department()
        let asset = try refusing { try d.asset(tag) }
        var details = AssetDetails(asset.record)
        func date(_ text: String?, _ kept: LocalDate?) throws -> LocalDate? {
            guard let text else { return kept }
            return text.isEmpty ? nil : try parseDate(text)
        }
        if let name { details.name = name }
        if let model { details.model = model }
        if let serial { details.serial = serial }
        if let manufacturer { details.manufacturer = manufacturer }
        if let supplier { details.supplier = supplier }
        if let notes { details.notes = notes }
        if let cost { details.purchaseCostFen = cost.isEmpty ? nil : try parseCost(cost) }
        details.purchasedOn = try date(purchased, details.purchasedOn)
        details.warrantyUntil = try date(warranty, details.warrantyUntil)
        details.contractUntil = try date(contract, details.contractUntil)
        if let inspectEvery { details.inspectionDays = inspectEvery == 0 ? nil : inspectEvery }
        let change = try refusing { try d.editAssetDetails(tag, details, by: try options.acting()) }
        try options.emit(change) {
            "asset \(asset.tag): " + change.edits.map { "\($0.field.rawValue) \($0.before.isEmpty ? "—" : $0.before) → \($0.after.isEmpty ? "—" : $0.after)" }
                .joined(separator: "; ")
        }
    }
}

struct AssetTransfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Send an asset to another campus (院区调拨): in stock there, at the given location.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag (TAG or TAG@CAMPUS).") var tag: String
    @Option(help: "Campus code it goes to.") var to: String
    @Option(help: "Where it is kept there.") var location: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.transferAsset(tag, to: CampusCode(to), location: location, by: try options.acting()) }
        try emitAsset(options, try refusing { try d.asset(tag) })
    }
}

func emitAsset(_ options: DomainOptions, _ asset: Asset) throws {
    try options.emit(asset) {
        "\(asset.tag)@\(asset.campus) \(asset.record.type.rawValue) \(asset.record.name) \(asset.state.chineseName) \(asset.record.department) \(asset.record.location) \(asset.record.holder)"
            + (asset.record.type == .consumable ? " 库存 \(asset.record.stock)/\(asset.record.stockMin) \(asset.record.unit)" : "")
    }
}

struct AssetRepair: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repair", abstract: "Record maintenance of a kind; --state under_repair / in_use / in_stock moves it.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag.") var tag: String
    @Option(help: "maintenance, repair, upgrade, calibration, configuration.") var kind = "repair"
    @Option(help: "What was done.") var text: String
    @Option(help: "New state: under_repair, in_use, in_stock.") var state: String?
    @Option(help: "Ticket number it was done for.") var ticket: String?

    func run() throws {
        let d = try options.department()
        let newState: AssetState? = try state.map { try parseChoice($0, "state") }
        try refusing { try d.recordMaintenance(tag, kind: try parseChoice(kind, "kind"), text: text, state: newState, ticket: ticket, by: try options.acting()) }
        try emitAsset(options, try refusing { try d.asset(tag) })
    }
}

struct AssetScrap: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scrap", abstract: "Request scrapping (报废); the section chief approves with `approval decide ID approve`.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag.") var tag: String
    @Option(help: "Reason.") var reason: String

    func run() throws {
        let d = try options.department()
        let asset = try refusing { try d.asset(tag) }
        var request = ApprovalRequest(kind: .scrap, campus: asset.campus, title: "报废 \(asset.tag) \(asset.record.name)", reason: reason)
        request.assetTag = tag
        let id = try refusing { try d.requestApproval(request, by: try options.acting()) }
        try options.emit(["approval": id]) { "scrap requested: approval \(id)" }
    }
}

struct AssetList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Assets by tag.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?
    @Option(help: "Type.") var type: String?

    func run() throws {
        let d = try options.department()
        let kind: AssetType? = try type.map { try parseChoice($0, "type") }
        let assets = try refusing { try d.assets(campus: try campus.map { try knownCampus($0, in: d) }, type: kind) }
        try options.emit(assets) {
            assets.map { "\($0.tag)@\($0.campus) \($0.record.type.rawValue) \($0.record.name) \($0.state.chineseName) \($0.record.department)" }
                .joined(separator: "\n")
        }
    }
}

struct AssetShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One asset with its maintenance, inspections and tickets.")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Tag.") var tag: String

    func run() throws {
        let d = try options.department()
        let a = try refusing { try d.asset(tag) }
        try options.emit(a) {
            var lines = ["\(a.tag)@\(a.campus) \(a.record.type.rawValue) \(a.record.name) \(a.record.model) \(a.record.serial) \(a.state.chineseName)",
                         "使用 \(a.record.department) \(a.record.location) \(a.record.holder) 保修至 \(a.record.warrantyUntil?.iso ?? "—") 下次巡检 \(a.inspectionDue?.iso ?? "—")"]
            let r = a.record
            if r.purchaseCostFen != nil || !r.manufacturer.isEmpty || !r.supplier.isEmpty {
                lines.append("购置 \(r.purchasedOn?.iso ?? "—") ¥\(r.purchaseCostFen.map(AssetCost.yuan) ?? "—") 厂家 \(r.manufacturer.isEmpty ? "—" : r.manufacturer) 供应商 \(r.supplier.isEmpty ? "—" : r.supplier)")
            }
            if !r.notes.isEmpty { lines.append("备注 \(r.notes)") }
            lines += a.maintenance.map { "  维护 \(LocalDateTime(minutesSinceEpoch: $0.at)) \($0.kind.rawValue) \($0.by) \($0.text)" }
            lines += a.inspections.map { "  巡检 \($0.date) \($0.by) \($0.passed ? "正常" : "异常") \($0.items.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: " ")) \($0.note)" }
            if !a.tickets.isEmpty { lines.append("  工单 " + a.tickets.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        }
    }
}

struct AssetInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Record an inspection round (巡检): --item NAME=ok|fault|skipped, repeatable.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag.") var tag: String
    @Option(help: "NAME=ok|fault|skipped") var item: [String] = []
    @Option(help: "Note.") var note = ""

    func run() throws {
        var items: [String: InspectionRecord.Result] = [:]
        for entry in item {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--item \(entry): expected NAME=ok|fault|skipped") }
            items[parts[0]] = try parseChoice(parts[1], "result")
        }
        let d = try options.department()
        try refusing { try d.recordInspection(tag, items: items, note: note, by: try options.acting()) }
        try emitAsset(options, try refusing { try d.asset(tag) })
    }
}

struct AssetStock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stock", abstract: "Change a consumable's stock by --delta (negative to draw).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag.") var tag: String
    @Option(help: "Change, e.g. -2 or 10.") var delta: Int

    func run() throws {
        let d = try options.department()
        let stock = try refusing { try d.adjustStock(tag, by: delta, acting: try options.acting()) }
        try options.emit(["tag": tag, "stock": String(stock)]) { "\(tag): \(stock)" }
    }
}

struct AssetRetag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retag", abstract: "Give an asset a new tag (resolves a duplicate: retag TAG@CAMPUS).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Tag (TAG@CAMPUS for a duplicate).") var tag: String
    @Option(help: "The new tag.") var to: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.retagAsset(tag, newTag: to, by: try options.acting()) }
        try emitAsset(options, try refusing { try d.asset(to) })
    }
}

struct AssetQR: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "qr", abstract: "Write the QR label of an asset tag as SVG (libqrencode).")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Tag.") var tag: String
    @Option(help: "SVG file to write.") var output: String

    func run() throws {
        let d = try options.department()
        let asset = try refusing { try d.asset(tag) }
        let svg: String
        do { svg = try AssetLabel.svg(tag: asset.tag, caption: asset.record.name) } catch { throw Refused(description: "refused: \(error)") }
        try svg.write(toFile: output, atomically: true, encoding: .utf8)
        try options.emit(["tag": asset.tag, "output": output]) { "QR label of \(asset.tag) written to \(output)" }
    }
}

struct AssetReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Assets due for inspection, consumables below threshold, warranties ending.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code.") var campus: String?

    func run() throws {
        let d = try options.department()
        let r = try refusing { try d.assetReport(campus: try campus.map { try knownCampus($0, in: d) }, on: try options.moment().date) }
        try options.emit(r) {
            func section(_ title: String, _ lines: [AssetReport.Line]) -> [String] {
                ["\(title) (\(lines.count))"] + lines.map { "  \($0.tag)@\($0.campus) \($0.name) \($0.detail)" }
            }
            return (section("待巡检", r.inspectionsDue) + section("低库存", r.lowStock) + section("保修将到期", r.warrantyEnding)).joined(separator: "\n")
        }
    }
}

struct AssetProblemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "problems", abstract: "Duplicate tags across campuses and stock driven below zero.")
    @OptionGroup var options: QueryOptions

    func run() throws {
        let d = try options.department()
        let problems = try refusing { try d.assetProblems() }
        try options.emit(problems.map(\.description)) { problems.isEmpty ? "无待处理事项" : problems.map(\.description).joined(separator: "\n") }
    }
}
