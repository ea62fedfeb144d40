import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

/// Every kind of bad input gets a clear 4xx with a JSON error, writes nothing (the
/// version vector is unchanged), and is logged by `ErrorMiddleware`.
@Suite struct BadInputTests {
    /// Runs `body` signed in as `username` and checks the replica did not move.
    func refused(as username: String = "eng1", _ body: @Sendable (any TestClientProtocol, Session) async throws -> Void) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            let before = try fixture.versionVector()
            try await body(client, session)
            #expect(try fixture.versionVector() == before, "a refused request must write nothing")
        }
    }

    @Test func malformedJSONIsA400() async throws {
        try await refused { client, session in
            let (status, body) = try await client.call(.post, "/api/leave", as: session, json: #"{"firstDay": "2026-03-20", "#)
            #expect(status == .badRequest)
            #expect(errorCode(body) == "malformed_json")
            let array = try await client.call(.post, "/api/leave", as: session, json: "[1,2]")
            #expect(errorCode(array.1) == "malformed_json")
        }
    }

    @Test func wrongTypesAndMissingFieldsAre400s() async throws {
        try await refused { client, session in
            let (status, body) = try await client.call(.post, "/api/leave", as: session, json: #"{"firstDay":20260320,"lastDay":"2026-03-20","reason":"x"}"#)
            #expect(status == .badRequest)
            #expect(errorCode(body) == "wrong_type")
            let missing = try await client.call(.post, "/api/leave", as: session, json: #"{"firstDay":"2026-03-20"}"#)
            #expect(missing.0 == .badRequest)
            #expect(errorCode(missing.1) == "missing_field")
            let badDate = try await client.call(.post, "/api/leave", as: session, json: #"{"firstDay":"2026-02-30","lastDay":"2026-03-01","reason":"x"}"#)
            #expect(badDate.0 == .badRequest)
            #expect(errorCode(badDate.1) == "bad_date")
        }
    }

    @Test func unknownFieldsAreRefused() async throws {
        try await refused { client, session in
            let (status, body) = try await client.call(.post, "/api/leave", as: session,
                                                       json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"x","approved":true}"#)
            #expect(status == .badRequest)
            #expect(errorCode(body) == "unknown_field")
            let action = try await client.call(.post, "/api/leave/abc/cancel", as: session, json: #"{"force":true}"#)
            #expect(errorCode(action.1) == "unknown_field")
        }
    }

    @Test func anOversizedBodyIsA413() async throws {
        try await refused { client, session in
            let reason = String(repeating: "长", count: MeshDeskRequestContext.bodyBytesMax / 3 + 10)
            let (status, body) = try await client.call(.post, "/api/leave", as: session,
                                                       json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"\#(reason)"}"#)
            #expect(status == .contentTooLarge)
            #expect(errorCode(body) == "body_too_large")
        }
    }

    @Test func aMissingSessionIsA401() async throws {
        try await refused { client, _ in
            let (status, body) = try await client.call(.post, "/api/leave", as: nil, json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"x"}"#)
            #expect(status == .unauthorized)
            #expect(errorCode(body) == "not_signed_in")
            let forged = Session(cookie: String(repeating: "ab", count: 32), csrf: "x")
            #expect(try await client.call(.get, "/api/duty/now", as: forged).0 == .unauthorized)
        }
    }

    /// `POST //api/tickets` once reached the ticket route while the CSRF check, which
    /// looks for the `/api/` prefix, did not see it: any other spelling of a path is a 400
    /// before the session is looked at.
    @Test func aDoubledSlashOrDotSegmentCannotSkipTheCSRFCheck() async throws {
        try await refused { client, session in
            let headers: HTTPFields = [.cookie: "meshdesk_session=\(session.cookie)", .contentType: "application/json"]
            let ticket = ByteBuffer(string: TicketAPITests.openJSON)
            for uri in ["//api/tickets", "/api//tickets", "/x/../api/tickets", "/./api/tickets", "/%2e/api/tickets", "/api%2Ftickets"] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: ticket) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(errorCode(String(buffer: response.body)) == "non_canonical_path", "\(uri)")
                }
            }
            try await client.execute(uri: "//api/session", method: .delete, headers: headers) { response in
                #expect(response.status == .badRequest)
            }
            // The session survived the refused sign-out.
            #expect(try await client.call(.get, "/api/duty/now", as: session).0 == .ok)
        }
    }

    @Test func aCookieWriteWithoutTheCSRFTokenIsRefused() async throws {
        try await refused { client, session in
            var headers: HTTPFields = [.cookie: "meshdesk_session=\(session.cookie)", .contentType: "application/json"]
            let json = ByteBuffer(string: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"x"}"#)
            try await client.execute(uri: "/api/leave", method: .post, headers: headers, body: json) { response in
                #expect(response.status == .forbidden)
                #expect(errorCode(String(buffer: response.body)) == "csrf_token_missing")
            }
            headers[HTTPField.Name("X-CSRF-Token")!] = String(repeating: "0", count: 64)
            try await client.execute(uri: "/api/leave", method: .post, headers: headers, body: json) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func aCrossSiteWriteIsRefusedEvenWithTheToken() async throws {
        try await refused { client, session in
            let (status, body) = try await client.call(.post, "/api/leave", as: session,
                                                       json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"x"}"#,
                                                       headers: [.origin: "http://evil.example"])
            #expect(status == .forbidden)
            #expect(errorCode(body) == "cross_site_request")
            let fetchSite = try await client.call(.post, "/api/leave", as: session,
                                                  json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"x"}"#,
                                                  headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(errorCode(fetchSite.1) == "cross_site_request")
        }
    }

    @Test func aFormPostWithoutTheCSRFFieldIsRefused() async throws {
        try await refused(as: "chief") { client, session in
            let headers: HTTPFields = [.cookie: "meshdesk_session=\(session.cookie)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/approvals/leave/0123/approve", method: .post, headers: headers, body: ByteBuffer(string: "")) { response in
                #expect(response.status == .forbidden)
                #expect(errorCode(String(buffer: response.body)) == "csrf_token_missing")
            }
            try await client.execute(uri: "/sign-out", method: .post, headers: headers, body: ByteBuffer(string: "csrf=wrong")) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func aRoleActingOutsideItsCampusIsA403() async throws {
        try await refused(as: "mainchief") { client, session in
            let (status, body) = try await client.call(.post, "/api/rosters/EAST/2026-03/publish", as: session, json: #"{"seed":7}"#)
            #expect(status == .forbidden)
            #expect(errorCode(body) == "outside_campus")
            let log = try await client.call(.post, "/api/duty/log", as: session, json: #"{"campus":"EAST","post":"network-security","text":"x"}"#)
            #expect(log.0 == .forbidden)
        }
    }

    @Test func domainRefusalsAreClear4xxs() async throws {
        try await refused { client, session in
            let reversed = try await client.call(.post, "/api/leave", as: session, json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-19","reason":"x"}"#)
            #expect(reversed.0 == .unprocessableContent)
            #expect(errorCode(reversed.1) == "reversed_times")
            let unknown = try await client.call(.post, "/api/leave/ffff/approve", as: session)
            #expect(unknown.0 == .notFound)
            let overtime = try await client.call(.post, "/api/overtime", as: session, json: #"{"date":"2026-03-03","start":"17:00","end":"20:00","reason":"x"}"#)
            #expect(overtime.0 == .unprocessableContent)
            #expect(errorCode(overtime.1) == "overtime_cap_exceeded")
        }
    }

    @Test func injectedTextIsStoredVerbatimAndRenderedEscaped() async throws {
        let fixture = try ServerFixture()
        let nasty = #"'); DROP TABLE e_person; -- <script>alert("x")</script>"#
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let json = try String(decoding: JSONEncoder().encode(["firstDay": "2026-03-20", "lastDay": "2026-03-20", "reason": nasty]), as: UTF8.self)
            #expect(try await client.call(.post, "/api/leave", as: session, json: json).0 == .created)
            #expect(try fixture.department.leaveRequests().first?.reason == nasty)
            #expect(try fixture.department.people().count == ServerFixture.people.count)
            let chief = try await client.signIn("chief")
            try await client.execute(uri: "/approvals", method: .get, headers: [.cookie: "meshdesk_session=\(chief.cookie)"]) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!page.contains("<script>alert"))
                #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            }
        }
    }

    // MARK: tickets, assets, approvals

    @Test func ticketAssetAndApprovalBodiesAreCheckedBeforeAnythingIsWritten() async throws {
        try await refused { client, session in
            for (path, json, code) in [
                ("/api/tickets", #"{"campus":"EAST","title":"#, "malformed_json"),
                ("/api/tickets", #"["EAST"]"#, "malformed_json"),
                ("/api/tickets", #"{"campus":5,"title":"x","department":"d"}"#, "wrong_type"),
                ("/api/tickets", #"{"campus":"EAST","title":"x","department":"d","priority":"high"}"#, "wrong_type"),
                ("/api/tickets", #"{"campus":"EAST","title":"x","department":"d","assignee":"E101"}"#, "unknown_field"),
                ("/api/tickets", #"{"department":"d","title":"x"}"#, "missing_field"),
                ("/api/tickets", #"{"campus":"EAST","title":"a\nb","department":"d"}"#, "bad_title"),
                ("/api/tickets", #"{"campus":"east; DROP","title":"x","department":"d"}"#, "bad_campus"),
                ("/api/tickets", #"{"campus":"EAST","title":"x","department":"d","category":"coffee"}"#, "bad_value"),
                ("/api/assets", #"{"tag":"T","campus":"EAST","type":"pc","name":"n","stock":"many"}"#, "wrong_type"),
                ("/api/assets", #"{"tag":"T","campus":"EAST","type":"pc","name":"n","owner":"me"}"#, "unknown_field"),
                ("/api/approvals", #"{"kind":"bribe","campus":"EAST","title":"t","reason":"r"}"#, "bad_value"),
                ("/api/approvals/00/approve", #"{"note":1}"#, "wrong_type"),
            ] {
                let (status, body) = try await client.call(.post, path, as: session, json: json)
                #expect(status == .badRequest, "\(path) \(json): \(status) \(body)")
                #expect(errorCode(body) == code, "\(path) \(json): \(body)")
            }
            let empty = try await client.call(.post, "/api/tickets", as: session, json: #"{"campus":"EAST","department":"d"}"#)
            #expect(empty.0 == .unprocessableContent, "no title and no description")
            let long = String(repeating: "长", count: MeshDeskRequestContext.bodyBytesMax / 3 + 10)
            let big = try await client.call(.post, "/api/tickets", as: session, json: #"{"campus":"EAST","title":"x","department":"d","description":"\#(long)"}"#)
            #expect(big.0 == .contentTooLarge)
            #expect(errorCode(big.1) == "body_too_large")
            let none = try await client.call(.post, "/api/tickets", as: nil, json: #"{"campus":"EAST","title":"x","department":"d"}"#)
            #expect(none.0 == .unauthorized)
            #expect(errorCode(none.1) == "not_signed_in")
            let noPage = try await client.page("/tickets", as: nil)
            #expect(noPage.0 == .seeOther, "pages send the signed-out to sign in")
        }
    }

    @Test func ticketWritesOutsideTheCampusAndActionFormsWithoutCSRFAreRefused() async throws {
        let fixture = try ServerFixture()
        let opened = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "x", department: "门诊", category: .network,
                                                                    description: "断网"), by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let before = try fixture.versionVector()
            let mainChief = try await client.signIn("mainchief")
            for (path, json) in [("/api/tickets", #"{"campus":"EAST","title":"x","department":"d"}"#),
                                 ("/api/tickets/\(opened.number)/assign", #"{"to":"E101"}"#),
                                 ("/api/assets", #"{"tag":"T","campus":"EAST","type":"pc","name":"n"}"#),
                                 ("/api/approvals", #"{"kind":"purchase","campus":"EAST","title":"t","reason":"r","department":"d","quantity":1}"#)] {
                let (status, body) = try await client.call(.post, path, as: mainChief, json: json)
                #expect(status == .forbidden, "\(path): \(body)")
                #expect(errorCode(body) == "outside_campus", "\(path): \(body)")
            }
            let read = try await client.call(.get, "/api/tickets/\(opened.number)", as: mainChief)
            #expect(read.0 == .forbidden)
            let eng = try await client.signIn("eng1")
            let noToken = try await client.form("/tickets/\(opened.number)/start", as: eng, [])
            #expect(noToken.0 == .forbidden)
            #expect(noToken.2.contains("页面已过期"))
            let wrongToken = try await client.form("/tickets/\(opened.number)/start", as: eng, [("csrf", String(repeating: "0", count: 64))])
            #expect(wrongToken.0 == .forbidden)
            let approvalForm = try await client.form("/approvals/approval/00/approve", as: eng, [("note", "x")])
            #expect(approvalForm.0 == .forbidden)
            var headers: HTTPFields = [.cookie: "meshdesk_session=\(eng.cookie)", .contentType: "application/json"]
            headers[HTTPField.Name("X-CSRF-Token")!] = "wrong"
            try await client.execute(uri: "/api/tickets/\(opened.number)/start", method: .post, headers: headers) { response in
                #expect(response.status == .forbidden)
            }
            #expect(try fixture.versionVector() == before, "nothing was written")
        }
    }

    @Test func injectedTicketTextIsStoredVerbatimAndRenderedEscapedEverywhere() async throws {
        let fixture = try ServerFixture()
        let nasty = #"'); DROP TABLE e_ticket; -- <script>alert("x")</script>"#
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let json = try String(decoding: JSONEncoder().encode(["campus": "EAST", "title": nasty, "description": nasty, "department": nasty]),
                                  as: UTF8.self)
            let (status, body) = try await client.call(.post, "/api/tickets", as: eng, json: json)
            #expect(status == .created, "\(body)")
            let number = createdID(body, key: "number")
            #expect(try fixture.department.ticket(number).intake.department == nasty)
            #expect(try fixture.department.tickets().count == 1, "the table is still there")
            for path in ["/tickets/\(number)", "/tickets", "/"] {
                let page = try await client.page(path, as: eng).2
                #expect(!page.contains("<script>alert"), "\(path)")
                #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "\(path)")
            }
        }
    }
}
