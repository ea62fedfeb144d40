import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// 应急预案 pages: every campus's plans by key system with the drills due, one plan with
/// its steps, contacts (with their phones) and drills, and the forms the chief and the
/// engineers use. Read by the department's staff and the central viewer.
extension Dashboard {
    func registerEmergency(on router: Router<MeshDeskRequestContext>) {
        router.get("/plans") { request, context in
            try page(request, context, path: "/plans") { user, layout in try plansPage(request, user, layout) }
        }
        router.get("/plans/new") { request, context in
            try page(request, context, path: "/plans") { user, layout in
                try planFormPage(user, layout, campus: request.uri.queryParameters.get("campus"), system: request.uri.queryParameters.get("system"))
            }
        }
        router.post("/plans/new") { request, context in try await writePlanFromForm(request, context) }
        router.get("/plans/{id}") { request, context in
            let id = try context.parameters.require("id")
            let done = request.uri.queryParameters.get("done")
            return try page(request, context, path: "/plans") { user, layout in try planPage(id, user, layout, done: done, refused: nil) }
        }
        router.post("/plans/{id}/{form}") { request, context in try await planForm(request, context) }
    }

    func requireRecordsReader(_ user: SignedIn) throws {
        guard Access.readsRecords(user) else {
            throw APIError(.forbidden, "not_department_staff", "\(user.person) may not read the department's records")
        }
    }

    func plansPage(_ request: Request, _ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        try requireRecordsReader(user)
        let today = configuration.clock.now().date
        let plans = try department.emergencyPlans()
        let campuses = try department.campuses().filter { Access.canRead(user, $0.code) }
        let sections: [HTML] = campuses.map { campus in
            let rows: [HTML] = KeySystem.allCases.map { system in
                let plan = plans.first { $0.campus == campus.code && $0.system == system }
                let cell: HTML = plan.map { "<a href=\"/plans/\($0.id)\">\($0.title)</a>" as HTML }
                    ?? (user.staff.holds(.sectionChief, at: campus.code)
                        ? "<span class=\"warn\">\(lang.pick("未编制", "none yet"))</span> <a href=\"/plans/new?campus=\(campus.code.rawValue)&amp;system=\(system.rawValue)\">\(lang.pick("编制", "write it"))</a>"
                        : "<span class=\"warn\">\(lang.pick("未编制", "none yet"))</span>")
                let level: String = plan.map { lang.name(of: $0.startLevel) } ?? "—"
                return "<tr><td>\(lang.name(of: system))</td><td>\(cell)</td><td>\(level)</td><td>\(plan?.contacts.count ?? 0)</td></tr>"
            }
            return """
                <h2>\(campus.name) (\(campus.code.rawValue))</h2>
                <table><tr><th>\(lang.pick("关键系统", "Key system"))</th><th>\(lang.pick("应急预案", "Plan"))</th><th>\(lang.pick("启动级别", "Starts at"))</th>\
                <th>\(lang.pick("联系人", "Contacts"))</th></tr>\(rows)</table>
                """
        }
        return layout.page(title: lang.pick("应急预案与演练", "Emergency plans and drills"), """
            \(try drillsDueSection(user, lang, today: today))\(sections)
            """)
    }

    /// 待演练 — drills overdue or within `drillsDueDays`, of the campuses the user reads;
    /// on the dashboard and the plans page. Empty for those who do not read the records.
    func drillsDueSection(_ user: SignedIn, _ lang: Language, today: LocalDate) throws -> HTML {
        guard Access.readsRecords(user) else { return "" }
        let due = try department.drillsDue(on: today).filter { Access.canRead(user, $0.campus) }
        guard !due.isEmpty else { return "<p class=\"ok\">\(lang.pick("近 \(Department.drillsDueDays) 天无待演练。", "No drill due within \(Department.drillsDueDays) days."))</p>" }
        let rows: [HTML] = due.map { d in
            let late = d.scheduledOn < today
            return """
                <tr><td>\(d.campus.rawValue)</td><td>\(lang.name(of: d.system))</td><td\(late ? HTML(" class=\"bad\"") : "")>\(d.scheduledOn.description)\(late ? " \(lang.pick("已逾期", "overdue"))" : "")</td>\
                <td><a href="/plans/\(d.plan)">\(d.scenario)</a></td></tr>
                """
        }
        return """
            <h2>\(lang.pick("待演练", "Drills due")) (\(due.count))</h2>
            <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("关键系统", "Key system"))</th><th>\(lang.pick("计划日期", "Scheduled"))</th>\
            <th>\(lang.pick("演练内容", "Scenario"))</th></tr>\(rows)</table>
            """
    }

