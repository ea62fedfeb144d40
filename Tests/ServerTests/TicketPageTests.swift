import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Node
import Security
import Storage
import Testing
@testable import Domain
@testable import Server

/// The ticket pages, held to the contract the headless-Chromium test relies on:
/// `/tickets/new` has the form, `POST /tickets` answers 303 to `/tickets/{number}`,
/// `/tickets` and `/` link each title as `<a href="/tickets/{number}">TITLE</a>`.
@Suite struct TicketPageTests {
    @Test func theReportFormHasTheAgreedFieldsAndCreatesTheTicket() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let ward = try await client.signIn("ward")
            let (status, _, form) = try await client.page("/tickets/new", as: ward)
            #expect(status == .ok)
            #expect(form.contains(#"<form class="card" method="post" action="/tickets""#))
            for name in ["title", "description", "department"] { #expect(form.contains(#"<input class="wide" name="\#(name)""#) || form.contains(#"<input name="\#(name)""#), "\(name)") }
            #expect(form.contains(#"<select name="priority">"#))
            #expect(form.contains(#"<select name="campus"><option value="EAST" selected>EAST</option></select>"#), "only the campuses the user may report at")
            #expect(form.contains(#"<input type="hidden" name="csrf" value="\#(ward.csrf)">"#))
            #expect(form.contains(#"id="submit-ticket""#))

            let title = "手术室<b>打印机</b>卡纸"
            let (posted, headers, _) = try await client.form("/tickets", as: ward, [("csrf", ward.csrf), ("title", title), ("description", "三号手术室"),
                                                                                 ("priority", "2"), ("campus", "EAST")])
            #expect(posted == .seeOther)
            let location = headers[.location] ?? ""
            #expect(location.hasPrefix("/tickets/EAST-2026-"))
            let number = String(location.dropFirst("/tickets/".count))
            let ticket = try fixture.department.ticket(number)
            #expect(ticket.priority == 2)
            #expect(ticket.intake.channel == .web)
            #expect(ticket.intake.department == Dashboard.unspecifiedDepartment)
            #expect(ticket.timeline.first?.by == "R001")

            let escaped = "手术室&lt;b&gt;打印机&lt;/b&gt;卡纸"
            let link = #"<a href="/tickets/\#(number)">\#(escaped)</a>"#
            let list = try await client.page("/tickets", as: ward).2
            #expect(list.contains(link), "the title links to the ticket, escaped")
            #expect(!list.contains("<b>打印机"))
            let page = try await client.page(location, as: ward)
            #expect(page.0 == .ok)
            #expect(page.2.contains("登记"), "the timeline")
            #expect(page.2.contains("/tickets/\(number)/cancel"), "the requester may cancel their own ticket")
            #expect(!page.2.contains("/tickets/\(number)/start"), "but not work it")
            #expect(page.2.contains("/api/changes"), "the page polls for new batches")
            let chief = try await client.signIn("chief")
            #expect(try await client.page("/", as: chief).2.contains(link), "the home page lists the newest open tickets")
        }
    }

    @Test func aFormPostWithoutCSRFOrOutsideTheCampusWritesNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let ward = try await client.signIn("ward")
            let before = try fixture.versionVector()
            let missing = try await client.form("/tickets", as: ward, [("title", "x"), ("priority", "3"), ("campus", "EAST")])
            #expect(missing.0 == .forbidden)
            #expect(missing.2.contains("页面已过期") && !missing.2.contains("csrf_token_missing"))
            let outside = try await client.form("/tickets", as: ward, [("csrf", ward.csrf), ("title", "x"), ("priority", "3"), ("campus", "MAIN")])
            #expect(outside.0 == .forbidden)
            let unknown = try await client.form("/tickets", as: ward, [("csrf", ward.csrf), ("title", "x"), ("campus", "EAST"), ("admin", "1")])
            #expect(unknown.0 == .badRequest)
            let badPriority = try await client.form("/tickets", as: ward, [("csrf", ward.csrf), ("title", "x"), ("campus", "EAST"), ("priority", "9")])
            #expect(badPriority.0 == .badRequest)
            let viewer = try await client.signIn("viewer")
            #expect(!(try await client.page("/tickets/new", as: viewer).2.contains("submit-ticket")), "the central viewer is read-only")
            let viewerPost = try await client.form("/tickets", as: viewer, [("csrf", viewer.csrf), ("title", "x"), ("campus", "EAST")])
            #expect(viewerPost.0 == .forbidden)
            #expect(try fixture.versionVector() == before)
        }
    }

    @Test func anEngineerWorksTheTicketFromItsPage() async throws {
        let fixture = try ServerFixture()
        let opened = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "病房", category: .network,
                                                                    description: "病房断网"), by: Acting("R001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let page = try await client.page("/tickets/\(opened.number)", as: eng).2
            #expect(page.contains("/tickets/\(opened.number)/start"))
            #expect(!page.contains("/tickets/\(opened.number)/resume"), "resume is not legal while the ticket is new")
            let assign = try await client.form("/tickets/\(opened.number)/assign", as: eng, [("csrf", eng.csrf), ("to", "E101")])
            #expect(assign.0 == .seeOther)
            #expect(assign.1[.location] == "/tickets/\(opened.number)")
            let start = try await client.form("/tickets/\(opened.number)/start", as: eng, [("csrf", eng.csrf)])
            #expect(start.0 == .seeOther)
            #expect(try fixture.department.ticket(opened.number).state == .inProgress)
            let wrong = try await client.form("/tickets/\(opened.number)/start", as: eng, [("csrf", eng.csrf)])
            #expect(wrong.0 == .conflict)
            #expect(wrong.2.contains("当前的状态不允许此操作") && !wrong.2.contains("wrong_state"), "the error page says why, in Chinese")
        }
    }

    /// 升级: one level by default, or straight to a higher level chosen on the form (a
    /// major incident goes to 总值班 at once); the levels by their names.
    @Test func anEngineerEscalatesOneLevelOrStraightToTheGeneralDutyOfficer() async throws {
        let fixture = try ServerFixture()
        let acting = Acting("R001", at: ServerFixture.start)
        let one = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .network,
                                                                 description: "门诊断网"), by: acting)
        let two = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "急诊", department: "急诊", category: .network,
                                                                 description: "急诊 HIS 全部中断"), by: acting)
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            for ticket in [one, two] {
                _ = try await client.form("/tickets/\(ticket.number)/assign", as: eng, [("csrf", eng.csrf), ("to", "E101")])
                _ = try await client.form("/tickets/\(ticket.number)/start", as: eng, [("csrf", eng.csrf)])
            }
            let page = try await client.page("/tickets/\(two.number)", as: eng).2
            #expect(page.contains("name=\"level\"") && page.contains("直接升至 总值班") && !page.contains(">general_duty_officer<"))
            let stepped = try await client.form("/tickets/\(one.number)/escalate", as: eng, [("csrf", eng.csrf), ("level", ""), ("workaround", "改用手工挂号")])
            #expect(stepped.0 == .seeOther)
            #expect(try fixture.department.ticket(one.number).summary.level == .sectionChief)
            let jumped = try await client.form("/tickets/\(two.number)/escalate", as: eng, [
                ("csrf", eng.csrf), ("level", EscalationLevel.generalDutyOfficer.rawValue), ("workaround", "启用应急预案，手工登记")])
            #expect(jumped.0 == .seeOther)
            #expect(try fixture.department.ticket(two.number).summary.level == .generalDutyOfficer)
        }
    }

    @Test func openTicketsAreListedBreachesFirst() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let start = ServerFixture.start
        let fresh = try d.openTicket(TicketIntake(campus: "EAST", reporter: "x", department: "门诊", category: .printer, description: "新问题",
                                                  urgency: .low, impact: .person), by: Acting("E101", at: start.adding(minutes: 6 * 60)))
        let old = try d.openTicket(TicketIntake(campus: "EAST", reporter: "x", department: "急诊", category: .network, description: "旧问题",
                                                urgency: .high, impact: .hospital), by: Acting("E101", at: start))
        fixture.clock.advance(minutes: 6 * 60 + 10)
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let page = try await client.page("/tickets", as: chief).2
            let oldAt = try #require(page.range(of: old.number)), freshAt = try #require(page.range(of: fresh.number))
            #expect(oldAt.lowerBound < freshAt.lowerBound, "the breached P1 comes before the fresh P4")
            #expect(page.contains("解决超时"))
            #expect(page.contains("<svg class=\"chart\""), "the charts are inline SVG")
            #expect(!page.contains("http://") && !page.contains("https://"), "nothing loads from elsewhere")
        }
    }

    @Test func aTicketOpenedAtAnotherNodeAppearsOnThisNodesHomePageAfterSync() async throws {
        let fixture = try ServerFixture()
        let opened = try fixture.department.openTicket(TicketIntake(campus: "MAIN", reporter: "药剂科", department: "药剂科", category: .printer,
                                                                    description: "药房打印机不出纸"), by: Acting("M101", at: ServerFixture.start))
        let first = try SigningIdentity(seed: [UInt8](repeating: 7, count: 32))
        let second = try SigningIdentity(seed: [UInt8](repeating: 8, count: 32))
        let store = try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: second, verifier: KeyRing([first.publicKey, second.publicKey]),
                                              hasher: Blake2b(), clock: ReplicaTestClock(), logger: Logger(label: "east-node"))
        for batch in try fixture.department.store.batches(after: store.versionVector()) { try store.receive(batch) }
        let router = try MeshDeskServer.makeRouter(department: Department(store: store), directory: fixture.directory,
                                                   configuration: fixture.configuration)
        try await Application(router: router).test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let home = try await client.page("/", as: viewer).2
            #expect(home.contains(#"<a href="/tickets/\#(opened.number)">药房打印机不出纸</a>"#))
        }
    }

    @Test func everyNewPageRendersInBothLanguages() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            for (path, zh, en) in [("/tickets", "未结工单", "Open tickets"), ("/tickets/new", "报修", "Report a problem"), ("/assets", "待巡检", "Due for inspection"),
                                   ("/status", "节点未运行", "Node not running"), ("/", "最新未结工单", "Newest open tickets")] {
                let (status, headers, page) = try await client.page(path, as: chief)
                #expect(status == .ok, "\(path)")
                #expect(page.contains(zh), "\(path)")
                #expect(page.contains("/api/changes"), "\(path) polls")
                #expect(headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                let english = try await client.page(path + "?lang=en", as: chief).2
                #expect(english.contains(en), "\(path) in English")
            }
        }
    }
}
