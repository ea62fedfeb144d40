import Foundation
import HTTPTypes
import Hummingbird
import Security

/// A dashboard form post: `application/x-www-form-urlencoded`, at most
/// `MeshDeskRequestContext.bodyBytesMax` bytes, only the fields the form has, and —
/// when a session is involved — the session's CSRF token in the `csrf` field.
enum FormPost {
    static let fieldsMax = 32

    /// `bytesMax` is larger only for a form whose content is larger (a knowledge base article).
    static func read(_ request: Request, fields: Set<String>, csrfOf user: SignedIn?,
                     bytesMax: Int = MeshDeskRequestContext.bodyBytesMax) async throws -> [String: String] {
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "a form post must be application/x-www-form-urlencoded")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: bytesMax)
        let values = try parse(String(buffer: buffer))
        let allowed = user == nil ? fields : fields.union(["csrf"])
        let unknown = Set(values.keys).subtracting(allowed).sorted()
        guard unknown.isEmpty else { throw APIError.badRequest("unknown_field", "unknown form field \(unknown.joined(separator: ", "))") }
        if let user {
            guard let sent = values["csrf"], RandomToken.equal(sent, user.session.csrfToken) else {
                throw APIError(.forbidden, "csrf_token_missing", "the form's CSRF token is missing or wrong: reload the page")
            }
        }
        return values
    }

    static func parse(_ body: String) throws -> [String: String] {
        var values: [String: String] = [:]
        let pairs = body.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= fieldsMax else { throw APIError.badRequest("too_many_fields", "more than \(fieldsMax) form fields") }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError.badRequest("malformed_form", "the form body is not valid URL encoding")
            }
            guard values[name] == nil else { throw APIError.badRequest("malformed_form", "field \(name) given twice") }
            values[name] = value
        }
        return values
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
