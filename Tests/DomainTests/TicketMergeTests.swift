import Testing
import Replica
import Storage
@testable import Domain

/// Concurrent transitions of one ticket at partitioned campuses: every replica folds the
/// same timeline to the same state, no entry is lost, real conflicts are listed.
@Suite struct TicketMergeTests {
    let e = CampusReplicas.engineers
    let chief = CampusReplicas.chief

    /// MAIN resolves and reassigns; EAST escalates and reassigns; neither sees the other.
    func resolveAndEscalateWhileCutOff(_ f: CampusReplicas) throws -> String {
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        try f.exchange()
        try f.main.assignTicket(n, to: e[1], by: f.acting(chief, 10))
        try f.main.resolveTicket(n, rootCause: "DHCP 地址池耗尽", improvement: "扩容并加监控", by: f.acting(e[1], 20))
        try f.east.assignTicket(n, to: e[2], by: f.acting(chief, 11))
        try f.east.escalateTicket(n, to: .sectionChief, workaround: "手工登记挂号", by: f.acting(e[2], 21))
        return n
    }

    @Test func aResolveAndAnEscalationAtTwoCampusesMergeToOneStateWithEveryEntryKept() throws {
        let f = try CampusReplicas()
        let n = try resolveAndEscalateWhileCutOff(f)
        try f.exchange()
        let atMain = try f.main.ticket(n), atEast = try f.east.ticket(n)
        #expect(atMain == atEast)
        #expect(atMain.timeline.count == 6)
        #expect(atMain.timeline.filter { $0.kind == .assign }.count == 3)
        #expect(Set(atMain.timeline.map(\.kind)) == [.open, .assign, .resolve, .escalate])
        // Both reassignments are visible until the chief picks one.
        #expect(Set(atMain.assigneeConflict) == [e[1].rawValue, e[2].rawValue])
        let problems = try f.main.ticketProblems()
        #expect(problems == (try f.east.ticketProblems()))
        #expect(problems.contains(.concurrentAssignees(number: n, versions: atMain.assigneeConflict.map { $0 ?? "nobody" })))
        // The fold is the stamp order; whichever came second, the state is the same everywhere,
        // and an escalation folded after the resolve is listed rather than lost.
        #expect(atMain.state == .resolved)
        if atMain.summary.ignored.contains(where: { $0.kind == .escalate }) {
            #expect(problems.contains { if case .ignoredTransition(n, .escalate, _, .resolved) = $0 { true } else { false } })
        } else {
            #expect(atMain.summary.level == .sectionChief)
        }
        #expect(try f.main.store.stateDigest() == f.east.store.stateDigest())
        // The chief resolves the assignee conflict by assigning once more.
        try f.main.assignTicket(n, to: e[1], by: f.acting(chief, 30))
        try f.exchange()
        #expect(try f.east.ticket(n).assigneeConflict.isEmpty)
    }

    @Test func reportsOnBothReplicasRefoldTheSummariesNeitherWriterSawWhole() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        try f.exchange()
        try f.main.pendTicket(n, reason: .vendor, text: "等厂商", by: f.acting(e[0], 5))
        try f.east.noteTicket(n, text: "已联系厂商", expectedAt: nil, by: f.acting(e[0], 6))
        try f.exchange()
        let at = CampusReplicas.start.adding(minutes: 60)
        let a = try f.main.openTicketReport(at: at), b = try f.east.openTicketReport(at: at)
        #expect(a == b && a.refolded == 1 && a.open == 1)
        #expect(try f.main.ticket(n).state == .pending)
    }

    @Test func threeCampusesMergingInAnyOrderAgreeOnTicketsProblemsAndDigest() throws {
        let f = try CampusReplicas(count: 3)
        let west = f.nodes[2]
        let n = try resolveAndEscalateWhileCutOff(f)
        try west.noteTicket(n, text: "西院区同样故障", expectedAt: nil, by: f.acting(e[0], 22))
        try west.cancelTicket(n, reason: "误报", by: f.acting(chief, 23))
        let other = try west.openTicket(f.intake("西院区打印机"), by: f.acting(CampusReplicas.requester, 24)).number
        let mine = try f.main.openTicket(f.intake("本部打印机"), by: f.acting(CampusReplicas.requester, 24)).number
        #expect(other != mine, "two nodes numbered two tickets alike")
        // Partial exchanges first (EAST↔WEST, then MAIN↔EAST), then everyone.
        try f.exchange(f.east, west)
        try f.exchange(f.main, f.east)
        try f.exchange()
        let tickets = try f.nodes.map { try $0.ticket(n) }
        #expect(tickets.allSatisfy { $0 == tickets[0] })
        #expect(tickets[0].timeline.count == 8)
        #expect(tickets[0].summary.ignored.count + tickets[0].summary.applied == 8)
        let problems = try f.nodes.map { try $0.ticketProblems() }
        #expect(problems.allSatisfy { $0 == problems[0] })
        #expect(!problems[0].contains { if case .duplicateNumber = $0 { true } else { false } })
        let digests = try f.nodes.map { try $0.store.stateDigest() }
        #expect(digests.allSatisfy { $0 == digests[0] })
        let at = CampusReplicas.start.adding(minutes: 90)
        let reports = try f.nodes.map { try $0.openTicketReport(at: at) }
        #expect(reports.allSatisfy { $0 == reports[0] })
    }
}
