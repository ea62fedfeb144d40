import GRDB
import Replica
import Storage

/// Reads of assets from the materialised replica.
enum AssetRows {
    static let entity = DomainSchema.asset
    static var table: String { ReplicaQueries.tableName(entity) }

    /// The row of `reference` — `TAG`, or `TAG@CAMPUS` while two campuses hold the tag.
    static func resolve(_ db: Database, _ reference: String) throws -> Row {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let tag = parts.first ?? ""
        var rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE tag = ? ORDER BY campus, id", arguments: [tag])
        if parts.count == 2 { rows = rows.filter { ($0["campus"] as String?) == parts[1] } }
        guard let first = rows.first else { throw DomainError.unknownAsset(reference) }
        guard rows.count == 1 else {
            throw DomainError.ambiguousAssetTag(tag: tag, campuses: rows.map { CampusCode(($0["campus"] as String?) ?? "") })
        }
        return first
    }

    static func exists(_ db: Database, tag: String) throws -> CampusCode? {
        try String.fetchOne(db, sql: "SELECT campus FROM \(table) WHERE tag = ? ORDER BY campus LIMIT 1", arguments: [tag]).map { CampusCode($0) }
    }

    /// The columns of a row as a record: what was registered, as the replica merged it.
    /// A value another node stored out of range reads as absent, never traps
    /// (`StoredBounds` lists the row for the problems page).
    static func record(_ row: Row) -> AssetRecord {
        func text(_ c: String) -> String { (row[c] as String?) ?? "" }
        func date(_ c: String) -> LocalDate? { LocalDate(iso: text(c)) }
        let cost = (row["purchase_cost"] as Int64?).flatMap { (0...Int64(Asset.purchaseCostFenMax)).contains($0) ? Int($0) : nil }
        return AssetRecord(
            tag: text("tag"), campus: CampusCode(text("campus")), type: AssetType(rawValue: text("type")) ?? .pc, name: text("name"),
            model: text("model"), serial: text("serial"), state: AssetState(rawValue: text("state")) ?? .inStock,
            department: text("department"), location: text("location"), holder: text("holder"), purchasedOn: date("purchased_on"),
            warrantyUntil: date("warranty_until"), contractUntil: date("contract_until"), inspectionDays: row["inspection_days"],
            stock: StoredRows.counter(row, "stock") ?? 0, stockMin: (row["stock_min"] as Int?) ?? 0, unit: text("unit"),
            registeredOn: (row["registered_at"] as Int?).map { LocalDateTime(minutesSinceEpoch: $0).date },
            purchaseCostFen: cost, manufacturer: text("manufacturer"), supplier: text("supplier"), notes: text("notes"))
    }

    static func asset(_ db: Database, _ row: Row) throws -> Asset {
        let id = StoredRows.rowID(row)
        let record = record(row)
        let scrapped = (row["scrapped_at"] as Int?).map { LocalDateTime(minutesSinceEpoch: $0) }
        return Asset(id: id.description, record: record, state: scrapped == nil ? record.state : .scrapped, scrappedAt: scrapped,
                     maintenance: try StoredRows.log(db, entity, id, "maintenance").compactMap { LogCoding.decode(MaintenanceRecord.self, $0) },
                     inspections: try StoredRows.log(db, entity, id, "inspections").compactMap { LogCoding.decode(InspectionRecord.self, $0) },
                     tickets: try StoredRows.set(db, entity, id, "tickets"))
    }

    static func list(_ db: Database, campus: CampusCode?, type: AssetType?) throws -> [Asset] {
        var filter = ["1"]
        var arguments: [String] = []
        if let campus { filter.append("campus = ?"); arguments.append(campus.rawValue) }
        if let type { filter.append("type = ?"); arguments.append(type.rawValue) }
        return try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(filter.joined(separator: " AND ")) ORDER BY tag, campus",
                                arguments: StatementArguments(arguments)).map { try asset(db, $0) }
    }
}
