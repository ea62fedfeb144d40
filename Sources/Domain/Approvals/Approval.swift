import GRDB
import Replica
import Storage

/// 审批单 — a purchase, scrap or change request, as read from the merged replica.
public struct Approval: Hashable, Codable, Sendable {
    /// Largest quantity of one purchase request.
    public static let quantityMax = 10_000
    /// Largest estimated cost of one request, in 元.
    public static let estimatedCostMax = 1_000_000_000
    public let id: String
    public let kind: ApprovalKind
    public let campus: CampusCode
    public let requester: PersonID
    public let requestedAt: LocalDateTime
    public let title: String
    public let reason: String
    /// Purchase: the requesting department (申请科室), quantity and estimated cost (元).
    public let department: String
    public let quantity: Int
    public let estimatedCost: Int
    /// Scrap: the asset.
    public let assetTag: String
    /// Change: the system, its impact, the rollback plan (回退方案), the planned time and
    /// the departments to notify (通知科室).
    public let system: String
    public let impact: String
    public let rollbackPlan: String
    public let plannedAt: LocalDateTime?
    public let notifyDepartments: [String]
    public let state: ApprovalState
    public let history: [ApprovalTransition]
    /// Transitions illegal when folded (an approval after a concurrent cancel).
    public let ignored: [ApprovalTransition]
}

/// What a new request says; the fields a kind does not use stay empty.
public struct ApprovalRequest: Hashable, Codable, Sendable {
    public var kind: ApprovalKind
    public var campus: CampusCode
    public var title: String
    public var reason: String
    public var department: String = ""
    public var quantity: Int = 0
    public var estimatedCost: Int = 0
    public var assetTag: String = ""
    public var system: String = ""
    public var impact: String = ""
    public var rollbackPlan: String = ""
    public var plannedAt: LocalDateTime?
    public var notifyDepartments: [String] = []

    public init(kind: ApprovalKind, campus: CampusCode, title: String, reason: String) {
        self.kind = kind
        self.campus = campus
        self.title = title
        self.reason = reason
    }
}

enum ApprovalRows {
    static let entity = DomainSchema.approval

    static func load(_ db: Database, _ id: String) throws -> Approval? {
        guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(db, entity, id: row) else { return nil }
        return try approval(db, stored)
    }

    static func all(_ db: Database, campus: CampusCode?, kind: ApprovalKind?) throws -> [Approval] {
        var filter = ["1"]
        var arguments: [String] = []
        if let campus { filter.append("campus = ?"); arguments.append(campus.rawValue) }
        if let kind { filter.append("kind = ?"); arguments.append(kind.rawValue) }
        return try StoredRows.fetch(db, entity, where: filter.joined(separator: " AND "), StatementArguments(arguments))
            .compactMap { try approval(db, $0) }
    }

    static func approval(_ db: Database, _ row: Row) throws -> Approval? {
        guard let kind = ApprovalKind(rawValue: (row["kind"] as String?) ?? "") else { return nil }
        let id = StoredRows.rowID(row)
        let log = try StoredRows.log(db, entity, id, "transitions").compactMap { LogCoding.decode(ApprovalTransition.self, $0) }
        let folded = ApprovalFlow.fold(kind, log)
        func text(_ c: String) -> String { (row[c] as String?) ?? "" }
        return Approval(id: id.description, kind: kind, campus: CampusCode(text("campus")), requester: PersonID(text("requester")),
                        requestedAt: LocalDateTime(minutesSinceEpoch: (row["requested_at"] as Int?) ?? 0), title: text("title"),
                        reason: text("reason"), department: text("department"), quantity: (row["quantity"] as Int?) ?? 0,
                        estimatedCost: (row["estimated_cost"] as Int?) ?? 0, assetTag: text("asset_tag"), system: text("system"),
                        impact: text("impact"), rollbackPlan: text("rollback_plan"),
                        plannedAt: (row["planned_at"] as Int?).map { LocalDateTime(minutesSinceEpoch: $0) },
                        notifyDepartments: try StoredRows.set(db, entity, id, "notify_departments"), state: folded.state,
                        history: log.filter { !folded.ignored.contains($0) }, ignored: folded.ignored)
    }
}
