import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Security

/// A `multipart/form-data` post — the one way a browser sends a file — read with
/// MultipartKit's parser under this server's limits: a bounded body, a bounded number of
/// parts, only the fields the form has, one file at most, and the session's CSRF token as
/// for `FormPost`. Everything else is a 4xx with a clear message, never a trap (the
/// parser's own precondition on an empty boundary is checked first).
struct MultipartForm: Sendable {
    /// The text fields, by name.
    let fields: [String: String]
    /// The file part: its file name as the browser sent it, and its bytes.
    let file: (name: String, bytes: [UInt8])?

    /// Parts one post may carry (a form of a few fields and one file).
    static let partsMax = 8
    /// Longest text field.
    static let fieldBytesMax = 4 << 10
    /// What a boundary may be (RFC 2046: 1–70 characters).
    static let boundaryCharactersMax = 70

    static func read(_ request: Request, fields allowed: Set<String>, fileField: String, bytesMax: Int,
                     csrfOf user: SignedIn) async throws -> MultipartForm {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "a file is posted as multipart/form-data")
        }
        guard let boundary = Self.boundary(of: type) else {
            throw APIError.badRequest("malformed_form", "multipart/form-data without a boundary of 1–\(boundaryCharactersMax) characters")
        }
        var request = request
        let body = try await request.collectBody(upTo: bytesMax)
        var parts: [(headers: [(String, String)], body: ByteBuffer)] = []
        var headers: [(String, String)] = []
        var current = ByteBuffer()
        var tooMany = false
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { chunk in current.writeBuffer(&chunk) }
        parser.onPartComplete = {
            if parts.count < partsMax { parts.append((headers, current)) } else { tooMany = true }
            headers = []
            current = ByteBuffer()
        }
        do { try parser.execute(body) } catch {
            throw APIError.badRequest("malformed_form", "the multipart body does not parse")
        }
        guard !tooMany else { throw APIError.badRequest("too_many_fields", "more than \(partsMax) parts") }
        guard !parts.isEmpty else { throw APIError.badRequest("malformed_form", "the multipart body has no part under its boundary") }
        var values: [String: String] = [:]
        var file: (name: String, bytes: [UInt8])?
        for part in parts {
            guard let disposition = part.headers.first(where: { $0.0.lowercased() == "content-disposition" })?.1,
                  let name = Self.parameter("name", of: disposition) else {
                throw APIError.badRequest("malformed_form", "a part without a form-data name")
            }
            if name == fileField {
                guard file == nil else { throw APIError.badRequest("malformed_form", "field \(name) given twice") }
                file = (Self.parameter("filename", of: disposition) ?? "", part.body.getBytes(at: part.body.readerIndex, length: part.body.readableBytes) ?? [])
                continue
            }
            guard allowed.contains(name) || name == "csrf" else { throw APIError.badRequest("unknown_field", "unknown form field \(name)") }
            guard values[name] == nil else { throw APIError.badRequest("malformed_form", "field \(name) given twice") }
            guard part.body.readableBytes <= fieldBytesMax, let text = part.body.getString(at: part.body.readerIndex, length: part.body.readableBytes) else {
                throw APIError.badRequest("malformed_form", "field \(name) is not text of at most \(fieldBytesMax) bytes")
            }
            values[name] = text
        }
        guard let sent = values["csrf"], RandomToken.equal(sent, user.session.csrfToken) else {
            throw APIError(.forbidden, "csrf_token_missing", "the form's CSRF token is missing or wrong: reload the page")
        }
        return MultipartForm(fields: values, file: file.flatMap { $0.bytes.isEmpty && $0.name.isEmpty ? nil : $0 })
    }

    /// `multipart/form-data; boundary=----x` → `----x` (quoted or not), within RFC 2046's bounds.
    static func boundary(of contentType: String) -> String? {
        guard let value = parameter("boundary", of: contentType), !value.isEmpty, value.count <= boundaryCharactersMax else { return nil }
        return value
    }

    /// A `; key=value` or `; key="value"` parameter of a header value.
    static func parameter(_ key: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
