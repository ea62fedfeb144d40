import Domain
import Hummingbird
import Logging

/// The forms of 申请: file a purchase, change or scrapping request (`POST /requests/new`)
/// and take a step on one (`POST /requests/{id}/{action}`). Done: back to the request's
/// page with `?done=`. Refused: the form's page again with the refusal in the user's
/// language (role="alert"), what was typed kept, the refusal's status, a log line, and
/// nothing written.
extension Dashboard {
    /// Bounds of the request forms' fields (the domain bounds quantity and cost).
    static let requestTitleCharactersMax = 100
    static let requestNameCharactersMax = 100
    static let requestTextCharactersMax = 2_000

    /// The fields the filing form posts (besides `csrf`).
    static let requestFormFields: Set<String> = ["kind", "campus", "title", "reason", "department", "quantity", "estimatedCost",
                                                 "assetTag", "system", "impact", "rollbackPlan", "plannedAt", "notifyDepartments"]

    func newRequestPage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: DutyFormFailure?) throws -> HTML {
        let lang = layout.lang
        let kinds = try fileableKinds(user)
        let asked = failure?.value("kind") ?? Parse.query(request, "kind") ?? ApprovalKind.purchase.rawValue
        guard let chosen = kinds.first(where: { $0.kind.rawValue == asked }) ?? kinds.first else {
            return layout.page(title: lang.pick("填写申请", "File a request"),
                               "<p class=\"muted\" role=\"alert\">\(lang.pick("您的角色不能填写设备、变更或报废申请。", "Your roles file no purchase, change or scrapping requests."))</p>")
        }
        func typed(_ field: String) -> String { failure?.value(field) ?? (field == "assetTag" ? Parse.query(request, "tag") ?? "" : "") }
        let campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let choices: [HTML] = chosen.campuses.map { code in
            let selected: HTML = typed("campus") == code.rawValue ? " selected" : ""
            return "<option value=\"\(code.rawValue)\"\(selected)>\(campusNames[code] ?? code.rawValue)</option>"
        }
        func input(_ name: String, _ label: String, required: Bool = true, type: String = "text", max: Int = Self.requestNameCharactersMax,
                   range: ClosedRange<Int>? = nil) -> HTML {
            let bound: HTML = range.map { "min=\"\($0.lowerBound)\" max=\"\($0.upperBound)\"" } ?? ""
            return """
                <label>\(label)<br><input class="wide" type="\(type)" name="\(name)" value="\(typed(name))" \(bound)\(type == "text" ? HTML(" maxlength=\"\(max)\"") : "")\(required ? HTML(" required") : "")></label><br>
                """
        }
        func area(_ name: String, _ label: String, placeholder: String = "") -> HTML {
            """
            <label>\(label)<br><textarea class="wide" name="\(name)" rows="3" maxlength="\(Self.requestTextCharactersMax)" placeholder="\(placeholder)" required>\(typed(name))</textarea></label><br>
            """
        }
        let specific: HTML
        switch chosen.kind {
        case .purchase:
            specific = """
                \(input("department", lang.pick("申请科室", "Requesting department")))\
                \(input("quantity", lang.pick("数量（1–\(Approval.quantityMax)）", "Quantity (1–\(Approval.quantityMax))"), type: "number", range: 1...Approval.quantityMax))\
                \(input("estimatedCost", lang.pick("预算（元）", "Estimated cost (yuan)"), required: false, type: "number", range: 0...Approval.estimatedCostMax))
                """
        case .change:
            specific = """
                \(input("system", lang.pick("系统（如 HIS、PACS）", "System (HIS, PACS…)")))\
                \(area("impact", lang.pick("影响范围", "Impact")))\
                \(area("rollbackPlan", lang.pick("回退方案", "Rollback plan")))\
                \(input("plannedAt", lang.pick("计划实施时间", "Planned for"), required: false, type: "datetime-local"))\
                \(area("notifyDepartments", lang.pick("通知科室（每行一个）", "Departments to notify (one a line)"), placeholder: lang.pick("门诊部\n药剂科", "Outpatients\nPharmacy")))
                """
        case .scrap:
            specific = input("assetTag", lang.pick("资产编号", "Asset tag"))
        }
        let tabs: [HTML] = kinds.map { k in
            k.kind == chosen.kind ? "<strong>\(lang.name(of: k.kind))</strong>" : "<a href=\"/requests/new?kind=\(k.kind.rawValue)\">\(lang.name(of: k.kind))</a>"
        }
        let refused: HTML = failure.map { "<p class=\"card bad\" id=\"error\" role=\"alert\">\(lang.pick("未保存：", "Not saved: "))\($0.message)</p>" } ?? ""
        let steps = switch chosen.kind {
        case .purchase: lang.pick("流程：申请 → 科室主任批准 → 信息科科长审批。", "Steps: request → the department head approves → the IT section chief approves.")
        case .change: lang.pick("流程：申请 → 评估 → 审批 → 实施。", "Steps: request → assessment → approval → implementation.")
        case .scrap: lang.pick("流程：申请 → 信息科科长审批；批准后资产即报废。", "Steps: request → the IT section chief approves; the asset is then scrapped.")
        }
        return layout.page(title: lang.pick("填写\(lang.name(of: chosen.kind))", "File a \(lang.name(of: chosen.kind))"), """
            \(refused)<p>\(tabs.joined(" · "))</p><p class="muted">\(steps)</p>
            <form class="card wide-card" id="request-form" method="post" action="/requests/new">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)"><input type="hidden" name="kind" value="\(chosen.kind.rawValue)">
            \(chosen.kind == .scrap ? HTML("") : "<label>\(lang.pick("院区", "Campus"))<br><select name=\"campus\">\(choices)</select></label><br>")
            \(input("title", lang.pick("标题", "Title"), max: Self.requestTitleCharactersMax))\
            \(area("reason", lang.pick("事由", "Reason")))\(specific)
            <button id="submit-request">\(lang.pick("提交申请", "File the request"))</button></form>
            """)
    }

    func fileRequestFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let fields = try await FormPost.read(request, fields: Self.requestFormFields, csrfOf: user)
        let metadata: Logger.Metadata = ["form": "request", "kind": "\(fields["kind"] ?? "")", "user": "\(user.username)"]
        do {
            let filed = try requestFromForm(fields)
            try Access.requireAnyRole(user, filed.campus, to: "file a \(filed.kind.rawValue) request")
            let id = try department.requestApproval(filed, by: acting)
            context.logger.info("request filed", metadata: metadata.merging(["id": "\(id)"]) { a, _ in a })
            return HTMLResponse.redirect("/requests/\(id)?done=filed")
        } catch {
            return try refusedForm(error, fields: fields, form: "request", request, context, user, metadata: metadata) { layout, failure in
                try newRequestPage(request, user, layout, failure: failure)
            }
        }
    }

    /// The typed fields as a request, each checked against its bound first.
    private func requestFromForm(_ fields: [String: String]) throws -> ApprovalRequest {
        guard let kind = ApprovalKind(rawValue: fields["kind"] ?? "") else {
            throw DutyRefusal("bad_kind", "申请类型无效：请从设备申请、变更申请、报废申请中选择。", "Unknown kind: choose a purchase, change or scrapping request.")
        }
        let title = try Self.required(fields, "title", max: Self.requestTitleCharactersMax)
        let reason = try Self.required(fields, "reason", max: Self.requestTextCharactersMax)
        var campus = CampusCode(fields["campus"] ?? "")
        if kind == .scrap {
            // The asset's own campus: the role check is made where the asset is.
            let tag = try Self.required(fields, "assetTag", max: Self.requestNameCharactersMax)
            campus = try department.asset(tag).campus
        } else {
            guard !campus.rawValue.isEmpty else { throw DomainError.missing(field: "campus") }
            campus = try Parse.campus(campus.rawValue)
        }
        var filed = ApprovalRequest(kind: kind, campus: campus, title: title, reason: reason)
        switch kind {
        case .purchase:
            filed.department = try Self.required(fields, "department", max: Self.requestNameCharactersMax)
            filed.quantity = try Self.whole(fields, "quantity", in: 1...Approval.quantityMax, required: true)
            filed.estimatedCost = try Self.whole(fields, "estimatedCost", in: 0...Approval.estimatedCostMax, required: false)
        case .scrap:
            filed.assetTag = (fields["assetTag"] ?? "").trimmingCharacters(in: .whitespaces)
        case .change:
            filed.system = try Self.required(fields, "system", max: Self.requestNameCharactersMax)
            filed.impact = try Self.required(fields, "impact", max: Self.requestTextCharactersMax)
            filed.rollbackPlan = try Self.required(fields, "rollbackPlan", max: Self.requestTextCharactersMax)
            if let planned = fields["plannedAt"], !planned.isEmpty { filed.plannedAt = try Parse.moment(planned, field: "plannedAt") }
            let departments = (fields["notifyDepartments"] ?? "").split(whereSeparator: { $0.isNewline || $0 == "、" || $0 == "," || $0 == "，" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !departments.isEmpty else { throw DomainError.missing(field: "notifyDepartments") }
            guard departments.count <= APIRoutes.notifyDepartmentsMax else {
                throw DutyRefusal("too_many_departments", "通知科室最多 \(APIRoutes.notifyDepartmentsMax) 个（现有 \(departments.count) 个）。",
                                  "At most \(APIRoutes.notifyDepartmentsMax) departments to notify (\(departments.count) given).")
            }
            for name in departments { try Self.requireLength(name, "notifyDepartments", max: Self.requestNameCharactersMax) }
            filed.notifyDepartments = departments
        }
        return filed
    }

    /// A whole number in `range`, or a refusal naming the field and the range.
    static func whole(_ fields: [String: String], _ field: String, in range: ClosedRange<Int>, required: Bool) throws -> Int {
        let text = (fields[field] ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            guard required else { return 0 }
            throw DomainError.missing(field: field)
        }
        guard let number = Int(text), range.contains(number) else {
            throw DutyRefusal("bad_value", "“\(Language.zh.field(field))”应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数（填写的是“\(text)”）。",
                              "\(Language.en.field(field).capitalizedFirst) must be a whole number from \(range.lowerBound) to \(range.upperBound) (\"\(text)\" given).")
        }
        return number
    }

    /// A step on a request from its page: the API's campus gate, then the domain.
    func decideRequestFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        let fields = try await FormPost.read(request, fields: ["note"], csrfOf: user)
        let metadata: Logger.Metadata = ["form": "request-\(action)", "id": "\(id)", "user": "\(user.username)"]
        do {
            let note = (fields["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            try Self.requireLength(note, "note", max: Self.reasonCharactersMax)
            _ = try visibleRequest(id, user)
            _ = try api.decideApproval(id, action, note: note, user: user, acting: acting)
            context.logger.info("request step done", metadata: metadata)
            return HTMLResponse.redirect("/requests/\(id)?done=\(action)")
        } catch {
            return try refusedForm(error, fields: fields, form: action, request, context, user, metadata: metadata) { layout, failure in
                try requestPage(id, request, user, layout, failure: failure)
            }
        }
    }

    /// A refused form: its page again with the message, the status and a log line; an
    /// internal error stays the error page.
    func refusedForm(_ error: any Error, fields: [String: String], form: String, _ request: Request, _ context: MeshDeskRequestContext,
                     _ user: SignedIn, metadata: Logger.Metadata,
                     _ render: (Layout, DutyFormFailure) throws -> HTML) throws -> Response {
        let api = APIError.from(error)
        let status = (error as? DutyRefusal)?.status ?? api.status
        let code = (error as? DutyRefusal)?.code ?? api.code
        guard status.code < 500 else { throw error }
        context.logger.notice("form refused: \((error as? DutyRefusal)?.en ?? api.message)",
                              metadata: metadata.merging(["code": "\(code)", "status": "\(status.code)"]) { a, _ in a })
        let failure = DutyFormFailure(form: form, status: status, code: code, message: Language.of(request).refusal(error), values: fields)
        var response = try framed(request, user, path: "/requests", version: try self.api.changes(session: user.session.token).version) { layout in
            try render(layout, failure)
        }
        response.status = status
        return response
    }
}

extension Array where Element == HTML {
    func joined(_ separator: HTML) -> HTML {
        HTML(stringLiteral: map(\.markup).joined(separator: separator.markup))
    }
}
