import Testing
import Replica
import Storage
@testable import Domain

/// Timed escalation: what is due at `now`, who sends it, and what the records say after a merge.
@Suite struct NotificationTests {
    let e = CampusReplicas.engineers

    func facts(priority: Int = 1, major: Bool = false, ack: Int? = nil) -> EscalationPlan.TicketFacts {
        .init(id: "t1", number: "E-2026-0001-00001", campus: "E", priority: priority, major: major, openedAt: 1_000,
              acknowledgedAt: ack, isOpen: true, title: "HIS 无法登录")
    }

    let chain: [EscalationLevel: [Recipient]] = [
        .dutyEngineer: [Recipient(id: "E101", name: "张伟", phone: "1")],
        .sectionChief: [Recipient(id: "E001", name: "赵科长", phone: "2")],
        .generalDutyOfficer: [Recipient(id: "officer:E", name: "总值班 周主任", phone: "8000")],
    ]

    func due(_ t: EscalationPlan.TicketFacts, at minute: Int, chain: [EscalationLevel: [Recipient]]? = nil) -> [DueNotification] {
        EscalationPlan.due([t], recipients: { _ in chain ?? self.chain }, policy: .standard, now: minute)
    }

    @Test func aPriorityOneTicketGoesToTheEngineerThenTheChiefAfterTenMinutesThenTheGeneralDutyOfficerAndIsRepeated() {
        let t = facts()
        #expect(due(t, at: 1_000).map(\.recipient.id) == ["E101"])
        #expect(due(t, at: 1_009).count == 1)
        #expect(due(t, at: 1_010).map(\.recipient.id) == ["E101", "E001"])
        #expect(due(t, at: 1_030).map(\.level) == [.dutyEngineer, .sectionChief, .generalDutyOfficer])
        // Reminders every 15 minutes tell everyone reached so far, at most `repeatsMax` times.
        #expect(due(t, at: 1_045).filter { $0.step == 3 }.map(\.recipient.id) == ["E101", "E001", "officer:E"])
        #expect(due(t, at: 100_000).map(\.step).max() == 2 + EscalationPlan.repeatsMax)
        // Only the newest reminder is due: a node catching up sends one, not eight.
        #expect(Set(due(t, at: 100_000).map(\.step)) == [0, 1, 2, 2 + EscalationPlan.repeatsMax])
        #expect(Set(due(t, at: 1_060).map(\.step)) == [0, 1, 2, 4])
    }

    @Test func anAcknowledgementStopsTheEscalationAndAClosedTicketNotifiesNobody() {
        #expect(due(facts(ack: 1_012), at: 2_000).map(\.step) == [0, 1])
        let closed = EscalationPlan.TicketFacts(id: "t1", number: "n", campus: "E", priority: 1, major: false, openedAt: 1_000,
                                                acknowledgedAt: nil, isOpen: false, title: "")
        #expect(due(closed, at: 2_000).isEmpty)
    }

    @Test func aMajorIncidentNotifiesEveryLevelAtOnce() {
        let now = due(facts(priority: 1, major: true), at: 1_000)
        #expect(now.map(\.level) == [.dutyEngineer, .sectionChief, .generalDutyOfficer])
        #expect(now.allSatisfy { $0.step == 0 && $0.urgent })
    }

    @Test func aLevelWithNobodyPassesItsStepToTheNextLevelSoTheStepStillReachesSomeone() {
        var uncovered = chain
        uncovered[.dutyEngineer] = []
        let now = due(facts(), at: 1_000, chain: uncovered)
        #expect(now.map(\.recipient.id) == ["E001"] && now[0].level == .sectionChief)
        // At step 1 the chief is not told twice within one step.
        #expect(due(facts(), at: 1_010, chain: uncovered).filter { $0.step == 1 }.map(\.recipient.id) == ["E001"])
    }

    @Test func theIdempotencyKeyNamesTicketStepAndRecipientAndIsTheSameEveryTime() {
        let keys = due(facts(), at: 1_030).map(\.key)
        #expect(keys == ["ticket:t1/step:0/to:E101", "ticket:t1/step:1/to:E001", "ticket:t1/step:2/to:officer:E"])
        #expect(keys == due(facts(), at: 1_030).map(\.key))
    }

    @Test func theCampusNodeSendsAtOnceAnotherOnlyAfterTheTakeoverDelayAndNobodyOnceARecordHasArrived() {
        let d = due(facts(), at: 1_000)[0]
        #expect(SenderRule.decide(d, localCampus: "E", delivered: false, takeoverMinutes: 3, now: 1_000) == .send)
        #expect(SenderRule.decide(d, localCampus: "W", delivered: false, takeoverMinutes: 3, now: 1_002) == .wait(until: 1_003))
        #expect(SenderRule.decide(d, localCampus: "W", delivered: false, takeoverMinutes: 3, now: 1_003) == .send)
        #expect(SenderRule.decide(d, localCampus: "W", delivered: true, takeoverMinutes: 3, now: 1_003) == .delivered)
        #expect(SenderRule.decide(d, localCampus: "E", delivered: true, takeoverMinutes: 3, now: 1_000) == .delivered)
    }

