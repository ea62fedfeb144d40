import Domain
import HTTPTypes
import Hummingbird
import Logging

/// 排班管理 — the section chief's roster page: the campus month as a grid (people × days,
/// shifts by their Chinese short names, nights, public holidays and 调休 working days
/// marked), a draft generated without writing, publishing, editing a seat with the hard
/// rules checked first (rest, leave, skills, double booking), the fairness report of the
/// staff who stand duty, and the month's roster problems each with its fix.
extension Dashboard {
    /// Confirmations the roster forms come back with (`?done=`).
    static let chiefConfirmations: [String: (String, String)] = [
        "saved": ("班位已保存。", "Seat saved."), "published": ("值班表已发布。", "Roster published."),
        "opened": ("班位已设为空缺。", "Seat left open."),
        "arranged": ("已代为换班，审批记录与考勤表已更新。", "Swap arranged: it is on record as approved and on the attendance sheet."),
        "taken_over": ("已安排顶班，审批记录与考勤表已更新。", "Take-over arranged: it is on record as approved and on the attendance sheet."),
    ]

    /// What a refused or checked form brings back to the page.
    struct ChiefNotice {
        var message: String
        var ok: Bool
        var typed: [String: String] = [:]
    }

    func registerChief(on router: Router<MeshDeskRequestContext>) {
        router.get("/chief/roster") { request, context in try page(request, context, path: "/chief/roster") { user, layout in
            try chiefRosterPage(request, user, layout, notice: nil)
        } }
        router.post("/chief/roster/{form}") { request, context in try await chiefRosterForm(request, context, try context.parameters.require("form")) }
    }

    /// Campuses whose roster the user keeps: where they are 科长.
    func chiefCampuses(_ user: SignedIn) throws -> [CampusCode] {
        try department.campuses().map(\.code).filter { user.staff.holds(.sectionChief, at: $0) }
    }

