import Domain

/// The frame of every dashboard page: navigation, language switch, sign-out, and the
/// script that keeps the page live when the replica's version vector changes.
struct Layout {
    let lang: Language
    let user: SignedIn?
    let path: String
    let nonce: String
    let version: String
    let pollSeconds: Int
    /// False when a part of the page is the view of the state just before `version`
    /// (served while the newest is computed): the page's script fetches it again soon.
    var current = true
    /// 未读通知 of the signed-in user, shown by 通知 in the navigation.
    var unread = 0

    static let style: HTML = """
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
        header{background:#1f4e79;color:#fff;padding:8px 16px;display:flex;gap:6px 12px;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none}header a.on{font-weight:bold;text-decoration:underline}
        header form{margin:0 0 0 auto}main{padding:16px}
        table{border-collapse:collapse;background:#fff;margin:8px 0 16px}td,th{border:1px solid #ccd3da;padding:4px 8px;text-align:left;font-size:14px}
        th{background:#e8edf2}.bad{color:#b00020;font-weight:bold}.warn{color:#b36b00;font-weight:bold}.ok{color:#1b7f3b}.muted{color:#667}
        .card{background:#fff;border:1px solid #ccd3da;padding:12px;margin:8px 0;max-width:420px}
        input,button,select,textarea{font-size:14px;padding:4px 8px;margin:2px 0}
        .wide{width:100%;max-width:640px;box-sizing:border-box}.desc{white-space:pre-wrap}
        .act{display:inline-block;vertical-align:top;background:#fff;border:1px solid #ccd3da;padding:6px;margin:4px}
        .chart{background:#fff;border:1px solid #ccd3da;margin:8px 0}
        .wide-card{max-width:680px}
        </style>
        """

