import Domain
import HTTPTypes
import Hummingbird
import Logging

/// The form posts of 我的值班 (`POST /duty/{form}`). Each comes back to `/duty` with
/// `?done=` and a confirmation, or — refused — the page itself, with the refusal next
/// to the form in the user's language, what was typed kept, the refusal's status, a log
/// line, and nothing written. A missing or wrong CSRF token or an unknown field is not
/// a user's typing: that stays the error page.
extension Dashboard {
    /// Bounds of the free-text fields of these forms (the duty log has the domain's own).
    static let reasonCharactersMax = 500
    static let handoverTextCharactersMax = 2_000
    static let handoverItemCharactersMax = 200

    /// Confirmations of the forms added with the handover, swap, overtime and calendar.
    static let dutyFormConfirmations: [String: (String, String)] = [
        "handover": ("交接班已发起，等待接班人签字。", "Handover started; the incoming engineer signs it."),
        "handover_signed": ("已签字接班。", "Handover signed: the post is yours."),
        "swap": ("换班申请已发给同事，待其同意后交科长审批。", "Swap requested: your colleague answers, then the section chief decides."),
        "swap_accepted": ("已同意换班，等待科长审批。", "Swap accepted; the section chief decides."),
        "swap_declined": ("已拒绝换班。", "Swap declined."),
        "withdrawn": ("申请已撤回。", "Request withdrawn."),
        "leave_revoked": ("已销假：这些天重新计为出勤日，年假天数已退回。", "Leave called off: the days count as working days again and annual leave is given back."),
        "overtime": ("加班申请已提交，等待科长审批。", "Overtime requested; the section chief decides."),
        "calendar_revoked": ("订阅链接已停用。", "Subscription link revoked."),
    ]

    /// The fields each form posts (besides `csrf`).
    static let dutyFormFields: [String: Set<String>] = [
        "attendance": ["kind"], "log": ["post", "text"], "leave": ["firstDay", "lastDay", "kind", "reason"],
        "handover": ["post", "incoming", "openItems", "done", "pending"], "handover-sign": ["id", "note"],
        "swap": ["seat", "colleague", "colleagueSeat", "reason"], "swap-answer": ["id", "answer"],
        "withdraw": ["kind", "id"], "overtime": ["date", "start", "end", "reason", "compensation"], "calendar": ["action"],
    ]

    func myDutyForm(_ request: Request, _ context: MeshDeskRequestContext, _ form: String) async throws -> Response {
        let (user, acting) = try api.acting(context)
        guard let allowed = Self.dutyFormFields[form] else { throw APIError(.notFound, "not_found", "no form \(form)") }
        let fields = try await FormPost.read(request, fields: allowed, csrfOf: user)
        if form == "attendance", AttendanceEvent.Kind(rawValue: fields["kind"] ?? "") == nil {
            throw APIError.badRequest("bad_kind", "kind: expected sign_in or sign_out")
        }
        let metadata: Logger.Metadata = ["form": "\(form)", "user": "\(user.username)"]
        do {
            if form == "calendar", fields["action"] == "new" {
                let token = try api.issueCalendarToken(user, logger: context.logger)
                return try framed(request, user, path: "/duty", version: try api.changes(session: user.session.token).version) { layout in
                    try myDutyPage(request, user, layout, issuedToken: token)
                }
            }
            let done = try performDutyForm(form, fields, user, acting, logger: context.logger)
            context.logger.info("duty form done", metadata: metadata.merging(["done": "\(done)"]) { a, _ in a })
            return HTMLResponse.redirect("/duty?done=\(done)")
        } catch {
            let api = APIError.from(error)
            let status = (error as? DutyRefusal)?.status ?? api.status
            let code = (error as? DutyRefusal)?.code ?? api.code
            guard status.code < 500 else { throw error }
            context.logger.notice("duty form refused: \((error as? DutyRefusal)?.en ?? api.message)",
                                  metadata: metadata.merging(["code": "\(code)", "status": "\(status.code)"]) { a, _ in a })
            let lang = Language.of(request)
            let failure = DutyFormFailure(form: form, status: status, code: code, message: lang.refusal(error), values: fields)
            var response = try framed(request, user, path: "/duty", version: try self.api.changes(session: user.session.token).version) { layout in
                try myDutyPage(request, user, layout, failure: failure)
            }
            response.status = status
            return response
        }
    }

