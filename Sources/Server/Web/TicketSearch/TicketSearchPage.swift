import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// 工单查询 — every ticket, open and closed, found by number or text, campus, category,
/// department, engineer, priority, reporting dates and state; a page at a time, each
/// row linking to its ticket, and the same search as CSV. Computed on the read lane
/// like the other lists; a 科室报修人 searches only the tickets they reported.
extension Dashboard {
    /// Results per page.
    static let ticketSearchPageSize = 50
    /// Most pages one can page to: as far as the count goes (deeper: narrow the search).
    static let ticketSearchPagesMax = TicketSearch.countMax / ticketSearchPageSize
    /// Most rows one CSV export holds (the rest: narrow the search).
    static let ticketSearchCSVRowsMax = 10_000

    /// A search as typed, checked; `problem` is the refusal to show when a value is wrong.
    struct TicketSearchQuery {
        var search = TicketSearch()
        var page = 1
        var values: [String: String] = [:]
        var problem: String?
    }

    static let ticketSearchFields = ["q", "campus", "category", "department", "engineer", "priority", "from", "to", "state"]

    func registerTicketSearch(on router: Router<MeshDeskRequestContext>) {
        router.get("/tickets/search") { request, context in
            try await cachedPage(request, context, path: "/tickets/search", view: "ticket-search", reads: ViewReads.tickets) { user, lang in
                try ticketSearchPage(request, user, lang)
            }
        }
        router.get("/tickets/search.csv") { request, context in try await ticketSearchExport(request, context) }
    }

    func ticketSearchQuery(_ request: Request, _ user: SignedIn, lang: Language) throws -> TicketSearchQuery {
        var query = TicketSearchQuery()
        for name in Self.ticketSearchFields { if let value = Parse.query(request, name) { query.values[name] = value } }
        let all = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
        var campuses = all
        do {
            if let text = query.values["campus"] {
                let campus = try Parse.campus(text)
                guard all.contains(campus) else {
                    throw DutyRefusal(.forbidden, "outside_campus", "该院区不在您的职责范围内。", "That campus is not yours to search.")
                }
                campuses = [campus]
            }
            query.search.campuses = campuses.filter { Access.seesAllTickets(user, $0) }
            query.search.followedCampuses = campuses.filter { !Access.seesAllTickets(user, $0) }
            query.search.follower = user.person
            if let q = query.values["q"] {
                guard q.count <= TicketSearch.textCharactersMax else {
                    throw DutyRefusal("too_long", "查询文字最多 \(TicketSearch.textCharactersMax) 个字。", "The search text is at most \(TicketSearch.textCharactersMax) characters.")
                }
                query.search.text = q
            }
            query.search.category = try query.values["category"].map { try Parse.choice($0, field: "category") }
            if let text = query.values["department"] {
                guard text.count <= Self.requestNameCharactersMax else {
                    throw DutyRefusal("too_long", "科室名称最多 \(Self.requestNameCharactersMax) 个字。", "A department name is at most \(Self.requestNameCharactersMax) characters.")
                }
                query.search.department = text
            }
            query.search.engineer = query.values["engineer"].map { PersonID($0) }
            if let text = query.values["priority"] {
                guard let p = Int(text), TicketPolicy.prioritiesRange.contains(p) else {
                    throw DutyRefusal("bad_value", "优先级应为 P\(TicketPolicy.prioritiesRange.lowerBound)–P\(TicketPolicy.prioritiesRange.upperBound)。",
                                      "Priority is P\(TicketPolicy.prioritiesRange.lowerBound)–P\(TicketPolicy.prioritiesRange.upperBound).")
                }
                query.search.priority = p
            }
            query.search.from = try query.values["from"].map { try Parse.date($0, field: "from") }
            query.search.to = try query.values["to"].map { try Parse.date($0, field: "to") }
            if let from = query.search.from, let to = query.search.to, to < from {
                throw DutyRefusal("reversed_times", "截止日期早于起始日期。", "The end date is before the start date.")
            }
            query.search.state = try query.values["state"].map { try Parse.choice($0, field: "state") }
            query.page = try Parse.integer(request, "page", default: 1, in: 1...Self.ticketSearchPagesMax)
        } catch {
            guard APIError.from(error).status.code < 500 || error is DutyRefusal else { throw error }
            query.problem = lang.refusal(error)
        }
        query.search.limit = Self.ticketSearchPageSize
        query.search.offset = (query.page - 1) * Self.ticketSearchPageSize
        return query
    }