    func chiefRosterPage(_ request: Request, _ user: SignedIn, _ layout: Layout, notice: ChiefNotice?,
                         campus chosenCampus: CampusCode? = nil, month chosenMonth: LocalMonth? = nil) throws -> HTML {
        let lang = layout.lang
        let title = lang.pick("排班管理", "Roster management")
        let shown: HTML = notice.map { notice in
            notice.ok ? "<p class=\"card ok\" id=\"checked\" role=\"status\">\(notice.message)</p>"
                : "<p class=\"card bad\" id=\"refused\" role=\"alert\">\(notice.message)</p>"
        } ?? ""
        let campuses = try chiefCampuses(user)
        guard !campuses.isEmpty else {
            return layout.page(title: title, "\(shown)<p class=\"card bad\">\(lang.pick("此页仅供科长排班使用；您在任何院区都不是科长。", "This page is for a section chief; you are section chief of no campus."))</p>")
        }
        let asked = try chosenCampus ?? Parse.query(request, "campus").map(Parse.campus)
        let campus = asked.flatMap { campuses.contains($0) ? $0 : nil } ?? (campuses.contains(user.staff.campus) ? user.staff.campus : campuses[0])
        if let asked, asked != campus {
            return layout.page(title: title, "<p class=\"card bad\">\(lang.pick("您不是该院区的科长，不能查看或调整其排班。", "You are not section chief of that campus."))</p>")
        }
        let now = configuration.clock.now()
        let month = try chosenMonth ?? Parse.query(request, "month").map { try Parse.month($0) } ?? LocalMonth(containing: now.date)
        let draftSeed = Parse.query(request, "draft").flatMap { UInt64($0) }
        let names = try RosterNames(lang: lang, department: department, campus: campus)
        let people = try department.people(campus: campus).filter { $0.active && !$0.posts.isEmpty }.sorted { $0.id < $1.id }
        let calendar = try department.holidayCalendar()

        // What the grid shows: the draft (not written) or the stored seats.
        var holdings: [SlotKey: [PersonID]] = [:]
        var conflicted: Set<SlotKey> = []
        var fairness: FairnessReport
        var unfilledNote: [HTML] = []
        let publication = try department.rosterPublication(campus: campus, month: month)
        let seats = try department.roster(campus: campus, month: month)
        if let draftSeed {
            let draft = try department.draftRoster(campus: campus, month: month, seed: draftSeed)
            for a in draft.roster.assignments { holdings[a.slot, default: []].append(a.person) }
            fairness = draft.fairness
            unfilledNote = draft.unfilled.prefix(20).map { "<li>\(names.seat($0.slot)): \(names.unfilledSummary($0))</li>" }
        } else {
            for seat in seats {
                holdings[seat.slot] = seat.holders
                if seat.conflicting.count > 1 { conflicted.insert(seat.slot) }
            }
            let value = try department.rosterValue(campus: campus, month: month)
            fairness = FairnessReport.measure(value.roster, people: value.people, leave: value.leave, policy: value.policy)
        }
        let csrf = user.session.csrfToken
        let base = "/chief/roster?campus=\(campus.rawValue)&month=\(month.description)"

        // Header: campus, month, state.
        let previous = LocalMonth(containing: month.firstDay.adding(days: -1))
        let next = LocalMonth(containing: month.firstDay.adding(days: month.dayCount))
        let picker: [HTML] = campuses.map { c in
            "<a href=\"/chief/roster?campus=\(c.rawValue)&month=\(month.description)\"\(c == campus ? HTML(" class=\"ok\"") : "")>\(names.campusName(c))</a> "
        }
        let state: HTML
        if draftSeed != nil {
            state = "<p class=\"card warn\">\(lang.pick("草稿（未保存）：以下为按当前请假与节假日生成的排班，发布后才生效。", "Draft (not saved): generated from today's leave and calendar; it takes effect only when published."))</p>"
        } else if let publication {
            state = "<p class=\"ok\">\(lang.pick("已发布：", "Published: "))\(names.person(publication.by)) · \(publication.at.description)</p>"
        } else if seats.isEmpty {
            state = "<p class=\"muted\">\(lang.pick("本月尚未排班。先生成草稿，检查后发布。", "No roster for this month yet: generate a draft, check it, publish."))</p>"
        } else {
            state = ""
        }
        let done: HTML = Parse.query(request, "done").flatMap { Self.chiefConfirmations[$0] }
            .map { "<p class=\"card ok\" id=\"done\">\(lang.pick($0.0, $0.1))</p>" } ?? ""

        // Generate / publish.
        let seed = draftSeed ?? UInt64(month.firstDay.daysSinceEpoch)
        let replace = !seats.filter { !$0.holders.isEmpty }.isEmpty
        let publishForm: HTML = draftSeed == nil ? "" : """
            <form method="post" action="/chief/roster/publish" class="act"><input type="hidden" name="csrf" value="\(csrf)">\
            <input type="hidden" name="campus" value="\(campus.rawValue)"><input type="hidden" name="month" value="\(month.description)">\
            <input type="hidden" name="seed" value="\(String(seed))">\
            \(replace ? HTML("<label><input type=\"checkbox\" name=\"replace\" value=\"1\" required> \(lang.pick("替换已发布的值班表", "Replace the published roster"))</label> ") : "")\
            <button id="publish">\(lang.pick("发布此草稿", "Publish this draft"))</button></form>
            """
        let actions: HTML = """
            <p><a href="\(base)&draft=\(String(draftSeed.map { $0 &+ 1 } ?? seed))" id="draft">\(lang.pick(draftSeed == nil ? "生成草稿" : "重新生成草稿", draftSeed == nil ? "Generate a draft" : "Generate another draft"))</a>\
            \(draftSeed == nil ? "" : HTML(" · <a href=\"\(base)\">\(lang.pick("返回已发布的值班表", "Back to the published roster"))</a>"))</p>\(publishForm)
            """

        // The grid: people × days.
        let days = month.days
        let dayHeads: [HTML] = days.map { date in
            let type = calendar.dayType(of: date)
            let makeUp = type == .workday && date.weekday.isWeekend
            let mark: HTML = type == .holiday ? "<br><span class=\"bad\">\(lang.pick("节", "hol"))</span>"
                : makeUp ? "<br><span class=\"warn\">\(lang.pick("调休", "make-up"))</span>" : ""
            let cls = type == .holiday ? "hol" : makeUp ? "mk" : type == .weekend ? "we" : ""
            let tip = calendar.name(of: date) ?? type.chineseName
            return "<th class=\"\(cls)\" title=\"\(tip)\">\(date.day)<br><small>\(names.weekday(date.weekday))</small>\(mark)</th>"
        }
        var byPersonDay: [PersonID: [LocalDate: [SlotKey]]] = [:]
        for (slot, holders) in holdings { for p in holders { byPersonDay[p, default: [:]][slot.date, default: []].append(slot) } }
        let rows: [HTML] = people.map { person in
            let cells: [HTML] = days.map { date in
                let slots = (byPersonDay[person.id]?[date] ?? []).sorted()
                guard !slots.isEmpty else { return "<td></td>" }
                let night = slots.contains { names.isNight($0.shiftKind) }
                let bad = slots.contains { conflicted.contains($0) }
                let text = slots.map { "\(names.shortShift($0.shiftKind))·\(names.shortPost($0.post))" }.joined(separator: " ")
                return "<td class=\"\(bad ? "cf" : night ? "nt" : "dy")\" title=\"\(slots.map(names.seat).joined(separator: "; "))\">\(text)</td>"
            }
            return "<tr><th>\(person.name)</th>\(cells)</tr>"
        }
        let open = days.map { date -> HTML in
            let n = (draftSeed == nil ? seats.map(\.slot) : Array(holdings.keys)).filter { $0.date == date }
            let expected = names.slotsPerDay(date, calendar: calendar)
            let missing = expected - n.filter { !(holdings[$0] ?? []).isEmpty }.count
            return missing > 0 ? "<td class=\"cf\">\(missing)</td>" : "<td></td>"
        }
        let legend = names.legend()
        let grid: HTML = """
            <div class="scroll"><table class="grid"><tr><th>\(lang.pick("人员", "Person"))</th>\(dayHeads)</tr>\(rows)\
            <tr><th>\(lang.pick("空缺班位", "Open seats"))</th>\(open)</tr></table></div>
            <p class="muted">\(legend)</p>
            """

        // Fairness: only the staff who stand duty.
        let rostered = Set(people.map(\.id))
        let loads = fairness.people.filter { rostered.contains($0.person) && $0.eligibleSlots > 0 }
        let worst = fairness.groups.filter { $0.eligibleSlots > 0 }.reduce(into: (0, 0, 0, 0)) { acc, g in
            acc = (max(acc.0, g.spread.shifts), max(acc.1, g.spread.nightShifts), max(acc.2, g.spread.weekendShifts), max(acc.3, g.spread.holidayShifts))
        }
        let loadRows: [HTML] = loads.map { load in
            "<tr><td>\(names.person(load.person))</td><td>\(load.shifts)</td><td>\(load.nightShifts)</td><td>\(load.weekendShifts)</td><td>\(load.holidayShifts)</td><td>\(load.workedMinutes / 60)</td></tr>"
        }
        let fairnessBox: HTML = """
            <div class="card side"><h2>\(lang.pick("公平性（仅值班人员）", "Fairness (duty staff only)"))</h2>
            <p>\(lang.pick("同等可排人员间最大差值：", "Largest spread among equally available staff: "))\(lang.pick("班次", "shifts")) \(worst.0) · \(lang.pick("夜班", "nights")) \(worst.1) · \(lang.pick("周末", "weekends")) \(worst.2) · \(lang.pick("节假日", "holidays")) \(worst.3)</p>
            <table><tr><th>\(lang.pick("人员", "Person"))</th><th>\(lang.pick("班次", "Shifts"))</th><th>\(lang.pick("夜班", "Nights"))</th><th>\(lang.pick("周末", "Weekends"))</th><th>\(lang.pick("节假日", "Holidays"))</th><th>\(lang.pick("工时", "Hours"))</th></tr>\(loadRows)</table>
            \(unfilledNote.isEmpty ? "" : HTML("<h3>\(lang.pick("无法排满的班位", "Seats that could not be filled"))</h3><ul>\(unfilledNote)</ul>"))</div>
            """

        // The seat editor (stored roster only).
        let typed = notice?.typed ?? [:]
        func selected(_ field: String, _ value: String) -> HTML { typed[field] == value ? " selected" : "" }
        let postOptions: [HTML] = names.posts.map { "<option value=\"\($0.id.rawValue)\"\(selected("post", $0.id.rawValue))>\(lang.pick($0.nameChinese, $0.nameEnglish))</option>" }
        let shiftOptions: [HTML] = names.templates.map { "<option value=\"\($0.id.rawValue)\"\(selected("shift", $0.id.rawValue))>\(lang.pick($0.nameChinese, $0.nameEnglish)) \($0.clockRange)</option>" }
        let personOptions: [HTML] = ["<option value=\"\">\(lang.pick("（空缺）", "(open)"))</option>"] + people.map {
            "<option value=\"\($0.id.rawValue)\"\(selected("person", $0.id.rawValue))>\($0.name)</option>"
        }
        let editor: HTML = draftSeed != nil || seats.isEmpty ? "" : """
            <h2>\(lang.pick("调整班位", "Edit a seat"))</h2>
            <form method="post" action="/chief/roster/seat" class="card wide"><input type="hidden" name="csrf" value="\(csrf)">\
            <input type="hidden" name="campus" value="\(campus.rawValue)">
            <label>\(lang.pick("日期", "Date")) <input type="date" name="date" required min="\(month.firstDay.iso)" max="\(month.lastDay.iso)" value="\(typed["date"] ?? "")"></label>
            <label>\(lang.pick("岗位", "Post")) <select name="post">\(postOptions)</select></label>
            <label>\(lang.pick("班次", "Shift")) <select name="shift">\(shiftOptions)</select></label>
            <label>\(lang.pick("值班人员", "On duty")) <select name="person">\(personOptions)</select></label>
            <p><button name="mode" value="check" id="check-seat">\(lang.pick("检查规则", "Check the rules"))</button> \
            <button name="mode" value="save" id="save-seat">\(lang.pick("保存", "Save"))</button></p>
            <p class="muted">\(lang.pick("保存前检查休息时间、请假、技能和重复排班；违反规则时不保存。", "Rest, leave, skills and double booking are checked first; a change that breaks a rule is not saved."))</p></form>
            """

        // 代为换班 / 顶班: seats from yesterday on (a night under way began then).
        let today = now.date
        let movable = seats.filter { $0.assignee != nil && $0.conflicting.isEmpty && $0.slot.date >= today.adding(days: -1) }.sorted { $0.slot < $1.slot }
        func seatOptions(_ field: String) -> [HTML] {
            movable.map { seat in
                let key = SeatKey.text(campus: campus, slot: seat.slot)
                return "<option value=\"\(key)\"\(selected(field, key))>\(names.seat(seat.slot)) — \(seat.assignee.map(names.person) ?? "")</option>"
            }
        }
        let colleagueOptions: [HTML] = people.map { "<option value=\"\($0.id.rawValue)\"\(selected("colleague", $0.id.rawValue))>\($0.name)</option>" }
        let arrange: HTML = draftSeed != nil || movable.isEmpty ? "" : """
            <h2>\(lang.pick("代为换班 / 顶班", "Swap on behalf / take over"))</h2>
            <form method="post" action="/chief/roster/arrange" class="card wide"><input type="hidden" name="csrf" value="\(csrf)">\
            <input type="hidden" name="campus" value="\(campus.rawValue)">
            <label>\(lang.pick("班位", "Seat")) <select name="seat" required>\(seatOptions("seat"))</select></label><br>
            <label>\(lang.pick("由谁接替", "Taken by")) <select name="colleague" required>\(colleagueOptions)</select></label><br>
            <label>\(lang.pick("交换对方的班位", "In exchange for their seat")) <select name="colleagueSeat">\
            <option value="">\(lang.pick("（不交换：顶班）", "(none: a take-over)"))</option>\(seatOptions("colleagueSeat"))</select></label><br>
            <label>\(lang.pick("原因（必填，记入审计）", "Reason (required, audited)")) <input name="reason" required maxlength="\(Department.arrangedSwapReasonMax)" value="\(typed["reason"] ?? "")" size="40"></label>
            <p><button id="arrange">\(lang.pick("代为换班 / 顶班", "Arrange"))</button></p>
            <p class="muted">\(lang.pick("用于本人无法提出申请时（生病、联系不上、班中离岗）。规则检查与审批相同，记为科长批准的换班。", "For someone who cannot ask (ill, unreachable, leaving mid-shift). The rules are checked as at an approval; it is recorded as a swap the chief approved."))</p></form>
            """

        // Roster problems of this month, each with its fix.
        let problems = try RosterProblems.list(store: department.store, campus: campus).filter { names.month(of: $0) == month }
        let problemRows: [HTML] = problems.map { problem in
            let (text, slot, versions) = names.problem(problem)
            let giveBack = if case .leaveRevokedAfterCover = problem { true } else { false }
            var fix: HTML = ""
            if let slot {
                let keep: [HTML] = versions.map { version in
                    """
                    <form method="post" action="/chief/roster/seat" style="display:inline"><input type="hidden" name="csrf" value="\(csrf)">\
                    <input type="hidden" name="campus" value="\(campus.rawValue)"><input type="hidden" name="date" value="\(slot.date.iso)">\
                    <input type="hidden" name="post" value="\(slot.post.rawValue)"><input type="hidden" name="shift" value="\(slot.shiftKind.rawValue)">\
                    <input type="hidden" name="seat" value="\(slot.seat)"><input type="hidden" name="person" value="\(version?.rawValue ?? "")">\
                    <input type="hidden" name="mode" value="save"><button>\(giveBack ? lang.pick("归还给", "Give back to") : lang.pick("保留", "Keep")) \(version.map(names.person) ?? lang.pick("空缺", "open"))</button></form>
                    """
                }
                fix = "\(keep) <span class=\"muted\">\(lang.pick("或在下方“调整班位”中另选人员", "or choose someone else under Edit a seat below"))</span>"
            }
            return "<tr><td>\(text)</td><td>\(fix)</td></tr>"
        }
        let problemBox: HTML = problems.isEmpty ? "" : """
            <h2 class="bad">\(lang.pick("排班问题（两院区并发修改等）", "Roster problems (concurrent edits at two campuses and others)"))</h2>
            <table id="problems"><tr><th>\(lang.pick("问题", "Problem"))</th><th>\(lang.pick("处理", "Fix"))</th></tr>\(problemRows)</table>
            """

        return layout.page(title: "\(title) · \(names.campusName(campus)) \(month.description)", """
            \(Self.chiefStyle)\(done)\(shown)
            <p>\(picker) · <a href="/chief/roster?campus=\(campus.rawValue)&month=\(previous.description)">« \(previous.description)</a> \
            <strong>\(month.description)</strong> <a href="/chief/roster?campus=\(campus.rawValue)&month=\(next.description)">\(next.description) »</a></p>
            \(state)\(actions)\(problemBox)\(grid)
            <div class="cols"><div class="main">\(editor)\(arrange)</div>\(fairnessBox)</div>
            """)
    }

    static let chiefStyle: HTML = """
        <style>.scroll{overflow-x:auto}.grid td,.grid th{padding:2px 3px;font-size:12px;text-align:center;white-space:nowrap}
        .grid th.hol{background:#f8d7da}.grid th.mk{background:#fff3cd}.grid th.we{background:#dde3ea}
        .grid td.nt{background:#d6def5}.grid td.dy{background:#e5f4e8}.grid td.cf{background:#f8d7da;color:#b00020;font-weight:bold}
        .cols{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}.cols .main{flex:1 1 560px;min-width:0}
        .grid tr>th:first-child{position:sticky;left:0;background:#eef1f4;z-index:1}.card.side{max-width:460px}
        @media print{header,form,#draft{display:none}}</style>
        """

    func chiefRosterForm(_ request: Request, _ context: MeshDeskRequestContext, _ form: String) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let lang = Language.of(request)
        let fields: [String: String]
        switch form {
        case "seat": fields = try await FormPost.read(request, fields: ["campus", "date", "post", "shift", "seat", "person", "mode"], csrfOf: user)
        case "publish": fields = try await FormPost.read(request, fields: ["campus", "month", "seed", "replace"], csrfOf: user)
        case "arrange": fields = try await FormPost.read(request, fields: ["campus", "seat", "colleague", "colleagueSeat", "reason"], csrfOf: user)
        default: throw APIError(.notFound, "not_found", "no form \(form)")
        }
        var campus: CampusCode?
        var month: LocalMonth?
        do {
            let code = try Parse.campus(fields["campus"] ?? "")
            campus = code
            guard try chiefCampuses(user).contains(code) else {
                throw DutyRefusal(.forbidden, "outside_campus", "您不是该院区的科长，不能调整其排班。", "You are not section chief of that campus: you may not change its roster.")
            }
            switch form {
            case "publish":
                let m = try Parse.month(fields["month"] ?? "")
                month = m
                guard let seed = UInt64(fields["seed"] ?? "") else { throw DutyRefusal(.unprocessableContent, "bad_seed", "草稿编号无效，请重新生成草稿。", "The draft number is not valid: generate the draft again.") }
                _ = try department.publishRoster(campus: code, month: m, seed: seed, replace: fields["replace"] == "1", by: acting)
                context.logger.info("roster published", metadata: ["campus": "\(code)", "month": "\(m)", "by": "\(user.person)"])
                return HTMLResponse.redirect("/chief/roster?campus=\(code.rawValue)&month=\(m.description)&done=published")
            case "arrange":
                let (seatCampus, seat) = try SeatKey.parse(fields["seat"] ?? "")
                month = LocalMonth(containing: seat.date)
                let offered = try (fields["colleagueSeat"] ?? "").isEmpty ? nil : SeatKey.parse(fields["colleagueSeat"] ?? "")
                guard seatCampus == code, offered.map({ $0.0 == code }) ?? true else {
                    throw DutyRefusal(.forbidden, "outside_campus", "该班位不属于本院区。", "That seat is not on this campus's roster.")
                }
                guard let colleague = fields["colleague"].flatMap({ $0.isEmpty ? nil : PersonID($0) }) else {
                    throw DutyRefusal(.unprocessableContent, "missing_field", "请选择接替的人员。", "Please choose who takes the seat.")
                }
                guard !(fields["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw DutyRefusal(.unprocessableContent, "missing_field", "请填写原因：代为换班与顶班须记录原因。", "Please give the reason: it is kept in the audit trail.")
                }
                let broken = try department.arrangementViolations(campus: code, seat: seat, colleague: colleague, colleagueSeat: offered?.1)
                if let first = broken.first {
                    throw DutyRefusal(.conflict, "breaks_roster_rule",
                                       "未保存：" + (try RosterNames(lang: .zh, department: department, campus: code).violation(first)),
                                       "Not saved: " + (try RosterNames(lang: .en, department: department, campus: code).violation(first)))
                }
                let id = try department.arrangeSwap(campus: code, seat: seat, colleague: colleague, colleagueSeat: offered?.1,
                                                    reason: fields["reason"] ?? "", by: acting)
                context.logger.info("swap arranged by the chief", metadata: ["swap": "\(id)", "seat": "\(SeatKey.text(campus: code, slot: seat))", "by": "\(user.person)"])
                return HTMLResponse.redirect("/chief/roster?campus=\(code.rawValue)&month=\(LocalMonth(containing: seat.date).description)&done=\(offered == nil ? "taken_over" : "arranged")")
            default:
                guard let dateText = fields["date"], !dateText.isEmpty else {
                    throw DutyRefusal(.unprocessableContent, "missing_field", "请选择日期。", "Please choose a date.")
                }
                let date = try Parse.date(dateText, field: "date")
                month = LocalMonth(containing: date)
                let seatNumber = Int(fields["seat"] ?? "0") ?? -1
                guard (0..<CampusRosterPolicy.headcountMax).contains(seatNumber) else {
                    throw DutyRefusal(.unprocessableContent, "bad_seat", "班位编号无效。", "The seat number is not valid.")
                }
                let slot = SlotKey(date: date, post: PostID(fields["post"] ?? ""), shiftKind: ShiftKindID(fields["shift"] ?? ""), seat: seatNumber)
                let person = (fields["person"] ?? "").isEmpty ? nil : PersonID(fields["person"] ?? "")
                let names = try RosterNames(lang: lang, department: department, campus: code)
                if let person {
                    let broken = try department.seatViolations(campus: code, slot: slot, person: person)
                    if let first = broken.first {
                        throw DutyRefusal(.conflict, "breaks_roster_rule",
                                           "未保存：" + (try RosterNames(lang: .zh, department: department, campus: code).violation(first)),
                                           "Not saved: " + (try RosterNames(lang: .en, department: department, campus: code).violation(first)))
                    }
                }
                if fields["mode"] == "check" {
                    let who = person.map(names.person) ?? lang.pick("空缺", "open")
                    let message = lang.pick("检查通过：\(names.seat(slot)) 由 \(who) 值班不违反排班规则（尚未保存）。",
                                            "Check passed: \(who) on \(names.seat(slot)) breaks no roster rule (not saved yet).")
                    return try chiefPage(request, user, status: .ok, notice: ChiefNotice(message: message, ok: true, typed: fields), campus: code, month: month)
                }
                try department.overrideSeat(campus: code, slot: slot, person: person, by: acting)
                context.logger.info("roster seat changed", metadata: ["seat": "\(SeatKey.text(campus: code, slot: slot))", "person": "\(person?.rawValue ?? "open")", "by": "\(user.person)"])
                return HTMLResponse.redirect("/chief/roster?campus=\(code.rawValue)&month=\(LocalMonth(containing: date).description)&done=\(person == nil ? "opened" : "saved")")
            }
        } catch {
            let message = chiefMessage(error, lang: lang, campus: campus)
            let status = (error as? DutyRefusal)?.status ?? APIError.from(error).status
            context.logger.notice("roster form refused", metadata: ["form": "\(form)", "by": "\(user.person)", "code": "\((error as? DutyRefusal)?.code ?? APIError.from(error).code)"])
            return try chiefPage(request, user, status: status, notice: ChiefNotice(message: message, ok: false, typed: fields), campus: campus, month: month)
        }
    }

    /// The roster page rendered in answer to a form (a refusal or a check), not cached.
    func chiefPage(_ request: Request, _ user: SignedIn, status: HTTPResponse.Status, notice: ChiefNotice,
                   campus: CampusCode?, month: LocalMonth?) throws -> Response {
        var response = try framed(request, user, path: "/chief/roster", version: try api.changes(session: user.session.token).version) { layout in
            let mine = try chiefCampuses(user)
            return try chiefRosterPage(request, user, layout, notice: notice, campus: campus.flatMap { mine.contains($0) ? $0 : nil }, month: month)
        }
        response.status = status
        return response
    }
}

