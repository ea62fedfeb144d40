import Domain
import Hummingbird

/// 通知设置 — one's e-mail, robots and webhooks, quiet hours; and 升级策略, the
/// administrator's timers per priority. Refusals name the field in the reader's language
/// and keep what was typed.
extension Dashboard {
    static let settingsFields: Set<String> = Set(["email", "quietStart", "quietEnd"])
        .union((0..<NotificationSettings.webhooksMax).flatMap { ["kind\($0)", "url\($0)", "secret\($0)"] })

    func settingsPage(_ user: SignedIn, _ layout: Layout, form: [String: String]?, refusal: String?, saved: Bool) throws -> HTML {
        let lang = layout.lang
        // A failed read is an error page, not empty settings a save would then overwrite.
        let stored = try department.notificationSettings(for: user.person.rawValue)
        func value(_ name: String) -> String {
            if let form { return form[name] ?? "" }
            switch name {
            case "email": return stored.email ?? ""
            case "quietStart": return stored.quietHours.map { Self.clock($0.startMinute) } ?? ""
            case "quietEnd": return stored.quietHours.map { Self.clock($0.endMinute) } ?? ""
            default:
                guard let n = Int(name.drop { !$0.isNumber }), n < stored.webhooks.count else { return "" }
                let hook = stored.webhooks[n]
                return name.hasPrefix("kind") ? hook.kind.rawValue : name.hasPrefix("url") ? hook.url : (hook.secret ?? "")
            }
        }
        let hooks: [HTML] = (0..<NotificationSettings.webhooksMax).map { n in
            let options: [HTML] = [("", lang.pick("（不使用）", "(none)"))].map { "<option value=\"\($0.0)\">\($0.1)</option>" }
                + WebhookTarget.Kind.allCases.map { kind in
                    "<option value=\"\(kind.rawValue)\"\(value("kind\(n)") == kind.rawValue ? HTML(" selected") : HTML(""))>\(lang.name(of: kind))</option>"
                }
            return """
                <tr><td><select name="kind\(n)">\(options)</select></td>\
                <td><input class="wide" name="url\(n)" value="\(value("url\(n)"))"></td>\
                <td><input name="secret\(n)" value="\(value("secret\(n)"))" autocomplete="off"></td></tr>
                """
        }
        let message: HTML = refusal.map { "<p class=\"card bad\">\(lang.pick("未保存：", "Not saved: "))\($0)</p>" }
            ?? (saved ? "<p class=\"card ok\">\(lang.pick("通知设置已保存。", "Notification settings saved."))</p>" : "")
        return layout.page(title: lang.pick("通知设置", "Notification settings"), """
            \(message)
            <form method="post" action="/notifications/settings" class="card wide-card">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)">
            <p><label>\(lang.pick("电子邮件", "E-mail"))<br><input class="wide" name="email" value="\(value("email"))"></label></p>
            <p>\(lang.pick("群机器人与回调接口（钉钉加签密钥以 SEC 开头；通用回调接口必须有签名密钥）", "Group robots and webhooks (a DingTalk signing secret starts with SEC; a generic webhook needs a secret)"))</p>
            <table><tr><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("地址", "URL"))</th><th>\(lang.pick("签名密钥", "Secret"))</th></tr>\(hooks)</table>
            <p><label>\(lang.pick("免打扰", "Quiet hours")) <input name="quietStart" value="\(value("quietStart"))" placeholder="22:00" size="6"></label>
            – <input name="quietEnd" value="\(value("quietEnd"))" placeholder="07:00" size="6" aria-label="\(lang.pick("免打扰结束", "Quiet hours end"))"></p>
            <p class="muted">\(lang.pick("免打扰期间不发送一般通知；P1 紧急工单和重大事件照常发送。网页通知始终保留。", "Quiet hours hold back ordinary notifications; P1 tickets and major incidents are always sent. The browser list always keeps them."))</p>
            <button>\(lang.pick("保存", "Save"))</button></form>
            """)
    }

