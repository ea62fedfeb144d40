import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// 考勤 — the attendance clerk's page: the 签到表 of a day, the 月考勤表 of a month and
/// the month's 待归档 (approved swaps, leave and overtime with who decided and when),
/// for one campus; and the month sheet as CSV and .xlsx for the HR office.
///
/// Who sees it: the campus's 考勤员 and 科长, and the 中心查看 (any campus). Everyone
/// else gets the 403 page, so does a clerk asking for another campus.
extension Dashboard {
    /// Roles that read a campus's attendance.
    static let attendanceReaders: [Role] = [.attendanceClerk, .sectionChief, .centralViewer]

    static func readsAttendance(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        attendanceReaders.contains { user.staff.holds($0, at: campus) }
    }

    static func requireAttendance(_ user: SignedIn, _ campus: CampusCode) throws {
        guard readsAttendance(user, campus) else {
            let anywhere = user.staff.roles.contains { attendanceReaders.contains($0.role) }
            throw anywhere
                ? APIError(.forbidden, "outside_campus", "\(user.person) may not read the attendance of campus \(campus): no role there")
                : APIError(.forbidden, "not_permitted", "\(user.person) may not read attendance: that needs 考勤员, 科长 or 中心查看")
        }
    }

    /// What a request asks for: campus (the user's own unless given), date (today) and
    /// month (the date's). Bad text is a 400 with the message in the user's language.
    struct AttendanceQuery: Sendable {
        let campus: CampusCode
        let campuses: [CampusCode]
        let date: LocalDate
        let month: LocalMonth
    }

    func attendanceQuery(_ request: Request, _ user: SignedIn) throws -> AttendanceQuery {
        let campuses = try department.campuses().map(\.code).filter { Self.readsAttendance(user, $0) }
        let home = campuses.contains(user.staff.campus) ? user.staff.campus : campuses.first ?? user.staff.campus
        let campus = try Parse.query(request, "campus").map(Parse.campus) ?? home
        try Self.requireAttendance(user, campus)
        guard try department.campus(campus) != nil else { throw APIError(.notFound, "unknown_campus", "no campus \(campus)") }
        let date = try Parse.query(request, "date").map { try Parse.date($0, field: "date") } ?? configuration.clock.now().date
        let month = try Parse.query(request, "month").map { try Parse.month($0) } ?? LocalMonth(containing: date)
        return AttendanceQuery(campus: campus, campuses: campuses, date: date, month: month)
    }

    func registerAttendance(on router: Router<MeshDeskRequestContext>) {
        router.get("/attendance") { request, context in
            try await cachedPage(request, context, path: "/attendance", view: "attendance", reads: ViewReads.attendance) { user, lang in
                try attendancePage(request, user, lang)
            }
        }
        router.get("/attendance/month.csv") { request, context in try await attendanceExport(request, context, as: .csv) }
        router.get("/attendance/month.xlsx") { request, context in try await attendanceExport(request, context, as: .xlsx) }
    }

    // MARK: the page

