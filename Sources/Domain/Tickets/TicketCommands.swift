import Foundation
import GRDB
import Replica
import Storage

/// What opening a ticket did: its number, who got it, whom to tell at once.
public struct OpenedTicket: Hashable, Codable, Sendable {
    public let id: String
    public let number: String
    public let priority: TicketPriority
    /// The engineer on duty for the post, when exactly one holds it now.
    public let assignee: PersonID?
    public let post: PostID
    /// 重大事件 — the chief and the general duty officer, told at once.
    public let notify: [Contact]
}

/// 问题处理 — open, assign, start, note, pend, resume, escalate, resolve, close, reopen,
/// cancel. Each command appends one timeline entry and rewrites the summary in one batch.
extension Department {
    /// Longest free text of a ticket field.
    public static let ticketTextMax = 4_000

    public func openTicket(_ intake: TicketIntake, by acting: Acting) throws(DomainError) -> OpenedTicket {
        try perform(acting, "ticket.open") { tx, actor in
            var batch = TicketBatch()
            let opened = try Self.writeTicket(intake, acting: acting, actor: actor, tx: tx, batch: &batch).opened
            return (opened, opened.number)
        }
    }

    /// Opens many tickets in one batch (imports, the benchmark); each is checked as one.
    public func openTickets(_ intakes: [TicketIntake], by acting: Acting) throws(DomainError) -> [OpenedTicket] {
        try perform(acting, "ticket.open-batch") { tx, actor in
            var batch = TicketBatch()
            let opened = try intakes.map { try Self.writeTicket($0, acting: acting, actor: actor, tx: tx, batch: &batch).opened }
            return (opened, "\(opened.count) tickets")
        }
    }

    /// 历史工单 — tickets already handled elsewhere (a migration from GLPI, the benchmark's
    /// history), recorded in one batch as opened, resolved and closed by the acting
    /// engineer, each `minutesToResolve` after its opening.
    public func recordClosedTickets(_ intakes: [TicketIntake], minutesToResolve: Int, rootCause: String, improvement: String,
                                    by acting: Acting) throws(DomainError) -> Int {
        try perform(acting, "ticket.history") { tx, actor in
            try Self.requireText(rootCause, "root cause (原因)")
            try Self.requireText(improvement, "improvement (改进措施)")
            var batch = TicketBatch()
            for intake in intakes {
                let (_, row, events) = try Self.writeTicket(intake, acting: acting, actor: actor, tx: tx, batch: &batch)
                var resolve = TicketEvent(.resolve, by: actor.id, at: acting.now.adding(minutes: minutesToResolve))
                resolve.rootCause = rootCause
                resolve.improvement = improvement
                let close = TicketEvent(.close, by: actor.id, at: acting.now.adding(minutes: minutesToResolve))
                for event in [resolve, close] { try tx.append(DomainSchema.ticket.name, row, "timeline", .text(LogCoding.encode(event))) }
                try tx.increment(DomainSchema.ticket.name, row, "entries", by: 2)
                try Self.writeSummary(TicketFlow.fold(events + [resolve, close]), row: row, tx: tx)
            }
            return (intakes.count, "\(intakes.count) closed tickets")
        }
    }

    /// What tickets written in one transaction share: numbers handed out but not yet
    /// materialised, and who is on duty (one lookup per campus and minute).
    struct TicketBatch {
        var sequences: [String: Int] = [:]
        var duty: [String: [PostOnDuty]] = [:]
    }

