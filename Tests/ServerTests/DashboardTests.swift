import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

@Suite struct DashboardTests {
    func get(_ client: any TestClientProtocol, _ uri: String, _ session: Session?, accept: String = "text/html") async throws -> (HTTPResponse.Status, HTTPFields, String) {
        var headers: HTTPFields = [.accept: accept]
        if let session { headers[.cookie] = "meshdesk_session=\(session.cookie)" }
        return try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    @Test func pagesNeedASessionAndTheSignInPageIsChineseByDefault() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let (status, headers, _) = try await get(client, "/", nil)
            #expect(status == .seeOther)
            #expect(headers[.location] == "/sign-in")
            let signIn = try await get(client, "/sign-in", nil)
            #expect(signIn.2.contains("登录"))
            #expect(signIn.2.contains("lang=\"zh-CN\""))
            let english = try await get(client, "/sign-in?lang=en", nil)
            #expect(english.2.contains("Sign in"))
            #expect(english.1[.setCookie]?.contains("lang=en") == true)
        }
    }

    @Test func signingInThroughTheFormSetsTheCookieAndOpensTheDashboard() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "username=chief&password=correct-horse-1")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("SameSite=Strict") == true)
            }
            try await client.execute(uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "username=chief&password=nope")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/sign-in", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://evil.example"],
                                     body: ByteBuffer(string: "username=chief&password=correct-horse-1")) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func everyPageRendersForAChiefInBothLanguages() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("chief")
            for (path, zh, en) in [("/", "当前值班", "On duty now"), ("/roster?campus=EAST&month=2026-03", "值班表", "Roster"),
                                   ("/handover?campus=EAST", "交接班", "Handover"), ("/approvals", "审批", "Approvals"),
                                   ("/problems", "待处理", "To resolve"), ("/status", "节点状态", "Node status")] {
                let (status, headers, page) = try await get(client, path, session)
                #expect(status == .ok, "\(path)")
                #expect(page.contains(zh), "\(path)")
                #expect(page.contains("/api/changes"), "\(path) polls for changes")
                #expect(headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(!page.contains("http://") && !page.contains("https://"), "\(path) loads nothing from elsewhere")
                let english = try await get(client, path + (path.contains("?") ? "&" : "?") + "lang=en", session)
                #expect(english.2.contains(en), "\(path) in English")
            }
        }
    }

    @Test func onDutyShowsEveryCampusWithTheEscalationChain() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("viewer")
            let page = try await get(client, "/", session).2
            #expect(page.contains("东院区") && page.contains("本院"))
            #expect(page.contains("总值班 吴主任"))
            #expect(page.contains("员工chief"), "the chief is the second step of EAST's chain")
        }
    }

    @Test func aScriptInAPersonsNameIsShownAsText() async throws {
        let fixture = try ServerFixture()
        try fixture.department.registerPerson(StaffMember(id: "E001", name: #"<script>alert(1)</script>"#, campus: "EAST", phone: "1"),
                                              by: Acting("A001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("chief")
            let page = try await get(client, "/", session).2
            #expect(!page.contains("<script>alert(1)"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test func theChangesEndpointMovesWhenAWriteLands() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let before = try await client.call(.get, "/api/changes", as: session).1
            let again = try await client.call(.get, "/api/changes", as: session).1
            #expect(before == again)
            _ = try await client.call(.post, "/api/attendance", as: session, json: #"{"kind":"sign_in"}"#)
            let after = try await client.call(.get, "/api/changes", as: session).1
            #expect(after != before)
        }
    }

    @Test func aChiefApprovesLeaveFromTheApprovalsPage() async throws {
        let fixture = try ServerFixture()
        let id = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-16")!, lastDay: LocalDate(iso: "2026-03-17")!,
                                                     reason: "年假", by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("chief")
            let page = try await get(client, "/approvals", session).2
            #expect(page.contains("/approvals/leave/\(id)/approve"))
            try await client.execute(uri: "/approvals/leave/\(id)/approve", method: .post,
                                     headers: [.cookie: "meshdesk_session=\(session.cookie)", .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=\(session.csrf)")) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try fixture.department.leaveRequests().first?.state == .approved)
        }
    }
}
