import Domain
import HTTPTypes
import Hummingbird

/// 登录 / 退出 / 修改密码 over JSON.
extension APIRoutes {
    struct SignInBody: StrictBody {
        static let fields: Set<String> = ["username", "password"]
        let username: String
        let password: String
    }

    struct PasswordBody: StrictBody {
        static let fields: Set<String> = ["currentPassword", "newPassword"]
        let currentPassword: String
        let newPassword: String
    }

    func registerSession(on router: Router<MeshDeskRequestContext>) {
        router.post("/api/session") { request, context in
            let body = try await StrictJSON.decode(SignInBody.self, from: request)
            let session = try accounts.signIn(username: body.username, password: body.password,
                                              source: context.source, logger: context.logger)
            guard let user = try accounts.resolve(token: session.token, logger: context.logger) else { throw AccountService.signInFailed }
            var response = try JSONResponse.make(MeView(user))
            response.setCookie(Self.sessionCookie(session, minutes: configuration.sessionMinutes))
            return response
        }
        router.delete("/api/session") { request, context in
            let user = try context.user()
            accounts.signOut(user.session.token)
            var response = JSONResponse.noContent()
            response.setCookie(Self.sessionCookie(nil, minutes: 0))
            return response
        }
        router.get("/api/me") { _, context in
            try JSONResponse.make(MeView(try context.user()))
        }
        router.put("/api/me/password") { request, context in
            let user = try context.user()
            let body = try await StrictJSON.decode(PasswordBody.self, from: request)
            try accounts.changePassword(user, current: body.currentPassword, new: body.newPassword)
            return JSONResponse.noContent()
        }
    }

    /// HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it),
    /// Path=/. Not `Secure`: the dashboard is served on loopback over plain HTTP; a TLS
    /// front end must add it. `nil` clears the cookie.
    static func sessionCookie(_ session: WebSession?, minutes: Int) -> Cookie {
        Cookie(name: SessionMiddleware.cookieName, value: session?.token ?? "", maxAge: session == nil ? 0 : minutes * 60,
               path: "/", secure: false, httpOnly: true, sameSite: .strict)
    }
}
