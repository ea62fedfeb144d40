import Domain
import Hummingbird

/// 申请 — purchase (设备申请), scrapping (报废) and change (变更) requests: the lists of
/// open and decided ones the user may see, a page per request with every step, and the
/// forms to file one. Who sees what is the API's rule (GET /api/approvals): every role
/// at a campus sees its requests, a 科室报修人 only their own.
extension Dashboard {
    /// Most requests each list shows, newest first (the rest are counted, not shown).
    static let requestsListedMax = 200

    /// Confirmations the request forms come back with (`?done=`).
    static let requestConfirmations: [String: (String, String)] = [
        "filed": ("申请已提交，等待审批。", "Request filed; it waits for a decision."),
        "department-approve": ("已科室批准，转信息科科长审批。", "Approved for the department; the section chief decides next."),
        "assess": ("评估已记录，等待科长审批。", "Assessment recorded; the section chief decides next."),
        "approve": ("已批准。", "Approved."),
        "implement": ("已记录实施完成。", "Recorded as implemented."),
        "reject": ("已驳回。", "Rejected."),
        "cancel": ("申请已撤回。", "Request withdrawn."),
    ]

    func registerRequests(on router: Router<MeshDeskRequestContext>) {
        router.get("/requests") { request, context in try page(request, context, path: "/requests") { user, layout in
            try requestsPage(request, user, layout)
        } }
        router.get("/requests/new") { request, context in try page(request, context, path: "/requests") { user, layout in
            try newRequestPage(request, user, layout, failure: nil)
        } }
        router.post("/requests/new") { request, context in try await fileRequestFromForm(request, context) }
        router.get("/requests/{id}") { request, context in
            let id = try context.parameters.require("id")
            return try page(request, context, path: "/requests") { user, layout in try requestPage(id, request, user, layout, failure: nil) }
        }
        router.post("/requests/{id}/{action}") { request, context in try await decideRequestFromForm(request, context) }
    }

    /// The requests `user` may see, newest first: every one of a campus where they hold
    /// a role other than 科室报修人, and their own elsewhere.
    func visibleRequests(_ user: SignedIn) throws -> [Approval] {
        try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
            .flatMap { try department.approvals(campus: $0) }
            .filter { Access.seesAllApprovals(user, $0.campus) || $0.requester == user.person }
            .sorted { ($0.requestedAt, $0.id) > ($1.requestedAt, $1.id) }
    }

    /// One request, if `user` may see it (else 403 as the API answers).
    func visibleRequest(_ id: String, _ user: SignedIn) throws -> Approval {
        let approval = try department.approval(id)
        try Access.requireRead(user, approval.campus)
        guard Access.seesAllApprovals(user, approval.campus) || approval.requester == user.person else {
            throw APIError(.forbidden, "not_permitted", "\(user.person) sees only their own requests")
        }
        return approval
    }

    static let openApprovalStates: Set<ApprovalState> = [.requested, .departmentApproved, .assessed, .approved]

    /// Open: still waiting for a step (an approved change is still to be implemented).
    static func isOpen(_ approval: Approval) -> Bool {
        approval.kind == .change ? openApprovalStates.contains(approval.state) : approval.state != .approved && openApprovalStates.contains(approval.state)
    }

