import Foundation
import GRDB
import Replica
import Storage

/// 资产导入/导出 — CSV through a column mapping. An import validates every row (against
/// the mapping, the directory and the tags already known, and within the file) before
/// writing any, then writes all of them in one batch: a bad row means nothing imported.
public struct AssetImportSummary: Hashable, Codable, Sendable {
    public let imported: Int
    public let tags: [String]
    /// 未导入的列 — headers of the file no field was mapped from (a Snipe-IT export's
    /// purchase cost, supplier, notes…): what the import left behind, said, not dropped
    /// silently.
    public let unmappedColumns: [String]
}

extension LocalDate {
    /// The same day `months` later (the month's last day when it is shorter).
    public func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let (y, m) = (index / 12, index % 12 + 1)
        // The same day, or the month's last when it is shorter (31 → 30, 29 or 28).
        for day in stride(from: day, through: min(day, 28), by: -1) {
            if let date = LocalDate(year: y, month: m, day: day) { return date }
        }
        return LocalDate(year: y, month: m, day: 28) ?? self
    }
}

extension Department {
    /// Most problems listed in one refusal; the rest are counted.
    public static let importProblemsMax = 50

    public func importAssets(csv text: String, mapping: AssetMapping, by acting: Acting) throws(DomainError) -> AssetImportSummary {
        let table: CSVTable
        do { table = try CSVTable.parse(text) } catch { throw .badImport([error.description]) }
        guard let header = table.records.first else { throw .badImport(["the file is empty"]) }
        var problems: [String] = []
        var index: [AssetField: Int] = [:]
        for (field, column) in mapping.columns {
            if let i = header.fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == column }) {
                index[field] = i
            } else if mapping.defaults[field] == nil {
                problems.append("line \(header.line): no column \"\(column)\" for \(field.rawValue)")
            }
        }
        var warrantyMonthsIndex: Int?
        if let column = mapping.warrantyMonthsColumn {
            warrantyMonthsIndex = header.fields.firstIndex { $0.trimmingCharacters(in: .whitespaces) == column }
            if warrantyMonthsIndex == nil { problems.append("line \(header.line): no column \"\(column)\" for warranty_months") }
        }
        guard problems.isEmpty else { throw .badImport(problems) }
        let used = Set(index.values).union(warrantyMonthsIndex.map { [$0] } ?? [])
        let unmapped = header.fields.enumerated().filter { !used.contains($0.offset) }
            .map { $0.element.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let rows = table.records.dropFirst().map { record in
            (record.line, Self.assetRecord(record, index: index, warrantyMonths: warrantyMonthsIndex, mapping: mapping,
                                           registeredOn: acting.now.date))
        }
        return try perform(acting, "asset.import") { tx, actor in
            var records: [AssetRecord] = []
            // Tag → the first line (and its campus) that carried it in this file.
            var seen: [String: (line: Int, campus: CampusCode)] = [:]
            for (line, parsed) in rows {
                switch parsed {
                case .failure(let reason):
                    problems.append("line \(line): \(reason.text)")
                case .success(let record):
                    if let first = seen[record.tag] {
                        problems.append("line \(line): \(DomainError.duplicateAssetTagInFile(tag: record.tag, firstLine: first.line, firstCampus: first.campus, line: line, campus: record.campus))")
                        continue
                    }
                    do {
                        try Self.checkAsset(record, actor: actor, db: tx.db, seenTags: [])
                        records.append(record)
                    } catch {
                        problems.append("line \(line): \(error)")
                    }
                    seen[record.tag] = (line, record.campus)
                }
            }
            if problems.count > Self.importProblemsMax {
                let more = problems.count - Self.importProblemsMax
                problems = Array(problems.prefix(Self.importProblemsMax)) + ["and \(more) more"]
            }
            guard problems.isEmpty else { throw DomainError.badImport(problems) }
            guard !records.isEmpty else { throw DomainError.badImport(["no rows below the header"]) }
            for record in records { _ = try Self.writeAsset(record, acting: acting, actor: actor, tx: tx, seenTags: []) }
            return (AssetImportSummary(imported: records.count, tags: records.map(\.tag), unmappedColumns: unmapped), "\(records.count) assets")
        }
    }

    struct RowProblem: Error { let text: String }

    static func assetRecord(_ record: CSVTable.Record, index: [AssetField: Int], warrantyMonths: Int? = nil, mapping: AssetMapping,
                            registeredOn: LocalDate) -> Result<AssetRecord, RowProblem> {
        func cell(_ field: AssetField) -> String {
            // Un-neutralise before trimming: the quote protects a leading tab or CR too.
            var raw = index[field].flatMap { $0 < record.fields.count ? CSVTable.unneutralise(record.fields[$0]) : nil }?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if raw.isEmpty { raw = mapping.defaults[field] ?? "" }
            return mapping.values[field]?[raw] ?? raw
        }
        func date(_ field: AssetField) throws(RowProblem) -> LocalDate? {
            let text = cell(field).replacingOccurrences(of: "/", with: "-")
            if text.isEmpty { return nil }
            guard let day = LocalDate(iso: String(text.prefix(10))) else { throw RowProblem(text: "\(field.rawValue) \"\(text)\" is not a date (YYYY-MM-DD)") }
            return day
        }
        func int(_ field: AssetField) throws(RowProblem) -> Int? {
            let text = cell(field)
            if text.isEmpty { return nil }
            guard let value = Int(text) else { throw RowProblem(text: "\(field.rawValue) \"\(text)\" is not a whole number") }
            return value
        }
        do throws(RowProblem) {
            guard record.fields.count >= (index.values.max() ?? -1) + 1 else {
                throw RowProblem(text: "\(record.fields.count) fields, fewer than the header's columns")
            }
            let typeText = cell(.type)
            guard let type = AssetType(rawValue: typeText) else {
                throw RowProblem(text: "type \"\(typeText)\" is not one of \(AssetType.allCases.map(\.rawValue).joined(separator: ", ")) (map it with value.type.…)")
            }
            let stateText = cell(.state)
            guard let state = stateText.isEmpty ? .inStock : AssetState(rawValue: stateText) else {
                throw RowProblem(text: "state \"\(stateText)\" is not one of in_stock, in_use, under_repair (map it with value.state.…)")
            }
            let campus = cell(.campus)
            guard !campus.isEmpty else { throw RowProblem(text: "no campus (add a column or default.campus)") }
            let purchasedOn = try date(.purchasedOn)
            var warrantyUntil = try date(.warrantyUntil)
            // Snipe-IT keeps a warranty as months from purchase: the end date is derived
            // when the sheet gives no end date of its own.
            if warrantyUntil == nil, let column = warrantyMonths, column < record.fields.count {
                let text = CSVTable.unneutralise(record.fields[column]).trimmingCharacters(in: .whitespaces)
                if !text.isEmpty {
                    guard let months = Int(text), (0...AssetMapping.warrantyMonthsMax).contains(months) else {
                        throw RowProblem(text: "warranty_months \"\(text)\" is not a whole number of months within 0…\(AssetMapping.warrantyMonthsMax)")
                    }
                    guard let purchased = purchasedOn else { throw RowProblem(text: "warranty_months without a purchase date to count from") }
                    warrantyUntil = purchased.adding(months: months)
                }
            }
            let costText = cell(.purchaseCost)
            let cost: Int?
            if costText.isEmpty {
                cost = nil
            } else {
                guard let fen = AssetCost.fen(yuan: costText) else {
                    throw RowProblem(text: "purchase_cost \"\(costText)\" is not an amount in yuan (e.g. 4999.00)")
                }
                cost = fen
            }
            return .success(AssetRecord(
                tag: cell(.tag), campus: CampusCode(campus), type: type, name: cell(.name), model: cell(.model), serial: cell(.serial),
                state: state, department: cell(.department), location: cell(.location), holder: cell(.holder),
                purchasedOn: purchasedOn, warrantyUntil: warrantyUntil, contractUntil: try date(.contractUntil),
                inspectionDays: try int(.inspectionDays), stock: try int(.stock) ?? 0, stockMin: try int(.stockMin) ?? 0, unit: cell(.unit),
                registeredOn: registeredOn, purchaseCostFen: cost, manufacturer: cell(.manufacturer), supplier: cell(.supplier),
                notes: cell(.notes)))
        } catch {
            return .failure(error)
        }
    }

    /// Every asset (of a campus) as CSV under our field names, importable back as is.
    public func exportAssets(campus: CampusCode? = nil) throws(DomainError) -> String {
        let assets = try self.assets(campus: campus)
        var rows = [AssetField.allCases.map(\.rawValue)]
        for a in assets {
            let r = a.record
            rows.append([r.tag, r.campus.rawValue, r.type.rawValue, r.name, r.model, r.serial, a.state.rawValue, r.department,
                         r.location, r.holder, r.purchasedOn?.iso ?? "", r.warrantyUntil?.iso ?? "", r.contractUntil?.iso ?? "",
                         r.inspectionDays.map(String.init) ?? "", String(r.stock), String(r.stockMin), r.unit,
                         r.purchaseCostFen.map(AssetCost.yuan) ?? "", r.manufacturer, r.supplier, r.notes])
        }
        return CSVTable.write(rows)
    }
}
