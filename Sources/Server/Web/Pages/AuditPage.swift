import Domain
import HTTPTypes
import Hummingbird
import NIOCore

/// 审计记录 — the audit trail every command writes, as a page to search: who did what,
/// to what, when, on which node, and how (web user or the CLI's operating-system user);
/// and the same selection as CSV. For the administrator, the central viewer and the
/// section chiefs: the department's own record of its writes.
extension Dashboard {
    /// Roles that read the audit trail.
    static let auditReaders: [Role] = [.administrator, .centralViewer, .sectionChief]
    /// Entries a page shows at most (newest first); a download carries the selection.
    static let auditPageSize = 100
    /// Entries one download carries at most.
    static let auditExportMax = 20_000
    /// Months one search may span: the audit is read month by month.
    static let auditMonthsMax = 12

    static func readsAudit(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { auditReaders.contains($0.role) }
    }

    /// What a search asks for: months (default this one), a text in actor, action or
    /// subject, a staff number, the page.
    struct AuditQuery: Sendable {
        let from: LocalMonth
        let to: LocalMonth
        let text: String
        let person: String
        let page: Int
    }

    func auditQuery(_ request: Request) throws -> AuditQuery {
        let now = LocalMonth(containing: configuration.clock.now().date)
        let from = try Parse.query(request, "from").map { try Parse.month($0) } ?? now
        let to = try Parse.query(request, "to").map { try Parse.month($0) } ?? max(from, now)
        guard from <= to else { throw APIError.badRequest("bad_month", "from \(from) is after to \(to)") }
        var span = 0
        var month = from
        while month < to { month = LocalMonth(containing: month.firstDay.adding(days: month.dayCount)); span += 1 }
        guard span < Self.auditMonthsMax else {
            throw APIError.badRequest("bad_month", "search at most \(Self.auditMonthsMax) months at a time")
        }
        let text = String((Parse.query(request, "q") ?? "").prefix(100))
        let person = String((Parse.query(request, "person") ?? "").prefix(40))
        let page = max(1, Int(Parse.query(request, "page") ?? "1") ?? 1)
        return AuditQuery(from: from, to: to, text: text, person: person, page: page)
    }

    /// The selection, newest first.
    func auditSelection(_ query: AuditQuery) throws -> [AuditEntry] {
        try AuditTrail.entries(store: department.store, months: query.from, query.to).reversed().filter { entry in
            (query.person.isEmpty || entry.actor == query.person)
                && (query.text.isEmpty || entry.subject.contains(query.text) || entry.action.contains(query.text) || entry.actor.contains(query.text))
        }
    }