    /// Runs one form; returns the `done` key of its confirmation.
    private func performDutyForm(_ form: String, _ fields: [String: String], _ user: SignedIn, _ acting: Acting,
                                 logger: Logger) throws -> String {
        switch form {
        case "attendance":
            let kind = AttendanceEvent.Kind(rawValue: fields["kind"] ?? "") ?? .signIn
            try Access.requireDepartmentStaff(user, to: "record attendance")
            try department.recordAttendance(kind, by: acting)
            return kind.rawValue
        case "log":
            let text = fields["text"] ?? ""
            try Self.requireLength(text, "text", max: Department.dutyLogEntryCharactersMax)
            try Access.requireCampus(user, user.staff.campus, to: "write the duty log")
            try department.writeDutyLog(campus: user.staff.campus, post: PostID(fields["post"] ?? ""), text: text, by: acting)
            return "log"
        case "leave":
            let reason = try Self.required(fields, "reason", max: Self.reasonCharactersMax)
            let first = try Parse.date(fields["firstDay"] ?? "", field: "firstDay")
            let last = try Parse.date(fields["lastDay"] ?? "", field: "lastDay")
            // 事假 when the field is absent (a form page loaded before the kinds), refused when unknown.
            let typed = fields["kind"] ?? ""
            guard let kind = typed.isEmpty ? .personal : LeaveKind(rawValue: typed) else {
                throw DutyRefusal("bad_value", "假别无效：请从列表中选择（年假、病假、事假等）。", "Unknown kind of leave: choose one from the list.")
            }
            try Access.requireDepartmentStaff(user, to: "request leave")
            _ = try department.requestLeave(firstDay: first, lastDay: last, kind: kind, reason: reason, by: acting)
            return "leave"
        case "handover": return try startHandoverFromForm(fields, user, acting)
        case "handover-sign":
            let note = fields["note"] ?? ""
            try Self.requireLength(note, "note", max: Self.reasonCharactersMax)
            try Access.requireDepartmentStaff(user, to: "sign a handover")
            try department.signHandover(fields["id"] ?? "", note: note, by: acting)
            return "handover_signed"
        case "swap": return try requestSwapFromForm(fields, user, acting)
        case "swap-answer":
            let answer = fields["answer"] ?? ""
            guard answer == "accept" || answer == "decline" else { throw APIError.badRequest("bad_value", "answer: expected accept or decline") }
            try Access.requireDepartmentStaff(user, to: "answer a swap")
            try department.answerSwap(fields["id"] ?? "", accept: answer == "accept", by: acting)
            return answer == "accept" ? "swap_accepted" : "swap_declined"
        case "withdraw":
            try Access.requireDepartmentStaff(user, to: "withdraw a request")
            switch fields["kind"] ?? "" {
            case "swap": try department.cancelSwap(fields["id"] ?? "", by: acting)
            case "leave": try department.cancelLeave(fields["id"] ?? "", by: acting)
            case "leave-revoke":
                try department.revokeLeave(fields["id"] ?? "", by: acting)
                return "leave_revoked"
            default: throw APIError.badRequest("bad_value", "kind: expected swap, leave or leave-revoke")
            }
            return "withdrawn"
        case "overtime":
            let reason = try Self.required(fields, "reason", max: Self.reasonCharactersMax)
            let date = try Parse.date(fields["date"] ?? "", field: "date")
            let start = try Parse.clock(fields["start"] ?? "", field: "start")
            let end = try Parse.clock(fields["end"] ?? "", field: "end")
            guard let compensation = OvertimeCompensation(rawValue: fields["compensation"] ?? OvertimeCompensation.unstated.rawValue) else {
                throw APIError.badRequest("bad_value", "compensation: expected time_off or pay")
            }
            try Access.requireDepartmentStaff(user, to: "request overtime")
            _ = try department.requestOvertime(date: date, startMinute: start, endMinute: end, reason: reason, compensation: compensation, by: acting)
            return "overtime"
        case "calendar":
            guard fields["action"] == "revoke" else { throw APIError.badRequest("bad_value", "action: expected new or revoke") }
            try api.revokeCalendarToken(user, logger: logger)
            return "calendar_revoked"
        default:
            throw APIError(.notFound, "not_found", "no form \(form)")
        }
    }