    func planFormPage(_ user: SignedIn, _ layout: Layout, campus: String?, system: String?, plan: EmergencyPlan? = nil,
                      refusal: String? = nil, typed: [String: String] = [:]) throws -> HTML {
        let lang = layout.lang
        let chiefOf = try department.campuses().map(\.code).filter { user.staff.holds(.sectionChief, at: $0) }
        guard !chiefOf.isEmpty else {
            return layout.page(title: lang.pick("编制应急预案", "Write an emergency plan"),
                               "<p class=\"muted\">\(lang.pick("只有科长可以编制应急预案。", "Only a section chief writes emergency plans."))</p>")
        }
        let chosenCampus = typed["campus"] ?? campus ?? chiefOf[0].rawValue
        let chosenSystem = typed["system"] ?? system ?? KeySystem.his.rawValue
        let campusOptions: [HTML] = chiefOf.map { "<option value=\"\($0.rawValue)\"\($0.rawValue == chosenCampus ? HTML(" selected") : "")>\($0.rawValue)</option>" }
        let systemOptions: [HTML] = KeySystem.allCases.map {
            "<option value=\"\($0.rawValue)\"\($0.rawValue == chosenSystem ? HTML(" selected") : "")>\(lang.name(of: $0))</option>"
        }
        let said: HTML = refusal.map { "<p class=\"bad\" role=\"alert\">\($0)</p>" } ?? ""
        return layout.page(title: lang.pick("编制应急预案", "Write an emergency plan"), """
            <form class="card wide-card" id="form-plan" method="post" action="/plans/new">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)">\(said)
            <label>\(lang.pick("院区", "Campus"))<br><select name="campus">\(campusOptions)</select></label><br>
            <label>\(lang.pick("关键系统", "Key system"))<br><select name="system">\(systemOptions)</select></label><br>
            \(planFields(title: typed["title"] ?? "", steps: typed["steps"] ?? "", level: typed["start_level"] ?? EscalationLevel.dutyEngineer.rawValue, lang))
            <button>\(lang.pick("保存", "Save"))</button></form>
            """)
    }

    func planFields(title: String, steps: String, level: String, _ lang: Language) -> HTML {
        let levels: [HTML] = EscalationLevel.allCases.map {
            "<option value=\"\($0.rawValue)\"\($0.rawValue == level ? HTML(" selected") : "")>\(lang.name(of: $0))</option>"
        }
        return """
            <label>\(lang.pick("标题", "Title"))<br><input class="wide" name="title" required maxlength="\(Department.planTitleMax)" value="\(title)"></label><br>
            <label>\(lang.pick("处置步骤（每行一步）", "Steps (one a line)"))<br><textarea class="wide" name="steps" rows="8" required>\(steps)</textarea></label><br>
            <label>\(lang.pick("启动级别", "Starts at"))<br><select name="start_level">\(levels)</select></label><br>
            """
    }

