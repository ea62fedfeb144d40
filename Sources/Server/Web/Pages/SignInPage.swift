import Hummingbird

/// 登录 and 修改密码.
extension Dashboard {
    func signInPage(_ request: Request, error: APIError?) -> Response {
        let lang = Language.of(request)
        let layout = Layout(lang: lang, user: nil, path: "/sign-in", nonce: "", version: "", pollSeconds: 0)
        let message: HTML = error.map { "<p class=\"bad\">\(lang.message(of: $0))</p>" } ?? ""
        let page = layout.page(title: lang.pick("登录", "Sign in"), """
            <form class="card" method="post" action="/sign-in">\(message)
            <label>\(lang.pick("用户名", "Username"))<br><input name="username" autocomplete="username" required></label><br>
            <label>\(lang.pick("密码", "Password"))<br><input name="password" type="password" autocomplete="current-password" required></label><br>
            <button>\(lang.pick("登录", "Sign in"))</button></form>
            """)
        return withLanguage(HTMLResponse.make(page), request)
    }

    func passwordPage(_ layout: Layout, error: APIError?) -> HTML {
        let lang = layout.lang
        let message: HTML = error.map { "<p class=\"bad\">\(lang.message(of: $0))</p>" } ?? ""
        let due: HTML = layout.user?.passwordChangeDue == true
            ? "<p class=\"bad\">\(lang.pick("密码已到期或为管理员所设，请先修改密码。", "Your password was set by an administrator or has expired: change it first."))</p>" : ""
        return layout.page(title: lang.pick("修改密码", "Change password"), """
            \(due)<form class="card" method="post" action="/password">\(message)
            <input type="hidden" name="csrf" value="\(layout.user?.session.csrfToken ?? "")">
            <label>\(lang.pick("当前密码", "Current password"))<br><input name="current" type="password" autocomplete="current-password" required></label><br>
            <label>\(lang.pick("新密码", "New password"))<br><input name="new" type="password" autocomplete="new-password" required></label><br>
            <button>\(lang.pick("修改", "Change"))</button></form>
            """)
    }
}