    @Test func aMalformedPolicyIsRefusedWithItsReasonAndTheStandardOneStays() throws {
        let f = try CampusReplicas()
        var bad = EscalationPolicy.standard
        bad.rules["1"]?.officerAfterMinutes = 5 // before the chief's 10
        #expect(throws: DomainError.self) { try f.main.setEscalationPolicy(bad, by: f.acting(CampusReplicas.admin)) }
        #expect(bad.problem?.contains("priority 1") == true)
        #expect(throws: DomainError.self) { try f.main.setEscalationPolicy(.standard, by: f.acting(CampusReplicas.chief)) }
        #expect(try f.main.escalationPolicy() == .standard)
        var faster = EscalationPolicy.standard
        faster.rules["1"]?.chiefAfterMinutes = 5
        try f.main.setEscalationPolicy(faster, by: f.acting(CampusReplicas.admin))
        try f.exchange()
        #expect(try f.east.escalationPolicy().rule(1).chiefAfterMinutes == 5)
    }

    @Test func theRosterNamesTheFirstRecipientAndTheRecordedEscalationIsOnTheTimelineOfEveryReplica() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(urgency: .high, impact: .hospital), by: f.acting(CampusReplicas.requester)).number
        let first = try f.main.notificationsDue(at: CampusReplicas.start)
        #expect(first.map(\.due.recipient.id) == [e[0].rawValue] && first.allSatisfy { !$0.delivered })
        try f.main.recordDelivery(first[0].due, channels: ["browser"], at: CampusReplicas.start)
        let ten = CampusReplicas.start.adding(minutes: 10)
        let chief = try f.main.notificationsDue(at: ten).filter { !$0.delivered }
        #expect(chief.map(\.due.recipient.id) == [CampusReplicas.chief.rawValue])
        try f.main.recordDelivery(chief[0].due, channels: ["browser", "email"], at: ten)
        try f.exchange()
        // The other node agrees on what is due and sees it delivered: it sends nothing.
        #expect(try f.east.notificationsDue(at: ten).allSatisfy(\.delivered))
        let ticket = try f.east.ticket(n)
        #expect(ticket.summary.level == .sectionChief && ticket.timeline.last?.kind == .escalate && ticket.timeline.last?.by == "system")
        #expect(try f.east.notifications(for: CampusReplicas.chief.rawValue).map(\.channels) == [["browser", "email"]])
        // 认领: nothing more falls due.
        try f.east.startTicket(n, by: f.acting(e[0], 12))
        try f.exchange()
        #expect(try f.main.notificationsDue(at: CampusReplicas.start.adding(minutes: 90)).allSatisfy(\.delivered))
    }

    @Test func twoNodesSendingTheSameStepAcrossAPartitionWriteOneRecordThatCountsTheDuplicate() throws {
        let f = try CampusReplicas()
        _ = try f.main.openTicket(f.intake(urgency: .high, impact: .hospital), by: f.acting(CampusReplicas.requester))
        try f.exchange()
        let due = try f.main.notificationsDue(at: CampusReplicas.start)[0].due
        try f.main.recordDelivery(due, channels: ["email"], at: CampusReplicas.start)
        try f.east.recordDelivery(due, channels: ["wecom"], at: CampusReplicas.start.adding(minutes: 3))
        try f.exchange()
        for node in f.nodes {
            let records = try node.deliveryRecords()
            #expect(records.count == 1 && records[0].sends == 2 && records[0].duplicates == 1 && records[0].channels == ["email", "wecom"])
        }
    }

    @Test func onlyTheRecipientMarksANotificationRead() throws {
        let f = try CampusReplicas()
        _ = try f.main.openTicket(f.intake(urgency: .high, impact: .hospital), by: f.acting(CampusReplicas.requester))
        let due = try f.main.notificationsDue(at: CampusReplicas.start)[0].due
        try f.main.recordDelivery(due, channels: ["browser"], at: CampusReplicas.start)
        #expect(throws: DomainError.self) { try f.main.markNotificationRead(due.key, by: f.acting(e[1])) }
        #expect(throws: DomainError.self) { try f.main.markNotificationRead("no-such-key", by: f.acting(e[0])) }
        try f.main.markNotificationRead(due.key, by: f.acting(e[0], 1))
        #expect(try f.main.notifications(for: e[0].rawValue).first?.readAt == CampusReplicas.start.adding(minutes: 1).minutesSinceEpoch)
    }
}