extension Dashboard {
    /// Why a roster form was refused, in the user's language: the roster's own cases
    /// here (the seat by its name, publishing over a published month), the rest as every
    /// form says them (`Language.refusal`).
    func chiefMessage(_ error: any Error, lang: Language, campus: CampusCode?) -> String {
        guard let domain = error as? DomainError else { return lang.refusal(error) }
        switch domain {
        case .breaksRosterRule: return lang.pick("未保存：违反排班规则。", "Not saved: it breaks a roster rule.")
        case .unknownPost(_, let post): return lang.pick("该院区没有岗位 \(post.rawValue)。", "No post \(post.rawValue) at this campus.")
        case .unknownShiftKind: return lang.pick("该院区没有这个班次。", "No such shift at this campus.")
        case .unknownSeat(let text):
            // The names are for the message only: without them it still says what is wrong.
            if let (_, slot) = try? SeatKey.parse(text), let campus, let names = try? RosterNames(lang: lang, department: department, campus: campus) {
                return lang.pick("值班表中没有该班位：\(names.seat(slot))（该日不排此班次，或本月尚未发布）。",
                                 "No such seat in the roster: \(names.seat(slot)) (that shift is not worked that day, or the month is not published).")
            }
            return lang.pick("值班表中没有该班位。", "No such seat in the roster.")
        case .alreadyPublished: return lang.pick("本月值班表已发布：如需替换，请勾选“替换已发布的值班表”。", "This month is already published: tick “Replace the published roster” to replace it.")
        case .missing: return lang.pick("该院区尚未设置岗位，无法排班。", "The campus has no posts: nothing to roster.")
        case .notPermitted: return lang.pick("您没有权限执行此操作（需要该院区科长）。", "You may not do this: it needs the section chief of the campus.")
        case .badMonth: return lang.pick("月份无效：请按“年-月”填写。", "Invalid month: use YYYY-MM.")
        default: return lang.refusal(error)
        }
    }
}

