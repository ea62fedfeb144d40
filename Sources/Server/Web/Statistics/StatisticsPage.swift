import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// 信息统计 — `/statistics?from=&to=&campus=`: the department's figures for a period,
/// per campus or all the reader oversees (central IT: every campus, merged), each table
/// with a line saying what it counts and a CSV of it (`/statistics.csv?table=…`).
/// Computed on the read lane once per state and query (`cachedPage`), never on the
/// event loop. For those who decide: 科长, 中心查看, 管理员, 考勤员 (duty load).
extension Dashboard {
    static let statisticsReaders: [Role] = [.sectionChief, .centralViewer, .administrator, .attendanceClerk]
    /// Default period: the 30 days ending today.
    static let statisticsDefaultDays = 30

    static func readsStatistics(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { statisticsReaders.contains($0.role) }
    }

    /// The tables a CSV may be asked for, in page order.
    enum StatisticsTable: String, CaseIterable, Sendable {
        case category, department, engineer, priority, recurringAssets = "recurring-assets", recurringModels = "recurring-models"
        case assets, ages, duty
    }

    struct StatisticsQuery: Sendable {
        let period: StatisticsPeriod
        let campuses: [CampusCode]
        let campus: String
        let from: String
        let to: String
    }

    /// The period and campuses asked for, or a refusal in the user's language: a date that
    /// is not one, a reversed or too long period, a campus the reader does not oversee.
    func statisticsQuery(_ request: Request, _ user: SignedIn) throws -> StatisticsQuery {
        let today = configuration.clock.now().date
        func date(_ name: String, _ fallback: LocalDate) throws -> LocalDate {
            guard let text = request.uri.queryParameters.get(name).map({ String($0) }), !text.isEmpty else { return fallback }
            guard let day = LocalDate(iso: text) else {
                throw DutyRefusal(.badRequest, "bad_date", "日期“\(text)”无效，请用 YYYY-MM-DD。", "\"\(text)\" is not a date (YYYY-MM-DD).")
            }
            return day
        }
        let from = try date("from", today.adding(days: 1 - Self.statisticsDefaultDays))
        let to = try date("to", today)
        let period: StatisticsPeriod
        do { period = try StatisticsPeriod(first: from, last: to) } catch {
            switch error {
            case .reversed:
                throw DutyRefusal(.badRequest, "reversed_period", "结束日期早于开始日期：请调换后再查。", "The period ends before it begins: swap the dates.")
            case .tooLong(let days):
                throw DutyRefusal(.badRequest, "period_too_long", "统计期间最长 \(StatisticsPeriod.daysMax) 天（所选 \(days) 天）。",
                                  "A period is at most \(StatisticsPeriod.daysMax) days (\(days) chosen).")
            }
        }
        let overseen = try overseenCampuses(user).map(\.code)
        let campus = String(request.uri.queryParameters.get("campus") ?? "")
        let chosen = campus.isEmpty ? overseen : overseen.filter { $0.rawValue == campus }
        guard !chosen.isEmpty else {
            throw DutyRefusal(.forbidden, "outside_campus", "您不负责该院区的统计。", "You do not oversee that campus's figures.")
        }
        return StatisticsQuery(period: period, campuses: chosen, campus: campus, from: from.iso, to: to.iso)
    }

    /// The campuses whose figures `user` reads: where they hold an overseeing role.
    func overseenCampuses(_ user: SignedIn) throws -> [Campus] {
        try department.campuses().filter { campus in Self.statisticsReaders.contains { user.staff.holds($0, at: campus.code) } }
    }