    func planPage(_ id: String, _ user: SignedIn, _ layout: Layout, done: String?, refused: (form: String, message: String, typed: [String: String])?) throws -> HTML {
        let lang = layout.lang
        try requireRecordsReader(user)
        guard let plan = try department.emergencyPlan(id) else { throw APIError(.notFound, "not_found", "no emergency plan \(id)") }
        try Access.requireRead(user, plan.campus)
        let people = try department.people()
        let byID = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func who(_ id: String) -> String { byID[PersonID(rawValue: id)].map { "\($0.name) (\(id))" } ?? id }
        let chief = user.staff.holds(.sectionChief, at: plan.campus)
        let recorder = [Role.sectionChief, .engineer, .dutyEngineer].contains { user.staff.holds($0, at: plan.campus) }
        let csrf: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(user.session.csrfToken)\">"
        func said(_ form: String) -> HTML {
            guard let refused, refused.form == form else { return "" }
            return "<p class=\"bad\" role=\"alert\">\(refused.message)</p>"
        }
        let typed = refused?.typed ?? [:]
        let confirmation: HTML = switch done {
        case "write"?, "edit"?: "<p class=\"card ok\">\(lang.pick("预案已保存。", "Plan saved."))</p>"
        case "contact"?: "<p class=\"card ok\">\(lang.pick("联系人已更新。", "Contacts updated."))</p>"
        case "schedule"?: "<p class=\"card ok\">\(lang.pick("演练已安排。", "Drill scheduled."))</p>"
        case "record"?: "<p class=\"card ok\">\(lang.pick("演练记录已保存。", "Drill recorded."))</p>"
        default: ""
        }
        // The list numbers the steps; a number the chief typed ("1.", "2、") is not shown twice.
        let steps: [HTML] = plan.steps.map { "<li>\($0.replacingOccurrences(of: #"^\s*[0-9]+\s*[.、．)）]\s*"#, with: "", options: .regularExpression))</li>" }
        let contacts: [HTML] = plan.contacts.map { id in
            let person = byID[id]
            let remove: HTML = chief ? """
                <form method="post" action="/plans/\(plan.id)/contact" style="display:inline">\(csrf)<input type="hidden" name="person" value="\(id.rawValue)">\
                <input type="hidden" name="remove" value="1"><button>\(lang.pick("移除", "Remove"))</button></form>
                """ : ""
            return "<tr><td>\(person?.name ?? id.rawValue) (\(id.rawValue))</td><td>\(person?.phone ?? "—")</td><td>\(remove)</td></tr>"
        }
        let drills = try department.drills(plan: plan.id)
        let today = configuration.clock.now().date
        let drillRows: [HTML] = drills.map { d in
            let state: HTML = d.done ? "<span class=\"ok\">\(lang.pick("已演练", "held")) \(d.doneOn?.description ?? "")</span>"
                : d.scheduledOn < today ? "<span class=\"bad\">\(lang.pick("已逾期", "overdue"))</span>" : "<span class=\"warn\">\(lang.pick("待演练", "due"))</span>"
            let record: HTML = recorder && !d.done ? """
                <form method="post" action="/plans/\(plan.id)/record">\(csrf)<input type="hidden" name="drill" value="\(d.id)">\
                <input type="date" name="done_on" value="\(today.description)"><br>\
                <textarea name="findings" rows="2" placeholder="\(lang.pick("发现的问题", "What was found"))" required></textarea><br>\
                <textarea name="actions" rows="2" placeholder="\(lang.pick("整改措施（每行一条）", "Follow-up actions (one a line)"))"></textarea><br>\
                <button>\(lang.pick("记录演练结果", "Record the drill"))</button></form>
                """ : ""
            return """
                <tr><td>\(d.scheduledOn.description)</td><td>\(d.scenario)</td><td>\(state)</td><td class="desc">\(d.findings)</td>\
                <td class="desc">\(d.actions)</td><td>\(d.recordedBy.map(who) ?? "")\(record)</td></tr>
                """
        }
        var forms: HTML = ""
        if chief {
            let staff: [HTML] = people.filter { $0.active && $0.campus == plan.campus && !plan.contacts.contains($0.id) }.map {
                "<option value=\"\($0.id.rawValue)\">\($0.name) (\($0.id.rawValue))</option>"
            }
            forms = """
                <div class="act"><form method="post" action="/plans/\(plan.id)/contact">\(csrf)\(said("contact"))\
                <strong>\(lang.pick("添加联系人", "Add a contact"))</strong><br><select name="person">\(staff)</select> <button>\(lang.pick("添加", "Add"))</button></form></div>
                <div class="act"><form method="post" action="/plans/\(plan.id)/schedule">\(csrf)\(said("schedule"))\
                <strong>\(lang.pick("安排演练", "Schedule a drill"))</strong><br>\
                <input type="date" name="date" required value="\(typed["date"] ?? "")"><br>\
                <input name="scenario" required maxlength="\(Department.drillScenarioMax)" value="\(typed["scenario"] ?? "")" placeholder="\(lang.pick("演练内容，如：数据库主机宕机", "scenario, e.g. database host down"))"><br>\
                <button>\(lang.pick("安排", "Schedule"))</button></form></div>
                <h2>\(lang.pick("修改预案", "Edit the plan"))</h2>
                <form class="card wide-card" method="post" action="/plans/\(plan.id)/edit">\(csrf)\(said("edit"))\
                \(planFields(title: typed["title"] ?? plan.title, steps: typed["steps"] ?? plan.steps.joined(separator: "\n"), level: typed["start_level"] ?? plan.startLevel.rawValue, lang))\
                <button>\(lang.pick("保存", "Save"))</button></form>
                """
        }
        return layout.page(title: plan.title, """
            \(confirmation)<p><a href="/plans">← \(lang.pick("应急预案与演练", "Emergency plans and drills"))</a></p>
            <table><tr><th>\(lang.pick("院区 / 关键系统", "Campus / key system"))</th><td>\(plan.campus.rawValue) / \(lang.name(of: plan.system))</td></tr>
            <tr><th>\(lang.pick("启动级别", "Starts at"))</th><td>\(lang.name(of: plan.startLevel))</td></tr>
            <tr><th>\(lang.pick("修改", "Updated"))</th><td>\(who(plan.updatedBy)) · \(plan.updatedAt.description)</td></tr></table>
            <h2>\(lang.pick("处置步骤", "Steps"))</h2><ol class="card wide-card">\(steps)</ol>
            <h2>\(lang.pick("联系人", "Contacts")) (\(plan.contacts.count))</h2>
            \(plan.contacts.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("尚无联系人。", "No contacts yet."))</p>") : "<table><tr><th>\(lang.pick("姓名", "Name"))</th><th>\(lang.pick("电话", "Phone"))</th><th></th></tr>\(contacts)</table>")
            <h2>\(lang.pick("演练", "Drills")) (\(drills.count))</h2>\(said("record"))
            \(drills.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("尚未安排演练。", "No drill scheduled yet."))</p>") : """
            <table><tr><th>\(lang.pick("计划日期", "Scheduled"))</th><th>\(lang.pick("演练内容", "Scenario"))</th><th>\(lang.pick("状态", "State"))</th>\
            <th>\(lang.pick("发现的问题", "Findings"))</th><th>\(lang.pick("整改措施", "Follow-up actions"))</th><th>\(lang.pick("记录人", "Recorded by"))</th></tr>\(drillRows)</table>
            """)
            \(forms)
            """)
    }

    func writePlanFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let lang = Language.of(request)
        let form = try await FormPost.read(request, fields: ["campus", "system", "title", "steps", "start_level"], csrfOf: user)
        do {
            let id = try department.writePlan(try Self.planDraft(form), by: acting)
            return HTMLResponse.redirect("/plans/\(id)?done=write")
        } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            context.logger.notice("plan refused: \(api.message)", metadata: ["form": "plan.write", "user": "\(user.username)", "status": "\(api.status.code)"])
            var response = try page(request, context, path: "/plans") { user, layout in
                try planFormPage(user, layout, campus: nil, system: nil, refusal: recordRefusal(error, lang), typed: form)
            }
            response.status = api.status
            return response
        }
    }

    static func planDraft(_ form: [String: String]) throws -> PlanDraft {
        PlanDraft(campus: CampusCode(rawValue: form["campus"] ?? ""), system: try Parse.choice(form["system"] ?? "", field: "system"),
                  title: form["title"] ?? "", steps: form["steps"] ?? "", startLevel: try Parse.choice(form["start_level"] ?? "", field: "start_level"))
    }

    /// `POST /plans/{id}/edit|contact|schedule|record`: 303 back with `?done=`, or the plan
    /// page with the refusal beside the form, its status and a log line.
    func planForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let id = try context.parameters.require("id")
        let name = try context.parameters.require("form")
        let fields: Set<String> = switch name {
        case "edit": ["title", "steps", "start_level"]
        case "contact": ["person", "remove"]
        case "schedule": ["date", "scenario"]
        case "record": ["drill", "done_on", "findings", "actions"]
        default: throw APIError(.notFound, "not_found", "no plan form \(name)")
        }
        try requireRecordsReader(user)
        guard let plan = try department.emergencyPlan(id) else { throw APIError(.notFound, "not_found", "no emergency plan \(id)") }
        let lang = Language.of(request)
        let form = try await FormPost.read(request, fields: fields, csrfOf: user)
        do {
            switch name {
            case "edit":
                var draft = try Self.planDraft(form.merging(["campus": plan.campus.rawValue, "system": plan.system.rawValue]) { _, b in b })
                draft.campus = plan.campus
                try department.writePlan(draft, by: acting)
            case "contact":
                try department.setPlanContact(id, PersonID(rawValue: form["person"] ?? ""), remove: form["remove"] == "1", by: acting)
            case "schedule":
                try department.scheduleDrill(id, on: try Parse.date(form["date"] ?? "", field: "date"), scenario: form["scenario"] ?? "", by: acting)
            default:
                try department.recordDrill(form["drill"] ?? "", doneOn: try Parse.date(form["done_on"] ?? "", field: "done_on"),
                                           findings: form["findings"] ?? "", actions: form["actions"] ?? "", by: acting)
            }
            return HTMLResponse.redirect("/plans/\(id)?done=\(name)")
        } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            context.logger.notice("plan form refused: \(api.message)", metadata: ["form": "plan.\(name)", "user": "\(user.username)", "status": "\(api.status.code)"])
            var response = try page(request, context, path: "/plans") { user, layout in
                try planPage(id, user, layout, done: nil, refused: (name, recordRefusal(error, lang), form))
            }
            response.status = api.status
            return response
        }
    }

    /// A refusal of a records form in the user's words.
    func recordRefusal(_ error: any Error, _ lang: Language) -> String {
        switch error as? DomainError {
        case .missing(let field)?:
            let name = ["title": lang.pick("标题", "the title"), "steps": lang.pick("处置步骤", "the steps"), "scenario": lang.pick("演练内容", "the scenario"),
                        "findings": lang.pick("发现的问题", "the findings")][field] ?? field
            return lang.pick("请填写\(name)。", "Please fill in \(name).")
        case .invalid(let field, _)? where field == "done_on":
            return lang.pick("演练日期不能晚于今天。", "A drill is recorded on or after the day it is held.")
        case .invalid(let field, _)? where field == "contacts":
            return lang.pick("联系人已达上限 \(Department.planContactsMax) 人。", "The plan lists the most contacts it may (\(Department.planContactsMax)).")
        case .invalid?:
            return lang.pick("填写的内容过长或含控制字符，未保存。", "Too long, or holds control characters. Nothing saved.")
        case .notPermitted?:
            return lang.pick("您没有权限执行此操作（预案由科长编制，演练结果由本院区科长、工程师记录）。",
                             "You may not do this (the chief writes plans; the campus's chief and engineers record drills).")
        default:
            return lang.refusal(error)
        }
    }
}

extension Access {
    /// The department's records (plans, drills): its staff and the central viewer.
    static func readsRecords(_ user: SignedIn) -> Bool {
        isDepartmentStaff(user) || user.staff.roles.contains { $0.role == .centralViewer }
    }
}

extension Language {
    func name(of system: KeySystem) -> String {
        switch system {
        case .his: "HIS"
        case .pacs: "PACS"
        case .lis: "LIS"
        case .network: pick(system.chineseName, "network")
        case .machineRoom: pick(system.chineseName, "machine room")
        }
    }
}
