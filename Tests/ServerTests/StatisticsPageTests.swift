import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 信息统计 in the browser: the tables with what each counts, a CSV of each, the
/// campuses the reader oversees and no other, a bad period refused in the user's
/// language, and nobody without an overseeing role.
@Suite struct StatisticsPageTests {
    static func withTickets() throws -> ServerFixture {
        let fixture = try ServerFixture()
        let d = fixture.department
        for (text, category) in [("打印机卡纸", TicketCategory.printer), ("门诊断网", .network), ("打印机缺粉", .printer)] {
            _ = try d.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊部", category: category, description: text),
                                 by: Acting("R001", at: ServerFixture.start))
        }
        _ = try d.openTicket(TicketIntake(campus: "MAIN", reporter: "急诊", department: "急诊科", category: .application, description: "HIS 报错"),
                             by: Acting("M101", at: ServerFixture.start))
        return fixture
    }

    @Test func theChiefReadsTheirCampusesFiguresAndDownloadsEachTable() async throws {
        let fixture = try Self.withTickets()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let page = try await client.page("/statistics", as: chief)
            #expect(page.0 == .ok && page.2.contains("信息统计") && page.2.contains("期间内报修工单 3"), "EAST only: \(page.0)")
            #expect(page.2.contains("<td>打印机</td><td>2</td>") && page.2.contains("<td>门诊部</td><td>3</td>") && !page.2.contains("急诊科"))
            #expect(page.2.contains("按报修时的类别计数") && page.2.contains("/statistics.csv?table=priority&"))
            let csv = try await client.page("/statistics.csv?table=category", as: chief)
            #expect(csv.0 == .ok && csv.1[.contentType] == "text/csv; charset=utf-8" && csv.2.hasPrefix("\u{FEFF}类别,工单数"))
            #expect(csv.2.contains("打印机,2"))
            let english = try await client.page("/statistics?lang=en", as: chief)
            #expect(english.2.contains("Tickets by category") && english.2.contains("tickets reported in the period, counted by their category"))

            let viewer = try await client.signIn("viewer")
            let merged = try await client.page("/statistics", as: viewer)
            #expect(merged.2.contains("期间内报修工单 4") && merged.2.contains("急诊科"), "central IT sees every campus merged")
            #expect(try await client.page("/statistics?campus=MAIN", as: viewer).2.contains("期间内报修工单 1"))
        }
    }

    @Test func aBadPeriodOrACampusNotOverseenOrARoleWithoutFiguresIsRefused() async throws {
        let fixture = try Self.withTickets()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let reversed = try await client.page("/statistics?from=2026-03-10&to=2026-03-01", as: chief)
            #expect(reversed.0 == .badRequest && reversed.2.contains("结束日期早于开始日期") && reversed.2.contains("role=\"alert\""))
            #expect(reversed.2.contains("value=\"2026-03-10\""), "what was typed is kept")
            let long = try await client.page("/statistics?from=2025-01-01&to=2026-03-01", as: chief)
            #expect(long.0 == .badRequest && long.2.contains("统计期间最长 366 天"))
            let notADate = try await client.page("/statistics?from=2026-02-30", as: chief)
            #expect(notADate.0 == .badRequest && notADate.2.contains("日期“2026-02-30”无效"))
            let elsewhere = try await client.page("/statistics?campus=MAIN", as: chief)
            #expect(elsewhere.0 == .forbidden && elsewhere.2.contains("您不负责该院区的统计"))
            let badTable = try await client.page("/statistics.csv?table=salaries", as: chief)
            #expect(badTable.0 == .badRequest)
            for username in ["eng1", "ward"] {
                let user = try await client.signIn(username)
                #expect(try await client.page("/statistics", as: user).0 == .forbidden, "\(username)")
                #expect(try await client.page("/statistics.csv?table=category", as: user).0 == .forbidden, "\(username)")
                #expect(!(try await client.page("/", as: user).2.contains("href=\"/statistics\"")), "\(username) is not offered the link")
            }
            #expect(try await client.page("/", as: chief).2.contains("href=\"/statistics\""))
        }
    }
}