    func ticketSearchPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let query = try ticketSearchQuery(request, user, lang: lang)
        let names = try staffNames()
        let campuses = try department.campuses().filter { Access.canRead(user, $0.code) }
        let form = try ticketSearchForm(query, user, lang, campuses: campuses, names: names)
        let title = lang.pick("工单查询", "Search tickets")
        if let problem = query.problem {
            return PageContent(title: title, body: "\(form)<p class=\"card bad\" id=\"error\" role=\"alert\">\(problem)</p>")
        }
        let found = try department.searchTickets(query.search)
        let campusNames = Dictionary(campuses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows: [HTML] = found.tickets.map { t in
            let opened = t.summary.openedAt.map { LocalDateTime(minutesSinceEpoch: $0).description } ?? ""
            return """
                <tr><td><a href="/tickets/\(t.number)">\(t.number)</a></td><td><a href="/tickets/\(t.number)">\(TicketText.title(of: t.intake.description))</a></td>\
                <td>\(campusNames[t.campus] ?? t.campus.rawValue)</td><td>\(categoryName(t.intake.category, lang))</td><td>\(t.intake.department)</td>\
                <td>P\(t.priority)</td><td>\(stateName(t.state, lang))</td><td>\(t.assignee.map { names[$0.rawValue] ?? $0.rawValue } ?? "—")</td><td>\(opened)</td></tr>
                """
        }
        let pages = max(1, (min(found.total, TicketSearch.countMax) + Self.ticketSearchPageSize - 1) / Self.ticketSearchPageSize)
        let shownPages = min(pages, Self.ticketSearchPagesMax)
        func link(_ page: Int, _ label: String) -> HTML {
            "<a href=\"/tickets/search?\(Self.searchQueryString(query.values, page: page))\">\(label)</a>"
        }
        var paging: [HTML] = []
        if query.page > 1 { paging.append(link(query.page - 1, lang.pick("上一页", "Previous"))) }
        paging.append("\(lang.pick("第 \(query.page) / \(shownPages) 页", "Page \(query.page) of \(shownPages)"))")
        if query.page < shownPages { paging.append(link(query.page + 1, lang.pick("下一页", "Next"))) }
        let deep: HTML = pages > Self.ticketSearchPagesMax
            ? "<p class=\"muted\">\(lang.pick("结果过多，仅可翻到第 \(Self.ticketSearchPagesMax) 页，请缩小查询范围。", "Too many to page through beyond page \(Self.ticketSearchPagesMax): narrow the search."))</p>" : ""
        let export: HTML = "<a id=\"export-csv\" href=\"/tickets/search.csv?\(Self.searchQueryString(query.values, page: nil))\">\(lang.pick("导出 CSV", "Export CSV"))</a>"
        let table: HTML = rows.isEmpty ? "<p class=\"muted\" id=\"no-results\">\(lang.pick("没有符合条件的工单。", "No ticket matches."))</p>" : """
            <table id="results"><tr><th>\(lang.pick("工单号", "Number"))</th><th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("院区", "Campus"))</th>\
            <th>\(lang.pick("类别", "Category"))</th><th>\(lang.pick("科室", "Department"))</th><th>\(lang.pick("优先级", "Priority"))</th>\
            <th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("处理人", "Engineer"))</th><th>\(lang.pick("报修时间", "Reported"))</th></tr>\(rows)</table>
            """
        return PageContent(title: title, body: """
            \(form)<p>\(Self.matchCount(found.total, lang)) · \(export)</p>\(table)<p>\(paging.joined(" · "))</p>\(deep)
            """)
    }

    /// 共 N 张工单, or 超过 10000 张 when the count stopped at its bound.
    static func matchCount(_ total: Int, _ lang: Language) -> String {
        total > TicketSearch.countMax
            ? lang.pick("超过 \(TicketSearch.countMax) 张工单（请缩小查询范围）", "More than \(TicketSearch.countMax) tickets (narrow the search)")
            : lang.pick("共 \(total) 张工单", "\(total) tickets")
    }

