import Domain
import Hummingbird

/// 我的值班 — the duty engineer's own page: the post I hold now with its escalation chain,
/// my next shifts, 签到/签退 with today's record, the 值班记录 of the post I hold, and my
/// leave requests with their decisions. Every form comes back here with what was done
/// (or the error page says why not).
extension Dashboard {
    /// Shifts ahead shown (this month and the next).
    static let myShiftsMax = 10
    /// Requests of mine shown, newest first.
    static let myRequestsMax = 20

    /// Confirmations a form post comes back with (`?done=`), in both languages.
    static let dutyConfirmations: [String: (String, String)] = [
        "sign_in": ("已签到。", "Checked in."), "sign_out": ("已签退。", "Checked out."),
        "log": ("值班记录已保存。", "Duty log entry saved."), "leave": ("请假申请已提交，等待科长审批。", "Leave requested; the section chief decides."),
    ]

    func myDutyPage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: DutyFormFailure? = nil,
                    issuedToken: String? = nil) throws -> HTML {
        let lang = layout.lang
        let refused: HTML = failure.map { "<p class=\"card bad\" id=\"error\" role=\"alert\">\(lang.pick("未保存：", "Not saved: "))\($0.message)</p>" } ?? ""
        guard Access.isDepartmentStaff(user) else {
            let notice: HTML = "<p class=\"card\">\(lang.pick("此页供信息科值班人员使用；您的账户不参加值班。", "This page is for the IT department's duty staff; your account stands no duty."))</p>"
            return layout.page(title: lang.pick("我的值班", "My duty"), "\(refused)\(notice)")
        }
        let now = configuration.clock.now()
        let me = user.person
        let campus = user.staff.campus
        let posts = try department.posts(campus: campus)
        let policy = try department.campus(campus).map { $0.policy(posts: posts) }
        let view = DutyView(lang: lang, user: user, now: now, posts: posts, policy: policy, names: try staffNames(), failure: failure)
        let done: HTML = Parse.query(request, "done").flatMap { Self.dutyConfirmations[$0] ?? Self.dutyFormConfirmations[$0] }
            .map { "<p class=\"card ok\" id=\"done\">\(lang.pick($0.0, $0.1))</p>" } ?? ""

        // Now: the posts I hold at this moment, and whom to call next.
        let holding = try department.onDuty(campus: campus, at: now).filter { post in post.onDuty.contains { $0.person == me.rawValue } }
        let nowRows: [HTML] = holding.map { post in
            let chain = post.escalation.map { step in
                "\(lang.name(of: step.level)): \(step.contacts.map { "\($0.name) \($0.phone)" }.joined(separator: ", "))"
            }.joined(separator: " → ")
            let shift = post.slot.map { view.shiftName($0.shiftKind) } ?? "—"
            let span = "\(post.start?.description ?? "")–\(post.end?.description ?? "")"
            return "<tr><td>\(view.postName(post.post))</td><td>\(post.postPhone)</td><td>\(shift) \(span)</td><td>\(chain)</td></tr>"
        }
        let nowHeader: HTML = "<tr><th>\(lang.pick("岗位", "Post"))</th><th>\(lang.pick("岗位电话", "Phone"))</th><th>\(lang.pick("班次", "Shift"))</th><th>\(lang.pick("升级链", "Escalation chain"))</th></tr>"
        let nowSection: HTML = holding.isEmpty
            ? "<p class=\"muted\">\(lang.pick("此刻不在班。", "Not on duty at this moment."))</p>"
            : "<table>\(nowHeader)\(nowRows)</table>"

        // My next shifts, from the published roster (swaps included: they move seats).
        let month = LocalMonth(containing: now.date)
        let next = LocalMonth(containing: month.firstDay.adding(days: month.dayCount))
        let seats = try [month, next].flatMap { try department.roster(campus: campus, month: $0) }
            .filter { $0.holders.contains(me) && $0.slot.date >= now.date }
            .sorted { $0.slot < $1.slot }.prefix(Self.myShiftsMax)
        let shiftRows: [HTML] = seats.map { seat in
            let conflict: HTML = seat.conflicting.count > 1 ? " <span class=\"bad\">[\(lang.pick("冲突", "conflict"))]</span>" : ""
            return "<tr><td>\(seat.slot.date.iso)</td><td>\(view.postName(seat.slot.post))</td><td>\(view.shiftName(seat.slot.shiftKind))\(conflict)</td></tr>"
        }
        let shiftHeader: HTML = "<tr><th>\(lang.pick("日期", "Date"))</th><th>\(lang.pick("岗位", "Post"))</th><th>\(lang.pick("班次", "Shift"))</th></tr>"
        let shifts: HTML = seats.isEmpty
            ? "<p class=\"muted\">\(lang.pick("值班表中没有我接下来的班次。", "No shifts of mine ahead in the roster."))</p>"
            : "<table>\(shiftHeader)\(shiftRows)</table>"

        // 签到/签退: today's record and the two buttons.
        let today = try department.attendance(person: me, date: now.date)
        let recordLines: [HTML] = today.map { event in
            "<li>\(event.time.description) \(event.kind == .signIn ? lang.pick("签到", "checked in") : lang.pick("签退", "checked out"))</li>"
        }
        let record: HTML = today.isEmpty ? "<p class=\"muted\">\(lang.pick("今天尚无记录。", "Nothing recorded today."))</p>"
            : "<ul>\(recordLines)</ul>"
        let csrf = user.session.csrfToken
        let attendance: HTML = """
            \(record)
            <form method="post" action="/duty/attendance" class="act"><input type="hidden" name="csrf" value="\(csrf)">\
            <input type="hidden" name="kind" value="sign_in"><button id="sign-in">\(lang.pick("签到", "Check in"))</button></form>
            <form method="post" action="/duty/attendance" class="act"><input type="hidden" name="csrf" value="\(csrf)">\
            <input type="hidden" name="kind" value="sign_out"><button id="sign-out">\(lang.pick("签退", "Check out"))</button></form>
            """

        // 值班记录 of the post I hold now: only the engineer on duty (or the 科长) writes it.
        var log: HTML = "<p class=\"muted\">\(lang.pick("值班记录由当班工程师在班时填写；此刻不在班。", "The duty log is written by the engineer on duty, during the shift; you are not on duty now."))</p>"
        if let held = holding.first {
            let logPost = held.post
            let names = try staffNames()
            // The log belongs to the shift's date (what `writeDutyLog` keys it by): a night
            // shift read after midnight is still the evening's.
            let entries = try department.dutyLog(campus: campus, post: logPost, date: held.slot?.date ?? now.date)
            let entryRows: [HTML] = entries.map { e in
                "<tr><td>\(e.time.description)</td><td>\(names[e.by] ?? e.by)</td><td class=\"desc\">\(e.text)</td></tr>"
            }
            let entryHeader: HTML = "<tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("记录人", "By"))</th><th>\(lang.pick("内容", "Entry"))</th></tr>"
            let list: HTML = entries.isEmpty ? "<p class=\"muted\">\(lang.pick("本班次尚无值班记录。", "No entries this shift yet."))</p>"
                : "<table>\(entryHeader)\(entryRows)</table>"
            let options: [HTML] = holding.map { "<option value=\"\($0.post.rawValue)\">\(view.postName($0.post))</option>" }
            log = """
                \(list)\(view.error("log"))
                <form method="post" action="/duty/log"><input type="hidden" name="csrf" value="\(csrf)">
                <p><label>\(lang.pick("岗位", "Post")) <select name="post">\(options)</select></label></p>
                <p><textarea name="text" class="wide" rows="4" required maxlength="2000" \
                placeholder="\(lang.pick("运行情况、处理的问题、待办事项", "What ran, what was handled, what is pending"))">\(view.typed("log", "text"))</textarea></p>
                <p><button id="write-log">\(lang.pick("保存值班记录", "Save entry"))</button></p></form>
                """
        }

        let leaveForm: HTML = """
            \(view.error("leave"))<form method="post" action="/duty/leave">\(view.csrfField)
            <label>\(lang.pick("首日", "First day")) <input type="date" name="firstDay" required value="\(view.typed("leave", "firstDay"))"></label>
            <label>\(lang.pick("末日", "Last day")) <input type="date" name="lastDay" required value="\(view.typed("leave", "lastDay"))"></label>
            <label>\(lang.pick("假别", "Kind")) <select name="kind" id="leave-kind">\(leaveKindOptions(lang, chosen: view.typed("leave", "kind")))</select></label>
            \(annualLeaveLine(try department.annualLeaveBalance(person: view.me, year: view.now.date.year), lang))
            <label>\(lang.pick("事由", "Reason")) <input name="reason" required maxlength="\(Self.reasonCharactersMax)" value="\(view.typed("leave", "reason"))"></label>
            <button id="request-leave">\(lang.pick("提交请假", "Request leave"))</button></form>
            """
        let jump: [HTML] = [("handover", "交接班", "Handover"), ("swap", "换班", "Swap"), ("overtime", "加班", "Overtime"),
                            ("leave", "请假", "Leave"), ("requests", "我的申请", "My requests"), ("calendar", "我的日历", "My calendar")].map {
            "<a href=\"#\($0.0)\">\(lang.pick($0.1, $0.2))</a> "
        }
        return layout.page(title: lang.pick("我的值班", "My duty"), """
            \(done)\(refused)<p class="muted">\(now.description) · \(user.staff.name) · \(try campusName(campus, lang)) · \(jump)</p>
            <h2>\(lang.pick("当前在班", "On duty now"))</h2>\(nowSection)
            <h2>\(lang.pick("签到 / 签退", "Check in / check out"))</h2>\(view.error("attendance"))\(attendance)
            <h2>\(lang.pick("值班记录", "Duty log")) \(holding.first.map { view.postName($0.post) } ?? "")</h2>\(log)
            <h2 id="handover">\(lang.pick("交接班", "Handover"))</h2>\(try handoverSection(view, holding: holding))
            <h2>\(lang.pick("我接下来的班次", "My next shifts"))</h2>\(shifts)
            <h2 id="swap">\(lang.pick("换班 / 顶班", "Swap / cover"))</h2>\(try swapSection(view, mySeats: Array(seats)))
            <h2 id="overtime">\(lang.pick("加班申请", "Overtime"))</h2>\(overtimeForm(view))
            <h2 id="leave">\(lang.pick("请假", "Leave"))</h2>\(leaveForm)
            <h2 id="requests">\(lang.pick("我的申请", "My requests"))</h2>\(try myRequestsSection(view))
            <h2 id="calendar">\(lang.pick("我的日历", "My calendar"))</h2>\(calendarSection(view, request: request, issuedToken: issuedToken))
            """)
    }

    /// A campus by its name (东院区), not its code.
    func campusName(_ code: CampusCode, _ lang: Language) throws -> String {
        try department.campus(code)?.name ?? code.rawValue
    }
}
