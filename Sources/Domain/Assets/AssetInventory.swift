import Foundation
import GRDB
import Replica
import Storage

/// 资产台账 — the inventory as a list: what is searched and filtered, one page of it.
/// Read from the asset table's columns only (no log reads per row), so a page of a
/// 10 000-asset hospital costs one indexed scan and one count.
public struct AssetFilter: Hashable, Sendable {
    /// The campuses the reader may see; an asset elsewhere is never listed.
    public var campuses: [CampusCode]
    /// 关键字 — part of the tag, name, model or serial number.
    public var text = ""
    public var type: AssetType?
    public var state: AssetState?
    /// Part of the location or the department (使用科室 / 位置).
    public var location = ""
    /// Staff numbers the holder must be one of (a name typed is resolved by the caller).
    public var holders: [String]?
    /// 保修即将到期 — warranty ending on or before this day (and not yet ended on `today`).
    public var warrantyEndingBy: LocalDate?
    /// 待巡检 — the next round is due on or before this day.
    public var inspectionDueBy: LocalDate?
    /// The day "not yet ended" is measured from.
    public var today: LocalDate?

    public init(campuses: [CampusCode]) { self.campuses = campuses }

    /// Longest search text: a longer one is a paste, not a search.
    public static let textCharactersMax = 100
    /// Most staff numbers a holder filter carries.
    public static let holdersMax = 200
}

/// One line of the inventory.
public struct AssetListing: Hashable, Sendable {
    public let record: AssetRecord
    /// As `Asset.state`: 报废 once `scrapped_at` is set, whatever the state register says.
    public let state: AssetState
}

/// One page of the inventory.
public struct AssetInventoryPage: Hashable, Sendable {
    public let assets: [AssetListing]
    /// How many match the filter in all.
    public let total: Int
    /// 1-based.
    public let page: Int
    public let pageSize: Int

    public var pages: Int { max(1, (total + pageSize - 1) / pageSize) }

    /// Largest page the inventory shows (and the default).
    public static let pageSizeMax = 50
    /// Highest page number asked for: beyond it the offset would scan for nothing.
    public static let pageMax = 10_000
}

/// What happened to an asset, as the audit trail recorded it: registration, moves,
/// stock changes, retagging, maintenance and inspections, with who and when.
public struct AssetEvent: Hashable, Sendable {
    /// `asset.register`, `asset.move`, `asset.stock`, …
    public let action: String
    public let by: String
    public let at: LocalDateTime
    /// Where a move took it (nil for other actions, and for moves audited before the
    /// detail was kept).
    public let move: AssetMove?
    /// What a stock change did (nil for other actions and older entries).
    public let stock: AssetStockChange?
}

/// 出入库 — a consumable's stock change, as its audit entry keeps it.
public struct AssetStockChange: Hashable, Codable, Sendable {
    public let delta: Int
    /// The stock after the change, at this replica when it was made.
    public let stock: Int
}

/// 调拨 / 领用 / 归还 — where an asset was moved to, as its audit entry keeps it.
public struct AssetMove: Hashable, Codable, Sendable {
    public let department: String
    public let location: String
    /// Staff number; empty when nobody holds it.
    public let holder: String
    /// 预计归还 — a check-out's expected return (ISO date).
    public let returnBy: String?

    public var returnDate: LocalDate? { returnBy.flatMap { LocalDate(iso: $0) } }
}

extension Department {
    /// Most history entries an asset page reads from the audit trail.
    public static let assetHistoryMax = 500

    /// Indexes the inventory's filters use (campus then tag for a page in tag order).
    static let inventoryIndexes: [(EntitySchema, [String])] = [
        (DomainSchema.asset, ["campus", "tag"]),
        (DomainSchema.asset, ["campus", "state"]),
        (DomainSchema.asset, ["warranty_until"]),
    ]

