import Domain

/// The frame of every dashboard page: navigation, language switch, sign-out, and the
/// poll that reloads the page when the replica's version vector changes.
struct Layout {
    let lang: Language
    let user: SignedIn?
    let path: String
    let nonce: String
    let version: String
    let pollSeconds: Int

    static let style: HTML = """
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
        header{background:#1f4e79;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
        header a{color:#fff;text-decoration:none}header a.on{font-weight:bold;text-decoration:underline}
        header form{margin:0 0 0 auto}main{padding:16px}
        table{border-collapse:collapse;background:#fff;margin:8px 0 16px}td,th{border:1px solid #ccd3da;padding:4px 8px;text-align:left;font-size:14px}
        th{background:#e8edf2}.bad{color:#b00020;font-weight:bold}.warn{color:#b36b00;font-weight:bold}.ok{color:#1b7f3b}.muted{color:#667}
        .card{background:#fff;border:1px solid #ccd3da;padding:12px;margin:8px 0;max-width:420px}
        input,button,select,textarea{font-size:14px;padding:4px 8px;margin:2px 0}
        .wide{width:100%;max-width:640px;box-sizing:border-box}.desc{white-space:pre-wrap}
        .act{display:inline-block;vertical-align:top;background:#fff;border:1px solid #ccd3da;padding:6px;margin:4px}
        .chart{background:#fff;border:1px solid #ccd3da;margin:8px 0}
        </style>
        """

    func page(title: String, _ body: HTML) -> HTML {
        let nav: [(String, String, String)] = [
            ("/", "当前值班", "On duty now"), ("/tickets", "工单", "Tickets"), ("/tickets/new", "报修", "Report a problem"),
            ("/roster", "值班表", "Roster"), ("/handover", "交接班", "Handover"), ("/assets", "资产", "Assets"),
            ("/approvals", "审批", "Approvals"), ("/problems", "待处理", "To resolve"), ("/status", "节点状态", "Node status"),
        ]
        // Role-aware: the report link only for those who may report a problem somewhere
        // (a central viewer or a clerk would only meet a read-only notice).
        let reports = user.map { u in Access.ticketReporters.contains { role in u.staff.roles.contains { $0.role == role } } } ?? false
        let links: [HTML] = user == nil ? [] : nav.filter { $0.0 != "/tickets/new" || reports }.map { item in
            "<a href=\"\(item.0)\"\(path == item.0 ? HTML(" class=\"on\"") : HTML(""))>\(lang.pick(item.1, item.2))</a>"
        }
        let other: Language = lang == .zh ? .en : .zh
        let who: HTML = user.map { u in
            """
            <span>\(u.staff.name) (\(u.username))</span>
            <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="\(u.session.csrfToken)">\
            <button>\(lang.pick("退出", "Sign out"))</button></form>
            """
        } ?? ""
        // Reloads when the replica moves (a local write or a synced batch) — unless the
        // user is filling in a form, which a reload would wipe: then a notice offers it.
        let poll: HTML = user == nil || version.isEmpty ? "" : """
            <script nonce="\(nonce)">
            (function(){var v="\(version)";function snap(){var s=[];document.querySelectorAll("main input,main textarea,main select")
            .forEach(function(e){s.push(e.type==="checkbox"?e.checked:e.value)});return s.join("\\u0001")}var s0=snap();
            function editing(){var a=document.activeElement;return(a&&/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName))||snap()!==s0}
            setInterval(function(){fetch("/api/changes",{credentials:"same-origin"}).then(function(r){return r.ok?r.json():null})
            .then(function(j){if(j&&j.version!==v){if(editing()){var b=document.getElementById("changed");if(b){b.hidden=false}}
            else{location.reload()}}}).catch(function(){})},\(pollSeconds * 1000))})();
            </script>
            """
        let changed: HTML = poll.markup.isEmpty ? "" : """
            <p id="changed" class="card" hidden>\(lang.pick("有新数据到达。", "New data has arrived.")) <a href="">\(lang.pick("刷新", "Reload"))</a></p>
            """
        return """
            <!doctype html><html lang="\(lang.htmlLang)"><head><meta charset="utf-8">
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
            <div class="card"><p class="bad">\(error.message)</p><p class="muted">\(error.code) · HTTP \(error.status.code)</p>
            <p><a href="/">\(lang.pick("返回", "Back"))</a></p></div>
            """)
    }
}
