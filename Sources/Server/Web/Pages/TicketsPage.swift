import Domain
import Hummingbird

/// 工单 — open tickets by campus, priority and SLA state (breaches first), the charts,
/// one ticket with its timeline and actions, and the form to report a problem.
extension Dashboard {
    /// Most open tickets the list page shows per campus.
    static let ticketsPageMax = 100
    /// Newest open tickets per campus on the home page.
    static let homeTicketsMax = 5
    static let chartDays = 30

    /// Breaches first, then at risk, on track; within a state the higher priority first.
    static func slaRank(_ state: SLAStatus.State) -> Int {
        switch state {
        case .resolveBreached: 0
        case .ownBreached: 1
        case .atRisk: 2
        case .onTrack: 3
        case .met: 4
        }
    }

    func slaBadge(_ sla: SLAStatus, _ lang: Language) -> HTML {
        let name = lang.name(of: sla.state)
        let css: HTML = switch sla.state {
        case .resolveBreached, .ownBreached: "bad"
        case .atRisk: "warn"
        case .onTrack, .met: "ok"
        }
        let paused: HTML = sla.paused ? " (\(lang.pick("已暂停", "paused")))" : ""
        return "<span class=\"\(css)\">\(name)</span>\(paused)"
    }

    func stateName(_ state: TicketState, _ lang: Language) -> String {
        lang.name(of: state)
    }

    /// Visible open tickets with their SLA, breaches first.
    func openTickets(_ user: SignedIn, campuses: [CampusCode], limit: Int) throws -> [(Ticket, SLAStatus)] {
        let tickets = try api.visibleTickets(user, campuses: campuses, openOnly: true, limit: limit)
        return Array(zip(tickets, try department.slas(of: tickets, at: configuration.clock.now())))
            .sorted {
                (Self.slaRank($0.1.state), $0.0.priority, $0.0.summary.openedAt ?? 0, $0.0.number)
                    < (Self.slaRank($1.1.state), $1.0.priority, $1.0.summary.openedAt ?? 0, $1.0.number)
            }
    }

    func ticketRow(_ ticket: Ticket, _ sla: SLAStatus, _ lang: Language, names: [String: String]) -> HTML {
        let assignee: HTML = ticket.assigneeConflict.isEmpty
            ? "\(ticket.assignee.map { names[$0.rawValue] ?? $0.rawValue } ?? "—")"
            : "<span class=\"bad\">\(ticket.assigneeConflict.map { $0 ?? "—" }.joined(separator: " / "))</span>"
        let opened = ticket.summary.openedAt.map { LocalDateTime(minutesSinceEpoch: $0).description } ?? ""
        return """
            <tr><td>\(ticket.number)</td><td><a href="/tickets/\(ticket.number)">\(TicketText.title(of: ticket.intake.description))</a></td>\
            <td>P\(ticket.priority)</td><td>\(stateName(ticket.state, lang))</td><td>\(slaBadge(sla, lang))</td><td>\(assignee)</td><td>\(opened)</td></tr>
            """
    }

    func ticketTableHeader(_ lang: Language) -> HTML {
        """
        <tr><th>\(lang.pick("工单号", "Number"))</th><th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("优先级", "Priority"))</th>\
        <th>\(lang.pick("状态", "State"))</th><th>SLA</th><th>\(lang.pick("处理人", "Assignee"))</th><th>\(lang.pick("报修时间", "Reported"))</th></tr>
        """
    }

