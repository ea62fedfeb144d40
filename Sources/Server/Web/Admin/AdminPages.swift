import Domain
import HTTPTypes
import Hummingbird
import Logging

/// 管理 — the administrator's pages: accounts, people and their roles, campuses and
/// posts with their shift set and rest rules, the holiday calendar, the ticket policy.
/// Every form calls the same domain command as the CLI (`meshdesk user`, `directory`,
/// `ticket policy`), which checks the role again and writes the audit entry; the pages
/// only gather and check what was typed. Done: 303 back with `?done=`; refused: the page
/// again with the message beside the field (role="alert"), what was typed, the status,
/// a log line, nothing written. Anyone without an administrator role gets the 403 page.
extension Dashboard {
    /// The sections under 管理, in the order of the index page.
    static let adminSections: [(path: String, zh: String, en: String, zhAbout: String, enAbout: String)] = [
        ("/admin/accounts", "账号", "Accounts", "开户（一次性密码）、重置密码、停用 / 启用、解锁", "create with a one-time password, reset, disable / enable, unlock"),
        ("/admin/people", "人员与角色", "People and roles", "人员档案、岗位与技能、按院区授予 / 撤销角色", "staff records, posts and skills, roles per campus"),
        ("/admin/campuses", "院区、岗位与班次", "Campuses, posts and shifts", "院区、岗位、班次模板与休息规则", "campuses, posts, shift templates and rest rules"),
        ("/admin/calendar", "节假日", "Holiday calendar", "一年的放假与调休上班，逐日修改，导入国务院安排", "a year's holidays and make-up working days, edit a day, import the official year"),
        ("/admin/policy", "工单规则", "Ticket policy", "紧急程度 × 影响范围 → 优先级、各优先级时限、各院区工作时间", "urgency × impact → priority, SLA targets, business hours per campus"),
        ("/admin/escalation", "升级与通知", "Escalation and notices", "各优先级逐级通知的时间与重复间隔", "per priority, when each level is notified and how often it repeats"),
    ]

    static func administers(_ user: SignedIn) -> Bool { Access.administers(user) }

    func requireAdministrator(_ user: SignedIn) throws { try Access.requireAdministrator(user) }

    /// Campuses the user administers (all of them for an administrator of every campus).
    func administeredCampuses(_ user: SignedIn) throws -> [Campus] {
        try department.campuses().filter { user.staff.holds(.administrator, at: $0.code) }
    }

    func registerAdmin(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin") { _, _, layout in adminIndexPage(layout) }
        registerAdminAccounts(on: router)
        registerAdminPeople(on: router)
        registerAdminCampuses(on: router)
        registerAdminCalendar(on: router)
        registerAdminPolicy(on: router)
    }

    func adminIndexPage(_ layout: Layout) -> HTML {
        let lang = layout.lang
        let rows: [HTML] = Self.adminSections.map {
            "<tr><td><a href=\"\($0.path)\">\(lang.pick($0.zh, $0.en))</a></td><td>\(lang.pick($0.zhAbout, $0.enAbout))</td></tr>"
        }
        return layout.page(title: lang.pick("管理", "Administration"), """
            <p class="muted">\(lang.pick("每项修改都记入审计记录，可在“审计”页查看。", "Every change is written to the audit trail, shown on the Audit page."))</p>
            <table id="admin-sections">\(rows)</table>
            """)
    }

    /// A GET page under 管理: signed in, an administrator, framed.
    func adminPage(_ router: Router<MeshDeskRequestContext>, _ path: String,
                   _ render: @escaping @Sendable (Request, MeshDeskRequestContext, Layout) throws -> HTML) {
        router.get(RouterPath(stringLiteral: path)) { request, context in
            switch access(request, context) {
            case .redirect(let response): return response
            case .user(let user):
                try requireAdministrator(user)
                return try framed(request, user, path: "/admin", version: try api.changes(session: user.session.token).version) { layout in
                    try render(request, context, layout)
                }
            }
        }
    }

    /// What a form did: back to a page (POST → 303 → GET), or a page shown once in the
    /// answer to the post itself (a one-time password must not sit in a URL).
    enum AdminDone {
        case redirect(String)
        case shown(@Sendable (Layout) throws -> HTML)
    }

