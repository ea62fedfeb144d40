import Domain
import Hummingbird

/// 管理 · 节假日: the year's holidays (放假) and make-up working days (调休上班) as the
/// replica holds them, a form to set one day (`Department.setCalendarDay`, `meshdesk
/// directory calendar-day`), and the import of the official schedule shipped in the
/// binary (`BundledCalendars`, `directory calendar-official`) or a pasted file in the
/// calendar format (`directory calendar`, strict: a bad line and nothing is written).
extension Dashboard {
    /// Characters a pasted calendar may have (about 40 lines a year; a decade fits).
    static let calendarTextCharactersMax = 20_000

    func registerAdminCalendar(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin/calendar") { request, context, layout in
            try adminCalendarPage(request, try context.user(), layout, failure: nil)
        }
        adminForm(router, "/admin/calendar/day", form: "day", fields: { _ in ["date", "kind", "name"] }) { fields, _, acting, _ in
            guard let date = LocalDate(iso: (fields["date"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                throw AdminRefusal("date", "日期无效：请按“年-月-日”填写（如 2026-10-10）。", "Invalid date: use YYYY-MM-DD (2026-10-10).")
            }
            let kindText = fields["kind"] ?? ""
            let kind: HolidayCalendar.Kind?
            switch kindText {
            case "normal": kind = nil
            case let text: 
                guard let chosen = HolidayCalendar.Kind(rawValue: text) else { throw AdminRefusal("kind", "请选择放假、调休上班或恢复为平常日。", "Choose a holiday, a make-up working day or an ordinary day.") }
                kind = chosen
            }
            if kind == .workday && !date.weekday.isWeekend {
                throw AdminRefusal("date", "\(date.iso) 是\(date.weekday.chineseName)：调休上班日只能是周六或周日。",
                                   "\(date.iso) is a \("\(date.weekday)".capitalizedFirst): a make-up working day is a Saturday or Sunday.")
            }
            let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard name.count <= Department.calendarDayNameMax else {
                throw AdminRefusal("name", "名称最长 \(Department.calendarDayNameMax) 个字。", "A name is at most \(Department.calendarDayNameMax) characters.")
            }
            try department.setCalendarDay(date, kind: kind, name: name, by: acting)
            return .redirect("/admin/calendar?year=\(date.year)&done=day#done")
        } page: { request, context, layout, failure in
            try adminCalendarPage(request, try context.user(), layout, failure: failure)
        }
        adminForm(router, "/admin/calendar/official", form: "official", fields: { _ in ["year", "text"] }) { fields, _, acting, _ in
            let pasted = (fields["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !pasted.isEmpty {
                guard pasted.count <= Self.calendarTextCharactersMax else {
                    throw AdminRefusal("text", "文件过长（最多 \(Self.calendarTextCharactersMax) 个字符）。", "The file is too long (at most \(Self.calendarTextCharactersMax) characters).")
                }
                do { try department.loadHolidayCalendar(pasted, by: acting) } catch let error as DomainError {
                    if case .badCalendar = error { throw AdminRefusal("text", Language.zh.adminRefusal(error), Language.en.adminRefusal(error), code: "bad_calendar") }
                    throw error
                }
                return .redirect("/admin/calendar?done=official#done")
            }
            guard let year = Int(fields["year"] ?? ""), let text = BundledCalendars.text(year: year) else {
                throw AdminRefusal("year", "没有该年的国务院节假日安排（已附带：\(BundledCalendars.years.map(String.init).joined(separator: "、"))）。",
                                   "No official schedule of that year is shipped (shipped: \(BundledCalendars.years.map(String.init).joined(separator: ", "))).")
            }
            try department.loadHolidayCalendar(text, by: acting)
            return .redirect("/admin/calendar?year=\(year)&done=official#done")
        } page: { request, context, layout, failure in
            try adminCalendarPage(request, try context.user(), layout, failure: failure)
        }
    }

    func adminCalendarPage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?) throws -> HTML {
        let lang = layout.lang
        let csrf = user.session.csrfToken
        let thisYear = configuration.clock.now().date.year
        let asked = Parse.query(request, "year").flatMap(Int.init) ?? failure?.values["date"].flatMap { LocalDate(iso: $0)?.year } ?? thisYear
        let year = (1900...2200).contains(asked) ? asked : thisYear
        let calendar = try department.holidayCalendar()
        let entries = calendar.entries.values.filter { $0.date.year == year }.sorted { $0.date < $1.date }
        let rows: [HTML] = entries.map { entry in
            let kind = entry.kind == .holiday ? lang.pick("放假", "holiday") : lang.pick("调休上班", "make-up working day")
            return "<tr><td>\(entry.date.iso)</td><td>\(lang.pick(entry.date.weekday.chineseName, "\(entry.date.weekday)".capitalizedFirst))</td><td class=\"\(entry.kind == .holiday ? "ok" : "warn")\">\(kind)</td><td>\(entry.name)</td></tr>"
        }
        let holidays = entries.filter { $0.kind == .holiday }.count
        let kinds: [(String, String, String)] = [("holiday", "放假", "holiday"), ("workday", "调休上班", "make-up working day"), ("normal", "恢复为平常日", "ordinary day")]
        let typedKind = failure.typed("day", "kind") ?? "holiday"
        let kindOptions: [HTML] = kinds.map { "<option value=\"\($0.0)\"\($0.0 == typedKind ? HTML(" selected") : "")>\(lang.pick($0.1, $0.2))</option>" }
        let years: [HTML] = BundledCalendars.years.map { "<option value=\"\($0)\"\($0 == year ? HTML(" selected") : "")>\($0)</option>" }
        let nav: HTML = "<a href=\"/admin/calendar?year=\(year - 1)\">← \(year - 1)</a> · <strong>\(year)</strong> · <a href=\"/admin/calendar?year=\(year + 1)\">\(year + 1) →</a>"
        return layout.page(title: lang.pick("管理 · 节假日（\(year) 年）", "Administration · Holiday calendar (\(year))"), """
            \(adminNav(lang))\(adminDone(request, lang))<p>\(nav)</p>
            <p class="muted">\(lang.pick("\(year) 年放假 \(holidays) 天、调休上班 \(entries.count - holidays) 天；未列出的日子按周一至周五上班、周末休息。值班表、考勤和工单时限都按此日历计算。",
                                          "\(year): \(holidays) holidays and \(entries.count - holidays) make-up working days; other days are Monday–Friday work, weekends off. Rosters, attendance and SLA clocks follow it."))</p>
            <table id="calendar"><tr><th>\(lang.pick("日期", "Date"))</th><th>\(lang.pick("星期", "Weekday"))</th><th>\(lang.pick("安排", "Kind"))</th><th>\(lang.pick("名称", "Name"))</th></tr>\(rows)</table>
            <h2>\(lang.pick("修改某一天", "Set one day"))</h2>
            <form class="card" id="day-form" method="post" action="/admin/calendar/day#day-form"><input type="hidden" name="csrf" value="\(csrf)">
            \(failure.head("day", fields: ["date", "kind", "name"]))
            <label>\(lang.pick("日期", "Date"))<br><input type="date" name="date" value="\(failure.typed("day", "date") ?? "")" required></label><br>\(failure.alert("day", "date"))
            <label>\(lang.pick("安排", "Kind"))<br><select name="kind">\(kindOptions)</select></label><br>\(failure.alert("day", "kind"))
            <label>\(lang.pick("名称（如 国庆节）", "Name (National Day…)"))<br><input name="name" maxlength="\(Department.calendarDayNameMax)" value="\(failure.typed("day", "name") ?? "")"></label><br>\(failure.alert("day", "name"))
            <button id="submit-day">\(lang.pick("保存该日", "Save the day"))</button></form>
            <h2>\(lang.pick("导入节假日安排", "Import a schedule"))</h2>
            <form class="card wide-card" id="official-form" method="post" action="/admin/calendar/official#official-form"><input type="hidden" name="csrf" value="\(csrf)">
            \(failure.head("official", fields: ["year", "text"]))
            <label>\(lang.pick("国务院办公厅公布的安排（随程序附带）", "The State Council's schedule (shipped with the program)"))<br><select name="year">\(years)</select></label><br>\(failure.alert("official", "year"))
            <label>\(lang == .zh ? HTML("或粘贴日历文件（每行：日期 <code>holiday</code> 或 <code>workday</code> 名称；有一行错误则不导入）") : HTML("Or paste a calendar file (each line: date <code>holiday</code> or <code>workday</code> name; one bad line and nothing is imported)"))<br>\
            <textarea class="wide" name="text" rows="5" maxlength="\(Self.calendarTextCharactersMax)">\(failure.typed("official", "text") ?? "")</textarea></label><br>\(failure.alert("official", "text"))
            <button id="submit-official">\(lang.pick("导入", "Import"))</button></form>
            """)
    }
}