    func registerStatistics(on router: Router<MeshDeskRequestContext>) {
        router.get("/statistics") { request, context in
            switch access(request, context) {
            case .redirect(let response): return response
            case .user(let user):
                guard Self.readsStatistics(user) else {
                    throw APIError(.forbidden, "not_permitted", "\(user.person) may not read the statistics: that needs 科长, 中心查看, 管理员 or 考勤员")
                }
                let lang = Language.of(request)
                let query: StatisticsQuery
                do { query = try statisticsQuery(request, user) } catch let refusal as DutyRefusal {
                    var response = try page(request, context, path: "/statistics") { _, layout in
                        layout.page(title: lang.pick("信息统计", "Statistics"), "\(statisticsFilter(nil, try overseenCampuses(user), request, lang))<p class=\"bad\" role=\"alert\">\(lang.pick(refusal.zh, refusal.en))</p>")
                    }
                    response.status = refusal.status
                    return response
                }
                return try await cachedPage(request, context, path: "/statistics", view: "statistics", reads: ViewReads.statistics) { user, lang in
                    let stats = try department.statistics(query.period, campuses: query.campuses, at: configuration.clock.now())
                    return PageContent(title: lang.pick("信息统计", "Statistics"), body: try statisticsBody(stats, query, user, request, lang))
                }
            }
        }
        router.get("/statistics.csv") { request, context in
            guard case .user(let user) = access(request, context) else { throw APIError.unauthenticated }
            guard Self.readsStatistics(user) else {
                throw APIError(.forbidden, "not_permitted", "\(user.person) may not read the statistics: that needs 科长, 中心查看, 管理员 or 考勤员")
            }
            let lang = Language.of(request)
            guard let table = StatisticsTable(rawValue: String(request.uri.queryParameters.get("table") ?? "")) else {
                throw APIError.badRequest("bad_value", "table: one of \(StatisticsTable.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let query: StatisticsQuery
            do { query = try statisticsQuery(request, user) } catch let refusal as DutyRefusal { throw refusal.apiError }
            let rows = try await api.reads.lane.run { [self] in
                let stats = try department.statistics(query.period, campuses: query.campuses, at: configuration.clock.now())
                return try statisticsRows(table, stats, lang)
            }
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"statistics-\(table.rawValue)-\(query.from)-\(query.to).csv\"",
                .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ], body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + CSVTable.write(rows))))
        }
    }

    /// The filter bar: period and campus, kept as typed.
    func statisticsFilter(_ query: StatisticsQuery?, _ campuses: [Campus], _ request: Request, _ lang: Language) -> HTML {
        func typed(_ name: String) -> String { String(request.uri.queryParameters.get(name) ?? "") }
        let chosen = query?.campus ?? typed("campus")
        let options: [HTML] = [HTML("<option value=\"\">\(HTML.escape(lang.pick("全部院区", "All campuses")))</option>")] + campuses.map {
            "<option value=\"\($0.code.rawValue)\"\($0.code.rawValue == chosen ? HTML(" selected") : "")>\($0.name)</option>"
        }
        return """
            <form class="card" method="get" action="/statistics" style="display:flex;flex-wrap:wrap;gap:8px;align-items:center;max-width:none">\
            <label>\(lang.pick("开始日期", "From")) <input type="date" name="from" value="\(query?.from ?? typed("from"))"></label> \
            <label>\(lang.pick("结束日期", "To")) <input type="date" name="to" value="\(query?.to ?? typed("to"))"></label> \
            <label>\(lang.pick("院区", "Campus")) <select name="campus">\(options)</select></label> \
            <input type="hidden" name="lang" value="\(lang == .zh ? "zh" : "en")"><button>\(lang.pick("统计", "Show"))</button></form>
            """
    }

    func statisticsBody(_ s: DepartmentStatistics, _ query: StatisticsQuery, _ user: SignedIn, _ request: Request, _ lang: Language) throws -> HTML {
        let base = "from=\(query.from)&to=\(query.to)\(query.campus.isEmpty ? "" : "&campus=\(AssetQuery.encode(query.campus))")&lang=\(lang == .zh ? "zh" : "en")"
        func section(_ table: StatisticsTable, _ title: String, counts: String, _ content: HTML) -> HTML {
            """
            <h2>\(title)</h2><p class="muted">\(counts) · <a href="/statistics.csv?table=\(table.rawValue)&\(base)">\(lang.pick("导出 CSV", "CSV"))</a></p>\(content)
            """
        }
        func grid(_ rows: [[String]]) -> HTML {
            guard let header = rows.first else { return "" }
            guard rows.count > 1 else { return "<p class=\"muted\">\(lang.pick("期间内没有数据。", "Nothing in the period."))</p>" }
            let head: [HTML] = header.map { "<th>\($0)</th>" }
            let body: [HTML] = rows.dropFirst().map { row in "<tr>\(row.map { "<td>\($0)</td>" as HTML })</tr>" }
            return "<table><tr>\(head)</tr>\(body)</table>"
        }
        let campusNames = try department.campuses().filter { query.campuses.contains($0.code) }.map(\.name).joined(separator: lang.pick("、", ", "))
        let categories = s.byCategory.map { (label: categoryName(TicketCategory(rawValue: $0.key) ?? .other, lang), value: $0.count) }
        let categoryChart = SVGChart.stackedColumns(title: lang.pick("工单量（按类别）", "Tickets by category"), labels: categories.map(\.label),
                                                    series: [lang.pick("工单", "tickets")], values: categories.map { [$0.value] }, height: 200)
        let attainment = SVGChart.percentBars(
            title: lang.pick("SLA 达成率（按优先级）", "SLA attainment by priority"),
            rows: s.byPriority.map { (label: "P\($0.priority)", value: $0.attainment, note: "(\($0.met)/\($0.resolved))") },
            emptyText: lang.pick("期间内没有已解决的工单", "nothing resolved in the period"))
        return """
            \(statisticsFilter(query, try overseenCampuses(user), request, lang))
            <p class="muted">\(query.period.first.iso) – \(query.period.last.iso)（\(s.period.days) \(lang.pick("天", "days"))）· \(campusNames) · \
            \(lang.pick("期间内报修工单", "tickets reported in the period")) \(s.ticketsReported)</p>
            \(section(.category, lang.pick("工单量（按类别）", "Tickets by category"),
                      counts: lang.pick("期间内报修的工单，按报修时的类别计数", "tickets reported in the period, counted by their category"),
                      "\(categoryChart)\(grid(try statisticsRows(.category, s, lang)))"))
            \(section(.department, lang.pick("工单量（按科室）", "Tickets by department"),
                      counts: lang.pick("期间内报修的工单，按报修科室计数（前 \(DepartmentStatistics.rankingRowsMax) 名）", "tickets reported in the period, by the reporting department (top \(DepartmentStatistics.rankingRowsMax))"),
                      grid(try statisticsRows(.department, s, lang))))
            \(section(.engineer, lang.pick("工程师工作量", "Load per engineer"),
                      counts: lang.pick("期间内报修、现由该工程师处理的工单，及其中已解决或关闭的", "tickets reported in the period now assigned to the engineer, and how many of them are resolved or closed"),
                      grid(try statisticsRows(.engineer, s, lang))))
            \(section(.priority, lang.pick("响应、解决时间与 SLA 达成率（按优先级）", "Response, resolution and SLA attainment by priority"),
                      counts: lang.pick("期间内报修的工单；时间为 SLA 计时分钟（工作时间计时的优先级只计工作时间，挂起不计），取中位数与第 90 百分位；达成 = 已解决且响应与解决都在目标内", "tickets reported in the period; times are SLA-clock minutes (business hours where the priority's clock is, pauses excluded), median and 90th percentile; met = resolved within both targets"),
                      "\(attainment)\(grid(try statisticsRows(.priority, s, lang)))"))
            \(section(.recurringAssets, lang.pick("重复故障资产", "Recurring faults per asset"),
                      counts: lang.pick("期间内关联了 2 张及以上工单的资产", "assets linked to two or more tickets reported in the period"),
                      grid(try statisticsRows(.recurringAssets, s, lang))))
            \(section(.recurringModels, lang.pick("重复故障型号", "Recurring faults per model"),
                      counts: lang.pick("期间内关联工单的资产，按型号合计（2 张及以上）", "tickets of the period linked to assets, summed by model (two or more)"),
                      grid(try statisticsRows(.recurringModels, s, lang))))
            \(section(.assets, lang.pick("资产（按类型）", "Assets by type"),
                      counts: lang.pick("期末在册资产按状态计数；金额与账面净值只合计未报废且有金额的资产；保修到期 = 期末后 \(DepartmentStatistics.warrantyNoticeDays) 天内", "assets on record at the end of the period by state; cost and book value summed over assets not scrapped that have a cost; warranty ending = within \(DepartmentStatistics.warrantyNoticeDays) days after the period"),
                      grid(try statisticsRows(.assets, s, lang))))
            \(section(.ages, lang.pick("资产年限", "Asset ages"),
                      counts: lang.pick("未报废资产，按购置日期到期末的年数", "assets not scrapped, by years from purchase to the period's end"),
                      grid(try statisticsRows(.ages, s, lang))))
            \(section(.duty, lang.pick("值班负荷与加班", "Duty load and overtime"),
                      counts: lang.pick("期间内已发布排班中本人承担的班次（含换班结果）、夜班、节假日班次，及已批准的加班时长", "seats held in the period in the published rosters (after swaps), nights, holiday shifts, and approved overtime"),
                      grid(try statisticsRows(.duty, s, lang))))
            """
    }

    /// One table as rows (a header first): what the page shows and the CSV holds.
    func statisticsRows(_ table: StatisticsTable, _ s: DepartmentStatistics, _ lang: Language) throws -> [[String]] {
        let names = try staffNames()
        func who(_ id: String) -> String { names[id].map { "\($0) (\(id))" } ?? id }
        func minutes(_ value: Int?) -> String { value.map { lang.pick("\($0) 分", "\($0) min") } ?? "—" }
        func percent(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
        switch table {
        case .category:
            return [[lang.pick("类别", "Category"), lang.pick("工单数", "Tickets")]]
                + s.byCategory.map { [categoryName(TicketCategory(rawValue: $0.key) ?? .other, lang), String($0.count)] }
        case .department:
            return [[lang.pick("科室", "Department"), lang.pick("工单数", "Tickets")]] + s.byDepartment.map { [$0.key, String($0.count)] }
        case .engineer:
            return [[lang.pick("工程师", "Engineer"), lang.pick("处理中的工单", "Assigned"), lang.pick("已解决或关闭", "Resolved or closed")]]
                + s.byEngineer.map { [who($0.person.rawValue), String($0.assigned), String($0.resolved)] }
        case .priority:
            return [[lang.pick("优先级", "Priority"), lang.pick("报修", "Reported"), lang.pick("已响应", "Owned"), lang.pick("响应中位数", "Response median"),
                     lang.pick("响应 P90", "Response P90"), lang.pick("已解决", "Resolved"), lang.pick("解决中位数", "Resolution median"),
                     lang.pick("解决 P90", "Resolution P90"), lang.pick("达成", "Met"), lang.pick("达成率", "Attainment")]]
                + s.byPriority.map { p in
                    ["P\(p.priority)", String(p.reported), String(p.owned), minutes(p.ownMedian), minutes(p.ownP90), String(p.resolved),
                     minutes(p.resolveMedian), minutes(p.resolveP90), String(p.met), percent(p.attainment)]
                }
        case .recurringAssets:
            return [[lang.pick("资产编号", "Tag"), lang.pick("院区", "Campus"), lang.pick("名称", "Name"), lang.pick("型号", "Model"), lang.pick("工单数", "Tickets")]]
                + s.recurringAssets.map { [$0.tag, $0.campus.rawValue, $0.name, $0.model, String($0.tickets)] }
        case .recurringModels:
            return [[lang.pick("型号", "Model"), lang.pick("资产数", "Assets"), lang.pick("工单数", "Tickets")]]
                + s.recurringModels.map { [$0.model, String($0.assets), String($0.tickets)] }
        case .assets:
            return [[lang.pick("类型", "Type"), lang.pick("合计", "Total"), lang.pick("使用中", "In use"), lang.pick("库存", "In stock"),
                     lang.pick("维修中", "Under repair"), lang.pick("报废", "Scrapped"), lang.pick("购置金额", "Cost"), lang.pick("账面净值", "Book value"),
                     lang.pick("保修即将到期", "Warranty ending")]]
                + s.assetTypes.map { t in
                    [lang.name(of: t.type), String(t.total), String(t.inUse), String(t.inStock), String(t.underRepair), String(t.scrapped),
                     Self.yuanText(t.costFen), Self.yuanText(t.bookValueFen), String(t.warrantyEnding)]
                }
        case .ages:
            return [[lang.pick("年限", "Age"), lang.pick("资产数", "Assets")]]
                + DepartmentStatistics.AgeBand.allCases.compactMap { band in
                    s.assetAges[band].map { [ageName(band, lang), String($0)] }
                }
        case .duty:
            return [[lang.pick("人员", "Person"), lang.pick("院区", "Campus"), lang.pick("班次", "Shifts"), lang.pick("夜班", "Nights"),
                     lang.pick("节假日班次", "Holiday shifts"), lang.pick("加班（小时）", "Overtime (h)")]]
                + s.dutyLoad.map { d in
                    [who(d.person.rawValue), d.campus.rawValue, String(d.shifts), String(d.nights), String(d.holidayShifts),
                     String(format: "%.1f", Double(d.overtimeMinutes) / 60)]
                }
        }
    }

    func ageName(_ band: DepartmentStatistics.AgeBand, _ lang: Language) -> String {
        switch band {
        case .underOne: lang.pick("不足 1 年", "under 1 year")
        case .oneToThree: lang.pick("1–3 年", "1–3 years")
        case .threeToFive: lang.pick("3–5 年", "3–5 years")
        case .fiveToEight: lang.pick("5–8 年", "5–8 years")
        case .eightPlus: lang.pick("8 年及以上", "8 years or more")
        case .unknown: lang.pick("购置日期未知", "purchase date unknown")
        }
    }
}