    func requestsPage(_ request: Request, _ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let all = try visibleRequests(user)
        let names = try staffNames()
        let campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        func table(_ list: [Approval], decided: Bool) -> HTML {
            guard !list.isEmpty else { return "<p class=\"muted\">\(lang.pick("暂无", "None"))</p>" }
            let rows: [HTML] = list.prefix(Self.requestsListedMax).map { a in
                let last = a.history.last.map { LocalDateTime(minutesSinceEpoch: $0.at).description } ?? ""
                // Withdrawing one's own request is not a step waiting for one.
                let mine: HTML = approvalActions(a, user).allSatisfy { $0 == .cancel } ? "" : " <span class=\"warn\">\(lang.pick("待您处理", "waiting for you"))</span>"
                return """
                    <tr><td>\(lang.name(of: a.kind))</td><td>\(campusNames[a.campus] ?? a.campus.rawValue)</td>\
                    <td>\(names[a.requester.rawValue] ?? a.requester.rawValue)</td><td><a href="/requests/\(a.id)">\(a.title)</a></td>\
                    <td\(a.state == .rejected || a.state == .cancelled ? HTML(" class=\"muted\"") : "")>\(lang.name(of: a.state))\(mine)</td>\
                    <td>\(a.requestedAt.description)</td><td>\(decided ? last : nextStep(a, lang))</td></tr>
                    """
            }
            let more: HTML = list.count > Self.requestsListedMax
                ? "<p class=\"muted\">\(lang.pick("仅显示最近 \(Self.requestsListedMax) 条（共 \(list.count) 条）。", "The latest \(Self.requestsListedMax) of \(list.count) are shown."))</p>" : ""
            return """
                <table><tr><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("申请人", "Requester"))</th>\
                <th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("申请时间", "Filed"))</th>\
                <th>\(decided ? lang.pick("处理时间", "Decided") : lang.pick("下一步", "Next step"))</th></tr>\(rows)</table>\(more)
                """
        }
        let open = all.filter(Self.isOpen)
        let decided = all.filter { !Self.isOpen($0) }
            .sorted { ($0.history.last?.at ?? 0, $0.id) > ($1.history.last?.at ?? 0, $1.id) }
        let kinds = try fileableKinds(user)
        let links: [HTML] = kinds.map { "<a class=\"act\" id=\"new-\($0.kind.rawValue)\" href=\"/requests/new?kind=\($0.kind.rawValue)\">\(lang.pick("填写\(lang.name(of: $0.kind))", "File a \(lang.name(of: $0.kind))"))</a>" }
        return layout.page(title: lang.pick("申请", "Requests"), """
            \(links.isEmpty ? HTML("") : "<p>\(links)</p>")
            <h2 id="open">\(lang.pick("进行中", "Open")) (\(open.count))</h2>\(table(open, decided: false))
            <h2 id="decided">\(lang.pick("已处理", "Decided")) (\(decided.count))</h2>\(table(decided, decided: true))
            """)
    }

    /// Each kind the user may file somewhere, with the campuses where they may (the
    /// domain's roles: a purchase by a ward or 信息科; a scrap or a change by 信息科).
    func fileableKinds(_ user: SignedIn) throws -> [(kind: ApprovalKind, campuses: [CampusCode])] {
        let campuses = try department.campuses().map(\.code)
        let purchasers: [Role] = [.requester, .departmentHead, .engineer, .sectionChief]
        let keepers: [Role] = [.engineer, .dutyEngineer, .sectionChief]
        func at(_ roles: [Role]) -> [CampusCode] { campuses.filter { c in roles.contains { user.staff.holds($0, at: c) } } }
        return [(ApprovalKind.purchase, at(purchasers)), (.change, at(keepers)), (.scrap, at(keepers))].filter { !$0.1.isEmpty }
    }

    /// Who takes the request's next forward step, as staff say it ("" when none is left).
    func nextStep(_ approval: Approval, _ lang: Language) -> String {
        switch (approval.kind, approval.state) {
        case (.purchase, .requested): lang.pick("待科室主任批准", "the department head approves")
        case (.purchase, .departmentApproved), (.scrap, .requested), (.change, .assessed): lang.pick("待科长审批", "the section chief decides")
        case (.change, .requested): lang.pick("待工程师评估", "an engineer assesses")
        case (.change, .approved): lang.pick("待工程师实施", "an engineer implements")
        default: ""
        }
    }

    // MARK: one request