    /// A form post under 管理: an administrator, the form's fields and CSRF token, then
    /// `run`; a refusal renders `page` again with the failure.
    func adminForm(_ router: Router<MeshDeskRequestContext>, _ path: String, form: String,
                   fields: @escaping @Sendable (MeshDeskRequestContext) throws -> Set<String>,
                   _ run: @escaping @Sendable ([String: String], SignedIn, Acting, MeshDeskRequestContext) throws -> AdminDone,
                   page: @escaping @Sendable (Request, MeshDeskRequestContext, Layout, AdminFailure) throws -> HTML) {
        router.post(RouterPath(stringLiteral: path)) { request, context in
            let (user, acting) = try api.acting(context)
            try requireAdministrator(user)
            let values = try await FormPost.read(request, fields: try fields(context), csrfOf: user)
            let metadata: Logger.Metadata = ["form": "admin-\(form)", "user": "\(user.username)"]
            do {
                switch try run(values, user, acting, context) {
                case .redirect(let location):
                    context.logger.info("admin form done", metadata: metadata)
                    return HTMLResponse.redirect(location)
                case .shown(let render):
                    context.logger.info("admin form done", metadata: metadata)
                    return try framed(request, user, path: "/admin", version: try api.changes(session: user.session.token).version) { try render($0) }
                }
            } catch {
                let apiError = APIError.from(error)
                let status = (error as? AdminRefusal)?.status ?? (error as? DutyRefusal)?.status ?? apiError.status
                guard status.code < 500 else { throw error }
                let code = (error as? AdminRefusal)?.code ?? (error as? DutyRefusal)?.code ?? apiError.code
                context.logger.notice("admin form refused: \((error as? AdminRefusal)?.en ?? (error as? DutyRefusal)?.en ?? apiError.message)",
                                      metadata: metadata.merging(["code": "\(code)", "status": "\(status.code)"]) { a, _ in a })
                let lang = Language.of(request)
                let failure = AdminFailure(form: form, field: Self.adminField(of: error), message: lang.adminRefusal(error), values: values)
                var response = try framed(request, user, path: "/admin", version: try api.changes(session: user.session.token).version) { layout in
                    try page(request, context, layout, failure)
                }
                response.status = status
                return response
            }
        }
    }

    /// The field a domain refusal is about, to show the message beside it.
    static func adminField(of error: any Error) -> String? {
        if let refusal = error as? AdminRefusal { return refusal.field }
        guard let domain = error as? DomainError else { return nil }
        switch domain {
        case .unknownPerson: return "person"
        case .unknownCampus: return "campus"
        case .unknownPost: return "posts"
        case .alreadyExists: return "username"
        case .missing(let field): return field.hasPrefix("username") ? "username" : field
        default: return nil
        }
    }

    /// The sections of 管理 as a line of links atop each of its pages.
    func adminNav(_ lang: Language) -> HTML {
        let links: [HTML] = Self.adminSections.map { "<a href=\"\($0.path)\">\(lang.pick($0.zh, $0.en))</a>" }
        return "<p id=\"admin-nav\"><a href=\"/admin\">\(lang.pick("管理", "Administration"))</a>：\(links.joined(" · "))</p>"
    }

    /// The confirmation of `?done=` on an admin page, or nothing.
    func adminDone(_ request: Request, _ lang: Language) -> HTML {
        guard let done = Parse.query(request, "done"), let text = Self.adminDoneTexts[done] else { return "" }
        return "<p class=\"card ok\" id=\"done\" role=\"status\">\(lang.pick(text.0, text.1))</p>"
    }

    static let adminDoneTexts: [String: (String, String)] = [
        "disable": ("账号已停用，其登录在下一次请求时结束。", "The account is disabled; its sessions end at their next request."),
        "enable": ("账号已启用。", "The account is enabled."),
        "unlock": ("账号已解锁。", "The account is unlocked."),
        "person": ("人员档案已保存。", "The staff record is saved."),
        "grant": ("角色已授予。", "The role is granted."),
        "revoke": ("角色已撤销。", "The role is revoked."),
        "campus": ("院区已保存。", "The campus is saved."),
        "post": ("岗位已保存。", "The post is saved."),
        "day": ("该日已保存。", "The day is saved."),
        "official": ("已导入国务院节假日安排。", "The official schedule is imported."),
        "policy": ("工单规则已保存，各节点同步后一致生效。", "The ticket policy is saved; every node applies it once synced."),
        "hours": ("工作时间已保存。", "The business hours are saved."),
    ]
}