    func registerAudit(on router: Router<MeshDeskRequestContext>) {
        router.get("/audit") { request, context in
            switch access(request, context) {
            case .redirect(let response): return response
            case .user(let user):
                guard Self.readsAudit(user) else {
                    throw APIError(.forbidden, "not_permitted", "\(user.person) may not read the audit trail: that needs 管理员, 中心查看 or 科长")
                }
                let query = try auditQuery(request)
                let lang = Language.of(request)
                let (entries, names) = try await api.reads.lane.run { [self] in
                    (try auditSelection(query), Dictionary(try department.people().map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a }))
                }
                return try framed(request, user, path: "/audit", version: try api.changes(session: user.session.token).version) { layout in
                    auditPage(entries, query: query, names: names, layout: layout, lang: lang)
                }
            }
        }
        router.get("/audit.csv") { request, context in
            guard case .user(let user) = access(request, context) else { throw APIError.unauthenticated }
            guard Self.readsAudit(user) else {
                throw APIError(.forbidden, "not_permitted", "\(user.person) may not read the audit trail: that needs 管理员, 中心查看 or 科长")
            }
            let query = try auditQuery(request)
            let lang = Language.of(request)
            let rows = try await api.reads.lane.run { [self] in
                let names = Dictionary(try department.people().map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a })
                let header = [lang.pick("时间", "Time"), lang.pick("工号", "Staff no."), lang.pick("姓名", "Name"), lang.pick("操作", "Action"),
                              lang.pick("操作代码", "Action code"), lang.pick("对象", "Subject"), lang.pick("节点", "Node"), lang.pick("来源", "Via")]
                return [header] + (try auditSelection(query)).prefix(Self.auditExportMax).map { entry in
                    [entry.time.description, entry.actor, names[entry.actor] ?? "", AuditNames.action(entry.action, lang), entry.action,
                     entry.subject, entry.node, AuditNames.via(entry.via, lang)]
                }
            }
            // The byte-order mark tells Excel the file is UTF-8; cells are neutralised by CSVTable.
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit-\(query.from)-\(query.to).csv\"",
                .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ], body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + CSVTable.write(rows))))
        }
    }

    func auditPage(_ entries: [AuditEntry], query: AuditQuery, names: [String: String], layout: Layout, lang: Language) -> HTML {
        let pages = max(1, (entries.count + Self.auditPageSize - 1) / Self.auditPageSize)
        let page = min(query.page, pages)
        let shown = entries.dropFirst((page - 1) * Self.auditPageSize).prefix(Self.auditPageSize)
        let rows: [HTML] = shown.map { entry in
            let who = names[entry.actor].map { "\($0) (\(entry.actor))" } ?? entry.actor
            return """
                <tr><td>\(entry.time.description)</td><td>\(who)</td><td>\(AuditNames.action(entry.action, lang))</td>\
                <td><code>\(entry.subject)</code></td><td><code>\(String(entry.node.prefix(8)))</code></td><td>\(AuditNames.via(entry.via, lang))</td></tr>
                """
        }
        let filter = "from=\(query.from)&to=\(query.to)&q=\(AssetQuery.encode(query.text))&person=\(AssetQuery.encode(query.person))"
        let pager: HTML = pages <= 1 ? "" : """
            <p>\(page > 1 ? HTML("<a href=\"/audit?\(filter)&page=\(page - 1)\">« \(lang.pick("上一页", "previous"))</a> ") : "")\
            \(lang.pick("第 \(page) / \(pages) 页", "page \(page) of \(pages)"))\
            \(page < pages ? HTML(" <a href=\"/audit?\(filter)&page=\(page + 1)\">\(lang.pick("下一页", "next")) »</a>") : "")</p>
            """
        let table: HTML = entries.isEmpty
            ? "<p class=\"muted\">\(lang.pick("没有符合条件的记录。", "No entries match."))</p>"
            : """
                <table id="audit"><tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("操作人", "By"))</th><th>\(lang.pick("操作", "Action"))</th>\
                <th>\(lang.pick("对象", "Subject"))</th><th>\(lang.pick("节点", "Node"))</th><th>\(lang.pick("来源", "Via"))</th></tr>\(rows)</table>
                """
        // The subject is the command's own identifier (a seat key, a request id, a grant):
        // shown as code, as written, for the operator to search by.
        return layout.page(title: lang.pick("审计记录", "Audit trail"), """
            <form method="get" action="/audit" class="card wide">
            <label>\(lang.pick("自", "From")) <input type="month" name="from" value="\(query.from.description)"></label>
            <label>\(lang.pick("至", "To")) <input type="month" name="to" value="\(query.to.description)"></label>
            <label>\(lang.pick("工号", "Staff no.")) <input name="person" value="\(query.person)" size="8"></label>
            <label>\(lang.pick("关键字（对象、操作）", "Text (subject, action)")) <input name="q" value="\(query.text)"></label>
            <button id="search-audit">\(lang.pick("查询", "Search"))</button></form>
            <p>\(lang.pick("共 \(entries.count) 条", "\(entries.count) entries")) · <a href="/audit.csv?\(filter)">\(lang.pick("导出 CSV", "Export CSV"))</a> \
            <span class="muted">\(lang.pick("（最多 \(Self.auditExportMax) 条；每次最多查询 \(Self.auditMonthsMax) 个月）", "(at most \(Self.auditExportMax) entries; up to \(Self.auditMonthsMax) months a search)"))</span></p>
            \(table)\(pager)
            """)
    }
}

/// The audit's action codes (`swap.approve`) as staff say them: the entity, then what was
/// done to it. Every code the domain writes has a name (`AuditNamesTests` scans the
/// sources); an unknown one — from a newer node — reads as its entity and 操作.
enum AuditNames {
    static let entities: [String: (String, String)] = [
        "account": ("账号", "account"), "approval": ("申请", "request"), "asset": ("资产", "asset"), "attendance": ("考勤", "attendance"),
        "audit": ("审计", "audit"), "calendar": ("节假日", "holiday calendar"), "campus": ("院区", "campus"), "demo": ("演示数据", "demo data"),
        "directory": ("名录", "directory"), "dutylog": ("值班记录", "duty log"), "handover": ("交接班", "handover"), "leave": ("请假", "leave"),
        "overtime": ("加班", "overtime"), "person": ("人员", "person"), "post": ("岗位", "post"), "role": ("角色", "role"),
        "roster": ("值班表", "roster"), "swap": ("换班", "swap"), "ticket": ("工单", "ticket"),
        "notification": ("通知", "notification"),
        "kb": ("知识库", "knowledge base"), "plan": ("应急预案", "emergency plan"), "drill": ("演练", "drill"),
        "machine_room": ("机房", "machine room"), "security_check": ("安全检查", "security check"),
    ]

