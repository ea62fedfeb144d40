import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// 机房与安全检查: who is in the machine room now and the latest entries, with the
/// sign-in and sign-out forms; the security checks due and done, with the schedule and
/// record forms. For the department's staff and the central viewer (read only).
extension Dashboard {
    func registerMachineRoom(on router: Router<MeshDeskRequestContext>) {
        router.get("/machine-room") { request, context in
            try page(request, context, path: "/machine-room") { user, layout in
                try machineRoomPage(request, user, layout, done: request.uri.queryParameters.get("done"), refused: nil)
            }
        }
        router.post("/machine-room/{form}") { request, context in try await machineRoomForm(request, context) }
    }

    /// 机房在场 and 待安全检查 of the campuses the user reads, for the dashboard.
    func machineRoomDueSection(_ user: SignedIn, _ lang: Language, today: LocalDate) throws -> HTML {
        guard Access.readsRecords(user) else { return "" }
        let inside = try department.machineRoomEntries().filter { $0.inside && Access.canRead(user, $0.campus) }
        let due = try department.securityChecksDue(on: today).filter { Access.canRead(user, $0.campus) }
        guard !inside.isEmpty || !due.isEmpty else { return "" }
        let names = try staffNames()
        let people: [HTML] = inside.map { "<li>\($0.campus.rawValue) · \(entrant($0, names)) · \($0.reason) · \(lang.pick("进入于", "in since")) \($0.inAt.description)</li>" }
        let checks: [HTML] = due.map { c in
            "<li\(c.dueOn < today ? HTML(" class=\"bad\"") : "")>\(c.campus.rawValue) · \(lang.name(of: c.kind)) · \(c.target) · \(lang.pick("应检", "due")) \(c.dueOn.description)</li>"
        }
        return """
            \(inside.isEmpty ? "" : HTML("<h2>\(lang.pick("机房内人员", "In the machine room")) (\(inside.count)) <a href=\"/machine-room\">\(lang.pick("登记", "log"))</a></h2><ul>\(people)</ul>"))\
            \(due.isEmpty ? "" : HTML("<h2>\(lang.pick("待安全检查", "Security checks due")) (\(due.count)) <a href=\"/machine-room\">\(lang.pick("全部", "all"))</a></h2><ul>\(checks)</ul>"))
            """
    }

    func entrant(_ e: MachineRoomEntry, _ names: [String: String]) -> String {
        if let p = e.person { return "\(names[p.rawValue] ?? p.rawValue) (\(p.rawValue))" }
        return e.visitor + (e.escort.map { " / \(names[$0.rawValue] ?? $0.rawValue)" } ?? "")
    }

    func machineRoomPage(_ request: Request, _ user: SignedIn, _ layout: Layout, done: String?,
                         refused: (form: String, message: String, typed: [String: String])?) throws -> HTML {
        let lang = layout.lang
        try requireRecordsReader(user)
        let today = configuration.clock.now().date
        let names = try staffNames()
        let campuses = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
        let keeps = campuses.filter { c in [Role.sectionChief, .engineer, .dutyEngineer].contains { user.staff.holds($0, at: c) } }
        let schedules = campuses.filter { c in [Role.sectionChief, .engineer].contains { user.staff.holds($0, at: c) } }
        let csrf: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(user.session.csrfToken)\">"
        let typed = refused?.typed ?? [:]
        func said(_ form: String) -> HTML { refused?.form == form ? "<p class=\"bad\" role=\"alert\">\(refused?.message ?? "")</p>" : "" }
        func options(_ codes: [CampusCode]) -> [HTML] { codes.map { "<option value=\"\($0.rawValue)\"\(typed["campus"] == $0.rawValue ? HTML(" selected") : "")>\($0.rawValue)</option>" } }
        let confirmation: HTML = switch done {
        case "enter"?: "<p class=\"card ok\">\(lang.pick("已登记进入。", "Entry recorded."))</p>"
        case "leave"?: "<p class=\"card ok\">\(lang.pick("已登记离开。", "Exit recorded."))</p>"
        case "schedule"?: "<p class=\"card ok\">\(lang.pick("安全检查已安排。", "Security check scheduled."))</p>"
        case "record"?: "<p class=\"card ok\">\(lang.pick("检查结果已保存。", "Check recorded."))</p>"
        default: ""
        }
        let entries = try department.machineRoomEntries().filter { campuses.contains($0.campus) }.prefix(100)
        let entryRows: [HTML] = entries.map { e in
            let out: HTML = e.outAt.map { "\($0.description)" as HTML } ?? (keeps.contains(e.campus) ? """
                <form method="post" action="/machine-room/leave">\(csrf)<input type="hidden" name="entry" value="\(e.id)"><button>\(lang.pick("登记离开", "Sign out"))</button></form>
                """ : "<span class=\"warn\">\(lang.pick("在机房内", "inside"))</span>")
            return """
                <tr><td>\(e.campus.rawValue)</td><td>\(e.person.map { "\(names[$0.rawValue] ?? $0.rawValue) (\($0.rawValue))" } ?? "\(e.visitor)\(lang.pick("（来访）", " (visitor)"))")</td>\
                <td>\(e.reason)</td><td>\(e.escort.map { names[$0.rawValue] ?? $0.rawValue } ?? "—")</td><td>\(e.inAt.description)</td><td>\(out)</td></tr>
                """
        }
        let checks = try department.securityChecks().filter { campuses.contains($0.campus) }.prefix(100)
        let checkRows: [HTML] = checks.map { c in
            let state: HTML = c.done ? "<span class=\"ok\">\(lang.pick("已检查", "done")) \(c.doneOn?.description ?? "")</span>"
                : c.dueOn < today ? "<span class=\"bad\">\(lang.pick("已逾期", "overdue"))</span>" : "<span class=\"warn\">\(lang.pick("待检查", "due"))</span>"
            let record: HTML = !c.done && keeps.contains(c.campus) ? """
                <form method="post" action="/machine-room/record">\(csrf)<input type="hidden" name="check" value="\(c.id)">\
                <input type="date" name="done_on" value="\(today.description)"> <input name="result" required placeholder="\(lang.pick("检查结果，如：安装 12 个补丁", "result, e.g. 12 patches installed"))">\
                <button>\(lang.pick("记录结果", "Record"))</button></form>
                """ : ""
            return """
                <tr><td>\(c.campus.rawValue)</td><td>\(lang.name(of: c.kind))</td><td>\(c.target)</td><td>\(c.dueOn.description)</td><td>\(state)</td>\
                <td class="desc">\(c.result)\(record)</td></tr>
                """
        }
        let enterForm: HTML = keeps.isEmpty ? "" : """
            <form class="card wide-card" method="post" action="/machine-room/enter">\(csrf)\(said("enter"))<strong>\(lang.pick("进入登记", "Sign someone in"))</strong><br>\
            <label>\(lang.pick("院区", "Campus")) <select name="campus">\(options(keeps))</select></label><br>\
            <label>\(lang.pick("本院人员（工号）", "Staff (staff number)")) <input name="person" value="\(typed["person"] ?? user.person.rawValue)"></label><br>\
            <label>\(lang.pick("或来访人员姓名", "or a visitor's name")) <input name="visitor" value="\(typed["visitor"] ?? "")"></label><br>\
            <label>\(lang.pick("陪同人（工号，来访必填）", "Escort (staff number; required for a visitor)")) <input name="escort" value="\(typed["escort"] ?? "")"></label><br>\
            <label>\(lang.pick("事由", "Reason")) <input class="wide" name="reason" required maxlength="\(Department.machineRoomTextMax)" value="\(typed["reason"] ?? "")"></label><br>\
            <button>\(lang.pick("登记进入", "Sign in"))</button></form>
            """
        let kinds: [HTML] = SecurityCheckKind.allCases.map { "<option value=\"\($0.rawValue)\">\(lang.name(of: $0))</option>" }
        let scheduleForm: HTML = schedules.isEmpty ? "" : """
            <form class="card wide-card" method="post" action="/machine-room/schedule">\(csrf)\(said("schedule"))<strong>\(lang.pick("安排安全检查", "Schedule a security check"))</strong><br>\
            <label>\(lang.pick("院区", "Campus")) <select name="campus">\(options(schedules))</select></label> \
            <label>\(lang.pick("类别", "Kind")) <select name="kind">\(kinds)</select></label><br>\
            <label>\(lang.pick("检查对象", "What is checked")) <input class="wide" name="target" required value="\(typed["target"] ?? "")"></label><br>\
            <label>\(lang.pick("应检日期", "Due on")) <input type="date" name="due_on" required value="\(typed["due_on"] ?? "")"></label><br>\
            <button>\(lang.pick("安排", "Schedule"))</button></form>
            """
        return layout.page(title: lang.pick("机房与安全检查", "Machine room and security checks"), """
            \(confirmation)
            <h2>\(lang.pick("机房进出登记", "Machine-room entry log"))</h2>\(enterForm)\(said("leave"))
            \(entryRows.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("暂无登记。", "No entries yet."))</p>") : """
            <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("人员", "Who"))</th><th>\(lang.pick("事由", "Reason"))</th>\
            <th>\(lang.pick("陪同人", "Escort"))</th><th>\(lang.pick("进入时间", "In"))</th><th>\(lang.pick("离开时间", "Out"))</th></tr>\(entryRows)</table>
            """)
            <h2>\(lang.pick("安全检查（补丁与漏洞）", "Security checks (patches and vulnerabilities)"))</h2>\(scheduleForm)\(said("record"))
            \(checkRows.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("暂无安全检查。", "No security checks yet."))</p>") : """
            <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("类别", "Kind"))</th><th>\(lang.pick("检查对象", "What"))</th>\
            <th>\(lang.pick("应检日期", "Due on"))</th><th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("结果", "Result"))</th></tr>\(checkRows)</table>
            """)
            """)
    }

    func machineRoomForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let name = try context.parameters.require("form")
        let fields: Set<String> = switch name {
        case "enter": ["campus", "person", "visitor", "escort", "reason"]
        case "leave": ["entry"]
        case "schedule": ["campus", "kind", "target", "due_on"]
        case "record": ["check", "done_on", "result"]
        default: throw APIError(.notFound, "not_found", "no machine-room form \(name)")
        }
        try requireRecordsReader(user)
        let lang = Language.of(request)
        let form = try await FormPost.read(request, fields: fields, csrfOf: user)
        func staff(_ field: String) -> PersonID? { form[field].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : PersonID(rawValue: $0.trimmingCharacters(in: .whitespaces)) } }
        do {
            switch name {
            case "enter":
                let visitor = (form["visitor"] ?? "").trimmingCharacters(in: .whitespaces)
                try department.enterMachineRoom(campus: CampusCode(rawValue: form["campus"] ?? ""), person: visitor.isEmpty ? staff("person") : nil,
                                                visitor: visitor, reason: form["reason"] ?? "", escort: staff("escort"), by: acting)
            case "leave": try department.leaveMachineRoom(form["entry"] ?? "", by: acting)
            case "schedule":
                try department.scheduleSecurityCheck(campus: CampusCode(rawValue: form["campus"] ?? ""), kind: try Parse.choice(form["kind"] ?? "", field: "kind"),
                                                     target: form["target"] ?? "", dueOn: try Parse.date(form["due_on"] ?? "", field: "due_on"), by: acting)
            default:
                try department.recordSecurityCheck(form["check"] ?? "", doneOn: try Parse.date(form["done_on"] ?? "", field: "done_on"),
                                                   result: form["result"] ?? "", by: acting)
            }
            return HTMLResponse.redirect("/machine-room?done=\(name)")
        } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            context.logger.notice("machine-room form refused: \(api.message)", metadata: ["form": "machine_room.\(name)", "user": "\(user.username)", "status": "\(api.status.code)"])
            var response = try page(request, context, path: "/machine-room") { user, layout in
                try machineRoomPage(request, user, layout, done: nil, refused: (name, machineRoomRefusal(error, lang), form))
            }
            response.status = api.status
            return response
        }
    }

    func machineRoomRefusal(_ error: any Error, _ lang: Language) -> String {
        switch error as? DomainError {
        case .missing(let field)? where field == "escort": return lang.pick("来访人员须有本院陪同人：请填写陪同人工号。", "A visitor is accompanied: give the escort's staff number.")
        case .missing(let field)? where field == "reason": return lang.pick("请填写事由。", "Please give the reason.")
        case .missing(let field)? where field == "result": return lang.pick("请填写检查结果。", "Please fill in the result.")
        case .missing(let field)? where field == "target": return lang.pick("请填写检查对象。", "Please say what is checked.")
        case .invalid(let field, _)? where field == "person": return lang.pick("请填写本院人员工号，或来访人员姓名（二选一）。", "Give a staff number or a visitor's name, not both.")
        case .unknownPerson?, .inactivePerson?: return lang.pick("工号不在在职人员名录中。", "That staff number is not active staff.")
        case .wrongState?: return lang.pick("该登记已离开，无需重复登记。", "Already signed out.")
        case .invalid(let field, _)? where field == "done_on": return lang.pick("检查日期不能晚于今天。", "A check is recorded on or after the day it is done.")
        case .notPermitted?: return lang.pick("您没有权限登记（本院区科长、工程师、值班工程师）。", "You may not (the campus's chief, engineers and duty engineers do).")
        default: return lang.refusal(error)
        }
    }
}

extension Language {
    func name(of kind: SecurityCheckKind) -> String {
        switch kind {
        case .patch: pick(kind.chineseName, "patch check")
        case .vulnerability: pick(kind.chineseName, "vulnerability scan")
        }
    }
}
