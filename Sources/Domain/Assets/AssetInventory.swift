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
    /// What an edit of its details changed (nil for other actions).
    public let details: AssetDetailsChange?
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
    /// 院区调拨 — the campuses of a transfer (`Department.transferAsset`); nil for a move
    /// within a campus.
    public let fromCampus: String?
    public let toCampus: String?

    public init(department: String, location: String, holder: String, returnBy: String?, fromCampus: String? = nil, toCampus: String? = nil) {
        self.department = department
        self.location = location
        self.holder = holder
        self.returnBy = returnBy
        self.fromCampus = fromCampus
        self.toCampus = toCampus
    }

    public var returnDate: LocalDate? { returnBy.flatMap { LocalDate(iso: $0) } }
}

/// 资产资料 — the descriptive fields `Department.editAssetDetails` sets (all of them: a
/// form sends what it shows, and only what differs is written).
public struct AssetDetails: Hashable, Sendable {
    public var name, model, serial, manufacturer, supplier, notes: String
    public var purchaseCostFen: Int?
    public var purchasedOn, warrantyUntil, contractUntil: LocalDate?
    public var inspectionDays: Int?

    public init(name: String, model: String = "", serial: String = "", manufacturer: String = "", supplier: String = "", notes: String = "",
                purchaseCostFen: Int? = nil, purchasedOn: LocalDate? = nil, warrantyUntil: LocalDate? = nil, contractUntil: LocalDate? = nil,
                inspectionDays: Int? = nil) {
        self.name = name
        self.model = model
        self.serial = serial
        self.manufacturer = manufacturer
        self.supplier = supplier
        self.notes = notes
        self.purchaseCostFen = purchaseCostFen
        self.purchasedOn = purchasedOn
        self.warrantyUntil = warrantyUntil
        self.contractUntil = contractUntil
        self.inspectionDays = inspectionDays
    }

    /// The details as `record` holds them (what an edit form starts from).
    public init(_ record: AssetRecord) {
        self.init(name: record.name, model: record.model, serial: record.serial, manufacturer: record.manufacturer,
                  supplier: record.supplier, notes: record.notes, purchaseCostFen: record.purchaseCostFen, purchasedOn: record.purchasedOn,
                  warrantyUntil: record.warrantyUntil, contractUntil: record.contractUntil, inspectionDays: record.inspectionDays)
    }

    func apply(to record: inout AssetRecord) {
        record.name = name
        record.model = model
        record.serial = serial
        record.manufacturer = manufacturer
        record.supplier = supplier
        record.notes = notes
        record.purchaseCostFen = purchaseCostFen
        record.purchasedOn = purchasedOn
        record.warrantyUntil = warrantyUntil
        record.contractUntil = contractUntil
        record.inspectionDays = inspectionDays
    }
}

/// What an edit of an asset's details changed, as its audit entry keeps it: the fields,
/// with the value before and after as text (the history shows them).
public struct AssetDetailsChange: Hashable, Codable, Sendable {
    public enum Field: String, Hashable, Codable, Sendable, CaseIterable {
        case name, model, serial, manufacturer, supplier, notes
        case purchaseCost = "purchase_cost"
        case purchasedOn = "purchased_on"
        case warrantyUntil = "warranty_until"
        case contractUntil = "contract_until"
        case inspectionDays = "inspection_days"
    }

    public struct Edit: Hashable, Codable, Sendable {
        public let field: Field
        public let before: String
        public let after: String
    }

    public let edits: [Edit]

    public var fields: [Field] { edits.map(\.field) }

    init(before: AssetRecord, after: AssetRecord) {
        func text(_ r: AssetRecord, _ field: Field) -> String {
            switch field {
            case .name: r.name
            case .model: r.model
            case .serial: r.serial
            case .manufacturer: r.manufacturer
            case .supplier: r.supplier
            case .notes: r.notes
            case .purchaseCost: r.purchaseCostFen.map(AssetCost.yuan) ?? ""
            case .purchasedOn: r.purchasedOn?.iso ?? ""
            case .warrantyUntil: r.warrantyUntil?.iso ?? ""
            case .contractUntil: r.contractUntil?.iso ?? ""
            case .inspectionDays: r.inspectionDays.map(String.init) ?? ""
            }
        }
        edits = Field.allCases.compactMap { field in
            let (a, b) = (text(before, field), text(after, field))
            return a == b ? nil : Edit(field: field, before: a, after: b)
        }
    }
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
                               move: ["asset.move", "asset.transfer"].contains(entry.action)
                                   ? entry.detail.flatMap { LogCoding.decode(AssetMove.self, $0) } : nil,
                               stock: entry.action == "asset.stock" ? entry.detail.flatMap { LogCoding.decode(AssetStockChange.self, $0) } : nil,
                               details: entry.action == "asset.edit" ? entry.detail.flatMap { LogCoding.decode(AssetDetailsChange.self, $0) } : nil)
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
        let record = record(row)
        return AssetListing(record: record, state: (row["scrapped_at"] as Int?) == nil ? record.state : .scrapped)
    }
}
