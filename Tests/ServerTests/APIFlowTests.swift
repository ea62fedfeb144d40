import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

@Suite struct APIFlowTests {
    @Test func leaveRequestedAndApprovedLandsInTheAuditTrailWithUserAndNode() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let (status, body) = try await client.call(.post, "/api/leave", as: eng, json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-21","reason":"年假"}"#)
            #expect(status == .created)
            let id = try JSONDecoder().decode([String: String].self, from: Data(body.utf8))["id"] ?? ""
            let chief = try await client.signIn("chief")
            #expect(try await client.call(.post, "/api/leave/\(id)/approve", as: chief).0 == .ok)
            let entries = try AuditTrail.entries(store: fixture.department.store)
            let node = fixture.department.store.site.description
            #expect(entries.contains { $0.action == "leave.request" && $0.actor == "E101" && $0.node == node })
            #expect(entries.contains { $0.action == "leave.approve" && $0.actor == "E001" && $0.subject == id && $0.node == node })
        }
    }

    @Test func aRequesterSeesOnlyTheirOwnItemsAndAChiefSeesTheCampus() async throws {
        let fixture = try ServerFixture()
        _ = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-16")!, lastDay: LocalDate(iso: "2026-03-16")!,
                                                reason: "病假", by: Acting("E102", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            #expect(try await client.call(.get, "/api/leave", as: eng1).1 == "[]")
            let chief = try await client.signIn("chief")
            #expect(try await client.call(.get, "/api/leave", as: chief).1.contains("病假"))
            let viewer = try await client.signIn("viewer")
            #expect(try await client.call(.get, "/api/leave", as: viewer).1.contains("病假"))
            let mainChief = try await client.signIn("mainchief")
            #expect(try await client.call(.get, "/api/leave", as: mainChief).1 == "[]")
            #expect(try await client.call(.get, "/api/duty/log?campus=EAST&post=network-security", as: mainChief).0 == .forbidden)
        }
    }

    @Test func aChiefPublishesTheMonthAndEveryoneReadsItWithTheFairnessReport() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let (status, body) = try await client.call(.post, "/api/rosters/EAST/2026-03/publish", as: chief, json: #"{"seed":7}"#)
            #expect(status == .created, "\(body)")
            let again = try await client.call(.post, "/api/rosters/EAST/2026-03/publish", as: chief, json: #"{"seed":7}"#)
            #expect(again.0 == .conflict)
            #expect(errorCode(again.1) == "already_published")
            let eng = try await client.signIn("eng1")
            let roster = try await client.call(.get, "/api/rosters/EAST/2026-03", as: eng)
            #expect(roster.0 == .ok)
            #expect(roster.1.contains("\"worstSpread\""))
            #expect(roster.1.contains("EAST|2026-03-31|network-security"))
            let now = try await client.call(.get, "/api/duty/now?campus=EAST&at=2026-03-10T03:00", as: eng)
            #expect(now.1.contains("general_duty_officer"))
            let viewer = try await client.signIn("viewer")
            #expect(try await client.call(.get, "/api/status", as: viewer).1.contains("\"versionVector\""))
            #expect(try await client.call(.get, "/api/problems", as: viewer).0 == .ok)
            #expect(try await client.call(.get, "/api/conflicts", as: viewer).1 == "[]")
            #expect(try await client.call(.get, "/api/conflicts", as: chief).0 == .forbidden)
        }
    }
}