    static let verbs: [String: (String, String)] = [
        "create": ("新建", "created"), "password": ("修改密码", "password changed"), "disable": ("停用", "disabled"), "enable": ("启用", "enabled"),
        "locked": ("锁定", "locked"), "sign_in_failed": ("登录失败", "sign-in failed"), "bootstrap": ("初始化", "set up"),
        "import": ("导入", "imported"), "inspections": ("巡检记录", "inspections"), "move": ("调拨", "moved"), "register": ("登记", "registered"),
        "stock": ("库存调整", "stock changed"), "entries": ("记录", "entries"), "load": ("导入", "loaded"), "assets": ("资产", "assets"),
        "append": ("填写", "written"), "sign": ("签字", "signed"), "start": ("发起", "started"), "approve": ("批准", "approved"),
        "cancel": ("撤回", "withdrawn"), "reject": ("驳回", "rejected"), "request": ("申请", "requested"), "revoke": ("销假", "called off"),
        "annual_leave": ("年假天数", "annual leave days"), "grant": ("授予", "granted"), "override": ("调整班位", "seat changed"),
        "publish": ("发布", "published"), "accept": ("同意", "accepted"), "decline": ("拒绝", "declined"), "arrange": ("代为换班", "arranged"),
        "take_over": ("顶班", "taken over"), "history": ("历史导入", "history imported"), "open": ("登记", "opened"),
        "open-batch": ("批量登记", "opened in a batch"), "policy": ("策略", "policy set"), "link-asset": ("关联资产", "asset linked"), "attach": ("上传附件", "file attached"),
        "assign": ("派单", "assigned"), "escalate": ("升级", "escalated"), "resolve": ("解决", "resolved"), "close": ("关闭", "closed"),
        "reopen": ("重新打开", "reopened"), "pend": ("挂起", "put on hold"), "resume": ("恢复处理", "resumed"), "note": ("进展", "note added"),
        "workaround": ("过渡方案", "workaround recorded"), "sign_in": ("签到", "checked in"), "sign_out": ("签退", "checked out"),
        "purchase": ("设备申请", "purchase requested"), "scrap": ("报废", "scrapped"), "change": ("变更申请", "change requested"),
        "department-approve": ("科室批准", "approved for the department"),
        "assess": ("评估", "assessed"), "implement": ("实施", "implemented"), "checkout": ("领用", "checked out"),
        "checkin": ("归还", "checked in"), "inspect": ("巡检", "inspected"), "repair": ("送修", "sent to repair"),
        "repaired": ("修复", "back from repair"), "maintain": ("维护", "maintained"), "retag": ("改编号", "retagged"),
        "cancelled": ("撤销", "cancelled"), "unlock": ("解锁", "unlocked"), "edit": ("修改", "edited"), "day": ("调整某日", "day set"),
        "major": ("标记重大故障", "marked a major incident"), "transfer": ("院区调拨", "sent to another campus"), "read": ("标为已读", "marked read"), "settings": ("设置", "settings changed"),
        "write": ("编写", "written"), "keep": ("保留版本", "revision kept"),
        "dates": ("设定复审归档日期", "dates set"), "contact_add": ("添加联系人", "contact added"), "contact_remove": ("移除联系人", "contact removed"),
        "schedule": ("安排", "scheduled"), "record": ("记录结果", "recorded"), "enter": ("进入登记", "went in"), "leave": ("离开登记", "came out"),
    ]

    static func action(_ code: String, _ lang: Language) -> String {
        let parts = code.split(separator: ".", maxSplits: 1).map(String.init)
        let entity = entities[parts.first ?? ""].map { lang.pick($0.0, $0.1) } ?? lang.pick("其他", "other")
        guard parts.count == 2, let verb = verbs[parts[1]] else { return lang.pick("\(entity)操作", "\(entity): other") }
        return lang.pick("\(entity)\(verb.0)", "\(entity) \(verb.1)")
    }

    /// `web user=chief` → 网页（chief）; `cli os-user=root uid=0` → 命令行（root）; none → —.
    static func via(_ via: String?, _ lang: Language) -> String {
        guard let via, !via.isEmpty else { return "—" }
        if via.hasPrefix("web user=") { return lang.pick("网页（\(via.dropFirst(9))）", "web (\(via.dropFirst(9)))") }
        if via.hasPrefix("cli os-user=") {
            let user = via.dropFirst(12).prefix { $0 != " " }
            return lang.pick("命令行（\(user)）", "CLI (\(user))")
        }
        return via
    }
}