    func attendancePage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let query = try attendanceQuery(request, user)
        let now = configuration.clock.now()
        let names = try AttendanceNames(lang: lang, department: department, campus: query.campus)
        let monthInput = try department.attendanceSheetInput(campus: query.campus, from: query.month.firstDay, to: query.month.lastDay)
        // One read when the day lies in the month (the usual case: today and this month).
        let dayInput = LocalMonth(containing: query.date) == query.month
            ? monthInput : try department.attendanceSheetInput(campus: query.campus, from: query.date, to: query.date)
        let days = AttendanceSheet.day(dayInput, date: query.date, now: now)
        let months = AttendanceSheet.month(monthInput, month: query.month, now: now)
        let decided = AttendanceSheet.decided(monthInput, month: query.month)
        let campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        return PageContent(title: "\(lang.pick("考勤", "Attendance")) · \(campusNames[query.campus] ?? query.campus.rawValue)", body: """
            \(picker(query, lang, names: campusNames))
            <h2 id="day">\(lang.pick("签到表", "Sign-in sheet")) \(query.date.iso) \(names.weekday(query.date, calendar: dayInput.calendar))</h2>
            \(daySheet(days, names))
            <h2 id="month">\(lang.pick("月考勤表", "Monthly sheet")) \(query.month.description)</h2>
            <p><a id="export-csv" href="/attendance/month.csv?campus=\(query.campus.rawValue)&amp;month=\(query.month.description)">\(lang.pick("导出 CSV", "Export CSV"))</a> · \
            <a id="export-xlsx" href="/attendance/month.xlsx?campus=\(query.campus.rawValue)&amp;month=\(query.month.description)">\(lang.pick("导出 Excel", "Export Excel"))</a></p>
            \(monthSheet(months, names))
            <h2 id="archive">\(lang.pick("待归档（本月已批准）", "To file (approved this month)"))</h2>
            \(archive(decided, names))
            """)
    }

    /// Campus links (for those who read more than one), and the date and month pickers (GET forms).
    private func picker(_ query: AttendanceQuery, _ lang: Language, names: [CampusCode: String]) -> HTML {
        let links: [HTML] = query.campuses.count < 2 ? [] : query.campuses.map { code in
            let name = names[code] ?? code.rawValue
            return code == query.campus
                ? "<strong>\(name)</strong> "
                : "<a href=\"/attendance?campus=\(code.rawValue)&amp;date=\(query.date.iso)\">\(name)</a> "
        }
        return """
            \(links.isEmpty ? "" : HTML("<p>\(lang.pick("院区", "Campus")): \(links)</p>"))
            <form method="get" action="/attendance" class="act"><input type="hidden" name="campus" value="\(query.campus.rawValue)">\
            <label>\(lang.pick("日期", "Date")) <input type="date" name="date" value="\(query.date.iso)"></label> \
            <button>\(lang.pick("查看签到表", "Show sign-in sheet"))</button></form>
            <form method="get" action="/attendance" class="act"><input type="hidden" name="campus" value="\(query.campus.rawValue)">\
            <input type="hidden" name="date" value="\(query.date.iso)">\
            <label>\(lang.pick("月份", "Month")) <input type="month" name="month" value="\(query.month.description)"></label> \
            <button>\(lang.pick("查看月考勤表", "Show monthly sheet"))</button></form>
            """
    }

    private func daySheet(_ rows: [AttendanceSheet.DayRow], _ names: AttendanceNames) -> HTML {
        let lang = names.lang
        guard !rows.isEmpty else { return "<p class=\"muted\">\(lang.pick("本院区没有需考勤的人员。", "Nobody at this campus keeps attendance."))</p>" }
        let lines: [HTML] = rows.map { row in
            let expected = row.periods.isEmpty ? "—" : row.periods.map { names.period($0, on: row.date) }.joined(separator: names.separator)
            return """
                <tr><td>\(row.person.name)</td><td>\(expected)</td><td>\(row.firstSignIn.map(names.clock) ?? "—")</td>\
                <td>\(row.lastSignOut.map(names.clock) ?? "—")</td><td>\(names.outcome(row))</td></tr>
                """
        }
        return """
            <table id="day-sheet"><tr><th>\(lang.pick("姓名", "Name"))</th><th>\(lang.pick("应到时段", "Expected"))</th>\
            <th>\(lang.pick("首次签到", "First sign-in"))</th><th>\(lang.pick("末次签退", "Last sign-out"))</th><th>\(lang.pick("结果", "Outcome"))</th></tr>\(lines)</table>
            <p class="muted">\(lang.pick("迟到、早退留有 \(AttendanceSheet.graceMinutes) 分钟余量；夜班后次日休息，不计办公时间。",
                                        "Lateness and early leave allow \(AttendanceSheet.graceMinutes) minutes; the day after a night is rest, without office hours."))</p>
            """
    }

    private func monthSheet(_ rows: [AttendanceSheet.MonthRow], _ names: AttendanceNames) -> HTML {
        let lang = names.lang
        let cap = Department.overtimeMinutesPerDayMax / 60
        let lines: [HTML] = rows.map { row in
            let leave = LeaveKind.allCases.compactMap { kind in row.leaveDays[kind].map { "\(lang.name(of: kind)) \($0) \(lang.pick("天", "d"))" } }
                .joined(separator: lang.pick("、", ", "))
            let paid = row.overtimePaidMinutes
            let split: HTML = row.overtimeMinutes == 0 ? ""
                : "<br><small>\(lang.pick("调休", "time off")) \(names.minutes(row.overtimeMinutes - paid)) · \(lang.pick("加班费", "paid")) \(names.minutes(paid))</small>"
            let over: HTML = row.overtimeDaysOverCap > 0
                ? " <span class=\"bad\">\(lang.pick("超 \(cap) 小时 \(row.overtimeDaysOverCap) 天", "over \(cap) h on \(row.overtimeDaysOverCap) d"))</span>"
                : ""
            return """
                <tr><td>\(row.person.name)</td><td>\(row.daysWorked)</td><td>\(row.shifts)</td><td>\(row.nightShifts)</td>\
                <td>\(row.weekendShifts)</td><td>\(row.holidayShifts)</td><td>\(leave.isEmpty ? "—" : leave)</td>\
                <td>\(names.minutes(row.overtimeMinutes))\(split)\(over)</td><td>\(names.times(row.lateCount, row.lateMinutes))</td>\
                <td>\(names.times(row.earlyLeaveCount, row.earlyLeaveMinutes))</td>\
                <td\(row.absentCount > 0 ? HTML(" class=\"bad\"") : "")>\(row.absentCount)</td>\
                <td>\(row.annualLeave.map { lang.pick("\($0.remainingDays) / \($0.entitledDays) 天", "\($0.remainingDays) / \($0.entitledDays) d") } ?? "—")</td></tr>
                """
        }
        return """
            <table id="month-sheet"><tr><th>\(lang.pick("姓名", "Name"))</th><th>\(lang.pick("出勤天数", "Days worked"))</th>\
            <th>\(lang.pick("班次", "Shifts"))</th><th>\(lang.pick("夜班", "Nights"))</th><th>\(lang.pick("周末班", "Weekend shifts"))</th>\
            <th>\(lang.pick("节假日班", "Holiday shifts"))</th><th>\(lang.pick("请假", "Leave"))</th><th>\(lang.pick("加班", "Overtime"))</th>\
            <th>\(lang.pick("迟到", "Late"))</th><th>\(lang.pick("早退", "Early leave"))</th><th>\(lang.pick("缺勤（天）", "Absent (days)"))</th>\
            <th>\(lang.pick("年假剩余 / 全年", "Annual leave left / year"))</th></tr>\(lines)</table>
            <p class="muted">\(lang.pick("出勤、迟到、早退、缺勤统计到今天；班次、请假和加班按全月计。加班每日不超过 \(cap) 小时。",
                                        "Attendance, lateness, early leave and absence count up to today; shifts, leave and overtime the whole month. Overtime is at most \(cap) h a day."))</p>
            """
    }

    private func archive(_ decided: [AttendanceSheet.Decided], _ names: AttendanceNames) -> HTML {
        let lang = names.lang
        guard !decided.isEmpty else { return "<p class=\"muted\">\(lang.pick("本月没有已批准的换班、请假或加班。", "No approved swap, leave or overtime this month."))</p>" }
        let lines: [HTML] = decided.map { item in
            let (kind, who, what) = names.describe(item.request)
            return """
                <tr><td>\(kind)</td><td>\(who)</td><td>\(what)</td>\
                <td>\(names.person(item.requestedBy)) \(names.moment(item.requestedAt))</td>\
                <td>\(names.person(item.decidedBy)) \(names.moment(item.decidedAt))</td></tr>
                """
        }
        return """
            <table id="archive-list"><tr><th>\(lang.pick("类别", "Kind"))</th><th>\(lang.pick("人员", "Who"))</th><th>\(lang.pick("内容", "What"))</th>\
            <th>\(lang.pick("申请（谁、何时）", "Requested (who, when)"))</th><th>\(lang.pick("批准（谁、何时）", "Approved (who, when)"))</th></tr>\(lines)</table>
            """
    }

    // MARK: exports

    enum AttendanceExportFormat {
        case csv, xlsx
    }

    /// `/attendance/month.csv|xlsx?campus=&month=` — the 月考勤表 computed on the read
    /// lane, as a download named after campus and month.
    func attendanceExport(_ request: Request, _ context: MeshDeskRequestContext, as format: AttendanceExportFormat) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let now = configuration.clock.now()
        let (query, table) = try await api.reads.lane.run { [self] in
            let query = try attendanceQuery(request, user)
            let input = try department.attendanceSheetInput(campus: query.campus, from: query.month.firstDay, to: query.month.lastDay)
            return (query, Self.monthTable(AttendanceSheet.month(input, month: query.month, now: now), lang: lang))
        }
        let name = "attendance-\(query.campus.rawValue)-\(query.month.description)"
        let body: ByteBuffer
        let type: String
        switch format {
        case .csv:
            // The byte-order mark tells Excel the file is UTF-8 (else it reads 张伟 as GBK).
            let rows = table.map { $0.map { cell -> String in
                switch cell {
                case .text(let text): text
                case .number(let n): String(n)
                }
            } }
            body = ByteBuffer(string: "\u{FEFF}" + CSVTable.write(rows))
            type = "text/csv; charset=utf-8"
        case .xlsx:
            let sheet = SpreadsheetWriter(sheetName: "\(lang.pick("月考勤表", "Attendance")) \(query.month.description)", rows: table)
            let modified = Date(timeIntervalSince1970: TimeInterval((now.minutesSinceEpoch - 8 * 60) * 60))
            body = ByteBuffer(bytes: try sheet.data(modified: modified))
            type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        let ext = format == .csv ? "csv" : "xlsx"
        return Response(status: .ok, headers: [
            .contentType: type, .contentDisposition: "attachment; filename=\"\(name).\(ext)\"", .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: body))
    }

    /// The month sheet as a table: a header row, then one row per person — numbers as
    /// numbers, one column per leave kind (days), so a spreadsheet sums them.
    static func monthTable(_ rows: [AttendanceSheet.MonthRow], lang: Language) -> [[SpreadsheetWriter.Cell]] {
        let header = [lang.pick("工号", "Staff no."), lang.pick("姓名", "Name"), lang.pick("出勤天数", "Days worked"), lang.pick("班次", "Shifts"),
                      lang.pick("夜班", "Nights"), lang.pick("周末班", "Weekend shifts"), lang.pick("节假日班", "Holiday shifts")]
            + LeaveKind.allCases.map { lang.pick("\($0.chineseName)（天）", "\(lang.name(of: $0)) (days)") }
            + [lang.pick("加班（分钟）", "Overtime (min)"), lang.pick("其中调休（分钟）", "Of which time off in lieu (min)"),
               lang.pick("其中加班费（分钟）", "Of which paid (min)"), lang.pick("加班超限天数", "Days over the overtime cap"),
               lang.pick("迟到次数", "Times late"), lang.pick("迟到分钟", "Minutes late"), lang.pick("早退次数", "Early leaves"),
               lang.pick("早退分钟", "Minutes left early"), lang.pick("缺勤天数", "Days absent"),
               lang.pick("年假剩余（天）", "Annual leave left (days)"), lang.pick("年假全年（天）", "Annual leave a year (days)")]
        let body: [[SpreadsheetWriter.Cell]] = rows.map { row in
            [.text(row.person.id.rawValue), .text(row.person.name)]
                + [row.daysWorked, row.shifts, row.nightShifts, row.weekendShifts, row.holidayShifts].map { .number($0) }
                + LeaveKind.allCases.map { .number(row.leaveDays[$0] ?? 0) }
                + [row.overtimeMinutes, row.overtimeMinutes - row.overtimePaidMinutes, row.overtimePaidMinutes, row.overtimeDaysOverCap, row.lateCount, row.lateMinutes, row.earlyLeaveCount,
                   row.earlyLeaveMinutes, row.absentCount].map { .number($0) }
                // Empty cells, not 0, when no entitlement is set.
                + [row.annualLeave.map { .number($0.remainingDays) } ?? .text(""), row.annualLeave.map { .number($0.entitledDays) } ?? .text("")]
        }
        return [header.map { .text($0) }] + body
    }
}

