import Testing
import Replica
import Storage
@testable import Domain

/// The dashboard's reads: who opened a ticket, tickets per day, SLA attainment.
@Suite struct TicketDashboardQueryTests {
    let e = CampusReplicas.engineers

    @Test func ticketsOpenedByAPersonAreTheirsOnlyNewestFirst() throws {
        let f = try CampusReplicas()
        let first = try f.main.openTicket(f.intake("挂号窗口断网"), by: f.acting(CampusReplicas.requester))
        _ = try f.main.openTicket(f.intake("打印机卡纸", category: .printer), by: f.acting(e[1], 1))
        let second = try f.main.openTicket(f.intake("PACS 打不开", category: .application), by: f.acting(CampusReplicas.requester, 2))
        #expect(try f.main.tickets(openedBy: CampusReplicas.requester).map(\.number) == [second.number, first.number])
        try f.main.cancelTicket(first.number, reason: "重复报修", by: f.acting(CampusReplicas.requester, 3))
        #expect(try f.main.tickets(openedBy: CampusReplicas.requester, openOnly: true).map(\.number) == [second.number])
        #expect(try f.main.tickets(openedBy: CampusReplicas.requester, limit: 1).count == 1)
        #expect(try f.main.tickets(openedBy: "NOBODY").isEmpty)
    }

    @Test func volumeCountsTicketsPerCampusAndDayInTheWindow() throws {
        let f = try CampusReplicas()
        for minutes in [0, 10, 24 * 60, 40 * 24 * 60] {
            _ = try f.main.openTicket(f.intake("问题 \(minutes)"), by: f.acting(e[0], minutes))
        }
        let last = CampusReplicas.start.date.adding(days: 1)
        let volume = try f.main.ticketVolume(days: 30, endingOn: last)
        #expect(volume == [TicketDayCount(date: CampusReplicas.start.date, campus: "E", count: 2), TicketDayCount(date: last, campus: "E", count: 1)])
        #expect(throws: DomainError.self) { try f.main.ticketVolume(days: 0, endingOn: last) }
        #expect(throws: DomainError.self) { try f.main.ticketVolume(days: Department.ticketStatisticsDaysMax + 1, endingOn: last) }
    }

    @Test func attainmentCountsResolvedTicketsMetWithinTargetAndAgreesAcrossReplicasAfterAMerge() throws {
        let f = try CampusReplicas()
        // P2 (medium × department): 30 minutes to own, 8 hours to resolve, every minute counts.
        let fast = try f.main.openTicket(f.intake("快速解决"), by: f.acting(CampusReplicas.requester)).number
        let slow = try f.main.openTicket(f.intake("拖了很久"), by: f.acting(CampusReplicas.requester)).number
        _ = try f.main.openTicket(f.intake("还没解决"), by: f.acting(CampusReplicas.requester))
        try f.main.resolveTicket(fast, rootCause: "网线松动", improvement: "加固", by: f.acting(e[0], 20))
        try f.main.resolveTicket(slow, rootCause: "交换机", improvement: "备件", by: f.acting(e[0], 9 * 60))
        let at = CampusReplicas.start.adding(minutes: 10 * 60)
        #expect(try f.main.slaAttainment(days: 30, at: at) == [SLAAttainment(campus: "E", met: 1, resolved: 2)])
        #expect(try f.main.slaAttainment(days: 30, at: at).first?.rate == 0.5)

        // Concurrently: MAIN resolves a ticket while EAST adds a note. Whichever summary wins
        // missed an entry; the query refolds it from the log, the same on both replicas.
        let merged = try f.main.openTicket(f.intake("并发处理"), by: f.acting(CampusReplicas.requester, 30)).number
        try f.exchange()
        try f.main.resolveTicket(merged, rootCause: "配置", improvement: "核对", by: f.acting(e[0], 40))
        try f.east.noteTicket(merged, text: "现场确认", expectedAt: nil, by: f.acting(e[1], 41))
        try f.exchange()
        let onMain = try f.main.slaAttainment(days: 30, at: at)
        #expect(onMain == [SLAAttainment(campus: "E", met: 2, resolved: 3)])
        #expect(try f.east.slaAttainment(days: 30, at: at) == onMain)
        let slas = try f.main.slas(of: try f.main.tickets(), at: at)
        #expect(slas.count == 4)
        #expect(slas.filter { $0.state == .resolveBreached }.count == 2, "the late one and the one still open at 10 hours")
    }
}
