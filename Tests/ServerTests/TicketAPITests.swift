import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

/// The ticket API end to end on one node: intake, the state machine, SLA, who sees what,
/// and the audit trail naming the user and the node.
@Suite struct TicketAPITests {
    static let openJSON = #"{"campus":"EAST","title":"分诊台电脑无法登录","description":"急诊科分诊台，HIS 提示密码错误","department":"急诊科","category":"account","urgency":"high","impact":"department"}"#

    struct Listed: Decodable { let number: String; let title: String; let state: String; let openedBy: String; let sla: SLA }
    struct SLA: Decodable { let state: String }
    struct Shown: Decodable {
        struct Event: Decodable { let kind: String; let by: String }
        let number, title, description, state, assignee: String?
        let priority: Int
        let timeline: [Event]?
    }

    @Test func aTicketGoesFromReportToCloseAndEveryStepIsAuditedWithUserAndNode() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let ward = try await client.signIn("ward")
            let (status, body) = try await client.call(.post, "/api/tickets", as: ward, json: Self.openJSON)
            #expect(status == .created, "\(body)")
            let number = createdID(body, key: "number")
            #expect(number.hasPrefix("EAST-2026-"))
            #expect(body.contains(#""priority":1"#), "high × department is P1 in the standard matrix")

            let eng = try await client.signIn("eng1")
            let shown = try JSONDecoder().decode(Shown.self, from: Data(try await client.call(.get, "/api/tickets/\(number)", as: eng).1.utf8))
            #expect(shown.title == "分诊台电脑无法登录")
            #expect(shown.description == "分诊台电脑无法登录\n急诊科分诊台，HIS 提示密码错误")
            for (action, json) in [("assign", #"{"to":"E101"}"#), ("start", "{}"), ("comment", #"{"text":"正在重置密码","expected":"2026-03-02T11:00"}"#),
                                   ("resolve", #"{"rootCause":"密码过期","improvement":"到期前提醒","solution":"重置"}"#)] {
                let (s, b) = try await client.call(.post, "/api/tickets/\(number)/\(action)", as: eng, json: json)
                #expect(s == .ok, "\(action): \(b)")
            }
            // The requester closes their own resolved ticket.
            let (closed, closedBody) = try await client.call(.post, "/api/tickets/\(number)/close", as: ward)
            #expect(closed == .ok, "\(closedBody)")
            let final = try JSONDecoder().decode(Shown.self, from: Data(closedBody.utf8))
            #expect(final.state == "closed")
            #expect(final.timeline?.map(\.kind) == ["open", "assign", "start", "note", "resolve", "close"])

            let node = fixture.department.store.site.description
            let entries = try AuditTrail.entries(store: fixture.department.store)
            for (action, actor) in [("ticket.open", "R001"), ("ticket.assign", "E101"), ("ticket.start", "E101"), ("ticket.note", "E101"),
                                    ("ticket.resolve", "E101"), ("ticket.close", "R001")] {
                #expect(entries.contains { $0.action == action && $0.actor == actor && $0.node == node }, "\(action) by \(actor)")
            }
        }
    }