    /// 交班 from the form: the post of my campus, the incoming colleague (not me, of my
    /// campus), the open problems one per line, what was done and what is pending.
    private func startHandoverFromForm(_ fields: [String: String], _ user: SignedIn, _ acting: Acting) throws -> String {
        let campus = user.staff.campus
        try Access.requireCampus(user, campus, to: "start a handover")
        let post = PostID(fields["post"] ?? "")
        guard try department.posts(campus: campus).contains(where: { $0.id == post }) else {
            throw DutyRefusal("unknown_post", "请选择本院区的岗位。", "Choose a post of your campus.")
        }
        let incoming = PersonID(fields["incoming"] ?? "")
        guard !incoming.rawValue.isEmpty else { throw DomainError.missing(field: "incoming") }
        guard incoming != user.person else {
            throw DutyRefusal("handover_to_self", "不能交接给自己：请选择接班的同事。", "You cannot hand over to yourself: choose the incoming colleague.")
        }
        try requireColleague(incoming, of: user)
        let done = try Self.required(fields, "done", max: Self.handoverTextCharactersMax)
        let pending = fields["pending"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        try Self.requireLength(pending, "pending", max: Self.handoverTextCharactersMax)
        let items = (fields["openItems"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard items.count <= Department.handoverOpenItemsMax else {
            throw DutyRefusal("too_many_items", "遗留问题最多 \(Department.handoverOpenItemsMax) 条。",
                              "At most \(Department.handoverOpenItemsMax) open problems.")
        }
        for item in items { try Self.requireLength(item, "openItems", max: Self.handoverItemCharactersMax) }
        _ = try department.startHandover(campus: campus, post: post, incoming: incoming, openItems: items,
                                         notes: [HandoverNote.done + done, pending.isEmpty ? "" : HandoverNote.pending + pending], by: acting)
        return "handover"
    }

    /// 换班 (a colleague's seat in return) or 顶班 (none): my seat, the colleague of my
    /// campus, and — for a swap — a seat the colleague holds.
    private func requestSwapFromForm(_ fields: [String: String], _ user: SignedIn, _ acting: Acting) throws -> String {
        let campus = user.staff.campus
        guard let seatText = fields["seat"], !seatText.isEmpty else { throw DomainError.missing(field: "seat") }
        let (seatCampus, seat) = try Parse.seat(seatText, field: "seat")
        try Access.requireCampus(user, seatCampus, to: "request a swap")
        let colleague = PersonID(fields["colleague"] ?? "")
        guard !colleague.rawValue.isEmpty else { throw DomainError.missing(field: "colleague") }
        guard colleague != user.person else {
            throw DutyRefusal("swap_with_self", "不能与自己换班：请选择同事。", "You cannot swap with yourself: choose a colleague.")
        }
        try requireColleague(colleague, of: user)
        guard try holder(of: seat, campus: campus) == user.person else {
            throw DutyRefusal(.conflict, "seat_not_mine", "所选的“我的班次”不是您的班次。", "The shift you offered is not yours.")
        }
        var theirs: SlotKey?
        if let text = fields["colleagueSeat"], !text.isEmpty {
            let (theirCampus, slot) = try Parse.seat(text, field: "colleagueSeat")
            let name = try department.person(colleague)?.name ?? colleague.rawValue
            guard theirCampus == campus, try holder(of: slot, campus: campus) == colleague else {
                throw DutyRefusal(.conflict, "colleague_not_on_duty",
                                  "\(name) 在 \(slot.date.iso) 没有这个班次（不在班）：请选择 \(name) 自己的班次，或改为顶班。",
                                  "\(name) is not on duty in that shift on \(slot.date.iso): choose a shift of theirs, or ask for a cover.")
            }
            theirs = slot
        }
        let reason = try Self.required(fields, "reason", max: Self.reasonCharactersMax)
        _ = try department.requestSwap(campus: campus, seat: seat, colleague: colleague, colleagueSeat: theirs, reason: reason, by: acting)
        return "swap"
    }

    /// An active member of 信息科 at the user's campus, or a refusal saying which.
    private func requireColleague(_ person: PersonID, of user: SignedIn) throws {
        guard let staff = try department.person(person), staff.active else { throw DomainError.unknownPerson(person) }
        guard staff.campus == user.staff.campus else {
            throw DutyRefusal(.forbidden, "outside_campus", "所选同事不在本院区：只能与本院区的同事交接或换班。",
                              "That colleague is at another campus: hand over or swap only within your campus.")
        }
        guard staff.roles.contains(where: { Access.departmentRoles.contains($0.role) }) else {
            throw DutyRefusal(.forbidden, "not_department_staff", "所选人员不是信息科值班人员。", "That person stands no duty in the IT department.")
        }
    }

    /// Who holds `slot` in the published roster (nil: open, or held in a conflict).
    func holder(of slot: SlotKey, campus: CampusCode) throws -> PersonID? {
        let seat = try department.roster(campus: campus, month: LocalMonth(containing: slot.date)).first { $0.slot == slot }
        guard let seat, seat.conflicting.isEmpty else { return nil }
        return seat.assignee
    }

    static func required(_ fields: [String: String], _ field: String, max: Int) throws -> String {
        let text = (fields[field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw DomainError.missing(field: field) }
        try requireLength(text, field, max: max)
        return text
    }

    static func requireLength(_ text: String, _ field: String, max: Int) throws {
        guard text.count <= max else {
            throw DutyRefusal("too_long", "“\(Language.zh.field(field))”最多 \(max) 个字（现有 \(text.count) 个）。",
                              "\(Language.en.field(field).capitalizedFirst) is at most \(max) characters (\(text.count) given).")
        }
    }
}

/// The two notes a handover from the web carries, marked so each page labels them in
/// its language (the CLI shows the marker as is).
enum HandoverNote {
    static let done = "done: "
    static let pending = "pending: "

    /// The note's label in `lang` and its text without the marker.
    static func label(_ text: String, _ lang: Language) -> (String, String) {
        if text.hasPrefix(done) { return (lang.pick("已完成", "Done"), String(text.dropFirst(done.count))) }
        if text.hasPrefix(pending) { return (lang.pick("待办", "Pending"), String(text.dropFirst(pending.count))) }
        return (lang.pick("备注", "Note"), text)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