/// Names of a campus's posts, shifts and people in one language, for the roster and
/// attendance pages: never a raw key on the page.
struct RosterNames {
    let lang: Language
    let posts: [Post]
    let templates: [ShiftTemplate]
    let people: [PersonID: String]
    let campusNames: [CampusCode: String]
    let policy: CampusRosterPolicy?
    /// Posts, shifts and seats by name, as every page names them.
    let seats: SeatNames

    init(lang: Language, department: Department, campus: CampusCode) throws {
        self.lang = lang
        let posts = try department.posts(campus: campus)
        let policy = try department.campus(campus).map { $0.policy(posts: posts) }
        self.posts = posts
        self.policy = policy
        templates = policy?.templates ?? []
        seats = SeatNames(lang: lang, posts: posts, policy: policy)
        people = Dictionary(try department.people().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    func person(_ id: PersonID) -> String { people[id] ?? id.rawValue }
    func campusName(_ code: CampusCode) -> String { campusNames[code].map { lang == .zh ? $0 : "\($0) (\(code.rawValue))" } ?? code.rawValue }
    func post(_ id: PostID) -> String { seats.postName(id) }
    func shift(_ id: ShiftKindID) -> String { seats.shiftName(id) }
    func isNight(_ id: ShiftKindID) -> Bool { templates.first { $0.id == id }?.isNight ?? false }

    /// The grid's short names: 白 前夜 后夜 节白 节夜 …
    func shortShift(_ id: ShiftKindID) -> String {
        switch id.rawValue {
        case "weekday-day": lang.pick("白", "D")
        case "night-1": lang.pick("前夜", "N1")
        case "night-2": lang.pick("后夜", "N2")
        case "holiday-day": lang.pick("节白", "HD")
        case "holiday-night": lang.pick("节夜", "HN")
        case "three-early": lang.pick("早", "E")
        case "three-late": lang.pick("中", "L")
        case "three-night": lang.pick("大夜", "O")
        default: shift(id)
        }
    }

    /// A post's first two characters (网络, 系统…) or its English initials.
    func shortPost(_ id: PostID) -> String {
        guard let post = posts.first(where: { $0.id == id }) else { return "?" }
        if lang == .zh { return String(post.nameChinese.prefix(2)) }
        return post.nameEnglish.split(separator: " ").map { String($0.prefix(1)) }.joined().uppercased()
    }

    func legend() -> String {
        let shifts = templates.map { "\(shortShift($0.id)) = \(lang.pick($0.nameChinese, $0.nameEnglish)) \($0.clockRange)" }.joined(separator: lang.pick("；", "; "))
        let postsText = posts.map { "\(shortPost($0.id)) = \(lang.pick($0.nameChinese, $0.nameEnglish))" }.joined(separator: lang.pick("；", "; "))
        return lang.pick("图例：\(shifts)。岗位：\(postsText)。蓝底为夜班，红色表头为法定节假日，黄色表头为调休上班日，灰色表头为周末，红格为冲突或空缺。",
                         "Legend: \(shifts). Posts: \(postsText). Blue cells are nights; red headers are public holidays, yellow make-up working days (调休), grey weekends; red cells are conflicts or open seats.")
    }

    func weekday(_ day: Weekday) -> String {
        let zh = ["一", "二", "三", "四", "五", "六", "日"]
        let en = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        let index = Weekday.allCases.firstIndex(of: day) ?? 0
        return lang.pick(zh[index], en[index])
    }

    func seat(_ slot: SlotKey) -> String {
        "\(seats.seatName(slot))\(slot.seat > 0 ? " #\(slot.seat + 1)" : "")"
    }

    /// Seats the policy has on a date.
    func slotsPerDay(_ date: LocalDate, calendar: HolidayCalendar) -> Int {
        guard let policy else { return 0 }
        let type = calendar.dayType(of: date)
        return policy.templates.filter { $0.dayTypes.contains(type) }.reduce(0) { total, template in
            total + policy.posts.count { policy.covers(post: $0.id, shift: template.id) } * policy.headcount
        }
    }

    func unfilledSummary(_ unfilled: UnfilledSlot) -> String {
        let rules = policy?.rest ?? .standard
        return unfilled.excluded.map { count in
            let n = count.people
            switch count.exclusion {
            case .otherCampus: return lang.pick("\(n) 人属其他院区", "\(n) on another campus")
            case .postNotHeld: return lang.pick("\(n) 人未分配此岗位", "\(n) not assigned to the post")
            case .missingSkill(let skill): return lang.pick("\(n) 人缺少技能 \(skill.rawValue)", "\(n) lack skill \(skill.rawValue)")
            case .onLeave: return lang.pick("\(n) 人请假", "\(n) on leave")
            case .shiftsPerDayReached: return lang.pick("\(n) 人当天已排满", "\(n) already on \(rules.shiftsPerDayMax) shift(s) that day")
            case .overlap: return lang.pick("\(n) 人时间冲突", "\(n) on an overlapping shift")
            case .restTooShort: return lang.pick("\(n) 人休息不足 \(rules.minimumRestMinutes / 60) 小时", "\(n) would break \(rules.minimumRestMinutes / 60) h rest")
            case .noRestDayAfterNight: return lang.pick("\(n) 人夜班后需休息", "\(n) need their rest day after a night")
            }
        }.joined(separator: lang.pick("，", ", "))
    }

    func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? lang.pick("\(minutes / 60) 小时", "\(minutes / 60) h") : lang.pick("\(minutes / 60) 小时 \(minutes % 60) 分", "\(minutes / 60) h \(minutes % 60) min")
    }

    /// A hard rule broken, in words a chief reads.
    func violation(_ violation: RosterViolation) -> String {
        switch violation {
        case .unknownPerson(let a): return lang.pick("\(seat(a.slot))：无此人员", "\(seat(a.slot)): no such person")
        case .unknownPost(let a): return lang.pick("\(seat(a.slot))：本院区无此岗位", "\(seat(a.slot)): no such post at this campus")
        case .unknownShiftKind(let a): return lang.pick("\(seat(a.slot))：本院区无此班次", "\(seat(a.slot)): no such shift at this campus")
        case .shiftNotForDayType(let a, let type): return lang.pick("\(seat(a.slot))：\(type.chineseName)不排此班次", "\(seat(a.slot)): this shift is not worked on that day type")
        case .otherCampus(let a, _): return lang.pick("\(person(a.person)) 属其他院区的值班表", "\(person(a.person)) is on another campus's roster")
        case .postNotHeld(let a): return lang.pick("\(person(a.person)) 未分配到\(post(a.slot.post))", "\(person(a.person)) is not assigned to post \(post(a.slot.post))")
        case .missingSkill(let a, let skill): return lang.pick("\(person(a.person)) 缺少\(post(a.slot.post))所需技能 \(skill.rawValue)", "\(person(a.person)) lacks the skill \(skill.rawValue) that \(post(a.slot.post)) requires")
        case .onLeave(let a, let leave): return lang.pick("\(person(a.person)) 在 \(leave.firstDay.iso) 至 \(leave.lastDay.iso) 已获批请假", "\(person(a.person)) is on approved leave \(leave.firstDay.iso) to \(leave.lastDay.iso)")
        case .seatHeldByMany(let slot, let holders): return lang.pick("\(seat(slot)) 同时排了 \(holders.map(person).joined(separator: "、"))", "\(seat(slot)) is held by \(holders.map(person).joined(separator: " and ")) at once")
        case .overlap(let p, let a, let b): return lang.pick("重复排班：\(person(p)) 的 \(seat(a)) 与 \(seat(b)) 时间重叠", "Double booking: \(person(p))'s \(seat(a)) overlaps \(seat(b))")
        case .restTooShort(let p, let a, let b, let gap): return lang.pick("休息不足：\(person(p)) 在 \(seat(a)) 与 \(seat(b)) 之间只休息 \(hours(gap))（至少 \(hours(policy?.rest.minimumRestMinutes ?? 0))）", "Rest too short: \(person(p)) rests only \(hours(gap)) between \(seat(a)) and \(seat(b)) (at least \(hours(policy?.rest.minimumRestMinutes ?? 0)))")
        case .noRestDayAfterNight(let p, let night, let next): return lang.pick("夜班后须休息：\(person(p)) 的 \(seat(next)) 落在 \(seat(night)) 之后的休息日", "Rest day after nights: \(person(p))'s \(seat(next)) falls on the rest day after \(seat(night))")
        case .tooManyShiftsInDay(let p, let date, let slots): return lang.pick("\(person(p)) 在 \(date.iso) 排了 \(slots.count) 个班", "\(person(p)) has \(slots.count) shifts on \(date.iso)")
        }
    }

    func month(of problem: RosterProblem) -> LocalMonth? {
        switch problem {
        case .concurrentAssignees(_, let slot, _): LocalMonth(containing: slot.date)
        case .rule(_, let violation): violation.firstSlot.map { LocalMonth(containing: $0.date) }
        case .swapApprovalAfterClose: nil
        case .leaveRevokedAfterCover(_, _, _, let seats): seats.first.map { LocalMonth(containing: $0.date) }
        }
    }

    /// A problem in words, the seat it concerns and the versions to choose from.
    func problem(_ problem: RosterProblem) -> (String, SlotKey?, [PersonID?]) {
        switch problem {
        case let .concurrentAssignees(_, slot, versions):
            let who = versions.map { $0.map(person) ?? lang.pick("空缺", "open") }
            return (lang.pick("两院区同时修改：\(seat(slot)) 被分别排给 \(who.joined(separator: "、"))", "Changed at two campuses at once: \(seat(slot)) given to \(who.joined(separator: " and "))"), slot, versions)
        case .rule(_, let v):
            return (violation(v), v.firstSlot, v.firstSlot == nil ? [] : [nil])
        case let .leaveRevokedAfterCover(_, _, who, seats):
            // The fix: give the first seat back to the person (or keep it as it is).
            return (lang.pick("\(person(who)) 已销假，但以下班位仍由同事顶班：\(seats.map(seat).joined(separator: "、"))。可归还给本人或保持不变。",
                              "\(person(who)) called off their leave, but colleagues still cover: \(seats.map(seat).joined(separator: ", ")). Give them back or leave them."),
                    seats.first, [who])
        case let .swapApprovalAfterClose(swap, _):
            return (lang.pick("换班申请 \(swap.prefix(8)) 在关闭后才收到批准：班位已调换，请确认", "Swap \(swap.prefix(8)) was approved after it closed: the seats moved; please confirm"), nil, [])
        }
    }
}

extension RosterViolation {
    /// The seat a violation is best fixed on (the later of two).
    var firstSlot: SlotKey? {
        switch self {
        case .unknownPerson(let a), .unknownPost(let a), .unknownShiftKind(let a), .shiftNotForDayType(let a, _), .otherCampus(let a, _),
             .postNotHeld(let a), .missingSkill(let a, _), .onLeave(let a, _): a.slot
        case .seatHeldByMany(let slot, _): slot
        case .overlap(_, _, let b), .restTooShort(_, _, let b, _): b
        case .noRestDayAfterNight(_, _, let next): next
        case .tooManyShiftsInDay(_, _, let slots): slots.last
        }
    }
}