    static func writeTicket(_ intake: TicketIntake, acting: Acting, actor: StaffMember, tx: WriteTransaction,
                            batch: inout TicketBatch) throws -> (opened: OpenedTicket, row: RowID, events: [TicketEvent]) {
        let db = tx.db
        guard try Directory.campus(db, intake.campus) != nil else { throw DomainError.unknownCampus(intake.campus) }
        try Permissions.requireAny(actor, [.requester, .engineer, .dutyEngineer, .sectionChief], at: intake.campus, to: "open a ticket")
        try Self.requireText(intake.description, "description")
        try Self.requireText(intake.department, "department")
        try Self.requireText(intake.reporter, "reporter")
        for tag in intake.assets { _ = try AssetRows.resolve(db, tag) }
        let dutyKey = "\(intake.campus.rawValue)|\(acting.now.minutesSinceEpoch)"
        let onDuty = try batch.duty[dutyKey] ?? OnDutyQuery.posts(db, campus: intake.campus, at: acting.now)
        batch.duty[dutyKey] = onDuty
        let post = try Self.ticketPost(intake, posts: onDuty.map(\.post))
        let policy = try TicketRows.policy(db)
        let priority = intake.major ? TicketPolicy.prioritiesRange.lowerBound : policy.priority(urgency: intake.urgency, impact: intake.impact)
        let number = try TicketNumber.next(db, campus: intake.campus, year: acting.now.date.year, origin: Origin(site: tx.stamp.site, epoch: tx.stamp.epoch), sequences: &batch.sequences)
        let duty = onDuty.first { $0.post == post }
        let assignee = duty.flatMap { $0.onDuty.count == 1 && !$0.conflict && intake.assignOnDuty ? PersonID($0.onDuty[0].person) : nil }
        let row = tx.newRowID()
        let name = DomainSchema.ticket.name
        try tx.assign(name, row, [
            "number": .text(number.text), "campus": .text(intake.campus.rawValue), "year": .integer(Int64(number.year)),
            "issuer": .text(number.issuer), "seq": .integer(Int64(number.seq)),
            "reporter": .text(intake.reporter), "contact_phone": .text(intake.contactPhone),
            "department": .text(intake.department), "location": .text(intake.location),
            "category": .text(intake.category.rawValue), "description": .text(intake.description),
            "channel": .text(intake.channel.rawValue), "reported_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            "post": .text(post.rawValue), "urgency": .text(intake.urgency.rawValue), "impact": .text(intake.impact.rawValue),
            "priority": .integer(Int64(priority)), "major": .integer(intake.major ? 1 : 0),
        ])
        var events = [TicketEvent(.open, by: actor.id, at: acting.now)]
        if let assignee {
            try tx.assignSurfaced(name, row, "assignee", .text(assignee.rawValue))
            var event = TicketEvent(.assign, by: actor.id, at: acting.now)
            event.assignee = assignee.rawValue
            // Stored text is a record for staff, in their language; the post is on the ticket.
            event.text = "按值班表派给当班工程师"
            events.append(event)
        }
        for event in events { try tx.append(name, row, "timeline", .text(LogCoding.encode(event))) }
        try tx.increment(name, row, "entries", by: Int64(events.count))
        try writeSummary(TicketFlow.fold(events), row: row, tx: tx)
        for tag in intake.assets { try linkAsset(tag, ticket: row, number: number.text, tx: tx) }
        let notify = intake.major ? (duty?.escalation ?? []).filter { $0.level != .dutyEngineer }.flatMap(\.contacts) : []
        let opened = OpenedTicket(id: row.description, number: number.text, priority: priority, assignee: assignee, post: post, notify: notify)
        return (opened, row, events)
    }

    static func ticketPost(_ intake: TicketIntake, posts: [PostID]) throws -> PostID {
        if let post = intake.post {
            guard posts.contains(post) else { throw DomainError.unknownPost(intake.campus, post) }
            return post
        }
        let candidates = [intake.category.defaultPost, "system-maintenance", "emergency-support"] + posts
        guard let post = candidates.first(where: posts.contains) else { throw DomainError.unknownPost(intake.campus, intake.category.defaultPost) }
        return post
    }

