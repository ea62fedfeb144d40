import Domain
import Hummingbird
import Security

/// 管理 · 账号: every account of the campuses the administrator manages, with its state
/// (enabled, locked, a change due), and the forms that `meshdesk user add | passwd |
/// disable | unlock` are on the command line. A new account and a reset get a one-time
/// password, generated here and shown once in the answer to the post (never in a URL);
/// its holder must change it at first sign-in.
extension Dashboard {
    /// Bytes of randomness in a one-time password: 12 hex digits, 48 bits, grouped by four.
    static let oneTimePasswordBytes = 6

    static func oneTimePassword() -> String {
        let hex = Array(RandomToken.hex(bytes: oneTimePasswordBytes))
        return stride(from: 0, to: hex.count, by: 4).map { String(hex[$0..<min($0 + 4, hex.count)]) }.joined(separator: "-")
    }

    func registerAdminAccounts(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin/accounts") { request, context, layout in
            try adminAccountsPage(request, try context.user(), layout, failure: nil, shown: nil)
        }
        adminForm(router, "/admin/accounts", form: "create", fields: { _ in ["username", "person"] }) { fields, user, acting, _ in
            let username = (fields["username"] ?? "").trimmingCharacters(in: .whitespaces)
            guard Account.isValidUsername(username) else {
                throw AdminRefusal("username", "用户名只能用小写字母、数字和 . _ -，最长 64 个字符。", "A username is a–z, 0–9, . _ - (at most 64).")
            }
            let person = PersonID((fields["person"] ?? "").trimmingCharacters(in: .whitespaces))
            guard !person.rawValue.isEmpty else { throw AdminRefusal("person", "请选择人员。", "Choose the person.") }
            let password = Self.oneTimePassword()
            let hash = try AccountService.hash(password, hasher: api.accounts.hasher, charactersMin: configuration.passwordCharactersMin)
            try department.createAccount(username: username, person: person, passwordHash: hash, mustChangePassword: true, by: acting)
            return .shown { layout in try adminAccountsPage(nil, user, layout, failure: nil, shown: (username, password, false)) }
        } page: { request, context, layout, failure in
            try adminAccountsPage(request, try context.user(), layout, failure: failure, shown: nil)
        }
        adminForm(router, "/admin/accounts/{username}/{action}", form: "account", fields: { _ in [] }) { _, user, acting, context in
            let username = try context.parameters.require("username")
            switch try context.parameters.require("action") {
            case "reset":
                let password = Self.oneTimePassword()
                let hash = try AccountService.hash(password, hasher: api.accounts.hasher, charactersMin: configuration.passwordCharactersMin)
                try department.setPassword(username: username, passwordHash: hash, by: acting)
                return .shown { layout in try adminAccountsPage(nil, user, layout, failure: nil, shown: (username, password, true)) }
            case "disable":
                try department.setAccountDisabled(username: username, disabled: true, by: acting)
                return .redirect("/admin/accounts?done=disable")
            case "enable":
                try department.setAccountDisabled(username: username, disabled: false, by: acting)
                return .redirect("/admin/accounts?done=enable")
            case "unlock":
                try department.unlockAccount(username: username, by: acting)
                return .redirect("/admin/accounts?done=unlock")
            case let other:
                throw APIError(.notFound, "not_found", "no account action \(other)")
            }
        } page: { request, context, layout, failure in
            try adminAccountsPage(request, try context.user(), layout, failure: failure, shown: nil)
        }
    }

    /// The page; `shown` is a one-time password just made (username, password, a reset?).
    func adminAccountsPage(_ request: Request?, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?,
                           shown: (String, String, Bool)?) throws -> HTML {
        let lang = layout.lang
        let campuses = try administeredCampuses(user)
        let codes = Set(campuses.map(\.code))
        let names = Dictionary(campuses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let people = try department.people().filter { codes.contains($0.campus) }
        let byID = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let accounts = try department.accounts().filter { byID[$0.person] != nil }
        let now = configuration.clock.now()
        let csrf = user.session.csrfToken
        func button(_ account: Account, _ action: String, _ label: String) -> HTML {
            """
            <form class="inline" method="post" action="/admin/accounts/\(account.username)/\(action)" style="display:inline">\
            <input type="hidden" name="csrf" value="\(csrf)"><button>\(label)</button></form>
            """
        }
        let rows: [HTML] = accounts.map { account in
            let person = byID[account.person]
            var state: [HTML] = [account.disabled ? "<span class=\"bad\">\(lang.pick("已停用", "disabled"))</span>" : "<span class=\"ok\">\(lang.pick("启用", "enabled"))</span>"]
            if account.isLocked(at: now), let until = account.lockedUntil {
                state.append("<span class=\"warn\">\(lang.pick("锁定至 \(until.description)", "locked until \(until.description)"))</span>")
            } else if account.failedAttempts > 0 {
                state.append("<span class=\"muted\">\(lang.pick("登录失败 \(account.failedAttempts) 次", "\(account.failedAttempts) failed sign-ins"))</span>")
            }
            if account.mustChangePassword { state.append("<span class=\"muted\">\(lang.pick("须修改密码", "must change password"))</span>") }
            var actions: [HTML] = [button(account, "reset", lang.pick("重置密码", "Reset password")),
                                   account.disabled ? button(account, "enable", lang.pick("启用", "Enable")) : button(account, "disable", lang.pick("停用", "Disable"))]
            if account.isLocked(at: now) || account.failedAttempts > 0 { actions.append(button(account, "unlock", lang.pick("解锁", "Unlock"))) }
            return """
                <tr id="account-\(account.username)"><td><code>\(account.username)</code></td><td>\(person?.name ?? "—") (\(account.person.rawValue))</td>\
                <td>\(person.flatMap { names[$0.campus] } ?? "—")</td><td>\(state.joined(" · "))</td><td>\(account.passwordChangedAt.description)</td>\
                <td>\(actions)\(failure.alert("account", "account-\(account.username)"))</td></tr>
                """
        }
        let withAccount = Set(try department.accounts().map(\.person))
        let typedPerson = failure.typed("create", "person") ?? ""
        let choices: [HTML] = people.filter { !withAccount.contains($0.id) && $0.active }.map {
            "<option value=\"\($0.id.rawValue)\"\($0.id.rawValue == typedPerson ? HTML(" selected") : "")>\($0.name) (\($0.id.rawValue)) · \(names[$0.campus] ?? $0.campus.rawValue)</option>"
        }
        let once: HTML = shown.map { username, password, reset in
            """
            <div class="card ok" id="one-time-password" role="status"><p>\(reset ? lang.pick("已重置 \(username) 的密码。", "The password of \(username) is reset.") : lang.pick("已为 \(username) 开户。", "Account \(username) is created."))</p>
            <p>\(lang.pick("一次性密码（只显示这一次，请当面或电话告知本人）：", "One-time password (shown this once; give it to the holder in person or by phone):"))</p>
            <p style="font-size:20px"><code>\(password)</code></p><p class="muted">\(lang.pick("本人首次登录时须修改密码。", "The holder must change it at first sign-in."))</p></div>
            """
        } ?? ""
        return layout.page(title: lang.pick("管理 · 账号", "Administration · Accounts"), """
            \(adminNav(lang))\(request.map { adminDone($0, lang) } ?? "")\(once)\(failure?.form == "create" ? HTML("<p class=\"bad\" role=\"alert\"><a href=\"#create-account\">\(lang.pick("未开户：", "Not created: "))\(failure?.message ?? "")</a></p>") : "")\(failure.head("account", fields: Set(accounts.map { "account-\($0.username)" })))
            <table id="accounts"><tr><th>\(lang.pick("用户名", "Username"))</th><th>\(lang.pick("人员", "Person"))</th><th>\(lang.pick("院区", "Campus"))</th>\
            <th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("密码修改于", "Password set"))</th><th>\(lang.pick("操作", "Actions"))</th></tr>\(rows)</table>
            <h2>\(lang.pick("开户", "Create an account"))</h2>
            <form class="card" id="create-account" method="post" action="/admin/accounts"><input type="hidden" name="csrf" value="\(csrf)">
            \(failure.head("create", fields: ["username", "person"]))
            <label>\(lang.pick("用户名", "Username"))<br><input name="username" maxlength="64" value="\(failure.typed("create", "username") ?? "")" required></label><br>\(failure.alert("create", "username"))
            <label>\(lang.pick("人员（尚无账号的在职人员）", "Person (active staff without an account)"))<br><select name="person">\(choices)</select></label><br>\(failure.alert("create", "person"))
            <button id="submit-account">\(lang.pick("开户并生成一次性密码", "Create with a one-time password"))</button></form>
            """)
    }
}
