import HTTPTypes
import Hummingbird

/// Refuses a request whose `Host` is not one of the names this server answers to, with
/// 421 Misdirected Request (DNS rebinding: a page of `evil.example` whose name now
/// resolves to 127.0.0.1 sends `Host: evil.example`). Missing `Host` is a 400.
struct HostCheckMiddleware: RouterMiddleware {
    typealias Context = MeshDeskRequestContext
    let allowed: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !allowed.isEmpty else { return try await next(request, context) }
        guard let authority = request.head.authority, !authority.isEmpty else {
            throw APIError(.badRequest, "missing_host", "the request has no Host header")
        }
        let name = Self.hostName(authority)
        guard allowed.contains(name) else {
            throw APIError(.misdirectedRequest, "unknown_host", "this server does not answer to the host \(name.prefix(100))")
        }
        return try await next(request, context)
    }

    /// The host of an authority, lowercased, without the port: `[::1]:8080` → `[::1]`.
    static func hostName(_ authority: String) -> String {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("["), let end = lowered.firstIndex(of: "]") { return String(lowered[...end]) }
        if let colon = lowered.lastIndex(of: ":") { return String(lowered[..<colon]) }
        return lowered
    }
}
