import Domain
import Hummingbird

/// 管理 · 工单规则: the ticket policy every node applies (`TicketPolicy`, one replicated
/// register): the urgency × impact → priority matrix, the SLA targets of each priority
/// (minutes to own and to resolve, on the 7×24 or the business-hours clock), and each
/// campus's business hours that clock counts. `Department.setTicketPolicy` refuses an
/// incomplete policy, SLA minutes not positive, or targets that shorten as the priority
/// falls; `meshdesk ticket policy` shows and sets the same JSON.
extension Dashboard {
    static var policyFields: Set<String> {
        var fields: Set<String> = []
        for impact in Impact.allCases { for urgency in Urgency.allCases { fields.insert("m.\(impact.rawValue).\(urgency.rawValue)") } }
        for priority in TicketPolicy.prioritiesRange { fields.formUnion(["own.\(priority)", "resolve.\(priority)", "clock.\(priority)"]) }
        return fields
    }

    func registerAdminPolicy(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin/policy") { request, context, layout in
            try adminPolicyPage(request, try context.user(), layout, failure: nil)
        }
        adminForm(router, "/admin/policy", form: "policy", fields: { _ in Self.policyFields }) { fields, _, acting, _ in
            var policy = try department.ticketPolicy()
            var matrix: [String: [String: TicketPriority]] = [:]
            for impact in Impact.allCases {
                for urgency in Urgency.allCases {
                    let field = "m.\(impact.rawValue).\(urgency.rawValue)"
                    matrix[impact.rawValue, default: [:]][urgency.rawValue] = try Self.whole(fields, field, in: TicketPolicy.prioritiesRange, field: field)
                }
            }
            var targets: [String: SLATarget] = [:]
            for priority in TicketPolicy.prioritiesRange {
                guard let clock = SLAClock(rawValue: fields["clock.\(priority)"] ?? "") else {
                    throw AdminRefusal("clock.\(priority)", "请选择计时方式。", "Choose the clock.")
                }
                targets[String(priority)] = SLATarget(ownMinutes: try Self.whole(fields, "own.\(priority)", in: 1...SLATarget.minutesMax, field: "own.\(priority)"),
                                                      resolveMinutes: try Self.whole(fields, "resolve.\(priority)", in: 1...SLATarget.minutesMax, field: "resolve.\(priority)"),
                                                      clock: clock)
            }
            policy.matrix = matrix
            policy.targets = targets
            // The domain refuses this too (`TicketPolicy.problem`); here the message goes beside the shorter field.
            for priority in TicketPolicy.prioritiesRange.dropFirst() {
                guard let target = targets[String(priority)], let higher = targets[String(priority - 1)] else { continue }
                let field = target.ownMinutes < higher.ownMinutes ? "own.\(priority)" : target.resolveMinutes < higher.resolveMinutes ? "resolve.\(priority)" : nil
                if let field {
                    throw AdminRefusal(field, "P\(priority) 的时限短于 P\(priority - 1)：优先级越低，响应和解决时限不得越短。",
                                       "P\(priority)'s target is shorter than P\(priority - 1)'s: a lower priority may not be due sooner.")
                }
            }
            try department.setTicketPolicy(policy, by: acting)
            return .redirect("/admin/policy?done=policy#done")
        } page: { request, context, layout, failure in
            try adminPolicyPage(request, try context.user(), layout, failure: failure)
        }
        adminForm(router, "/admin/policy/hours", form: "hours", fields: { _ in ["campus", "hours"] }) { fields, user, acting, _ in
            let campus = CampusCode(fields["campus"] ?? "")
            guard try administeredCampuses(user).contains(where: { $0.code == campus }) else { throw DomainError.unknownCampus(campus) }
            let text = (fields["hours"] ?? "").trimmingCharacters(in: .whitespaces)
            var policy = try department.ticketPolicy()
            var hours = policy.businessHours ?? [:]
            hours[campus.rawValue] = text.isEmpty ? nil : try Self.businessHours(text, campus: campus)
            policy.businessHours = hours.isEmpty ? nil : hours
            try department.setTicketPolicy(policy, by: acting)
            return .redirect("/admin/policy?done=hours#done")
        } page: { request, context, layout, failure in
            try adminPolicyPage(request, try context.user(), layout, failure: failure)
        }
    }

    /// `08:00-12:00, 13:00-17:00` as spans of minutes, or a refusal beside the field.
    static func businessHours(_ text: String, campus: CampusCode) throws -> [[Int]] {
        let refusal = AdminRefusal("hours-\(campus.rawValue)",
                                   "工作时间应写成“08:00-12:00, 13:00-17:00”：1–\(TicketPolicy.businessHoursSpansMax) 段，按时间先后，不重叠。",
                                   "Write business hours as 08:00-12:00, 13:00-17:00: 1–\(TicketPolicy.businessHoursSpansMax) spans, in order, not overlapping.")
        var spans: [[Int]] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" || $0 == "、" }) {
            let ends = part.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let start = clockMinute(ends[0]), let end = clockMinute(ends[1]) else { throw refusal }
            spans.append([start, end])
        }
        guard TicketPolicy.wellFormed(spans) else { throw refusal }
        return spans
    }

    static func clockMinute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }

    func name(of urgency: Urgency, _ lang: Language) -> String {
        switch urgency {
        case .high: lang.pick("紧急程度高", "high urgency")
        case .medium: lang.pick("紧急程度中", "medium urgency")
        case .low: lang.pick("紧急程度低", "low urgency")
        }
    }

    func name(of impact: Impact, _ lang: Language) -> String {
        switch impact {
        case .person: lang.pick("影响个人", "one person")
        case .department: lang.pick("影响科室", "a department")
        case .hospital: lang.pick("影响全院", "the hospital")
        }
    }

    func adminPolicyPage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?) throws -> HTML {
        let lang = layout.lang
        let csrf = user.session.csrfToken
        let policy = try department.ticketPolicy()
        func typed(_ field: String, _ stored: String) -> String { failure.typed("policy", field) ?? stored }
        let priorities: [(Int, String, String)] = [(1, "紧急", "urgent"), (2, "高", "high"), (3, "中", "medium"), (4, "低", "low")]
        func prioritySelect(_ field: String, _ stored: Int) -> HTML {
            let chosen = typed(field, String(stored))
            let options: [HTML] = priorities.map { "<option value=\"\($0.0)\"\(String($0.0) == chosen ? HTML(" selected") : "")>P\($0.0) \(lang.pick($0.1, $0.2))</option>" }
            return "<select name=\"\(field)\" aria-label=\"\(field)\">\(options)</select>\(failure.alert("policy", field))"
        }
        let header: [HTML] = Urgency.allCases.map { "<th>\(name(of: $0, lang))</th>" }
        let matrixRows: [HTML] = Impact.allCases.reversed().map { impact in
            let cells: [HTML] = Urgency.allCases.map { urgency in
                "<td>\(prioritySelect("m.\(impact.rawValue).\(urgency.rawValue)", policy.priority(urgency: urgency, impact: impact)))</td>"
            }
            return "<tr><th>\(name(of: impact, lang))</th>\(cells)</tr>"
        }
        let targetRows: [HTML] = TicketPolicy.prioritiesRange.map { p in
            let target = policy.target(p)
            let clock = typed("clock.\(p)", target.clock.rawValue)
            let clocks: [HTML] = SLAClock.allCases.map { "<option value=\"\($0.rawValue)\"\($0.rawValue == clock ? HTML(" selected") : "")>\(lang.name(of: $0))</option>" }
            return """
                <tr><th>P\(p)</th><td><input type="number" name="own.\(p)" min="1" max="\(SLATarget.minutesMax)" value="\(typed("own.\(p)", String(target.ownMinutes)))" required>\(failure.alert("policy", "own.\(p)"))</td>\
                <td><input type="number" name="resolve.\(p)" min="1" max="\(SLATarget.minutesMax)" value="\(typed("resolve.\(p)", String(target.resolveMinutes)))" required>\(failure.alert("policy", "resolve.\(p)"))</td>\
                <td><select name="clock.\(p)">\(clocks)</select>\(failure.alert("policy", "clock.\(p)"))</td></tr>
                """
        }
        let hourRows: [HTML] = try administeredCampuses(user).map { campus in
            let spans = policy.businessHours(at: campus.code)
            let stored = policy.businessHours?[campus.rawValueKey] == nil ? "" : spans.map { "\(Self.clockText($0.lowerBound))-\(Self.clockText($0.upperBound))" }.joined(separator: ", ")
            let field = "hours-\(campus.code.rawValue)"
            let typedHours = failure?.form == "hours" && failure?.values["campus"] == campus.code.rawValue ? failure?.values["hours"] ?? "" : stored
            return """
                <tr id="\(field)"><td>\(campus.name)</td><td><form method="post" action="/admin/policy/hours#hours-\(campus.code.rawValue)"><input type="hidden" name="csrf" value="\(csrf)">\
                <input type="hidden" name="campus" value="\(campus.code.rawValue)"><input name="hours" value="\(typedHours)" placeholder="08:00-12:00, 13:00-17:00">\
                <button>\(lang.pick("保存", "Save"))</button>\(failure.alert("hours", field))</form></td></tr>
                """
        }
        return layout.page(title: lang.pick("管理 · 工单规则", "Administration · Ticket policy"), """
            \(adminNav(lang))\(adminDone(request, lang))
            <p class="muted">\(lang.pick("规则随数据同步到所有节点，各院区按同一规则计算优先级和时限；修改只影响之后的计算，已登记工单的优先级不变。",
                                          "The policy replicates to every node, so every campus computes priorities and SLAs alike; a change applies from now on, recorded priorities stay."))</p>
            <form class="card wide-card" id="policy-form" method="post" action="/admin/policy#policy-form"><input type="hidden" name="csrf" value="\(csrf)">
            \(failure.head("policy", fields: Self.policyFields))
            <h2>\(lang.pick("紧急程度 × 影响范围 → 优先级", "Urgency × impact → priority"))</h2>
            <table id="matrix"><tr><th></th>\(header)</tr>\(matrixRows)</table>
            <h2>\(lang.pick("各优先级时限", "SLA targets per priority"))</h2>
            <table id="targets"><tr><th>\(lang.pick("优先级", "Priority"))</th><th>\(lang.pick("响应（分钟）", "Own within (minutes)"))</th>\
            <th>\(lang.pick("解决（分钟）", "Resolve within (minutes)"))</th><th>\(lang.pick("计时", "Clock"))</th></tr>\(targetRows)</table>
            <button id="submit-policy">\(lang.pick("保存规则", "Save the policy"))</button></form>
            <h2>\(lang.pick("各院区工作时间", "Business hours per campus"))</h2>
            <p class="muted">\(lang.pick("按“工作时间”计时的优先级只计这些时段（节假日日历中的工作日）；留空即默认 08:00-12:00, 13:00-17:00。",
                                          "A business-hours clock counts only these spans of working days on the holiday calendar; empty is the default 08:00-12:00, 13:00-17:00."))</p>
            <table id="hours"><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("工作时间", "Business hours"))</th></tr>\(hourRows)</table>
            """)
    }
}

private extension Campus {
    var rawValueKey: String { code.rawValue }
}