    /// One page of the assets `filter` matches, in tag order.
    public func assetInventory(_ filter: AssetFilter, page: Int, pageSize: Int = AssetInventoryPage.pageSizeMax) throws(DomainError) -> AssetInventoryPage {
        precondition((1...AssetInventoryPage.pageSizeMax).contains(pageSize), "page size \(pageSize)")
        let page = min(max(page, 1), AssetInventoryPage.pageMax)
        return try query { db in
            guard !filter.campuses.isEmpty else { return AssetInventoryPage(assets: [], total: 0, page: 1, pageSize: pageSize) }
            let (sql, arguments) = AssetRows.filterSQL(filter)
            if let due = filter.inspectionDueBy {
                // Due dates come from the inspection log: one read of every round's date
                // (not of each asset's logs), then the scheduled rows are counted and paged here.
                let lastRounds = try AssetRows.lastInspections(db)
                let scheduled = try Row.fetchAll(db, sql: """
                    SELECT * FROM \(AssetRows.table) WHERE \(sql) AND inspection_days > 0 AND scrapped_at IS NULL ORDER BY tag, campus
                    """, arguments: StatementArguments(arguments))
                let dueRows = scheduled.filter { row in
                    let record = AssetRows.listing(row).record
                    let last = (row["id"] as Data?).flatMap { lastRounds[$0] }
                    guard let day = Asset.inspectionDue(days: record.inspectionDays, lastRound: last, registeredOn: record.registeredOn) else { return false }
                    return day <= due
                }
                let slice = dueRows.dropFirst((page - 1) * pageSize).prefix(pageSize)
                return AssetInventoryPage(assets: slice.map(AssetRows.listing), total: dueRows.count, page: page, pageSize: pageSize)
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(AssetRows.table) WHERE \(sql)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM \(AssetRows.table) WHERE \(sql) ORDER BY tag, campus LIMIT ? OFFSET ?
                """, arguments: StatementArguments(arguments) + [pageSize, (page - 1) * pageSize])
            return AssetInventoryPage(assets: rows.map(AssetRows.listing), total: total, page: page, pageSize: pageSize)
        }
    }

    /// What the audit trail holds about the asset tagged `tag`, oldest first, at most
    /// `assetHistoryMax` (the newest kept).
    public func assetHistory(tag: String) throws(DomainError) -> [AssetEvent] {
        try query { db in
            let entity = DomainSchema.audit
            guard let field = entity.field(named: "entries") else { preconditionFailure("audit.entries") }
            // Prefilter in SQL on the encoded subject (JSON escapes only `"`, `\` and
            // control characters, which a tag holding them would not match): the
            // decoded entry is checked again below.
            let needle = "\"subject\":\"\(tag)\""
            let exact = !tag.contains("\"") && !tag.contains("\\")
            let texts = try String.fetchAll(db, sql: """
                SELECT entry FROM log_entries WHERE entity = ? AND field = ? \(exact ? "AND instr(entry, ?) > 0" : "") ORDER BY stamp, idx
                """, arguments: exact ? [entity.id, field.id, needle] : [entity.id, field.id])
            let events = texts.compactMap { LogCoding.decode(AuditEntry.self, $0) }
                .filter { $0.subject == tag && $0.action.hasPrefix("asset.") }
                .map { entry in
                    AssetEvent(action: entry.action, by: entry.actor, at: entry.time,
                               move: entry.action == "asset.move" ? entry.detail.flatMap { LogCoding.decode(AssetMove.self, $0) } : nil,
                               stock: entry.action == "asset.stock" ? entry.detail.flatMap { LogCoding.decode(AssetStockChange.self, $0) } : nil)
                }
            return Array(events.suffix(Self.assetHistoryMax))
        }
    }
}

extension AssetRows {
    /// The WHERE clause and its arguments of `filter` (without the inspection filter).
    static func filterSQL(_ filter: AssetFilter) -> (String, [DatabaseValueConvertible]) {
        var clauses = ["campus IN (\(filter.campuses.map { _ in "?" }.joined(separator: ",")))"]
        var arguments: [DatabaseValueConvertible] = filter.campuses.map(\.rawValue)
        let text = String(filter.text.prefix(AssetFilter.textCharactersMax)).trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            clauses.append("(instr(lower(tag), lower(?)) > 0 OR instr(lower(name), lower(?)) > 0 OR instr(lower(model), lower(?)) > 0 OR instr(lower(serial), lower(?)) > 0)")
            arguments += [text, text, text, text]
        }
        if let type = filter.type { clauses.append("type = ?"); arguments.append(type.rawValue) }
        switch filter.state {
        case nil: break
        case .scrapped?: clauses.append("scrapped_at IS NOT NULL")
        case let state?: clauses.append("scrapped_at IS NULL AND state = ?"); arguments.append(state.rawValue)
        }
        let location = String(filter.location.prefix(AssetFilter.textCharactersMax)).trimmingCharacters(in: .whitespaces)
        if !location.isEmpty {
            clauses.append("(instr(lower(location), lower(?)) > 0 OR instr(lower(department), lower(?)) > 0)")
            arguments += [location, location]
        }
        if let holders = filter.holders {
            let bounded = holders.prefix(AssetFilter.holdersMax)
            clauses.append(bounded.isEmpty ? "0" : "holder IN (\(bounded.map { _ in "?" }.joined(separator: ",")))")
            arguments += bounded.map { $0 as DatabaseValueConvertible }
        }
        if let by = filter.warrantyEndingBy {
            clauses.append("scrapped_at IS NULL AND warranty_until <= ?")
            arguments.append(by.iso)
            if let today = filter.today { clauses.append("warranty_until >= ?"); arguments.append(today.iso) }
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    /// The latest inspection round of every asset that had one, by row id: one read of
    /// the log's dates. A round whose entry is not valid JSON or has no real date is
    /// skipped, as `Asset.inspections` skips it.
    static func lastInspections(_ db: Database) throws -> [Data: LocalDate] {
        guard let field = entity.field(named: "inspections") else { preconditionFailure("asset.inspections") }
        var last: [Data: LocalDate] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT row, CASE WHEN json_valid(entry) THEN json_extract(entry, '$.date') END AS date
            FROM log_entries WHERE entity = ? AND field = ?
            """, arguments: [entity.id, field.id])
        for row in rows {
            guard let id = row["row"] as Data?, let text = row["date"] as String?, let date = LocalDate(iso: text) else { continue }
            if last[id].map({ $0 < date }) ?? true { last[id] = date }
        }
        return last
    }

    /// A row as a line of the inventory: columns only, nothing from the logs.
    static func listing(_ row: Row) -> AssetListing {
        func text(_ c: String) -> String { (row[c] as String?) ?? "" }
        let stored = AssetState(rawValue: text("state")) ?? .inStock
        let record = AssetRecord(
            tag: text("tag"), campus: CampusCode(text("campus")), type: AssetType(rawValue: text("type")) ?? .pc, name: text("name"),
            model: text("model"), serial: text("serial"), state: stored, department: text("department"), location: text("location"),
            holder: text("holder"), purchasedOn: LocalDate(iso: text("purchased_on")), warrantyUntil: LocalDate(iso: text("warranty_until")),
            contractUntil: LocalDate(iso: text("contract_until")), inspectionDays: row["inspection_days"],
            stock: StoredRows.counter(row, "stock") ?? 0, stockMin: (row["stock_min"] as Int?) ?? 0, unit: text("unit"),
            registeredOn: (row["registered_at"] as Int?).map { LocalDateTime(minutesSinceEpoch: $0).date })
        return AssetListing(record: record, state: (row["scrapped_at"] as Int?) == nil ? stored : .scrapped)
    }
}