    static func requireText(_ text: String, _ field: String) throws {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw DomainError.missing(field: field) }
        guard text.count <= ticketTextMax else { throw DomainError.invalid(field: field, reason: "longer than \(ticketTextMax) characters") }
    }

    static func writeSummary(_ s: TicketSummary, row: RowID, tx: WriteTransaction) throws {
        func int(_ v: Int?) -> Value { v.map { .integer(Int64($0)) } ?? .null }
        try tx.assign(DomainSchema.ticket.name, row, [
            "state": .text(s.state.rawValue), "level": .integer(Int64(s.level.rank)),
            "summary_entries": .integer(Int64(s.entries)), "opened_at": int(s.openedAt), "owned_at": int(s.ownedAt),
            "resolved_at": int(s.resolvedAt), "pauses": .text(s.pausesText + (s.pendingSince.map { "|\($0)" } ?? "")),
            "expected_at": int(s.expectedAt), "ignored": .integer(Int64(s.ignored.count)),
        ])
    }

    /// Appends one event to a ticket after the role check and the state machine allow it.
    /// `prepare` builds the event from the current ticket and may write more changes.
    @discardableResult
    func ticketEvent(_ number: String, _ acting: Acting, _ action: String, roles: [Role],
                     _ prepare: (Ticket, StaffMember, WriteTransaction, RowID) throws -> TicketEvent) throws(DomainError) -> Ticket {
        try perform(acting, "ticket.\(action)") { tx, actor in
            guard let id = try TicketRows.id(tx.db, number: number), let row = try StoredRows.fetchOne(tx.db, DomainSchema.ticket, id: id) else {
                throw DomainError.unknownTicket(number)
            }
            let ticket = try TicketRows.ticket(tx.db, row)
            try Permissions.requireAny(actor, roles, at: ticket.campus, to: "\(action) ticket \(number)")
            guard ticket.timeline.count < TicketFlow.timelineEntriesMax else {
                throw DomainError.invalid(field: "timeline", reason: "ticket \(number) holds \(TicketFlow.timelineEntriesMax) entries, the most a ticket keeps")
            }
            let event = try prepare(ticket, actor, tx, id)
            guard TicketFlow.next(ticket.state, event.kind) != nil else {
                throw DomainError.wrongState(what: "ticket \(number)", state: ticket.state.rawValue, action: event.kind.rawValue)
            }
            try tx.append(DomainSchema.ticket.name, id, "timeline", .text(LogCoding.encode(event)))
            try tx.increment(DomainSchema.ticket.name, id, "entries", by: 1)
            let summary = TicketFlow.fold(ticket.timeline + [event])
            try Self.writeSummary(summary, row: id, tx: tx)
            return (Ticket(id: ticket.id, number: ticket.number, campus: ticket.campus, intake: ticket.intake, priority: ticket.priority,
                           assignee: ticket.assignee, assigneeConflict: ticket.assigneeConflict, assets: ticket.assets,
                           summary: summary, timeline: ticket.timeline + [event]), number)
        }
    }

    static let handlers: [Role] = [.engineer, .dutyEngineer, .sectionChief]

    /// 派单 / 改派 — to `person`, or to whoever is on duty for the ticket's post now.
    /// Overwrites every visible assignee, which is also how a conflict is resolved.
    @discardableResult
    public func assignTicket(_ number: String, to person: PersonID?, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "assign", roles: Self.handlers) { ticket, actor, tx, id in
            let target: PersonID
            if let person {
                target = person
            } else {
                let post = ticket.intake.post ?? ticket.intake.category.defaultPost
                let duty = try OnDutyQuery.posts(tx.db, campus: ticket.campus, at: acting.now).first { $0.post == post }
                guard let holder = duty?.onDuty.first, duty?.onDuty.count == 1 else {
                    throw DomainError.notOnDuty(person: "nobody", post: post, at: acting.now)
                }
                target = PersonID(holder.person)
            }
            guard let staff = try Directory.person(tx.db, target) else { throw DomainError.unknownPerson(target) }
            guard staff.active else { throw DomainError.inactivePerson(target) }
            guard Self.handlers.contains(where: { staff.holds($0, at: ticket.campus) }) else {
                throw DomainError.notPermitted(actor: target, action: "take ticket \(number)", needs: "an engineer of campus \(ticket.campus)")
            }
            try tx.assignSurfaced(DomainSchema.ticket.name, id, "assignee", .text(target.rawValue))
            var event = TicketEvent(.assign, by: actor.id, at: acting.now)
            event.assignee = target.rawValue
            return event
        }
    }

    @discardableResult
    public func startTicket(_ number: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "start", roles: Self.handlers) { _, actor, _, _ in TicketEvent(.start, by: actor.id, at: acting.now) }
    }

    /// 进展 — told to the department: what is happening and when it should be done.
    @discardableResult
    public func noteTicket(_ number: String, text: String, expectedAt: LocalDateTime?, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "note", roles: Self.handlers) { _, actor, _, _ in
            try Self.requireText(text, "note")
            if let expectedAt, expectedAt <= acting.now {
                throw DomainError.reversedTimes(start: acting.now.description, end: expectedAt.description)
            }
            var event = TicketEvent(.note, by: actor.id, at: acting.now)
            event.text = text
            event.expectedAt = expectedAt?.minutesSinceEpoch
            return event
        }
    }

    @discardableResult
    public func pendTicket(_ number: String, reason: PendingReason, text: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "pend", roles: Self.handlers) { _, actor, _, _ in
            try Self.requireText(text, "pending note")
            var event = TicketEvent(.pend, by: actor.id, at: acting.now)
            event.reason = reason
            event.text = text
            return event
        }
    }

    @discardableResult
    public func resumeTicket(_ number: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "resume", roles: Self.handlers) { _, actor, _, _ in TicketEvent(.resume, by: actor.id, at: acting.now) }
    }

    /// 升级 — one level up (or to `level`), with the workaround given to the department.
    @discardableResult
    public func escalateTicket(_ number: String, to level: EscalationLevel?, workaround: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "escalate", roles: Self.handlers) { ticket, actor, _, _ in
            try Self.requireText(workaround, "workaround (过渡方案)")
            let current = ticket.summary.level
            let target = level ?? EscalationLevel.allCases.first { $0.rank == current.rank + 1 } ?? current
            guard target.rank > current.rank else {
                throw DomainError.wrongState(what: "ticket \(number)", state: "escalated to \(current.rawValue)", action: "escalate to \(target.rawValue)")
            }
            var event = TicketEvent(.escalate, by: actor.id, at: acting.now)
            event.level = target
            event.workaround = workaround
            return event
        }
    }

    /// 解决 — root cause and improvement are required (问题总结与改进).
    @discardableResult
    public func resolveTicket(_ number: String, rootCause: String, improvement: String, solution: String = "",
                              by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "resolve", roles: Self.handlers) { _, actor, _, _ in
            try Self.requireText(rootCause, "root cause (原因)")
            try Self.requireText(improvement, "improvement (改进措施)")
            var event = TicketEvent(.resolve, by: actor.id, at: acting.now)
            event.rootCause = rootCause
            event.improvement = improvement
            event.text = solution.isEmpty ? nil : solution
            return event
        }
    }

    @discardableResult
    public func closeTicket(_ number: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "close", roles: Self.handlers + [.requester]) { _, actor, _, _ in TicketEvent(.close, by: actor.id, at: acting.now) }
    }

    @discardableResult
    public func reopenTicket(_ number: String, reason: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "reopen", roles: Self.handlers + [.requester]) { _, actor, _, _ in
            try Self.requireText(reason, "reason")
            var event = TicketEvent(.reopen, by: actor.id, at: acting.now)
            event.text = reason
            return event
        }
    }

    @discardableResult
    public func cancelTicket(_ number: String, reason: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "cancel", roles: [.sectionChief, .dutyEngineer, .requester]) { _, actor, _, _ in
            try Self.requireText(reason, "reason")
            var event = TicketEvent(.cancel, by: actor.id, at: acting.now)
            event.text = reason
            return event
        }
    }

    /// 工单规则 — the administrator replaces the priority matrix and SLA targets.
    public func setTicketPolicy(_ policy: TicketPolicy, by acting: Acting) throws(DomainError) {
        try perform(acting, "ticket.policy") { tx, actor in
            try Permissions.require(actor, .administrator, at: actor.campus, to: "set the ticket policy")
            if let problem = policy.problem { throw DomainError.invalid(field: "policy", reason: problem) }
            try tx.assign(DomainSchema.ticketPolicy.name, TicketRows.policyRow, ["policy": .text(LogCoding.encode(policy))])
            return ((), "ticket policy")
        }
    }

    public func ticketPolicy() throws(DomainError) -> TicketPolicy {
        try query { try TicketRows.policy($0) }
    }

    public func ticket(_ number: String) throws(DomainError) -> Ticket {
        let found = try query { try TicketRows.load($0, number: number) }
        guard let found else { throw .unknownTicket(number) }
        return found
    }

    public func tickets(campus: CampusCode? = nil, openOnly: Bool = false, limit: Int = 200) throws(DomainError) -> [Ticket] {
        try query { try TicketRows.list($0, campus: campus, openOnly: openOnly, limit: limit) }
    }

    /// The SLA of one ticket at `now`.
    public func sla(of ticket: Ticket, at now: LocalDateTime) throws(DomainError) -> SLAStatus {
        try query { db in
            let policy = try TicketRows.policy(db)
            return SLAStatus.evaluate(ticket.summary, target: policy.target(ticket.priority), now: now.minutesSinceEpoch,
                                      minutes: SLAMinutes(calendar: try Directory.calendar(db)).at(ticket.campus, policy: policy))
        }
    }
}
