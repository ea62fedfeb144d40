import Domain
import Foundation
import Hummingbird

/// 通知 — a person's notification list (unread count in the navigation, live through
/// the page's event stream), 认领 and 已读 from it; 通知设置 (channels, quiet hours);
/// 升级策略 for the administrator. Rules: docs/notifications.md.
extension Dashboard {
    /// Rows the list shows.
    static let notificationsShownMax = 100

    func registerNotifications(on router: Router<MeshDeskRequestContext>) {
        router.get("/notifications") { request, context in try page(request, context, path: "/notifications") { user, layout in
            try notificationsPage(request, user, layout)
        } }
        router.post("/notifications/read") { request, context in
            let (user, acting) = try api.acting(context)
            let form = try await FormPost.read(request, fields: ["key"], csrfOf: user)
            try department.markNotificationRead(form["key"] ?? "", by: acting)
            return HTMLResponse.redirect("/notifications?done=read")
        }
        // 认领 from the list: take the ticket in hand (开始处理) and mark the notification read.
        router.post("/notifications/claim") { request, context in
            let (user, acting) = try api.acting(context)
            let form = try await FormPost.read(request, fields: ["key", "number"], csrfOf: user)
            let number = form["number"] ?? ""
            _ = try api.ticketAction(number, "start", APIRoutes.TicketActionBody.empty, user: user, acting: acting)
            try? department.markNotificationRead(form["key"] ?? "", by: acting)
            return HTMLResponse.redirect("/notifications?done=claimed&ticket=\(number.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
        router.get("/notifications/settings") { request, context in try page(request, context, path: "/notifications") { user, layout in
            try settingsPage(user, layout, form: nil, refusal: nil, saved: request.uri.queryParameters.get("done") == "saved")
        } }
        router.post("/notifications/settings") { request, context in try await saveSettings(request, context) }
        router.get("/admin/escalation") { request, context in try page(request, context, path: "/notifications") { user, layout in
            try requireAdministrator(user)
            return try escalationPage(layout, policy: try department.escalationPolicy(), refusal: nil, saved: request.uri.queryParameters.get("done") == "saved")
        } }
        router.post("/admin/escalation") { request, context in try await saveEscalation(request, context) }
    }

    func notificationsPage(_ request: Request, _ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let records = try department.notifications(for: user.person.rawValue, limit: Self.notificationsShownMax)
        let csrf = user.session.csrfToken
        let rows: [HTML] = records.map { r in
            let read: HTML = r.readAt == nil
                ? "<span class=\"warn\">\(lang.pick("未读", "Unread"))</span> <form method=\"post\" action=\"/notifications/read\" style=\"display:inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><input type=\"hidden\" name=\"key\" value=\"\(r.key)\"><button>\(lang.pick("标为已读", "Mark read"))</button></form>"
                : "<span class=\"muted\">\(lang.pick("已读", "Read"))</span>"
            let claim: HTML = "<form method=\"post\" action=\"/notifications/claim\" style=\"display:inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><input type=\"hidden\" name=\"key\" value=\"\(r.key)\"><input type=\"hidden\" name=\"number\" value=\"\(r.number)\"><button>\(lang.pick("认领", "Claim"))</button></form>"
            let channels = r.channels.map { lang.channelName($0) }.joined(separator: lang.pick("、", ", "))
            let duplicate: HTML = r.duplicates > 0 ? " <span class=\"warn\">\(lang.pick("重复发送 \(r.duplicates) 次（分区期间）", "sent \(r.duplicates) more time(s) during a partition"))</span>" : ""
            return """
                <tr><td>\(LocalDateTime(minutesSinceEpoch: r.dueAt).description)</td><td><a href="/tickets/\(r.number)">\(r.number)</a></td>\
                <td>\(r.title)</td><td>\(lang.name(of: r.level))</td><td>\(channels)\(duplicate)</td><td>\(read)</td><td>\(claim)</td></tr>
                """
        }
        let done: HTML
        switch request.uri.queryParameters.get("done") {
        case "read": done = "<p class=\"card ok\">\(lang.pick("已标为已读。", "Marked read."))</p>"
        case "claimed": done = "<p class=\"card ok\">\(lang.pick("已认领工单 \(request.uri.queryParameters.get("ticket") ?? "")，升级已停止。", "Ticket \(request.uri.queryParameters.get("ticket") ?? "") claimed; its escalation has stopped."))</p>"
        default: done = ""
        }
        let settings = try department.notificationSettings(for: user.person.rawValue)
        let noChannel: HTML = settings.hasChannel ? "" : "<p class=\"card warn\">\(lang.pick("您还没有设置通知方式：值班时的紧急工单只会出现在本页。", "You have set no channel: urgent tickets on your shift will only appear on this page.")) <a href=\"/notifications/settings\">\(lang.pick("设置通知方式", "Set your channels"))</a></p>"
        let admin: HTML = user.staff.roles.contains { $0.role == .administrator } ? " · <a href=\"/admin/escalation\">\(lang.pick("升级策略", "Escalation policy"))</a>" : ""
        let head: HTML = "<tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("工单号", "Number"))</th><th>\(lang.pick("内容", "Message"))</th><th>\(lang.pick("级别", "Level"))</th><th>\(lang.pick("已送达", "Delivered by"))</th><th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("操作", "Action"))</th></tr>"
        let list: HTML = rows.isEmpty ? "<p class=\"ok\">\(lang.pick("暂无通知", "No notifications"))</p>" : "<table>\(head)\(rows)</table>"
        return layout.page(title: lang.pick("我的通知", "My notifications"), """
            \(done)\(noChannel)<p><a href="/notifications/settings">\(lang.pick("通知设置", "Notification settings"))</a>\(admin)</p>
            <div data-live="notifications">\(list)</div>
            """)
    }
}

extension Language {
    /// A delivery channel as staff say it.
    func channelName(_ channel: String) -> String {
        switch channel {
        case "browser": pick("网页", "browser")
        case "email": pick("电子邮件", "e-mail")
        case "wecom": pick("企业微信", "WeCom")
        case "dingtalk": pick("钉钉", "DingTalk")
        case "feishu": pick("飞书", "Feishu")
        case "generic": pick("通用回调接口（短信网关）", "generic webhook (SMS gateway)")
        default: pick("其他", "other")
        }
    }

    func name(of kind: WebhookTarget.Kind) -> String { channelName(kind.rawValue) }

    /// Why channel settings were refused, in the reader's language.
    func name(of problem: ChannelSettingsProblem) -> String {
        switch problem {
        case .emailTooLong: pick("电子邮件地址过长。", problem.description)
        case .emailCharacters: pick("电子邮件地址只能包含英文字母、数字和常用符号，不能有空格或换行。", problem.description)
        case .emailShape: pick("电子邮件地址格式应为 名字@医院域名，如 zhang@hospital.example。", problem.description)
        case .tooManyWebhooks: pick("最多设置 \(NotificationSettings.webhooksMax) 个群机器人或回调接口。", problem.description)
        case .urlTooLong: pick("回调地址过长。", problem.description)
        case .urlShape: pick("回调地址应以 HTTP:// 或 HTTPS:// 开头并包含主机名。", problem.description)
        case .secretShape: pick("签名密钥不能有空格或换行，且不能过长。", problem.description)
        case .dingTalkSecret: pick("钉钉加签密钥应以 SEC 开头（在机器人安全设置中复制）。", problem.description)
        case .genericSecretShort: pick("通用回调接口需要至少 \(NotificationSettings.genericSecretBytesMin) 个字符的签名密钥。", problem.description)
        case .quietHoursRange: pick("免打扰时间应为 00:00 至 23:59 之间的时刻。", problem.description)
        case .quietHoursEmpty: pick("免打扰的开始和结束时间不能相同。", problem.description)
        }
    }
}

extension Dashboard {
    /// 无通知方式 — for the chief on 待处理: engineers and chiefs of the campuses the chief
    /// leads whom nothing beyond the browser reaches (a page at night finds nobody).
    func unreachableStaffSection(_ user: SignedIn, campuses: [CampusCode], lang: Language) throws -> HTML {
        let led = campuses.filter { user.staff.holds(.sectionChief, at: $0) }
        guard !led.isEmpty else { return "" }
        let rows: [HTML] = try led.flatMap { campus in
            try department.peopleWithoutChannel(campus: campus).map { person in
                "<tr><td>\(campus.rawValue)</td><td>\(person.name)</td><td>\(person.id.rawValue)</td><td>\(person.phone)</td></tr>"
            }
        }
        let table: HTML = rows.isEmpty ? "<p class=\"ok\">\(lang.pick("无", "None"))</p>"
            : "<table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("姓名", "Name"))</th><th>\(lang.pick("工号", "Staff no."))</th><th>\(lang.pick("电话", "Phone"))</th></tr>\(rows)</table>"
        return """
            <h2>\(lang.pick("未设置通知方式的人员（升级通知只能显示在网页上）", "Staff with no notification channel (escalations reach them only in the browser)"))</h2>\(table)
            """
    }
}
