import Testing
import Replica
import Storage
@testable import Domain

/// Intake, the state machine, escalation and the timeline on one replica.
@Suite struct TicketTests {
    let e = CampusReplicas.engineers

    @Test func openingATicketNumbersItWithTheCampusAndGivesItToTheEngineerOnDuty() throws {
        let f = try CampusReplicas()
        let opened = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester))
        #expect(opened.number.hasPrefix("E-2026-") && opened.number.hasSuffix("-00001"))
        #expect(opened.assignee == e[0])
        #expect(opened.priority == 2) // medium urgency × one department
        #expect(opened.notify.isEmpty)
        let ticket = try f.main.ticket(opened.number)
        #expect(ticket.state == .assigned && ticket.assignee == e[0])
        #expect(ticket.timeline.map(\.kind) == [.open, .assign])
        let second = try f.main.openTicket(f.intake("打印机卡纸", category: .printer), by: f.acting(CampusReplicas.requester, 1))
        #expect(second.number.hasSuffix("-00002"))
    }

    /// Found by the cluster test: a node restored from an older backup opened a ticket
    /// before its peers caught it up and re-issued a number it had issued after the
    /// backup. A restore begins a new epoch; numbers of a later epoch carry another tag.
    @Test func aNodeRestoredFromAnOlderBackupNeverReissuesANumber() throws {
        let f = try CampusReplicas()
        let before = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        // What was issued after the backup reached the peers only.
        let afterBackup = try f.main.openTicket(f.intake("打印机卡纸"), by: f.acting(CampusReplicas.requester, 1)).number
        #expect(before.hasSuffix("-00001") && afterBackup.hasSuffix("-00002"))
        try f.main.store.beginNewEpoch()
        let restored = try f.main.openTicket(f.intake("网络中断"), by: f.acting(CampusReplicas.requester, 2)).number
        #expect(restored != afterBackup && restored != before)
        #expect(restored.hasSuffix("-00001") && restored.prefix(7) == before.prefix(7), "a new sequence under a new tag: \(restored)")
        #expect(TicketRows.looksLikeTicketNumber(restored), "still found by number")
        try f.exchange()
        #expect(try f.east.ticketProblems().isEmpty, "no duplicate number after the merge")
    }

    @Test func aMajorIncidentIsPriorityOneAndNamesTheChiefAndTheGeneralDutyOfficer() throws {
        let f = try CampusReplicas()
        let opened = try f.main.openTicket(f.intake("HIS 全院无法登录", category: .application, urgency: .low, impact: .person, major: true),
                                           by: f.acting(e[1]))
        #expect(opened.priority == 1)
        #expect(opened.notify.map(\.name) == ["赵科长", "总值班 周主任"])
    }

    @Test func aTicketRunsFromOpenThroughPendingAndEscalationToClosedAndEveryStepStaysOnTheTimeline() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        try f.main.startTicket(n, by: f.acting(e[0], 5))
        try f.main.noteTicket(n, text: "交换机端口故障，更换中", expectedAt: CampusReplicas.start.adding(minutes: 120), by: f.acting(e[0], 10))
        try f.main.pendTicket(n, reason: .parts, text: "等待备用模块", by: f.acting(e[0], 15))
        try f.main.resumeTicket(n, by: f.acting(e[0], 75))
        try f.main.escalateTicket(n, to: nil, workaround: "临时使用无线网络", by: f.acting(e[0], 80))
        let resolved = try f.main.resolveTicket(n, rootCause: "光模块老化", improvement: "每季度巡检光模块", by: f.acting(e[0], 100))
        #expect(resolved.state == .resolved && resolved.summary.level == .sectionChief)
        #expect(resolved.summary.pauses == [[CampusReplicas.start.adding(minutes: 15).minutesSinceEpoch, CampusReplicas.start.adding(minutes: 75).minutesSinceEpoch]])
        try f.main.reopenTicket(n, reason: "仍然断网", by: f.acting(CampusReplicas.requester, 110))
        try f.main.resolveTicket(n, rootCause: "网线松动", improvement: "加固线缆", by: f.acting(e[0], 130))
        let closed = try f.main.closeTicket(n, by: f.acting(CampusReplicas.requester, 140))
        #expect(closed.state == .closed)
        #expect(try f.main.ticket(n).timeline.map(\.kind) == [.open, .assign, .start, .note, .pend, .resume, .escalate, .resolve, .reopen, .resolve, .close])
        #expect(try f.main.ticket(n).summary.expectedAt == CampusReplicas.start.adding(minutes: 120).minutesSinceEpoch)
    }

    @Test func theSLAIsDerivedOnReadAndAskedForEscalationWhenOwnershipIsLate() throws {
        let f = try CampusReplicas()
        // 17:30: the day shift is over and nobody holds the post, so nobody owns the ticket.
        let evening = 8 * 60 + 30
        let n = try f.main.openTicket(f.intake(urgency: .high, impact: .hospital), by: f.acting(CampusReplicas.requester, evening)).number
        let ticket = try f.main.ticket(n)
        #expect(ticket.assignee == nil && ticket.priority == 1)
        let early = try f.main.sla(of: ticket, at: CampusReplicas.start.adding(minutes: evening + 5))
        #expect(early.state == .onTrack && early.escalationDue == nil)
        let late = try f.main.sla(of: ticket, at: CampusReplicas.start.adding(minutes: evening + 20))
        #expect(late.state == .ownBreached && late.escalationDue == .sectionChief)
        let report = try f.main.openTicketReport(at: CampusReplicas.start.adding(minutes: evening + 20))
        #expect(report.open == 1 && report.escalationsDue.map(\.number) == [n])
        #expect(report.lines == [.init(campus: "E", priority: 1, sla: .ownBreached, count: 1)])
        // Reading wrote nothing; escalating by hand clears the due escalation.
        try f.main.escalateTicket(n, to: .sectionChief, workaround: "改用备用线路", by: f.acting(e[1], evening + 21))
        #expect(try f.main.openTicketReport(at: CampusReplicas.start.adding(minutes: evening + 22)).escalationsDue.isEmpty)
    }

    @Test func businessHoursCountOfficeHoursOfWorkingDaysOnlyAndPendingTimeIsNotCounted() {
        let calendar = HolidayCalendar(entries: [.init(date: Fixture.date("2026-03-16"), kind: .holiday, name: "test holiday")])
        let minutes = SLAMinutes(calendar: calendar)
        let friday = LocalDateTime(date: Fixture.date("2026-03-13"), minuteOfDay: 16 * 60 + 30).minutesSinceEpoch
        let tuesday = LocalDateTime(date: Fixture.date("2026-03-17"), minuteOfDay: 9 * 60).minutesSinceEpoch
        // Friday 16:30–17:00, Monday is a holiday, Tuesday 08:00–09:00.
        #expect(minutes.minutes(.businessHours, from: friday, to: tuesday) == 90)
        #expect(minutes.minutes(.allDay, from: friday, to: tuesday) == (4 * 24 - 7) * 60 - 30)
        let lunch = LocalDateTime(date: Fixture.date("2026-03-17"), minuteOfDay: 11 * 60).minutesSinceEpoch
        #expect(minutes.running(.businessHours, from: tuesday, to: lunch + 180, pauses: [[lunch, lunch + 30]], pendingSince: nil) == 180 + 60 - 30)
    }

    @Test func theAdministratorsMatrixDecidesThePriority() throws {
        let f = try CampusReplicas()
        var policy = TicketPolicy.standard
        policy.matrix[Impact.person.rawValue]?[Urgency.low.rawValue] = 1
        try f.main.setTicketPolicy(policy, by: f.acting(CampusReplicas.admin))
        let opened = try f.main.openTicket(f.intake(urgency: .low, impact: .person), by: f.acting(CampusReplicas.requester))
        #expect(opened.priority == 1)
        var broken = policy
        broken.matrix[Impact.person.rawValue] = nil
        if case .invalid? = try refusedWithoutWriting(f.main, { try f.main.setTicketPolicy(broken, by: f.acting(CampusReplicas.admin)) }) {} else {
            Issue.record("an incomplete matrix was accepted")
        }
    }

    @Test func ticketsLinkAssetsBothWays() throws {
        let f = try CampusReplicas()
        try f.main.registerAsset(AssetRecord(tag: "E-PC-001", campus: "E", type: .pc, name: "挂号电脑"), by: f.acting(e[0]))
        let n = try f.main.openTicket(f.intake(assets: ["E-PC-001"]), by: f.acting(CampusReplicas.requester)).number
        #expect(try f.main.ticket(n).assets == ["E-PC-001"])
        #expect(try f.main.asset("E-PC-001").tickets == [n])
    }

    @Test func timeSpentPendingDoesNotCountTowardTheSLA() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(urgency: .high, impact: .hospital), by: f.acting(CampusReplicas.requester)).number
        try f.main.pendTicket(n, reason: .vendor, text: "等待厂商", by: f.acting(e[0], 10))
        let waiting = try f.main.sla(of: try f.main.ticket(n), at: CampusReplicas.start.adding(minutes: 130))
        #expect(waiting.paused && waiting.resolveMinutes == 10 && waiting.state == .onTrack)
        try f.main.resumeTicket(n, by: f.acting(e[0], 130))
        let resumed = try f.main.sla(of: try f.main.ticket(n), at: CampusReplicas.start.adding(minutes: 150))
        #expect(!resumed.paused && resumed.resolveMinutes == 30)
        // The same figure from the report, which reads the stored summary.
        #expect(try f.main.openTicketReport(at: CampusReplicas.start.adding(minutes: 150)).lines.map(\.sla) == [.onTrack])
    }
    @Test func eachCampusCountsItsOwnBusinessHoursAndAPolicyWithoutThemReadsAsBefore() throws {
        let f = try CampusReplicas()
        // A policy stored before `businessHours` existed decodes with none: 08:00–12:00, 13:00–17:00.
        let old = #"{"matrix":{"person":{"high":2,"medium":3,"low":4},"department":{"high":1,"medium":2,"low":3},"hospital":{"high":1,"medium":1,"low":2}},"targets":{"1":{"ownMinutes":15,"resolveMinutes":240,"clock":"24h"},"2":{"ownMinutes":30,"resolveMinutes":480,"clock":"24h"},"3":{"ownMinutes":120,"resolveMinutes":960,"clock":"business"},"4":{"ownMinutes":240,"resolveMinutes":2400,"clock":"business"}}}"#
        let decoded = try #require(LogCoding.decode(TicketPolicy.self, old))
        #expect(decoded == TicketPolicy.standard && decoded.businessHours(at: "E") == SLAMinutes.officeHours)
        var policy = TicketPolicy.standard
        policy.businessHours = ["E": [[9 * 60, 12 * 60], [14 * 60, 18 * 60]]]
        try f.main.setTicketPolicy(policy, by: f.acting(CampusReplicas.admin))
        let minutes = SLAMinutes(calendar: try f.main.holidayCalendar()).at("E", policy: try f.main.ticketPolicy())
        // Tuesday 08:00 → 19:00 counts 09:00–12:00 and 14:00–18:00: 7 hours, not the default 8.
        let day = CampusReplicas.start.date
        let from = LocalDateTime(date: day, minuteOfDay: 8 * 60).minutesSinceEpoch
        #expect(minutes.minutes(.businessHours, from: from, to: from + 11 * 60) == 7 * 60)
        #expect(SLAMinutes(calendar: HolidayCalendar()).minutes(.businessHours, from: from, to: from + 11 * 60) == 8 * 60)

        for bad in [[[13 * 60, 12 * 60]], [[8 * 60, 12 * 60], [11 * 60, 17 * 60]], [], [[0, 1441]]] {
            var broken = TicketPolicy.standard
            broken.businessHours = ["E": bad]
            if case .invalid? = try refusedWithoutWriting(f.main, { try f.main.setTicketPolicy(broken, by: f.acting(CampusReplicas.admin)) }) {} else {
                Issue.record("business hours \(bad) were accepted")
            }
        }
        var unordered = TicketPolicy.standard
        unordered.targets["2"] = SLATarget(ownMinutes: 10, resolveMinutes: 480, clock: .allDay)
        if case .invalid? = try refusedWithoutWriting(f.main, { try f.main.setTicketPolicy(unordered, by: f.acting(CampusReplicas.admin)) }) {} else {
            Issue.record("a P2 target shorter than P1's was accepted")
        }
        if case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.setTicketPolicy(policy, by: f.acting(CampusReplicas.chief)) }) {} else {
            Issue.record("a chief set the policy")
        }
    }

    @Test func aTicketIsMarkedAMajorIncidentOnceWhileOpen() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(urgency: .low, impact: .person), by: f.acting(CampusReplicas.requester)).number
        #expect(try f.main.ticket(n).priority == 4)
        if case .notPermitted? = try refusedWithoutWriting(f.main, { try f.main.markMajorIncident(n, reason: "全院", by: f.acting(CampusReplicas.requester)) }) {} else {
            Issue.record("a requester marked a major incident")
        }
        if case .missing? = try refusedWithoutWriting(f.main, { try f.main.markMajorIncident(n, reason: " ", by: f.acting(e[0])) }) {} else {
            Issue.record("a mark without a reason was accepted")
        }
        let answered = try f.main.markMajorIncident(n, reason: "全院挂号停摆", by: f.acting(e[0], 5))
        #expect(answered.priority == 1 && answered.intake.major)
        let ticket = try f.main.ticket(n)
        #expect(ticket.intake.major && ticket.priority == 1 && ticket.intake.urgency == .low)
        #expect(ticket.timeline.last?.isMajorIncidentMark == true && ticket.timeline.last?.text == "全院挂号停摆" && ticket.state == .assigned)
        if case .alreadyExists? = try refusedWithoutWriting(f.main, { try f.main.markMajorIncident(n, reason: "再次", by: f.acting(e[0])) }) {} else {
            Issue.record("a second mark was accepted")
        }
    }
}