    @Test func theStateMachineAndTheDomainRulesAnswerWithStableCodes() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let number = createdID(try await client.call(.post, "/api/tickets", as: eng, json: Self.openJSON).1, key: "number")
            let before = try fixture.versionVector()
            let close = try await client.call(.post, "/api/tickets/\(number)/close", as: eng)
            #expect(close.0 == .conflict)
            #expect(errorCode(close.1) == "wrong_state")
            let resolve = try await client.call(.post, "/api/tickets/\(number)/resolve", as: eng, json: #"{"rootCause":"x"}"#)
            #expect(resolve.0 == .badRequest)
            #expect(errorCode(resolve.1) == "missing_field")
            let extra = try await client.call(.post, "/api/tickets/\(number)/start", as: eng, json: #"{"text":"why"}"#)
            #expect(extra.0 == .badRequest)
            #expect(errorCode(extra.1) == "unknown_field")
            let unknown = try await client.call(.get, "/api/tickets/EAST-2026-0000-99999", as: eng)
            #expect(unknown.0 == .notFound)
            #expect(errorCode(unknown.1) == "unknown_ticket")
            let noAction = try await client.call(.post, "/api/tickets/\(number)/explode", as: eng)
            #expect(noAction.0 == .notFound)
            let badPend = try await client.call(.post, "/api/tickets/\(number)/pend", as: eng, json: #"{"reason":"lunch","text":"x"}"#)
            #expect(errorCode(badPend.1) == "bad_value")
            #expect(try fixture.versionVector() == before, "refused actions write nothing")
        }
    }

    @Test func priorityPicksUrgencyAndImpactFromThePolicy() async throws {
        let policy = TicketPolicy.standard
        for priority in 1...4 {
            let (urgency, impact) = try APIRoutes.urgencyAndImpact(for: priority, policy: policy)
            #expect(policy.priority(urgency: urgency, impact: impact) == priority)
        }
        #expect(throws: APIError.self) { try APIRoutes.urgencyAndImpact(for: 5, policy: policy) }
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let both = try await client.call(.post, "/api/tickets", as: eng,
                                             json: #"{"campus":"EAST","title":"x","department":"门诊","priority":2,"urgency":"low"}"#)
            #expect(errorCode(both.1) == "priority_with_urgency")
            let ok = try await client.call(.post, "/api/tickets", as: eng, json: #"{"campus":"EAST","title":"打印机卡纸","department":"门诊","priority":4}"#)
            #expect(ok.0 == .created)
            #expect(ok.1.contains(#""priority":4"#))
        }
    }

    @Test func aRequesterFollowsOnlyTheirOwnTicketsAndAViewerSeesEveryCampus() async throws {
        let fixture = try ServerFixture()
        let at = ServerFixture.start
        let engTicket = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "病房", category: .network,
                                                                       description: "病房断网"), by: Acting("E101", at: at))
        let mainTicket = try fixture.department.openTicket(TicketIntake(campus: "MAIN", reporter: "药剂科", department: "药剂科", category: .printer,
                                                                        description: "药房打印机"), by: Acting("M101", at: at))
        try await fixture.application().test(.router) { client in
            let ward = try await client.signIn("ward")
            let own = createdID(try await client.call(.post, "/api/tickets", as: ward, json: Self.openJSON).1, key: "number")
            let listed = try JSONDecoder().decode([Listed].self, from: Data(try await client.call(.get, "/api/tickets", as: ward).1.utf8))
            #expect(listed.map(\.number) == [own], "a requester lists only the tickets they reported")
            let other = try await client.call(.get, "/api/tickets/\(engTicket.number)", as: ward)
            #expect(other.0 == .forbidden)
            #expect(errorCode(other.1) == "not_your_ticket")
            let before = try fixture.versionVector()
            let cancel = try await client.call(.post, "/api/tickets/\(engTicket.number)/cancel", as: ward, json: #"{"text":"不需要了"}"#)
            #expect(cancel.0 == .forbidden, "the domain lets any requester of the campus cancel; the server keeps them to their own")
            #expect(errorCode(cancel.1) == "not_your_ticket")
            #expect(try fixture.versionVector() == before)

            let viewer = try await client.signIn("viewer")
            let all = try JSONDecoder().decode([Listed].self, from: Data(try await client.call(.get, "/api/tickets?open=true", as: viewer).1.utf8))
            #expect(Set(all.map(\.number)) == Set([own, engTicket.number, mainTicket.number]))
            let write = try await client.call(.post, "/api/tickets/\(engTicket.number)/assign", as: viewer, json: #"{"to":"E101"}"#)
            #expect(write.0 == .forbidden, "the central viewer is read-only")

            let mainChief = try await client.signIn("mainchief")
            let mainOnly = try JSONDecoder().decode([Listed].self, from: Data(try await client.call(.get, "/api/tickets", as: mainChief).1.utf8))
            #expect(mainOnly.map(\.number) == [mainTicket.number])
            let outside = try await client.call(.get, "/api/tickets?campus=EAST", as: mainChief)
            #expect(outside.0 == .forbidden)
            #expect(errorCode(outside.1) == "outside_campus")
        }
    }

    @Test func theReportCountsOpenTicketsBySLAStateAndTheStatisticsFeedTheCharts() async throws {
        let fixture = try ServerFixture()
        let at = ServerFixture.start
        let d = fixture.department
        let breached = try d.openTicket(TicketIntake(campus: "EAST", reporter: "x", department: "急诊", category: .network, description: "旧问题",
                                                     urgency: .high, impact: .hospital), by: Acting("E101", at: at))
        let resolved = try d.openTicket(TicketIntake(campus: "EAST", reporter: "x", department: "门诊", category: .printer, description: "打印机",
                                                     urgency: .high, impact: .hospital), by: Acting("E101", at: at))
        try d.assignTicket(resolved.number, to: "E101", by: Acting("E001", at: at.adding(minutes: 5)))
        try d.resolveTicket(resolved.number, rootCause: "卡纸", improvement: "换纸盒", by: Acting("E101", at: at.adding(minutes: 30)))
        fixture.clock.advance(minutes: 5 * 60)
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let report = try await client.call(.get, "/api/tickets/report", as: chief).1
            #expect(report.contains(#""sla":"resolve_breached""#), "\(report)")
            #expect(report.contains(breached.number), "its escalation is due")
            let listed = try await client.call(.get, "/api/tickets?open=true", as: chief).1
            #expect(listed.contains(#""state":"resolve_breached""#))
            let stats = try await client.call(.get, "/api/tickets/statistics?days=30", as: chief)
            #expect(stats.0 == .ok)
            #expect(stats.1.contains(#"{"campus":"EAST","count":2,"date":"2026-03-02"}"#), "\(stats.1)")
            #expect(stats.1.contains(#"{"campus":"EAST","met":1,"rate":1,"resolved":1}"#), "\(stats.1)")
            #expect(try await client.call(.get, "/api/tickets/statistics?days=9999", as: chief).0 == .badRequest)
        }
    }
}