    func requestPage(_ id: String, _ request: Request, _ user: SignedIn, _ layout: Layout, failure: DutyFormFailure?) throws -> HTML {
        let lang = layout.lang
        let a = try visibleRequest(id, user)
        let names = try staffNames()
        func who(_ id: String) -> String { names[id] ?? id }
        let campus = try department.campus(a.campus)?.name ?? a.campus.rawValue
        var fields: [(String, String)] = [
            (lang.pick("类型", "Kind"), lang.name(of: a.kind)), (lang.pick("院区", "Campus"), campus),
            (lang.pick("申请人", "Requester"), who(a.requester.rawValue)), (lang.pick("申请时间", "Filed"), a.requestedAt.description),
            (lang.pick("状态", "State"), [lang.name(of: a.state), nextStep(a, lang)].filter { !$0.isEmpty }.joined(separator: lang.pick("，", "; "))),
            (lang.pick("事由", "Reason"), a.reason),
        ]
        switch a.kind {
        case .purchase:
            fields += [(lang.pick("申请科室", "Department"), a.department), (lang.pick("数量", "Quantity"), String(a.quantity)),
                       (lang.pick("预算（元）", "Estimated cost (yuan)"), String(a.estimatedCost))]
        case .scrap:
            fields += [(lang.pick("资产编号", "Asset tag"), a.assetTag)]
        case .change:
            fields += [(lang.pick("系统", "System"), a.system), (lang.pick("影响范围", "Impact"), a.impact),
                       (lang.pick("回退方案", "Rollback plan"), a.rollbackPlan),
                       (lang.pick("计划实施时间", "Planned for"), a.plannedAt?.description ?? "—"),
                       (lang.pick("通知科室", "Departments to notify"), a.notifyDepartments.sorted().joined(separator: "、"))]
        }
        let rows: [HTML] = fields.map { "<tr><th>\($0.0)</th><td class=\"desc\">\($0.1)</td></tr>" }
        let steps: [HTML] = a.history.map { t in
            "<tr><td>\(approvalActionName(t.action, lang))</td><td>\(who(t.by))</td><td>\(LocalDateTime(minutesSinceEpoch: t.at).description)</td><td class=\"desc\">\(t.note)</td></tr>"
        }
        let ignored: [HTML] = a.ignored.map { t in
            "<tr class=\"muted\"><td>\(approvalActionName(t.action, lang))（\(lang.pick("未生效", "not applied"))）</td><td>\(who(t.by))</td><td>\(LocalDateTime(minutesSinceEpoch: t.at).description)</td><td>\(t.note)</td></tr>"
        }
        let csrf = user.session.csrfToken
        let actions: [HTML] = approvalActions(a, user).map { action in
            let needsNote = action == .reject || action == .assess
            let typed = failure?.form == action.rawValue ? failure?.value("note") ?? "" : ""
            return """
                <form class="act" method="post" action="/requests/\(a.id)/\(action.rawValue)"><input type="hidden" name="csrf" value="\(csrf)">\
                <input name="note" maxlength="\(Self.reasonCharactersMax)" value="\(typed)" placeholder="\(needsNote ? lang.pick("意见（必填）", "note (required)") : lang.pick("意见", "note"))"\(needsNote ? HTML(" required") : "")> \
                <button id="\(action.rawValue)">\(approvalActionName(action, lang))</button></form>
                """
        }
        let done: HTML = Parse.query(request, "done").flatMap { Self.requestConfirmations[$0] }
            .map { "<p class=\"card ok\" id=\"done\">\(lang.pick($0.0, $0.1))</p>" } ?? ""
        let refused: HTML = failure.map { "<p class=\"card bad\" id=\"error\" role=\"alert\">\(lang.pick("未保存：", "Not saved: "))\($0.message)</p>" } ?? ""
        return layout.page(title: "\(lang.name(of: a.kind))：\(a.title)", """
            \(done)\(refused)<p><a href="/requests">\(lang.pick("← 全部申请", "← All requests"))</a></p>
            <table class="wide-card">\(rows)</table>
            <h2>\(lang.pick("办理过程", "Steps"))</h2>
            <table><tr><th>\(lang.pick("步骤", "Step"))</th><th>\(lang.pick("办理人", "By"))</th><th>\(lang.pick("时间", "When"))</th><th>\(lang.pick("意见", "Note"))</th></tr>\(steps)\(ignored)</table>
            \(actions.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("当前没有您可办理的步骤。", "Nothing for you to do on it now."))</p>") : "<h2>\(lang.pick("办理", "Act on it"))</h2>\(actions)")
            """)
    }
}
