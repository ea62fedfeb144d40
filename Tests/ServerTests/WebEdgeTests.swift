import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Server

/// The edge of the web server against a browser on another site or a hostile client:
/// Host names (DNS rebinding), content types, oversized bodies, caching and sniffing.
@Suite struct WebEdgeTests {
    func hosted() throws -> some ApplicationProtocol {
        let fixture = try ServerFixture()
        var configuration = fixture.configuration
        configuration.allowedHostNames = ServerConfiguration.hostNames(listenHost: "10.2.0.5", extra: ["MeshDesk.Hosp.Local"])
        return Application(router: try MeshDeskServer.makeRouter(department: fixture.department, directory: fixture.directory,
                                                                configuration: configuration),
                           configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// One request over a real connection with the given `Host` (the router test client
    /// always says `localhost`).
    func get(_ uri: String, host: String, port: Int) async throws -> TestClient.Response {
        let client = TestClient(host: "127.0.0.1", port: port)
        client.connect()
        do {
            let response = try await client.execute(TestClient.Request(uri, method: .get, authority: host))
            try await client.shutdown()
            return response
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test func aHostThisServerDoesNotAnswerToIsA421() async throws {
        try await hosted().test(.live) { client in
            let port = try #require(client.port)
            for host in ["evil.example", "evil.example:8080", "10.2.0.6:8080"] {
                let response = try await get("/api/me", host: host, port: port)
                #expect(response.status == .misdirectedRequest, "\(host)")
                #expect(errorCode(String(buffer: response.body ?? ByteBuffer())) == "unknown_host")
            }
            for host in ["localhost:8080", "127.0.0.1", "[::1]:8080", "10.2.0.5:8080", "meshdesk.hosp.local"] {
                let response = try await get("/api/me", host: host, port: port)
                #expect(response.status == .unauthorized, "\(host): past the host check, not signed in")
            }
        }
    }

    @Test func hostNamesOfAListenAddress() {
        #expect(HostCheckMiddleware.hostName("[::1]:8080") == "[::1]")
        #expect(HostCheckMiddleware.hostName("Example.org:80") == "example.org")
        #expect(ServerConfiguration.hostNames(listenHost: "0.0.0.0", extra: []) == ServerConfiguration.loopbackNames)
    }

    @Test func aJSONRouteRefusesOtherContentTypesWith415() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let (status, body) = try await client.call(.post, "/api/tickets", as: session, json: TicketAPITests.openJSON,
                                                           headers: [.contentType: type])
                #expect(status == .unsupportedMediaType, "\(type)")
                #expect(errorCode(body) == "unsupported_media_type")
            }
            #expect(try fixture.versionVector() == before)
            let charset = try await client.call(.post, "/api/tickets", as: session, json: TicketAPITests.openJSON,
                                                headers: [.contentType: "application/json; charset=utf-8"])
            #expect(charset.0 == .created)
        }
    }

    /// A chunked body has no Content-Length to refuse early: `collectBody` stops at the
    /// bound with `NIOTooManyBytesError`, which was a 500.
    @Test func aBodyOverTheBoundWithoutContentLengthIsA413() {
        let error = APIError.from(NIOTooManyBytesError(maxBytes: MeshDeskRequestContext.bodyBytesMax))
        #expect(error.status == .contentTooLarge)
        #expect(error.code == "body_too_large")
    }

    @Test func anOversizedFormIsA413() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let big = String(repeating: "x", count: MeshDeskRequestContext.bodyBytesMax + 10)
            let (status, _, _) = try await client.form("/sign-out", as: session, [("csrf", session.csrf), ("pad", big)])
            #expect(status == .contentTooLarge)
        }
    }

    @Test func authenticatedAnswersAreNotCachedOrSniffed() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            try await client.execute(uri: "/api/me", method: .get, headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await client.execute(uri: "/api/tickets/none", method: .get, headers: session.headers) { response in
                #expect(response.status.code >= 400)
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
        }
    }

    @Test func statusDoesNotRevealFilesystemPaths() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("admin")
            let (status, body) = try await client.call(.get, "/api/status", as: session)
            #expect(status == .ok)
            #expect(!body.contains(fixture.directory.url.path), "\(body)")
            #expect(!body.contains("dataDirectory"), "\(body)")
            #expect(body.contains("stateDigest"))
        }
    }
}
