import HTTPTypes
import Hummingbird
import Logging
import Security

/// Finds the session of a request and guards cookie-authenticated writes against
/// cross-site request forgery.
///
/// A session arrives as the `meshdesk_session` cookie (browsers) or as
/// `Authorization: Bearer <token>` (scripts; a browser never attaches that on its own,
/// so those requests need no CSRF check). A cookie-authenticated write must pass both:
/// - **Origin check**: an `Origin` header, when present, must be this server's own
///   origin, and `Sec-Fetch-Site`, when present, must be `same-origin` or `none`;
/// - **synchronizer token**: `/api/…` writes carry the session's CSRF token in the
///   `X-CSRF-Token` header; dashboard form posts carry it as the `csrf` field, checked
///   by `FormPost` before anything is done.
/// The cookie is also `SameSite=Strict`, so a cross-site page's requests carry no session.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = MeshDeskRequestContext
    static let cookieName = "meshdesk_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    let accounts: AccountService
    let reads: ReadPath

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let unsafe = ![.get, .head, .options].contains(request.method)
        if unsafe { try Self.checkOrigin(request) }
        if let token = Self.bearer(request) {
            context.signedIn = try resolve(token, context)
        } else if let token = request.cookies[Self.cookieName]?.value, !token.isEmpty {
            context.signedIn = try resolve(token, context)
            if unsafe, let user = context.signedIn, request.uri.path.hasPrefix("/api/") {
                guard let sent = request.headers[Self.csrfHeader], RandomToken.equal(sent, user.session.csrfToken) else {
                    throw APIError(.forbidden, "csrf_token_missing", "a write with a session cookie needs the X-CSRF-Token header of the session")
                }
            }
        }
        var response = try await next(request, context)
        response.headers[Self.contentTypeOptions] = "nosniff"
        // An answer for a signed-in user is theirs alone: no shared or browser cache keeps it.
        if context.signedIn != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    /// The session's user, without reading the replica while accounts and people are
    /// unchanged since this session was last resolved (`ResolvedSessions`).
    private func resolve(_ token: String, _ context: Context) throws -> SignedIn? {
        let stamp = try reads.state(for: token).touches(ResolvedSessions.entities)
        return try accounts.resolve(token: token, logger: context.logger, stamp: stamp)
    }

    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        let token = String(value.dropFirst("Bearer ".count))
        return token.isEmpty ? nil : token
    }

    /// Refuses a write that a browser says came from another site.
    static func checkOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            throw APIError(.forbidden, "cross_site_request", "a write from another site (Sec-Fetch-Site: \(site)) is refused")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw APIError(.forbidden, "cross_site_request", "a write from origin \(origin) is refused")
            }
        }
    }
}
