import Domain
import Hummingbird

/// 首页 — the newest open tickets of every campus the user sees (so a ticket synced
/// from another node shows up here), the cluster's health in one line, and 当前值班:
/// every campus, every post, who holds it now and the escalation chain.
///
/// Its parts are cached apart: who is on duty changes with the roster and the minute,
/// not with every ticket, so the write stream of a busy morning recomputes only the
/// ticket list; the cluster line is read fresh (the node rewrites its status file every
/// few seconds, without a batch).
extension Dashboard {
    func homePage(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let state = try api.seenState(session: user.session.token)
        let now = configuration.clock.now()
        let tickets = try await cachedView("home.tickets", reads: ViewReads.tickets, user: user, state: state, lang: lang, query: "") {
            try homeTickets(user, lang)
        }
        let duty = try await cachedView("home.duty", reads: ViewReads.duty, user: user, state: state, lang: lang, query: "", scoped: false) {
            try onDutySections(lang, at: now)
        }
        let cluster = clusterSection(try api.clusterHealth(), lang, detailed: false)
        let drills = try drillsDueSection(user, lang, today: now.date)
        let machineRoom = try machineRoomDueSection(user, lang, today: now.date)
        // 考勤员 (and 科长, 中心查看) land on their work: today's sign-in sheet is one click away.
        let attendance: HTML = user.staff.roles.contains(where: { Self.attendanceReaders.contains($0.role) })
            ? "<p class=\"card\"><a id=\"home-attendance\" href=\"/attendance\">\(lang.pick("考勤：今日签到表与月考勤表 →", "Attendance: today's sign-in sheet and the month →"))</a></p>"
            : ""
        return framed(request, user, path: "/", version: state.stamp.digest, current: tickets.isCurrent && duty.isCurrent) { layout in
            layout.page(title: lang.pick("当前值班", "On duty now"), """
            <p class="muted">\(now.description)</p>\(attendance)
            <h2>\(lang.pick("最新未结工单", "Newest open tickets")) <a href="/tickets">\(lang.pick("全部", "all"))</a></h2>
            <div data-live="home.tickets">\(tickets.value.body)</div>
            \(drills.markup.isEmpty ? "" : HTML("<div data-live=\"home.drills\">\(drills)</div>"))\
            \(machineRoom.markup.isEmpty ? "" : HTML("<div data-live=\"home.machine-room\">\(machineRoom)</div>"))
            <h2>\(lang.pick("集群", "Cluster")) <a href="/status">\(lang.pick("详情", "details"))</a></h2>
            <div data-live="home.cluster">\(cluster)</div>
            <div data-live="home.duty">\(duty.value.body)</div>
            """)
        }
    }

    func homeTickets(_ user: SignedIn, _ lang: Language) throws -> PageContent {
        let visible = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
        let names = try staffNames()
        let newest: [HTML] = try openTickets(user, campuses: visible, limit: Self.homeTicketsMax)
            .sorted { ($0.0.campus.rawValue, -($0.0.summary.openedAt ?? 0)) < ($1.0.campus.rawValue, -($1.0.summary.openedAt ?? 0)) }
            .map { ticketRow($0.0, $0.1, lang, names: names) }
        let body: HTML = newest.isEmpty ? "<p class=\"ok\">\(lang.pick("无未结工单", "No open tickets"))</p>"
            : "<table>\(ticketTableHeader(lang))\(newest)</table>"
        return PageContent(title: "", body: body)
    }

    func onDutySections(_ lang: Language, at now: LocalDateTime) throws -> PageContent {
        let posts = try department.onDuty(at: now)
        let sections: [HTML] = try department.campuses().map { campus in
            let rows: [HTML] = posts.filter { $0.campus == campus.code }.map { post in
                let who: HTML = post.onDuty.isEmpty
                    ? "<span class=\"bad\">\(lang.pick("无人值班", "nobody on duty"))</span>"
                    : "\(post.onDuty.map { "\($0.name) \($0.phone)" }.joined(separator: " / "))"
                let conflict: HTML = post.conflict ? " <span class=\"bad\">[\(lang.pick("冲突", "conflict"))]</span>" : ""
                let chain = post.escalation.map { step in
                    "\(lang.name(of: step.level)): \(step.contacts.map { "\($0.name) \($0.phone)" }.joined(separator: ", "))"
                }.joined(separator: " → ")
                return "<tr><td>\(post.postName)</td><td>\(post.postPhone)</td><td>\(who)\(conflict)</td><td>\(chain)</td></tr>"
            }
            return """
                <h2>\(campus.name) (\(campus.code.rawValue))</h2><table><tr><th>\(lang.pick("岗位", "Post"))</th>\
                <th>\(lang.pick("岗位电话", "Phone"))</th><th>\(lang.pick("值班人员", "On duty"))</th>\
                <th>\(lang.pick("升级链", "Escalation chain"))</th></tr>\(rows)</table>
                """
        }
        return PageContent(title: "", body: "\(sections)")
    }
}
