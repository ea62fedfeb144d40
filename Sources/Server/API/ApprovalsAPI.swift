import Domain
import HTTPTypes
import Hummingbird

/// 审批 (purchase, scrap, change): file, list, show, decide — `meshdesk approval …`.
/// The domain names the role each decision needs (科室主任, 科长, 工程师); the server adds
/// the campus gate and shows a 科室报修人 only their own requests.
extension APIRoutes {
    /// Most departments one change request notifies.
    static let notifyDepartmentsMax = 50

    struct ApprovalRequestBody: StrictBody {
        static let fields: Set<String> = ["kind", "campus", "title", "reason", "department", "quantity", "estimatedCost", "assetTag",
                                          "system", "impact", "rollbackPlan", "plannedAt", "notifyDepartments"]
        let kind, campus, title, reason: String
        let department, assetTag, system, impact, rollbackPlan, plannedAt: String?
        let quantity, estimatedCost: Int?
        let notifyDepartments: [String]?
    }

    struct DecisionBody: StrictBody {
        static let fields: Set<String> = ["note"]
        let note: String?
    }

    func registerApprovals(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/approvals") { request, context in
            let user = try context.activeUser()
            let kind: ApprovalKind? = try Parse.query(request, "kind").map { try Parse.choice($0, field: "kind") }
            let state: ApprovalState? = try Parse.query(request, "state").map { try Parse.choice($0, field: "state") }
            let list = try visibleCampuses(user, request).flatMap { try department.approvals(campus: $0, kind: kind) }
                .filter { Access.seesAllApprovals(user, $0.campus) || $0.requester == user.person }
                .filter { state == nil || $0.state == state }
            return try JSONResponse.make(list.map(ApprovalView.init))
        }
        router.post("/api/approvals") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(ApprovalRequestBody.self, from: request)
            let campus = try Parse.campus(body.campus)
            var filed = ApprovalRequest(kind: try Parse.choice(body.kind, field: "kind"), campus: campus, title: body.title, reason: body.reason)
            filed.department = body.department ?? ""
            filed.quantity = body.quantity ?? 0
            filed.estimatedCost = body.estimatedCost ?? 0
            filed.assetTag = body.assetTag ?? ""
            filed.system = body.system ?? ""
            filed.impact = body.impact ?? ""
            filed.rollbackPlan = body.rollbackPlan ?? ""
            filed.plannedAt = try body.plannedAt.map { try Parse.moment($0, field: "plannedAt") }
            filed.notifyDepartments = body.notifyDepartments ?? []
            guard filed.notifyDepartments.count <= Self.notifyDepartmentsMax else {
                throw APIError.badRequest("too_many_departments", "notifyDepartments: at most \(Self.notifyDepartmentsMax)")
            }
            try Access.requireAnyRole(user, campus, to: "file a \(filed.kind.rawValue) request")
            let id = try department.requestApproval(filed, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.get("/api/approvals/{id}") { _, context in
            let user = try context.activeUser()
            let approval = try department.approval(context.parameters.require("id"))
            try Access.requireRead(user, approval.campus)
            guard Access.seesAllApprovals(user, approval.campus) || approval.requester == user.person else {
                throw APIError(.forbidden, "not_permitted", "\(user.person) sees only their own requests")
            }
            return try JSONResponse.make(ApprovalView(approval))
        }
        router.post("/api/approvals/{id}/{action}") { request, context in
            let (user, acting) = try acting(context)
            let id = try context.parameters.require("id")
            let action = try context.parameters.require("action")
            let body = try await StrictJSON.decodeIfPresent(DecisionBody.self, from: request)
            _ = try decideApproval(id, action, note: body?.note ?? "", user: user, acting: acting)
            return try JSONResponse.make(ApprovalView(try department.approval(id)))
        }
    }

    /// One decision (also the approvals page's forms): the campus gate, then the domain.
    func decideApproval(_ id: String, _ actionText: String, note: String, user: SignedIn, acting: Acting) throws -> ApprovalState {
        guard let action = ApprovalAction(rawValue: actionText), action != .request else {
            throw APIError(.notFound, "not_found", "no approval action \(actionText): department-approve, assess, approve, implement, reject or cancel")
        }
        let approval = try department.approval(id)
        try Access.requireAnyRole(user, approval.campus, to: "\(actionText) approval \(id)")
        return try department.decideApproval(id, action, note: note, by: acting)
    }
}
