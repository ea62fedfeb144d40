import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request body type that names its fields, so a body with any other field is
/// refused instead of silently ignored (a misspelt `colleagueSeat` must not turn a
/// swap into a cover).
protocol StrictBody: Decodable {
    static var fields: Set<String> { get }
}

enum StrictJSON {
    /// Reads at most `MeshDeskRequestContext.bodyBytesMax` bytes (413 beyond), checks it
    /// is one JSON object with only known fields, then decodes it (400 on wrong types).
    /// `bytesMax` is larger only for a route whose content is larger (a knowledge base article).
    static func decode<T: StrictBody>(_ type: T.Type, from request: Request, bytesMax: Int = MeshDeskRequestContext.bodyBytesMax) async throws -> T {
        try requireJSON(request)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > bytesMax {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        let buffer = try await request.collectBody(upTo: bytesMax)
        let data = Data(buffer: buffer)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw APIError.badRequest("malformed_json", "the body must be one JSON object")
        }
        let unknown = Set(fields.keys).subtracting(T.fields).sorted()
        guard unknown.isEmpty else {
            throw APIError.badRequest("unknown_field", "unknown field\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", "))")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// An empty body `{}` (or none) for action endpoints; anything else is refused.
struct NoBody: StrictBody {
    static let fields: Set<String> = []
}

extension StrictJSON {
    /// A JSON route reads only `application/json` (parameters such as `charset` allowed):
    /// a form or `text/plain` body is a 415, so a cross-site "simple request" cannot
    /// smuggle JSON in under a content type that skips the browser's preflight.
    static func requireJSON(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "a JSON route needs Content-Type: application/json, not \(type ?? "none")")
        }
    }

    /// For actions without parameters: no body, or `{}`.
    static func decodeEmpty(from request: Request) async throws {
        var request = request
        let buffer = try await request.collectBody(upTo: MeshDeskRequestContext.bodyBytesMax)
        guard buffer.readableBytes > 0 else { return }
        _ = try await decode(NoBody.self, from: Request(head: request.head, body: .init(buffer: buffer)))
    }

    /// For actions whose fields are all optional: no body (nil), or the strict object.
    static func decodeIfPresent<T: StrictBody>(_ type: T.Type, from request: Request) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: MeshDeskRequestContext.bodyBytesMax)
        guard buffer.readableBytes > 0 else { return nil }
        return try await decode(T.self, from: Request(head: request.head, body: .init(buffer: buffer)))
    }
}

/// JSON responses with sorted keys (stable bytes for tests and caches).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(encoded: try encode(value), status: status)
    }

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    static func make(encoded body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    static func noContent() -> Response { Response(status: .noContent) }
}