/// A refusal of an admin form found before the domain is asked, naming its field.
struct AdminRefusal: Error, Sendable {
    let field: String?
    let code: String
    let zh: String
    let en: String
    var status: HTTPResponse.Status { .unprocessableContent }

    init(_ field: String?, _ zh: String, _ en: String, code: String = "bad_value") {
        self.field = field
        self.code = code
        self.zh = zh
        self.en = en
    }
}

/// What an admin page shows after a refused form: which form, beside which field, what
/// was typed.
struct AdminFailure: Sendable {
    let form: String
    let field: String?
    let message: String
    let values: [String: String]

    /// The message beside `field` of `form`, when the refusal names that field.
    func alert(_ form: String, _ field: String) -> HTML {
        guard self.form == form, self.field == field else { return "" }
        return "<span class=\"bad\" role=\"alert\" data-field=\"\(field)\">\(message)</span><br>"
    }

    /// The message at the head of `form`, when the refusal names none of `fields` (the
    /// ones the form shows an alert beside).
    func head(_ form: String, fields: Set<String>) -> HTML {
        guard self.form == form, !(field.map(fields.contains) ?? false) else { return "" }
        return "<p class=\"bad\" role=\"alert\">\(message)</p>"
    }
}

extension Optional where Wrapped == AdminFailure {
    func alert(_ form: String, _ field: String) -> HTML { self?.alert(form, field) ?? "" }
    func head(_ form: String, fields: Set<String>) -> HTML { self?.head(form, fields: fields) ?? "" }
    /// What was typed into `field` of `form`, when that form was refused.
    func typed(_ form: String, _ field: String) -> String? {
        guard let failure = self, failure.form == form else { return nil }
        return failure.values[field]
    }
}

extension Language {
    /// A role as staff say it.
    func name(of role: Role) -> String {
        switch role {
        case .sectionChief: pick(role.chineseName, "section chief")
        case .engineer: pick(role.chineseName, "engineer")
        case .dutyEngineer: pick(role.chineseName, "duty engineer")
        case .attendanceClerk: pick(role.chineseName, "attendance clerk")
        case .requester: pick(role.chineseName, "ward requester")
        case .centralViewer: pick(role.chineseName, "central viewer")
        case .administrator: pick(role.chineseName, "administrator")
        case .departmentHead: pick(role.chineseName, "department head")
        }
    }

    /// A refused admin form's message: the page's own refusals, the domain's known
    /// refusals of administration, else the shared `refusal`.
    func adminRefusal(_ error: any Error) -> String {
        if let refusal = error as? AdminRefusal { return pick(refusal.zh, refusal.en) }
        if let domain = error as? DomainError {
            switch domain {
            case .invalid(let field, let reason) where field == "last administrator":
                return pick("不能停用最后一个全院管理员的账号：否则无人能再管理系统。", "Refused: \(reason). Nobody could administer the system.")
            case .invalid(let field, let reason) where field == "policy":
                return pick("工单规则不符合要求：每格须有 1–4 的优先级，时限须为正数，且优先级越低时限不得越短。", "The policy is refused: \(reason).")
            case .invalid(let field, let reason) where field == "make-up workday":
                return pick("调休上班日只能是周六或周日。", "A make-up working day must be a Saturday or Sunday: \(reason).")
            case .invalid(_, let reason):
                return pick("填写的内容不符合要求，未保存。", "Refused: \(reason).")
            case .alreadyExists(let what) where what.hasPrefix("account "):
                return pick("该用户名已被使用。", "That username is taken.")
            case .alreadyExists(let what) where what.hasPrefix("an account for"):
                return pick("此人已有账号（每人一个账号）。", "This person has an account already (one each).")
            case .wrongState(let what, _, let action) where what.hasPrefix("account") && action == "unlock":
                return pick("该账号没有被锁定。", "That account is not locked.")
            case .badCalendar(let error):
                let lines = error.badLines.prefix(3).map { "第 \($0.line) 行" }.joined(separator: "、")
                return pick("节假日文件有错误（\(lines)），未导入。", "The calendar file has errors (\(error.badLines.prefix(3).map { "line \($0.line)" }.joined(separator: ", "))); nothing imported.")
            default: break
            }
        }
        return refusal(error)
    }
}
