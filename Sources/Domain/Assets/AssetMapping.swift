import Foundation

/// 导入映射 — how the columns of a spreadsheet (a GLPI or Snipe-IT export, a campus's
/// own sheet) become asset fields. Plain UTF-8 text, one rule a line:
///
/// ```
/// # field = column header
/// tag = Asset Tag
/// name = Asset Name
/// type = Category
/// # value.<field>.<text in the sheet> = our value
/// value.type.Laptops = pc
/// value.state.Ready to Deploy = in_stock
/// # default.<field> = value used when the column is absent or the cell empty
/// default.campus = EAST
/// # a warranty in months from the purchase date (Snipe-IT), when no end date is mapped
/// warranty_months = Warranty
/// ```
///
/// Without a mapping file the header must name our fields (what `asset export` writes).
public struct AssetMapping: Hashable, Sendable {
    /// Our field → the CSV header that holds it.
    public var columns: [AssetField: String] = [:]
    /// Our field → (sheet text → our value).
    public var values: [AssetField: [String: String]] = [:]
    public var defaults: [AssetField: String] = [:]
    /// `warranty_months = Warranty` — the column of a warranty counted in months from the
    /// purchase date (Snipe-IT's way), turned into `warranty_until` on import.
    public var warrantyMonthsColumn: String?

    /// Longest warranty in months (50 years); more is a typo.
    public static let warrantyMonthsMax = 600

    public static let linesMax = 1_000

    public init() {}

    /// The mapping of a file written by `asset export`: every field under its own name.
    public static let identity: AssetMapping = {
        var m = AssetMapping()
        for field in AssetField.allCases { m.columns[field] = field.rawValue }
        return m
    }()

    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let problems: [String]
        public var description: String { "mapping refused: " + problems.joined(separator: "; ") }
    }

    public static func parse(_ text: String) throws(ParseError) -> AssetMapping {
        var mapping = AssetMapping()
        var problems: [String] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard lines.count <= linesMax else { throw ParseError(problems: ["more than \(linesMax) lines"]) }
        for (index, raw) in lines.enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if index == 0, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { problems.append("line \(index + 1): expected `key = value`"); continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            switch parts.count {
            case 1 where key == "warranty_months":
                mapping.warrantyMonthsColumn = value
            case 1:
                guard let field = AssetField(rawValue: key) else { problems.append("line \(index + 1): unknown field \(key)"); continue }
                mapping.columns[field] = value
            case 2 where parts[0] == "default":
                guard let field = AssetField(rawValue: parts[1]) else { problems.append("line \(index + 1): unknown field \(parts[1])"); continue }
                mapping.defaults[field] = value
            case 3 where parts[0] == "value":
                guard let field = AssetField(rawValue: parts[1]) else { problems.append("line \(index + 1): unknown field \(parts[1])"); continue }
                mapping.values[field, default: [:]][parts[2]] = value
            default:
                problems.append("line \(index + 1): expected `field = header`, `default.field = value` or `value.field.text = value`")
            }
        }
        if mapping.columns[.tag] == nil { problems.append("no column for the asset tag (tag = …)") }
        guard problems.isEmpty else { throw ParseError(problems: problems) }
        return mapping
    }
}

/// The asset fields a CSV file carries, named as `asset export` writes them.
public enum AssetField: String, Hashable, Sendable, CaseIterable {
    case tag, campus, type, name, model, serial, state, department, location, holder
    case purchasedOn = "purchased_on"
    case warrantyUntil = "warranty_until"
    case contractUntil = "contract_until"
    case inspectionDays = "inspection_days"
    case stock
    case stockMin = "stock_min"
    case unit
    /// 购置金额 in yuan as a sheet writes it (`1234.50`, `¥1,234.5`); stored in fen.
    case purchaseCost = "purchase_cost"
    case manufacturer, supplier, notes
}