    static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    func saveSettings(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let form = try await FormPost.read(request, fields: Self.settingsFields, csrfOf: user)
        let lang = Language.of(request)
        func refuse(_ text: String) throws -> Response {
            try framed(request, user, path: "/notifications", version: "") { layout in try settingsPage(user, layout, form: form, refusal: text, saved: false) }
        }
        func trimmed(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespaces) }
        var hooks: [WebhookTarget] = []
        for n in 0..<NotificationSettings.webhooksMax {
            let kindText = trimmed("kind\(n)"), url = trimmed("url\(n)"), secret = trimmed("secret\(n)")
            if kindText.isEmpty && url.isEmpty { continue }
            guard let kind = WebhookTarget.Kind(rawValue: kindText) else {
                return try refuse(lang.pick("第 \(n + 1) 行请选择机器人类型。", "Row \(n + 1): choose the kind of robot."))
            }
            hooks.append(WebhookTarget(kind: kind, url: url, secret: secret.isEmpty ? nil : secret))
        }
        var quiet: QuietHours?
        let start = trimmed("quietStart"), end = trimmed("quietEnd")
        if !start.isEmpty || !end.isEmpty {
            guard let s = Self.minute(start), let e = Self.minute(end) else {
                return try refuse(lang.pick("免打扰时间应写成 时:分，如 22:00 和 07:00。", "Quiet hours are written hh:mm, e.g. 22:00 and 07:00."))
            }
            quiet = QuietHours(startMinute: s, endMinute: e)
        }
        let email = trimmed("email")
        let settings = NotificationSettings(email: email.isEmpty ? nil : email, webhooks: hooks, quietHours: quiet)
        if let problem = settings.problem { return try refuse(lang.name(of: problem)) }
        try department.setNotificationSettings(settings, for: user.person, by: acting)
        return HTMLResponse.redirect("/notifications/settings?done=saved")
    }

    func escalationPage(_ layout: Layout, policy: EscalationPolicy, refusal: String?, saved: Bool, form: [String: String]? = nil) throws -> HTML {
        let lang = layout.lang
        let csrf = layout.user?.session.csrfToken ?? ""
        func value(_ name: String, _ stored: Int?) -> String { form.map { $0[name] ?? "" } ?? stored.map(String.init) ?? "" }
        let rows: [HTML] = TicketPolicy.prioritiesRange.map { p in
            let rule = policy.rule(p)
            return """
                <tr><td>P\(p)</td><td><input name="chief\(p)" value="\(value("chief\(p)", rule.chiefAfterMinutes))" size="5"></td>\
                <td><input name="officer\(p)" value="\(value("officer\(p)", rule.officerAfterMinutes))" size="5"></td>\
                <td><input name="repeat\(p)" value="\(value("repeat\(p)", rule.repeatMinutes))" size="5"></td></tr>
                """
        }
        let message: HTML = refusal.map { "<p class=\"card bad\">\(lang.pick("未保存：", "Not saved: "))\($0)</p>" }
            ?? (saved ? "<p class=\"card ok\">\(lang.pick("升级策略已保存，所有院区节点同步后生效。", "Escalation policy saved; every campus node uses it once synced."))</p>" : "")
        return layout.page(title: lang.pick("升级策略", "Escalation policy"), """
            \(message)
            <p>\(lang.pick("工单登记后先通知当班的值班工程师；在下列分钟数内无人认领，依次通知科长、总值班，之后按间隔重复提醒。重大事件立即通知所有级别。", "A new ticket goes to the engineer on duty; unclaimed after these minutes it goes to the section chief, then the general duty officer, then reminders repeat. A major incident notifies every level at once."))</p>
            <form method="post" action="/admin/escalation" class="card wide-card"><input type="hidden" name="csrf" value="\(csrf)">
            <table><tr><th>\(lang.pick("优先级", "Priority"))</th><th>\(lang.pick("通知科长（分钟）", "Section chief after (min)"))</th>\
            <th>\(lang.pick("通知总值班（分钟，留空不通知）", "General duty officer after (min, empty: never)"))</th>\
            <th>\(lang.pick("重复提醒间隔（分钟，留空不重复）", "Repeat every (min, empty: never)"))</th></tr>\(rows)</table>
            <p><label>\(lang.pick("接管延迟（分钟）：本院区节点失联多久后由其他节点代发", "Takeover delay (min): how long before another node sends for an unreachable campus node")) \
            <input name="takeover" value="\(value("takeover", policy.takeoverMinutes))" size="4"></label></p>
            <button>\(lang.pick("保存", "Save"))</button></form>
            """)
    }

    func saveEscalation(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        try requireAdministrator(user)
        let names = TicketPolicy.prioritiesRange.flatMap { ["chief\($0)", "officer\($0)", "repeat\($0)"] } + ["takeover"]
        let form = try await FormPost.read(request, fields: Set(names), csrfOf: user)
        let lang = Language.of(request)
        func refuse(_ text: String) throws -> Response {
            try framed(request, user, path: "/notifications", version: "") { layout in
                try escalationPage(layout, policy: try department.escalationPolicy(), refusal: text, saved: false, form: form)
            }
        }
        func number(_ name: String) -> Int?? {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return .some(nil) }
            return Int(text).map { .some($0) } ?? nil
        }
        var rules: [String: EscalationRule] = [:]
        for p in TicketPolicy.prioritiesRange {
            guard case .some(.some(let chief)) = number("chief\(p)"), case .some(let officer) = number("officer\(p)"),
                  case .some(let repeatMinutes) = number("repeat\(p)") else {
                return try refuse(lang.pick("P\(p) 的分钟数应为整数（通知科长必填）。", "P\(p): minutes must be whole numbers (the section chief's is required)."))
            }
            rules[String(p)] = EscalationRule(chiefAfterMinutes: chief, officerAfterMinutes: officer, repeatMinutes: repeatMinutes)
        }
        guard case .some(.some(let takeover)) = number("takeover") else {
            return try refuse(lang.pick("接管延迟应为整数分钟。", "The takeover delay must be whole minutes."))
        }
        let policy = EscalationPolicy(rules: rules, takeoverMinutes: takeover)
        if let problem = policy.problem {
            return try refuse(lang.pick("时间设置不符合要求：通知总值班须晚于通知科长，均不超过 \(EscalationPolicy.minutesMax) 分钟；重复间隔至少 \(EscalationPolicy.repeatMinutesMin) 分钟；接管延迟 1–60 分钟。", problem))
        }
        try department.setEscalationPolicy(policy, by: acting)
        return HTMLResponse.redirect("/admin/escalation?done=saved")
    }
}
