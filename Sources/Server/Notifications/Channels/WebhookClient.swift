import AsyncHTTPClient
import Domain
import Foundation
import NIOCore
import NIOHTTP1

public enum WebhookError: Error, CustomStringConvertible {
    case notAccepted(status: Int, body: String)

    public var description: String {
        switch self {
        case let .notAccepted(status, body): "webhook answered \(status): \(body)"
        }
    }
}

/// Posts a `WebhookRequest` with async-http-client; the answer is read up to
/// `responseBytesMax` and judged by `WebhookRequest.accepted`.
public struct WebhookClient: Sendable {
    public static let responseBytesMax = 64 * 1024
    let http: HTTPClient

    public init(http: HTTPClient = .shared) {
        self.http = http
    }

    public func post(_ request: WebhookRequest, kind: WebhookTarget.Kind, timeout: TimeAmount) async throws {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.headers.add(name: "User-Agent", value: "MeshDesk")
        outgoing.body = .bytes(request.body)
        let response = try await http.execute(outgoing, timeout: timeout)
        let body = try await response.body.collect(upTo: Self.responseBytesMax)
        let bytes = Array(body.readableBytesView)
        guard WebhookRequest.accepted(kind, status: Int(response.status.code), body: bytes) else {
            throw WebhookError.notAccepted(status: Int(response.status.code), body: String(decoding: bytes.prefix(200), as: UTF8.self))
        }
    }
}
