import Foundation
import GRDB
import Replica
import Storage

/// 审批 — file a purchase, scrap or change request; department approval, assessment,
/// approval, implementation, rejection, cancellation, each by the role that owns it.
extension Department {
    @discardableResult
    public func requestApproval(_ request: ApprovalRequest, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "approval.\(request.kind.rawValue)") { tx, actor in
            guard try Directory.campus(tx.db, request.campus) != nil else { throw DomainError.unknownCampus(request.campus) }
            try Self.requireText(request.title, "title")
            try Self.requireText(request.reason, "reason")
            var values: [String: Value] = [
                "kind": .text(request.kind.rawValue), "campus": .text(request.campus.rawValue), "requester": .text(actor.id.rawValue),
                "requested_at": .integer(Int64(acting.now.minutesSinceEpoch)), "title": .text(request.title), "reason": .text(request.reason),
                "department": .text(request.department), "quantity": .integer(Int64(request.quantity)),
                "estimated_cost": .integer(Int64(request.estimatedCost)), "asset_tag": .text(request.assetTag),
                "system": .text(request.system), "impact": .text(request.impact), "rollback_plan": .text(request.rollbackPlan),
                "planned_at": request.plannedAt.map { .integer(Int64($0.minutesSinceEpoch)) } ?? .null,
            ]
            switch request.kind {
            case .purchase:
                try Permissions.requireAny(actor, [.requester, .departmentHead, .engineer, .sectionChief], at: request.campus, to: "request a purchase")
                try Self.requireText(request.department, "department")
                guard (1...Approval.quantityMax).contains(request.quantity) else {
                    throw DomainError.invalid(field: "quantity", reason: "\(request.quantity) is outside 1…\(Approval.quantityMax)")
                }
                guard (0...Approval.estimatedCostMax).contains(request.estimatedCost) else {
                    throw DomainError.invalid(field: "estimated cost", reason: "\(request.estimatedCost) is outside 0…\(Approval.estimatedCostMax)")
                }
            case .scrap:
                try Permissions.requireAny(actor, Self.assetKeepers, at: request.campus, to: "request scrapping")
                let asset = try AssetRows.asset(tx.db, try AssetRows.resolve(tx.db, request.assetTag))
                try Self.requireNotScrapped(asset, "request scrapping of")
                values["asset_tag"] = .text(asset.tag)
                values["campus"] = .text(asset.campus.rawValue)
                let open = try ApprovalRows.all(tx.db, campus: asset.campus, kind: .scrap)
                    .filter { $0.assetTag == asset.tag && ($0.state == .requested) }
                if let existing = open.first { throw DomainError.alreadyExists("scrap request \(existing.id) for \(asset.tag)") }
            case .change:
                try Permissions.requireAny(actor, Self.assetKeepers, at: request.campus, to: "request a change")
                try Self.requireText(request.system, "system")
                try Self.requireText(request.impact, "impact")
                try Self.requireText(request.rollbackPlan, "rollback plan (回退方案)")
                guard !request.notifyDepartments.isEmpty else { throw DomainError.missing(field: "departments to notify") }
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.approval.name, row, values)
            for department in Set(request.notifyDepartments) {
                try tx.add(DomainSchema.approval.name, row, "notify_departments", .text(department))
            }
            try Self.appendApproval(row, ApprovalTransition(action: .request, by: actor.id.rawValue, at: acting.now.minutesSinceEpoch, note: ""), tx: tx)
            return (row.description, row.description)
        }
    }

    /// Takes `action` on approval `id`: the role check names the role, the state machine
    /// the state; an approved scrap scraps the asset in the same batch.
    @discardableResult
    public func decideApproval(_ id: String, _ action: ApprovalAction, note: String = "", by acting: Acting) throws(DomainError) -> ApprovalState {
        try perform(acting, "approval.\(action.rawValue)") { tx, actor in
            guard let approval = try ApprovalRows.load(tx.db, id), let row = RowID(hex: id) else {
                throw DomainError.unknownRequest(kind: "approval", id: id)
            }
            let what = "\(approval.kind.rawValue) request \(id)"
            switch action {
            case .request:
                throw DomainError.wrongState(what: what, state: approval.state.rawValue, action: "request again")
            case .cancel:
                try Permissions.requireSelf(actor, approval.requester, to: "cancel \(what)")
            case .departmentApprove, .assess, .approve, .implement, .reject:
                try Permissions.requireAny(actor, ApprovalFlow.role(approval.kind, action, state: approval.state), at: approval.campus,
                                           to: "\(action.rawValue) \(what)")
            }
            guard let next = ApprovalFlow.next(approval.kind, approval.state, action) else {
                throw DomainError.wrongState(what: what, state: approval.state.rawValue, action: action.rawValue)
            }
            if action == .reject || action == .assess { try Self.requireText(note, action == .reject ? "reason" : "assessment") }
            try Self.appendApproval(row, ApprovalTransition(action: action, by: actor.id.rawValue, at: acting.now.minutesSinceEpoch, note: note), tx: tx)
            if approval.kind == .scrap, next == .approved {
                let assetRow = try AssetRows.resolve(tx.db, "\(approval.assetTag)@\(approval.campus)")
                try tx.assign(DomainSchema.asset.name, StoredRows.rowID(assetRow), [
                    "scrapped_at": .integer(Int64(acting.now.minutesSinceEpoch)), "scrap_approval": .text(id),
                ])
            }
            return (next, id)
        }
    }

    static func appendApproval(_ row: RowID, _ transition: ApprovalTransition, tx: WriteTransaction) throws {
        try tx.append(DomainSchema.approval.name, row, "transitions", .text(LogCoding.encode(transition)))
    }

    public func approvals(campus: CampusCode? = nil, kind: ApprovalKind? = nil) throws(DomainError) -> [Approval] {
        try query { try ApprovalRows.all($0, campus: campus, kind: kind) }
    }

    public func approval(_ id: String) throws(DomainError) -> Approval {
        let found = try query { try ApprovalRows.load($0, id) }
        guard let found else { throw .unknownRequest(kind: "approval", id: id) }
        return found
    }
}
