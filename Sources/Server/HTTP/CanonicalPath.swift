import HTTPTypes
import Hummingbird

/// Refuses a request whose path is not in canonical form, before any security decision.
///
/// Every later check that looks at the path (the CSRF token on `/api/…` writes in
/// `SessionMiddleware`, JSON-or-HTML error pages in `ErrorMiddleware`) compares it as a
/// string, while the router splits it into segments and skips empty ones — so
/// `POST //api/tickets` reached the ticket route without the CSRF check. Rather than
/// make each check guess what the router will do, a path the router could read in
/// another spelling is refused with 400 here: empty segments (`//`), `.` and `..`
/// segments, a backslash, and a percent-encoded `/`, `\` or `.`.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = MeshDeskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let reason = Self.problem(request.uri.path) {
            throw APIError(.badRequest, "non_canonical_path", "the path \(reason); send it in canonical form")
        }
        return try await next(request, context)
    }

    /// Why `path` is not canonical, or nil when it is.
    static func problem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "does not start with /" }
        if path.contains("\\") { return "contains a backslash" }
        let lowered = path.lowercased()
        for encoded in ["%2f", "%5c", "%2e"] where lowered.contains(encoded) {
            return "contains an encoded separator (\(encoded))"
        }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty && index < segments.count - 1 { return "contains an empty segment (//)" }
            if segment == "." || segment == ".." { return "contains a dot segment" }
        }
        return nil
    }
}