    /// The filter bar (GET, so a search is a link one can send a colleague).
    func ticketSearchForm(_ query: TicketSearchQuery, _ user: SignedIn, _ lang: Language, campuses: [Campus], names: [String: String]) throws -> HTML {
        func value(_ name: String) -> String { query.values[name] ?? "" }
        func options(_ name: String, _ choices: [(String, String)]) -> [HTML] {
            let any: HTML = "<option value=\"\">\(lang.pick("全部", "All"))</option>"
            let listed: [HTML] = choices.map { choice -> HTML in
                "<option value=\"\(choice.0)\"\(value(name) == choice.0 ? HTML(" selected") : "")>\(choice.1)</option>"
            }
            return [any] + listed
        }
        let engineers = try department.people().filter { person in
            person.active && Access.ticketHandlers.contains { role in campuses.contains { person.holds(role, at: $0.code) } }
        }.sorted { $0.id.rawValue < $1.id.rawValue }
        let priorities = TicketPolicy.prioritiesRange.map { ("\($0)", "P\($0)") }
        return """
            <form class="card wide-card" id="ticket-search" method="get" action="/tickets/search">
            <label>\(lang.pick("工单号或描述", "Number or text"))<br><input class="wide" name="q" maxlength="\(TicketSearch.textCharactersMax)" value="\(value("q"))"></label><br>
            <label>\(lang.pick("院区", "Campus")) <select name="campus">\(options("campus", campuses.map { ($0.code.rawValue, $0.name) }))</select></label>
            <label>\(lang.pick("类别", "Category")) <select name="category">\(options("category", TicketCategory.allCases.map { ($0.rawValue, categoryName($0, lang)) }))</select></label>
            <label>\(lang.pick("优先级", "Priority")) <select name="priority">\(options("priority", priorities))</select></label>
            <label>\(lang.pick("状态", "State")) <select name="state">\(options("state", TicketState.allCases.map { ($0.rawValue, stateName($0, lang)) }))</select></label><br>
            <label>\(lang.pick("科室", "Department")) <input name="department" maxlength="\(Self.requestNameCharactersMax)" value="\(value("department"))"></label>
            <label>\(lang.pick("处理人", "Engineer")) <select name="engineer">\(options("engineer", engineers.map { ($0.id.rawValue, $0.name) }))</select></label><br>
            <label>\(lang.pick("报修日期从", "Reported from")) <input type="date" name="from" value="\(value("from"))"></label>
            <label>\(lang.pick("至", "to")) <input type="date" name="to" value="\(value("to"))"></label>
            <button id="search">\(lang.pick("查询", "Search"))</button></form>
            """
    }

    /// The filters as a query string (empty ones left out), with the page when given.
    static func searchQueryString(_ values: [String: String], page: Int?) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        var parts = ticketSearchFields.compactMap { name in
            values[name].map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }
        if let page { parts.append("page=\(page)") }
        return parts.joined(separator: "&amp;")
    }

    /// `/tickets/search.csv` — the same search, every match up to `ticketSearchCSVRowsMax`,
    /// as UTF-8 CSV with a byte-order mark (Excel reads 张伟 as GBK without it), formula
    /// cells neutralised (a description typed by anyone is opened in Excel by the chief).
    func ticketSearchExport(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let rows = try await api.reads.lane.run { [self] () throws -> [[String]] in
            var query = try ticketSearchQuery(request, user, lang: lang)
            if let problem = query.problem { throw DutyRefusal("bad_value", problem, problem).apiError }
            let names = try staffNames()
            let campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            var rows = [[lang.pick("工单号", "Number"), lang.pick("院区", "Campus"), lang.pick("类别", "Category"), lang.pick("科室", "Department"),
                         lang.pick("地点", "Location"), lang.pick("优先级", "Priority"), lang.pick("状态", "State"), lang.pick("处理人", "Engineer"),
                         lang.pick("报修时间", "Reported"), lang.pick("解决时间", "Resolved"), lang.pick("描述", "Description")]]
            query.search.limit = TicketSearch.pageSizeMax
            query.search.offset = 0
            query.search.counted = false
            while rows.count - 1 < Self.ticketSearchCSVRowsMax {
                let found = try department.searchTickets(query.search)
                for t in found.tickets.prefix(Self.ticketSearchCSVRowsMax - (rows.count - 1)) {
                    rows.append([t.number, campusNames[t.campus] ?? t.campus.rawValue, categoryName(t.intake.category, lang), t.intake.department,
                                 t.intake.location, "P\(t.priority)", stateName(t.state, lang), t.assignee.map { names[$0.rawValue] ?? $0.rawValue } ?? "",
                                 t.summary.openedAt.map { LocalDateTime(minutesSinceEpoch: $0).description } ?? "",
                                 t.summary.resolvedAt.map { LocalDateTime(minutesSinceEpoch: $0).description } ?? "", t.intake.description])
                }
                query.search.offset += TicketSearch.pageSizeMax
                if !found.more { break }
            }
            return rows
        }
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"tickets.csv\"", .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + CSVTable.write(rows))))
    }
}
