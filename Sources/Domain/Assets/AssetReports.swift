import GRDB
import Replica
import Storage

/// 资产报表 — assets due for inspection, consumables below threshold, warranties ending.
public struct AssetReport: Hashable, Codable, Sendable {
    public struct Line: Hashable, Codable, Sendable {
        public let tag: String
        public let campus: String
        public let name: String
        /// Due date, warranty end, or the stock figure, as text.
        public let detail: String
    }

    public let date: String
    /// 待巡检 — due on or before `date`.
    public let inspectionsDue: [Line]
    /// 低库存
    public let lowStock: [Line]
    /// 保修将到期 — within `warrantyNoticeDays`.
    public let warrantyEnding: [Line]

    public static let warrantyNoticeDays = 30
}

extension Department {
    public func assetReport(campus: CampusCode? = nil, on date: LocalDate) throws(DomainError) -> AssetReport {
        try query { db in
            let table = AssetRows.table
            var filter = "scrapped_at IS NULL"
            var arguments: [String] = []
            if let campus { filter += " AND campus = ?"; arguments.append(campus.rawValue) }
            let scheduled = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(filter) AND inspection_days > 0 ORDER BY tag, campus",
                                             arguments: StatementArguments(arguments)).map { try AssetRows.asset(db, $0) }
            let due = scheduled.compactMap { asset -> AssetReport.Line? in
                guard let day = asset.inspectionDue, day <= date else { return nil }
                return .init(tag: asset.tag, campus: asset.campus.rawValue, name: asset.record.name, detail: day.iso)
            }
            let low = try Row.fetchAll(db, sql: """
                SELECT tag, campus, name, stock, stock_min, unit FROM \(table) WHERE \(filter) AND type = 'consumable'
                AND coalesce(stock, 0) < coalesce(stock_min, 0) ORDER BY tag, campus
                """, arguments: StatementArguments(arguments)).map {
                AssetReport.Line(tag: ($0["tag"] as String?) ?? "", campus: ($0["campus"] as String?) ?? "", name: ($0["name"] as String?) ?? "",
                                 detail: "\(StoredRows.counter($0, "stock") ?? 0)/\(($0["stock_min"] as Int?) ?? 0) \(($0["unit"] as String?) ?? "")")
            }
            let horizon = date.adding(days: AssetReport.warrantyNoticeDays).iso
            let warranty = try Row.fetchAll(db, sql: """
                SELECT tag, campus, name, warranty_until FROM \(table) WHERE \(filter) AND warranty_until >= ? AND warranty_until <= ?
                ORDER BY warranty_until, tag
                """, arguments: StatementArguments(arguments + [date.iso, horizon])).map {
                // Optional reads: a peer's row without a name or tag is listed, not a trap.
                AssetReport.Line(tag: ($0["tag"] as String?) ?? "", campus: ($0["campus"] as String?) ?? "", name: ($0["name"] as String?) ?? "",
                                 detail: ($0["warranty_until"] as String?) ?? "")
            }
            return AssetReport(date: date.iso, inspectionsDue: due, lowStock: low, warrantyEnding: warranty)
        }
    }
}