/// How the attendance page names things: people by name, seats by post and shift name,
/// outcomes and leave kinds in the user's language — never a staff number or a key.
struct AttendanceNames {
    let lang: Language
    let people: [PersonID: String]
    let seats: SeatNames

    init(lang: Language, department: Department, campus: CampusCode) throws {
        self.lang = lang
        // Everyone, not only the campus: an approver may be a chief of every campus.
        people = Dictionary(try department.people().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let posts = try department.posts(campus: campus)
        seats = SeatNames(lang: lang, posts: posts, policy: try department.campus(campus)?.policy(posts: posts))
    }

    func person(_ id: PersonID) -> String { people[id] ?? lang.pick("未知人员", "unknown person") }

    func clock(_ time: LocalDateTime) -> String { time.clock }

    /// `03-03 17:02`: within the sheets' year the year is noise.
    func moment(_ time: LocalDateTime) -> String {
        let iso = time.date.iso
        return "\(iso.dropFirst(5)) \(time.clock)"
    }

    func weekday(_ date: LocalDate, calendar: HolidayCalendar) -> String {
        let day = lang == .zh ? date.weekday.chineseName : "\(date.weekday)".capitalized
        let type = calendar.dayType(of: date)
        return type == .workday ? day : lang.pick("\(day)（\(type.chineseName)）", "\(day) (\(type.rawValue))")
    }

    /// `08:00–17:00 办公时间` / `18:00–次日01:00 前夜班（网络安全）` on the sheet of `date`.
    func period(_ period: AttendanceSheet.Period, on date: LocalDate) -> String {
        func time(_ t: LocalDateTime) -> String { t.date > date ? lang.pick("次日\(t.clock)", "+1 \(t.clock)") : t.clock }
        let what = (period.officeHours ? [lang.pick("办公时间", "office hours")] : [])
            + period.seats.map { lang.pick("\(seats.shiftName($0.shiftKind))（\(seats.postName($0.post))）", "\(seats.shiftName($0.shiftKind)) (\(seats.postName($0.post)))") }
        return "\(time(period.start))–\(time(period.end)) \(what.joined(separator: lang.pick("、", ", ")))"
    }

    /// Between the parts of a cell: `；` in Chinese, `; ` in English.
    var separator: String { lang.pick("；", "; ") }

    /// 准时 / 迟到 20 分钟 / 缺勤 / 未签到 / 早退 30 分钟 / 请假（年假） / 休息.
    func outcome(_ row: AttendanceSheet.DayRow) -> HTML {
        if let leave = row.leave { return "<span class=\"muted\">\(lang.pick("请假（\(lang.name(of: leave.kind))）", "on leave (\(lang.name(of: leave.kind)))"))</span>" }
        guard !row.outcomes.isEmpty else { return "<span class=\"muted\">\(lang.pick("休息", "rest"))</span>" }
        var parts: [HTML] = row.outcomes.map { outcome in
            switch outcome {
            case .upcoming: "<span class=\"muted\">\(lang.pick("未开始", "not started"))</span>"
            case .notSignedIn: "<span class=\"warn\">\(lang.pick("未签到", "not signed in"))</span>"
            case .onTime: "<span class=\"ok\">\(lang.pick("准时", "on time"))</span>"
            case .late(let m): "<span class=\"warn\">\(lang.pick("迟到 \(m) 分钟", "late \(m) min"))</span>"
            case .absent: "<span class=\"bad\">\(lang.pick("缺勤", "absent"))</span>"
            }
        }
        if row.earlyLeaveMinutes > 0 {
            parts.append("<span class=\"warn\">\(lang.pick("早退 \(row.earlyLeaveMinutes) 分钟", "left \(row.earlyLeaveMinutes) min early"))</span>")
        }
        return HTML(stringLiteral: parts.map(\.markup).joined(separator: separator))
    }

    func minutes(_ m: Int) -> String { m == 0 ? "—" : lang.pick("\(m) 分钟", "\(m) min") }

    /// `2 次 / 35 分钟`.
    func times(_ count: Int, _ minutes: Int) -> String {
        count == 0 ? "—" : lang.pick("\(count) 次 / \(minutes) 分钟", "\(count) (\(minutes) min)")
    }

    /// The 待归档 row's kind, person(s) and content.
    func describe(_ request: AttendanceSheet.Decided.Request) -> (String, String, String) {
        switch request {
        case .swap(let s):
            guard let given = s.colleagueSeat else {
                return (lang.pick("顶班", "Cover"), "\(person(s.colleague)) \(lang.pick("顶", "covers")) \(person(s.requester))",
                        "\(seats.seatName(s.requesterSeat))\(reason(s.reason))")
            }
            return (lang.pick("换班", "Swap"), "\(person(s.requester)) ⇄ \(person(s.colleague))",
                    "\(seats.seatName(s.requesterSeat)) ⇄ \(seats.seatName(given))\(reason(s.reason))")
        case .leave(let l):
            return (lang.pick("请假（\(lang.name(of: l.kind))）", "Leave (\(lang.name(of: l.kind)))"), person(l.person),
                    "\(l.firstDay.iso) – \(l.lastDay.iso) \(lang.pick("（\(l.days) 天）", "(\(l.days) d)"))\(reason(l.reason))")
        case .overtime(let o):
            return (lang.pick("加班（\(lang.name(of: o.compensation))）", "Overtime (\(lang.name(of: o.compensation)))"), person(o.person),
                    "\(o.start.date.iso) \(o.start.clock)–\(o.end.clock) \(lang.pick("（\(o.minutes) 分钟）", "(\(o.minutes) min)"))\(reason(o.reason))")
        }
    }

    private func reason(_ text: String) -> String { text.isEmpty ? "" : " \(text)" }
}
