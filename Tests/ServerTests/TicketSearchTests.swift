import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 工单查询: every ticket, open and closed; each filter narrows to what it names; the
/// pages are bounded; a ward searches only what it reported; the CSV holds the same
/// rows with formula cells neutralised and a byte-order mark.
@Suite struct TicketSearchTests {
    struct Seeded {
        let fixture: ServerFixture
        let printer: String, network: String, closed: String, ward: String, main: String
    }

    /// Five tickets: an EAST printer jam (P-high, assigned to eng1), an EAST network cut,
    /// an EAST closed history ticket, one a ward reported, one at MAIN.
    static func seeded() throws -> Seeded {
        let fixture = try ServerFixture()
        let d = fixture.department
        let at = ServerFixture.start
        let printer = try d.openTicket(TicketIntake(campus: "EAST", reporter: "门诊护士站", department: "门诊二楼", category: .printer,
                                                    description: "门诊打印机卡纸", urgency: .high, impact: .department), by: Acting("E101", at: at))
        _ = try d.assignTicket(printer.number, to: "E101", by: Acting("E001", at: at))
        let network = try d.openTicket(TicketIntake(campus: "EAST", reporter: "急诊", department: "急诊科", category: .network,
                                                    description: "急诊无线掉线", urgency: .low, impact: .person), by: Acting("E101", at: at.adding(minutes: 3 * 24 * 60)))
        _ = try d.recordClosedTickets([TicketIntake(campus: "EAST", reporter: "药剂科", department: "药剂科", category: .printer,
                                                    description: "=HYPERLINK(\"http://x\") 药房打印机不出纸")],
                                      minutesToResolve: 60, rootCause: "驱动", improvement: "更新驱动", by: Acting("E102", at: at.adding(minutes: -10 * 24 * 60)))
        let closed = try #require(try d.tickets(campus: "EAST").first { !$0.state.isOpen }).number
        let ward = try d.openTicket(TicketIntake(campus: "EAST", reporter: "病房", department: "心内科病房", category: .application,
                                                 description: "病房 HIS 打印腕带失败"), by: Acting("R001", at: at))
        let main = try d.openTicket(TicketIntake(campus: "MAIN", reporter: "药剂科", department: "药剂科", category: .printer,
                                                 description: "本院打印机卡纸"), by: Acting("M101", at: at))
        return Seeded(fixture: fixture, printer: printer.number, network: network.number, closed: closed, ward: ward.number, main: main.number)
    }

    /// The ticket numbers a results page links to.
    static func found(_ page: String) -> Set<String> {
        let link = try! NSRegularExpression(pattern: "<td><a href=\"/tickets/([^\"]+)\">")
        return Set(link.matches(in: page, range: NSRange(page.startIndex..., in: page)).compactMap { Range($0.range(at: 1), in: page).map { String(page[$0]) } })
    }

    @Test func eachFilterNarrowsTheSearchToWhatItNames() async throws {
        let s = try Self.seeded()
        let priority = try s.fixture.department.ticket(s.printer).priority
        try await s.fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            func search(_ query: String) async throws -> Set<String> {
                let page = try await client.page("/tickets/search?\(query)", as: chief)
                #expect(page.0 == .ok, "\(query)")
                return Self.found(page.2)
            }
            let everything = try await search("")
            #expect(everything == [s.printer, s.network, s.closed, s.ward], "open and closed, EAST only for EAST's chief")
            #expect(try await search("q=打印".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!) == [s.printer, s.closed, s.ward])
            #expect(try await search("q=\(s.network)") == [s.network], "by number")
            #expect(try await search("q=%25") == [], "a % is taken literally")
            #expect(try await search("category=printer") == [s.printer, s.closed])
            #expect(try await search("department=" + "急诊".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == [s.network])
            #expect(try await search("engineer=E101") == [s.printer])
            #expect(try await search("priority=\(priority)").contains(s.printer))
            #expect(!(try await search("priority=\(priority)").contains(s.network)))
            #expect(try await search("from=2026-03-04&to=2026-03-06") == [s.network], "reported in the date range")
            #expect(try await search("to=2026-02-28") == [s.closed])
            #expect(try await search("state=closed") == [s.closed])
            #expect(try await search("campus=EAST&category=printer&q=" + "卡纸".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == [s.printer])

            let outside = try await client.page("/tickets/search?campus=MAIN", as: chief)
            #expect(outside.2.contains("role=\"alert\"") && outside.2.contains("该院区不在您的职责范围内") && Self.found(outside.2).isEmpty)
            let badDate = try await client.page("/tickets/search?from=2026-13-01", as: chief)
            #expect(badDate.2.contains("role=\"alert\"") && badDate.2.contains("日期"))

            let viewer = try await client.signIn("viewer")
            #expect(Self.found(try await client.page("/tickets/search?category=printer", as: viewer).2) == [s.printer, s.closed, s.main])
            let ward = try await client.signIn("ward")
            #expect(Self.found(try await client.page("/tickets/search", as: ward).2) == [s.ward], "a ward finds only what it reported")
        }
    }

    @Test func resultsComeAPageAtATime() async throws {
        let fixture = try ServerFixture()
        let intakes = (0..<(Dashboard.ticketSearchPageSize + 5)).map {
            TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .hardware, description: "电脑蓝屏 \($0)")
        }
        _ = try fixture.department.recordClosedTickets(intakes, minutesToResolve: 30, rootCause: "内存", improvement: "更换",
                                                       by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let first = try await client.page("/tickets/search?category=hardware", as: chief).2
            #expect(Self.found(first).count == Dashboard.ticketSearchPageSize)
            #expect(first.contains("共 \(Dashboard.ticketSearchPageSize + 5) 张工单") && first.contains("page=2"))
            let second = try await client.page("/tickets/search?category=hardware&page=2", as: chief).2
            #expect(Self.found(second).count == 5 && Self.found(first).isDisjoint(with: Self.found(second)))
            let beyond = try await client.page("/tickets/search?page=\(Dashboard.ticketSearchPagesMax + 1)", as: chief)
            #expect(beyond.2.contains("role=\"alert\""))
        }
    }

    @Test func theCSVHoldsTheSameSearchWithFormulasNeutralisedAndABOM() async throws {
        let s = try Self.seeded()
        try await s.fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let (status, headers, body) = try await client.page("/tickets/search.csv?category=printer", as: chief)
            #expect(status == .ok && headers[.contentType] == "text/csv; charset=utf-8")
            #expect(body.hasPrefix("\u{FEFF}工单号,院区,类别"), "BOM, then the header in Chinese")
            let lines = body.split(separator: "\r\n")
            #expect(lines.count == 3, "the header and the two printer tickets of EAST")
            #expect(body.contains(s.printer) && body.contains(s.closed) && !body.contains(s.network) && !body.contains(s.main))
            #expect(body.contains("\"'=HYPERLINK(\"\"http://x\"\") 药房打印机不出纸\""), "the formula is text")
            #expect(body.contains("东院区") && body.contains("员工eng1"))
            let ward = try await client.signIn("ward")
            let own = try await client.page("/tickets/search.csv", as: ward).2
            #expect(own.contains(s.ward) && !own.contains(s.printer))
        }
    }
}