    func page(title: String, _ body: HTML) -> HTML {
        let nav: [(String, String, String)] = [
            ("/", "当前值班", "On duty now"), ("/duty", "我的值班", "My duty"), ("/tickets", "工单", "Tickets"), ("/tickets/new", "报修", "Report a problem"),
            ("/roster", "值班表", "Roster"), ("/chief/roster", "排班管理", "Rostering"), ("/handover", "交接班", "Handover"), ("/assets", "资产", "Assets"), ("/kb", "知识库", "Knowledge base"), ("/plans", "应急预案", "Emergency plans"), ("/machine-room", "机房与安全", "Machine room"),
            ("/approvals", "审批", "Approvals"), ("/requests", "申请", "Requests"), ("/attendance", "考勤", "Attendance"), ("/problems", "待处理", "To resolve"), ("/audit", "审计", "Audit"), ("/statistics", "统计", "Statistics"), ("/admin", "管理", "Administration"), ("/status", "节点状态", "Node status"),
            ("/notifications", "通知", "Notifications"),
        ]
        // Role-aware: the report link only for those who may report a problem somewhere
        // (a central viewer or a clerk would only meet a read-only notice).
        let reports = user.map { u in Access.ticketReporters.contains { role in u.staff.roles.contains { $0.role == role } } } ?? false
        // 我的值班 only for the department's own staff (a ward's requester stands no duty).
        let staff = user.map(Access.isDepartmentStaff) ?? false
        // 排班管理 only for a section chief (of any campus).
        let chief = user.map { u in u.staff.roles.contains { $0.role == .sectionChief } } ?? false
        // 考勤 only for those who keep or oversee it (考勤员, 科长, 中心查看).
        let attendance = user.map { u in u.staff.roles.contains { Dashboard.attendanceReaders.contains($0.role) } } ?? false
        // 审计 for those who read the audit trail (管理员, 中心查看, 科长).
        let audit = user.map(Dashboard.readsAudit) ?? false
        let statistics = user.map(Dashboard.readsStatistics) ?? false
        // 管理 only for an administrator (of any campus).
        let admin = user.map(Dashboard.administers) ?? false
        // 应急预案 for the department's staff and the central viewer.
        let records = user.map(Access.readsRecords) ?? false
        let links: [HTML] = user == nil ? [] : nav.filter {
            ($0.0 != "/tickets/new" || reports) && ($0.0 != "/duty" || staff) && ($0.0 != "/chief/roster" || chief)
                && ($0.0 != "/attendance" || attendance) && ($0.0 != "/audit" || audit) && ($0.0 != "/statistics" || statistics)
                && ($0.0 != "/admin" || admin) && (($0.0 != "/plans" && $0.0 != "/machine-room") || records)
        }.map { item in
            // The unread count is a live part: the page's event stream refreshes it.
            let badge: HTML = item.0 == "/notifications" ? "<span data-live=\"unread\">\(unread > 0 ? HTML(" (\(unread))") : HTML(""))</span>" : ""
            return "<a href=\"\(item.0)\"\(path == item.0 ? HTML(" class=\"on\"") : HTML(""))>\(lang.pick(item.1, item.2))\(badge)</a>"
        }
        let other: Language = lang == .zh ? .en : .zh
        let who: HTML = user.map { u in
            """
            <span>\(u.staff.name) (\(u.username))</span>
            <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="\(u.session.csrfToken)">\
            <button>\(lang.pick("退出", "Sign out"))</button></form>
            """
        } ?? ""
        // Live: the page listens to /api/events (server-sent events) and, when the
        // replica moves (a local write or a synced batch), fetches itself again and swaps
        // in each part marked data-live that changed — except a part holding a form the
        // user is filling in, which a swap would wipe: then a notice offers a reload.
        // Without EventSource, or when the node refuses a stream, it polls /api/changes.
        // `data-live-mode` on <html> says which ("events" or "poll"), for tests and support.
        let poll: HTML = user == nil || version.isEmpty ? "" : """
            <script nonce="\(nonce)">
            (function(){var v="\(version)";var busy=false;
            function dirty(p){if(p.contains(document.activeElement)&&/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName))return true;
            var d=false;p.querySelectorAll("input,textarea,select").forEach(function(e){if(e.type==="hidden")return;
            if(e.type==="checkbox"||e.type==="radio"){if(e.checked!==e.defaultChecked)d=true}
            else if(e.tagName==="SELECT"){e.querySelectorAll("option").forEach(function(o){if(o.selected!==o.defaultSelected)d=true})}
            else if(e.value!==e.defaultValue)d=true});return d}
            function notice(){var b=document.getElementById("changed");if(b){b.hidden=false}}
            var tries=0;function refresh(nv){if(busy||nv===v)return;busy=true;fetch(location.href,{credentials:"same-origin"})
            .then(function(r){if(!r.ok)throw r;return r.text()}).then(function(t){var doc=new DOMParser().parseFromString(t,"text/html");
            var again=doc.documentElement.getAttribute("data-version")==="previous"&&tries<10;
            var parts=document.querySelectorAll("[data-live]");if(document.querySelectorAll("main [data-live]").length===0){notice()}
            parts.forEach(function(p){var n=doc.querySelector('[data-live="'+p.getAttribute("data-live")+'"]');
            if(!n||n.innerHTML===p.innerHTML)return;if(dirty(p)){notice()}else{p.innerHTML=n.innerHTML}});
            if(again){tries++;setTimeout(function(){refresh(nv)},400)}else{tries=0;v=nv}})
            .catch(function(){notice()}).then(function(){busy=false})}
            function mode(m){document.documentElement.setAttribute("data-live-mode",m)}
            function poll(){mode("poll");setInterval(function(){fetch("/api/changes",{credentials:"same-origin"}).then(function(r){return r.ok?r.json():null})
            .then(function(j){if(j)refresh(j.version)}).catch(function(){})},\(pollSeconds * 1000))}
            if(!window.EventSource){poll();return}
            var es=new EventSource("/api/events"),opened=false;es.onopen=function(){opened=true;mode("events")};
            es.addEventListener("state",function(e){try{refresh(JSON.parse(e.data).version)}catch(x){}});
            es.onerror=function(){if(!opened||es.readyState===2){es.close();poll()}}})();
            </script>
            """
        let changed: HTML = poll.markup.isEmpty ? "" : """
            <p id="changed" class="card" hidden>\(lang.pick("有新数据到达。", "New data has arrived.")) <a href="">\(lang.pick("刷新", "Reload"))</a></p>
            """
        return """
            <!doctype html><html lang="\(lang.htmlLang)" data-version="\(current ? version : "previous")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width,initial-scale=1"><title>\(title) · MeshDesk</title>\(Self.style)</head>
            <body><header><strong>MeshDesk 信息科</strong>\(links)<a href="?lang=\(other.rawValue)">\(other == .en ? "English" : "中文")</a>\(who)</header>
            <main>\(changed)<h1>\(title)</h1>\(body)</main>\(poll)</body></html>
            """
    }
}

/// An error shown to a browser: the same code and message as the JSON error.
enum ErrorPage {
    static func render(_ error: APIError, lang: Language) -> HTML {
        let layout = Layout(lang: lang, user: nil, path: "", nonce: "", version: "", pollSeconds: 0)
        return layout.page(title: lang.pick("请求未完成", "Request refused"), """
            <div class="card"><p class="bad">\(lang.message(of: error))</p><p class="muted">HTTP \(error.status.code)</p>
            <p><a href="/">\(lang.pick("返回", "Back"))</a></p></div>
            """)
    }
}