    func staffNames() throws -> [String: String] {
        Dictionary(try department.people().map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: - the list

    func ticketsPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let campuses = try api.visibleCampuses(user, request)
        let all = try department.campuses()
        let open = try openTickets(user, campuses: campuses, limit: Self.ticketsPageMax)
        let names = try staffNames()
        let noneOpen: HTML = "<p class=\"ok\">\(lang.pick("无未结工单", "No open tickets"))</p>"
        let sections: [HTML] = all.filter { campuses.contains($0.code) }.map { campus in
            let rows = open.filter { $0.0.campus == campus.code }.map { ticketRow($0.0, $0.1, lang, names: names) }
            let more: HTML = rows.count >= Self.ticketsPageMax
                ? "<p class=\"muted\">\(lang.pick("仅显示最新的", "Showing the newest")) \(Self.ticketsPageMax)</p>" : ""
            return """
                <h2>\(campus.name) (\(campus.code.rawValue)) — \(lang.pick("未结", "open")) \(rows.count)</h2>\(more)
                \(rows.isEmpty ? noneOpen : "<table>\(ticketTableHeader(lang))\(rows)</table>")
                """
        }
        let overseen = campuses.filter { Access.seesAllTickets(user, $0) }
        var figures: HTML = ""
        if !overseen.isEmpty {
            let report = TicketReportView(try department.openTicketReport(at: configuration.clock.now()), campuses: Set(overseen.map(\.rawValue)))
            let lines: [HTML] = report.lines.sorted {
                ($0.campus, Self.slaRank(SLAStatus.State(rawValue: $0.sla) ?? .onTrack), $0.priority)
                    < ($1.campus, Self.slaRank(SLAStatus.State(rawValue: $1.sla) ?? .onTrack), $1.priority)
            }.map { line in
                let state = SLAStatus.State(rawValue: line.sla) ?? .onTrack
                let bad = state == .ownBreached || state == .resolveBreached
                return "<tr><td>\(line.campus)</td><td>P\(line.priority)</td><td\(bad ? HTML(" class=\"bad\"") : "")>\(lang.name(of: state))</td><td>\(line.count)</td></tr>"
            }
            let due: [HTML] = report.escalationsDue.map { "<li><a href=\"/tickets/\($0.number)\">\($0.number)</a> → \($0.level)</li>" }
            figures = """
                <h2>\(lang.pick("按院区、优先级和 SLA 状态", "By campus, priority and SLA state"))</h2>
                <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("优先级", "Priority"))</th><th>SLA</th><th>\(lang.pick("数量", "Count"))</th></tr>\(lines)</table>
                \(due.isEmpty ? HTML("") : "<h3>\(lang.pick("应升级", "Escalation due"))</h3><ul>\(due)</ul>")
                \(try charts(overseen, lang))
                """
        }
        var mine: HTML = ""
        if campuses.contains(where: { !Access.seesAllTickets(user, $0) }) {
            let now = configuration.clock.now()
            let handled = try department.tickets(openedBy: user.person, limit: 20).filter { !$0.state.isOpen }
            let closed = zip(handled, try department.slas(of: handled, at: now)).map { ticketRow($0, $1, lang, names: names) }
            if !closed.isEmpty {
                mine = "<h2>\(lang.pick("我报修的已处理工单", "My handled tickets"))</h2><table>\(ticketTableHeader(lang))\(closed)</table>"
            }
        }
        let search: HTML = "<a id=\"search-tickets\" href=\"/tickets/search\">\(lang.pick("查询全部工单（含已关闭）", "Search all tickets (closed too)"))</a>"
        let report: HTML = Access.reportingCampuses(user, among: all.map(\.code)).isEmpty ? "<p>\(search)</p>"
            : "<p><a href=\"/tickets/new\">\(lang.pick("报修新问题", "Report a new problem"))</a> · \(search)</p>"
        return PageContent(title: lang.pick("未结工单", "Open tickets"), body: "\(report)\(sections)\(mine)\(figures)")
    }

    /// 工单量（近 30 天）and SLA 达成率 per campus, as inline SVG.
    func charts(_ campuses: [CampusCode], _ lang: Language) throws -> HTML {
        let stats = try api.ticketStatistics(days: Self.chartDays, campuses: Set(campuses.map(\.rawValue)))
        let today = configuration.clock.now().date
        let days = (0..<Self.chartDays).map { today.adding(days: $0 + 1 - Self.chartDays) }
        let series = campuses.map(\.rawValue)
        var counts: [String: Int] = [:]
        for day in stats.volume { counts["\(day.date)|\(day.campus)"] = day.count }
        let values = days.map { day in series.map { counts["\(day.iso)|\($0)"] ?? 0 } }
        let volume = SVGChart.stackedColumns(title: lang.pick("近 30 天每日工单量", "Tickets per day, last 30 days"),
                                             labels: days.map { String($0.iso.dropFirst(5)) }, series: series, values: values)
        let rows = series.map { campus in
            let a = stats.attainment.first { $0.campus == campus }
            return (label: campus, value: a?.rate, note: a.map { "(\($0.met)/\($0.resolved))" } ?? "")
        }
        let attainment = SVGChart.percentBars(title: lang.pick("SLA 达成率（近 30 天已解决）", "SLA attainment (resolved, last 30 days)"),
                                              rows: rows, emptyText: lang.pick("暂无已解决工单", "nothing resolved yet"))
        return """
            <h2>\(lang.pick("近 30 天每日工单量", "Tickets per day, last 30 days"))</h2>\(volume)
            <h2>\(lang.pick("SLA 达成率（近 30 天报修且已解决）", "SLA attainment (reported in the last 30 days and resolved)"))</h2>\(attainment)
            """
    }

    // MARK: - one ticket

    func ticketPage(_ number: String, _ user: SignedIn, _ layout: Layout, failure: DutyFormFailure?, attachmentNotice: AttachmentNotice? = nil) throws -> HTML {
        let lang = layout.lang
        let ticket = try department.ticket(number)
        try Access.requireTicketRead(user, ticket)
        let sla = try department.sla(of: ticket, at: configuration.clock.now())
        let names = try staffNames()
        func who(_ id: String) -> String { names[id].map { "\($0) (\(id))" } ?? id }
        let i = ticket.intake
        let post = try i.post.map { id in
            try department.posts(campus: ticket.campus).first { $0.id == id }.map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? id.rawValue
        } ?? "—"
        let assignee: HTML = ticket.assigneeConflict.isEmpty ? "\(ticket.assignee.map { who($0.rawValue) } ?? "—")"
            : "<span class=\"bad\">\(lang.pick("并发派单冲突", "concurrent assignment")): \(ticket.assigneeConflict.map { $0.map(who) ?? "—" }.joined(separator: " / "))</span>"
        let timeline: [HTML] = ticket.timeline.map { e in
            let ignored = ticket.summary.ignored.contains(e)
            // A workaround is a note carrying it (see recordWorkaround): its text once, under its own name.
            let detail = [e.assignee.map { "→ \(who($0))" }, e.level.map { "→ \(lang.name(of: $0))" },
                          e.reason.map { "(\(lang.name(of: $0)))" }, e.isWorkaround ? nil : e.text, e.workaround.map { "\(lang.pick("过渡方案", "Workaround")): \($0)" },
                          e.rootCause.map { "\(lang.pick("原因", "Root cause")): \($0)" },
                          e.improvement.map { "\(lang.pick("改进", "Improvement")): \($0)" },
                          e.expectedAt.map { "\(lang.pick("预计完成", "Expected")) \(LocalDateTime(minutesSinceEpoch: $0))" }]
                .compactMap { $0 }.joined(separator: " ")
            let mark: HTML = ignored ? " <span class=\"bad\">[\(lang.pick("未生效", "ignored"))]</span>" : ""
            let name = e.isMajorIncidentMark ? lang.pick("标记为重大故障", "marked a major incident")
                : e.isWorkaround ? lang.pick("过渡方案", "workaround") : eventName(e.kind, lang)
            return "<tr\(e.isMajorIncidentMark ? HTML(" class=\"major-mark\"") : "")><td>\(e.time.description)</td><td>\(who(e.by))</td><td\(e.isMajorIncidentMark ? HTML(" class=\"bad\"") : "")>\(name)\(mark)</td><td class=\"desc\">\(detail)</td></tr>"
        }
        return layout.page(title: "\(ticket.number) \(TicketText.title(of: i.description))", """
            <table>
            <tr><th>\(lang.pick("状态", "State"))</th><td>\(stateName(ticket.state, lang)) · P\(ticket.priority)\(i.major ? HTML(" · <strong class=\"bad\" id=\"major\">\(lang.pick("重大故障", "major incident"))</strong>") : "") · \(lang.pick("级别", "Level")) \(lang.name(of: ticket.summary.level))</td></tr>
            <tr><th>SLA</th><td>\(slaBadge(sla, lang)) \(lang.pick("响应", "own")) \(sla.ownMinutes)/\(sla.target.ownMinutes) \(lang.pick("分", "min")), \(lang.pick("解决", "resolve")) \(sla.resolveMinutes)/\(sla.target.resolveMinutes) \(lang.pick("分", "min")) (\(lang.name(of: sla.target.clock)))\(sla.escalationDue.map { " · \(lang.pick("应升级至", "escalation due to")) \(lang.name(of: $0))" } ?? "")</td></tr>
            <tr><th>\(lang.pick("处理人", "Assignee"))</th><td>\(assignee)</td></tr>
            <tr><th>\(lang.pick("院区 / 科室 / 位置", "Campus / department / location"))</th><td>\(try department.campus(ticket.campus)?.name ?? ticket.campus.rawValue) / \(i.department) / \(i.location)</td></tr>
            <tr><th>\(lang.pick("报修人", "Reporter"))</th><td>\(i.reporter) \(i.contactPhone)</td></tr>
            <tr><th>\(lang.pick("类别 / 渠道 / 岗位", "Category / channel / post"))</th><td>\(categoryName(i.category, lang)) / \(lang.name(of: i.channel)) / \(post)</td></tr>
            <tr><th>\(lang.pick("资产", "Assets"))</th><td>\(ticket.assets.map { "<a href=\"/assets/\(AssetQuery.encode($0))\">\($0)</a> " as HTML })</td></tr>
            </table>
            <h2>\(lang.pick("问题描述", "Description"))</h2><div class="card desc">\(i.description)</div>
            <h2>\(lang.pick("处理过程", "Timeline"))</h2>
            <table><tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("操作人", "By"))</th><th>\(lang.pick("操作", "Action"))</th><th>\(lang.pick("内容", "Detail"))</th></tr>\(timeline)</table>
            \(try ticketAttachmentsSection(ticket, user, lang, notice: attachmentNotice))
            <h2>\(lang.pick("操作", "Actions"))</h2>\(ticketActions(ticket, user, lang, failure: failure))\(faultRecordLink(ticket, user, lang))
            """)
    }

    func eventName(_ kind: TicketEvent.Kind, _ lang: Language) -> String {
        guard lang == .zh else { return kind.rawValue }
        switch kind {
        case .open: return "登记"
        case .assign: return "派单"
        case .start: return "开始处理"
        case .note: return "进展"
        case .pend: return "挂起"
        case .resume: return "恢复处理"
        case .escalate: return "升级"
        case .resolve: return "解决"
        case .close: return "关闭"
        case .reopen: return "重新打开"
        case .cancel: return "取消"
        }
    }

    /// The forms of the actions this user may take now: the state machine allows the
    /// step, and the user's role does (the server checks both again on the post).
    func ticketActions(_ ticket: Ticket, _ user: SignedIn, _ lang: Language, failure: DutyFormFailure? = nil) -> HTML {
        let handler = Access.handlesTickets(user, ticket.campus)
        let own = user.staff.holds(.requester, at: ticket.campus) && Access.opened(user, ticket)
        let canCancel = [Role.sectionChief, .dutyEngineer].contains { user.staff.holds($0, at: ticket.campus) } || own
        let csrf = user.session.csrfToken
        func form(_ action: String, _ kind: TicketEvent.Kind, _ label: String, _ fields: HTML = "") -> HTML? {
            guard TicketFlow.next(ticket.state, kind) != nil else { return nil }
            // A refused action: its message beside the form, what was typed kept.
            let refused: HTML = failure?.form == action ? "<span class=\"bad\" role=\"alert\">\(failure?.message ?? "")</span><br>" : ""
            return """
                <form class="act" id="ticket-\(action)" method="post" action="/tickets/\(ticket.number)/\(action)"><input type="hidden" name="csrf" value="\(csrf)">\
                \(refused)\(fields)<button>\(label)</button></form>
                """
        }
        func input(_ name: String, _ placeholder: String, required: Bool = true) -> HTML {
            "<input name=\"\(name)\" placeholder=\"\(placeholder)\" value=\"\(failure?.values[name] ?? "")\"\(required ? HTML(" required") : "")><br>"
        }
        var forms: [HTML?] = []
        if handler {
            forms += [
                form("assign", .assign, lang.pick("派单", "Assign"), input("to", lang.pick("工号（空 = 当前值班）", "staff no. (empty: on duty)"), required: false)),
                form("start", .start, lang.pick("开始处理", "Start")),
                form("note", .note, lang.pick("记录进展", "Add note"),
                     "\(input("text", lang.pick("进展", "note")))\(input("expected", lang.pick("预计完成 YYYY-MM-DDTHH:MM", "expected YYYY-MM-DDTHH:MM"), required: false))"),
                form("pend", .pend, lang.pick("挂起", "Pend"), """
                    <select name="reason"><option value="requester">\(lang.pick("等待报修人", "requester"))</option>\
                    <option value="vendor">\(lang.pick("等待厂商", "vendor"))</option><option value="parts">\(lang.pick("等待配件", "parts"))</option></select><br>\(input("text", lang.pick("说明", "why")))
                    """),
                form("resume", .resume, lang.pick("恢复处理", "Resume")),
                // 过渡方案 without escalating: legal whenever a note is.
                form("workaround", .note, lang.pick("记录过渡方案（不升级）", "Record a workaround (no escalation)"),
                     input("workaround", lang.pick("告知科室的过渡方案", "workaround told to the department"))),
                // 升级 one level (the default) or straight to a higher one: a major incident
                // goes to 总值班 at once.
                form("escalate", .escalate, lang.pick("升级", "Escalate"), """
                    <select name="level"><option value="">\(lang.pick("升一级", "one level up"))</option>\
                    \(EscalationLevel.allCases.drop { $0 != ticket.summary.level }.dropFirst().map { level -> HTML in
                        "<option value=\"\(level.rawValue)\">\(lang.pick("直接升至", "straight to")) \(lang.name(of: level))</option>"
                    })</select><br>\(input("workaround", lang.pick("过渡方案", "workaround")))
                    """),
                // 重大故障 found after intake: priority 1, marked on the timeline.
                ticket.intake.major || !ticket.state.isOpen ? nil : form("major", .note, lang.pick("标记为重大故障", "Mark a major incident"),
                                                 input("text", lang.pick("原因（如 全院 HIS 无法登录）", "why (the whole hospital cannot sign in to HIS)"))),
                form("link", .note, lang.pick("关联资产", "Link an asset"), input("asset", lang.pick("资产编号", "asset tag"))),
                form("resolve", .resolve, lang.pick("解决", "Resolve"),
                     "\(input("rootCause", lang.pick("原因", "root cause")))\(input("improvement", lang.pick("改进措施", "improvement")))\(input("solution", lang.pick("处理方法", "solution"), required: false))"),
            ]
        }
        if handler || own {
            forms += [form("close", .close, lang.pick("关闭", "Close")),
                      form("reopen", .reopen, lang.pick("重新打开", "Reopen"), input("text", lang.pick("原因", "reason")))]
        }
        if canCancel { forms.append(form("cancel", .cancel, lang.pick("取消工单", "Cancel"), input("text", lang.pick("原因", "reason")))) }
        let shown = forms.compactMap { $0 }
        // A refused action whose form is no longer offered (the state moved): its message heads the actions.
        let orphan: HTML = failure.map { f in shown.contains { $0.markup.contains("id=\"ticket-\(f.form)\"") } ? "" : "<p class=\"bad\" role=\"alert\">\(f.message)</p>" } ?? ""
        return shown.isEmpty ? "\(orphan)<p class=\"muted\">\(lang.pick("当前无可执行的操作。", "No action available to you now."))</p>" : "\(orphan)<div>\(shown)</div>"
    }

    // MARK: - report a problem

    func newTicketPage(_ user: SignedIn, _ layout: Layout, failure: DutyFormFailure? = nil, suggest: String? = nil) throws -> HTML {
        let lang = layout.lang
        let campuses = Access.reportingCampuses(user, among: try department.campuses().map(\.code))
        guard !campuses.isEmpty else {
            return layout.page(title: lang.pick("报修", "Report a problem"),
                               "<p class=\"muted\">\(lang.pick("您的角色不能报修（只读）。", "Your role cannot report problems (read-only)."))</p>")
        }
        // A refused report comes back with what was typed.
        func typed(_ field: String, _ otherwise: String = "") -> String { failure?.values[field] ?? otherwise }
        let campus = typed("campus", campuses[0].rawValue)
        let campusOptions: [HTML] = campuses.map { code in
            "<option value=\"\(code.rawValue)\"\(code.rawValue == campus ? HTML(" selected") : HTML(""))>\(code.rawValue)</option>"
        }
        let priority = typed("priority", "3")
        let priorities: [HTML] = [(1, "紧急", "urgent"), (2, "高", "high"), (3, "中", "medium"), (4, "低", "low")].map { p in
            "<option value=\"\(p.0)\"\(String(p.0) == priority ? HTML(" selected") : HTML(""))>P\(p.0) \(lang.pick(p.1, p.2))</option>"
        }
        let category = typed("category", TicketCategory.other.rawValue)
        let categories: [HTML] = TicketCategory.allCases.map {
            "<option value=\"\($0.rawValue)\"\($0.rawValue == category ? HTML(" selected") : HTML(""))>\(categoryName($0, lang))</option>"
        }
        let refused: HTML = failure.map { "<p class=\"bad\" role=\"alert\" data-field=\"\($0.form)\">\(lang.pick("未提交：", "Not submitted: "))\($0.message)</p>" } ?? ""
        return layout.page(title: lang.pick("报修", "Report a problem"), """
            <form class="card" method="post" action="/tickets" style="max-width:680px">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)">\(failure?.form == "assets" ? "" : refused)
            <label>\(lang.pick("标题", "Title"))<br><input class="wide" name="title" maxlength="\(TicketText.titleCharactersMax)" value="\(failure == nil ? suggest ?? "" : typed("title"))" required></label><br>
            <label>\(lang.pick("问题描述", "Description"))<br><input class="wide" name="description" value="\(typed("description"))"></label><br>
            <label>\(lang.pick("优先级", "Priority"))<br><select name="priority">\(priorities)</select></label><br>
            <label>\(lang.pick("院区", "Campus"))<br><select name="campus">\(campusOptions)</select></label><br>
            <label>\(lang.pick("类别", "Category"))<br><select name="category">\(categories)</select></label><br>
            <label>\(lang.pick("科室", "Department"))<br><input name="department" value="\(typed("department"))"></label><br>
            <label>\(lang.pick("位置", "Location"))<br><input name="location" value="\(typed("location"))"></label><br>
            <label>\(lang.pick("联系电话", "Phone"))<br><input name="phone" value="\(typed("phone", user.staff.phone))"></label><br>
            <label>\(lang.pick("相关资产编号（可多个，用逗号或空格分隔）", "Asset tags concerned (several: separated by commas or spaces)"))<br><input class="wide" name="assets" maxlength="600" value="\(typed("assets"))"></label><br>\(failure?.form == "assets" ? refused : "")
            <label><input type="checkbox" name="major" value="1"\(typed("major") == "1" ? HTML(" checked") : "")> \(lang.pick("重大故障（优先级 P1）", "Major incident (priority P1)"))</label><br>
            <button id="submit-ticket" type="submit">\(lang.pick("提交", "Submit"))</button>
            </form>
            \(try articleSuggestions(user, lang, typed: suggest))
            """)
    }

    func categoryName(_ category: TicketCategory, _ lang: Language) -> String {
        guard lang == .zh else { return category.rawValue }
        switch category {
        case .hardware: return "硬件"
        case .network: return "网络"
        case .application: return "应用系统"
        case .account: return "账号"
        case .printer: return "打印机"
        case .security: return "信息安全"
        case .other: return "其他"
        }
    }

    /// The department a web report records when the reporter leaves it empty (the
    /// domain requires one; the reporter's own department is not in the directory).
    static let unspecifiedDepartment = "未注明"

    /// `POST /tickets` — the report form: opens the ticket, then 303 to its page.
    func openTicketFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let form = try await FormPost.read(request, fields: ["title", "description", "priority", "campus", "category", "department",
                                                             "location", "phone", "assets", "major"], csrfOf: user)
        let assets = (form["assets"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0 == " " || $0.isNewline })
            .map(String.init)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        let priority = try value("priority").map { text -> Int in
            guard let number = Int(text) else { throw APIError.badRequest("bad_value", "priority: expected 1…4") }
            return number
        }
        let body = APIRoutes.OpenTicketBody(
            campus: form["campus"] ?? "", title: value("title"), description: value("description"), reporter: nil, phone: form["phone"],
            department: value("department") ?? Self.unspecifiedDepartment, location: value("location"), category: value("category"),
            channel: IntakeChannel.web.rawValue, urgency: nil, impact: nil, priority: form["major"] == "1" ? nil : priority,
            major: form["major"] == "1" ? true : nil, post: nil, assets: assets.isEmpty ? nil : assets)
        do {
            let opened = try department.openTicket(try api.ticketIntake(body, user: user), by: acting)
            return HTMLResponse.redirect("/tickets/\(opened.number)")
        } catch {
            // A report the user can fix (an unknown asset tag, too many, a field missing):
            // the form again with the message and what was typed; nothing was written.
            let apiError = APIError.from(error)
            guard apiError.status.code < 500, apiError.status != .forbidden else { throw error }
            context.logger.notice("ticket report refused", metadata: ["code": "\(apiError.code)", "user": "\(user.username)"])
            let onAssets: Bool = if case .unknownAsset? = error as? DomainError { true } else if case .ambiguousAssetTag? = error as? DomainError { true }
                else { apiError.code == "too_many_assets" }
            let failure = DutyFormFailure(form: onAssets ? "assets" : "report", status: apiError.status, code: apiError.code,
                                          message: Language.of(request).refusal(error), values: form)
            var response = try framed(request, user, path: "/tickets/new", version: try api.changes(session: user.session.token).version) { layout in
                try newTicketPage(user, layout, failure: failure)
            }
            response.status = apiError.status
            return response
        }
    }

    /// A ticket form's refusal: a state that moved in the error catalogue's words, the rest
    /// as the forms say them (with the tag or field typed).
    static func ticketRefusal(_ error: any Error, _ lang: Language) -> String {
        if case .wrongState? = error as? DomainError { return lang.message(of: APIError.from(error)) }
        return lang.refusal(error)
    }

    /// `POST /tickets/{number}/{action}` — one action form of the ticket page.
    func ticketActionFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let number = try context.parameters.require("number")
        let action = try context.parameters.require("action")
        guard let fields = APIRoutes.ticketActionFields[action] else { throw APIError(.notFound, "not_found", "no ticket action \(action)") }
        let form = try await FormPost.read(request, fields: fields, csrfOf: user)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        let body = APIRoutes.TicketActionBody(
            to: value("to"), text: form["text"], expected: value("expected"), reason: value("reason"), level: value("level"),
            workaround: form["workaround"], rootCause: form["rootCause"], improvement: form["improvement"], solution: value("solution"),
            asset: value("asset"))
        do {
            let ticket = try api.ticketAction(number, action, body, user: user, acting: acting)
            return HTMLResponse.redirect("/tickets/\(ticket.number)")
        } catch {
            // A refusal the user can fix (a tag not found, a reason missing, a state that
            // moved): the ticket page again with the message beside the form; a ticket
            // that does not exist or may not be read stays the error page.
            let status = APIError.from(error).status
            guard status.code < 500, status != .forbidden, (try? department.ticket(number)) != nil else { throw error }
            context.logger.notice("ticket form refused", metadata: ["action": "\(action)", "code": "\(APIError.from(error).code)", "ticket": "\(number)"])
            let failure = DutyFormFailure(form: action, status: status, code: APIError.from(error).code, message: Self.ticketRefusal(error, Language.of(request)),
                                          values: form)
            var response = try framed(request, user, path: "/tickets", version: try api.changes(session: user.session.token).version) { layout in
                try ticketPage(number, user, layout, failure: failure)
            }
            response.status = status
            return response
        }
    }
}
