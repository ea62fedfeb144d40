import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 过渡方案 recorded from the ticket page without escalating: the timeline names it, the
/// state and the escalation level stay, and it is stored as a note an older node reads.
@Suite struct TicketWorkaroundTests {
    @Test func anEngineerRecordsAWorkaroundWithoutEscalating() async throws {
        let fixture = try ServerFixture()
        let opened = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .printer,
                                                                    description: "挂号打印机卡纸"), by: Acting("R001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let page = try await client.page("/tickets/\(opened.number)", as: eng).2
            #expect(page.contains("/tickets/\(opened.number)/workaround") && page.contains("记录过渡方案（不升级）"))
            let before = try fixture.department.ticket(opened.number)
            let done = try await client.form("/tickets/\(opened.number)/workaround", as: eng, [("csrf", eng.csrf), ("workaround", "先用 2 号窗口的备用打印机")])
            #expect(done.0 == .seeOther && done.1[.location] == "/tickets/\(opened.number)")
            let after = try fixture.department.ticket(opened.number)
            #expect(after.state == before.state && after.summary.level == before.summary.level, "no escalation, no change of state")
            let event = try #require(after.timeline.last)
            #expect(event.kind == .note && event.workaround == "先用 2 号窗口的备用打印机" && event.text == event.workaround,
                    "a note carrying it: an older node decodes it and shows the text")
            let shown = try await client.page("/tickets/\(opened.number)", as: eng).2
            #expect(shown.contains("<td>过渡方案</td>") && shown.contains("过渡方案: 先用 2 号窗口的备用打印机"))

            // Bad input: empty, and the ward (who handles no ticket) — nothing written.
            let vector = try fixture.versionVector()
            let empty = try await client.call(.post, "/api/tickets/\(opened.number)/workaround", as: eng, json: #"{"workaround":" "}"#)
            #expect(empty.0 == .unprocessableContent || empty.0 == .badRequest)
            let ward = try await client.signIn("ward")
            let refused = try await client.call(.post, "/api/tickets/\(opened.number)/workaround", as: ward, json: #"{"workaround":"重启"}"#)
            #expect(refused.0 == .forbidden)
            let long = try await client.call(.post, "/api/tickets/\(opened.number)/workaround", as: eng,
                                             json: "{\"workaround\":\"\(String(repeating: "长", count: Department.workaroundCharactersMax + 1))\"}")
            #expect(long.0 == .unprocessableContent || long.0 == .badRequest)
            #expect(try fixture.versionVector() == vector)
        }
    }
}
