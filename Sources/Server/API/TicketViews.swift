import Domain

// JSON shapes of tickets, assets and approvals (docs/openapi.yaml), apart from the
// domain's types for the same reason as Views.swift.

/// 工单标题 — tickets have no title field of their own: the title is the first line of
/// the description. A title given on intake becomes that first line, so what the
/// reporter typed as the title is what every node lists.
enum TicketText {
    static let titleCharactersMax = 200

    static func title(of description: String) -> String {
        let first = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = first.trimmingCharacters(in: .whitespaces)
        return trimmed.count > titleCharactersMax ? String(trimmed.prefix(titleCharactersMax)) + "…" : trimmed
    }

    /// The description stored for a title and a body; either may be empty, not both.
    static func compose(title: String?, description: String?) throws -> String {
        let title = (title ?? "").trimmingCharacters(in: .whitespaces)
        let body = (description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.contains(where: \.isNewline) else { throw APIError.badRequest("bad_title", "title: one line, no line breaks") }
        guard title.count <= titleCharactersMax else {
            throw APIError.badRequest("bad_title", "title: at most \(titleCharactersMax) characters")
        }
        switch (title.isEmpty, body.isEmpty) {
        case (true, true): throw APIError(.unprocessableContent, "missing_field", "a ticket needs a title or a description")
        case (true, false): return body
        case (false, true): return title
        case (false, false): return title + "\n" + body
        }
    }
}

struct SLAView: Codable, Sendable {
    let state, stateName, clock: String
    let paused: Bool
    let ownMinutes, ownTargetMinutes, resolveMinutes, resolveTargetMinutes: Int
    let escalationDue: String?

    init(_ s: SLAStatus) {
        state = s.state.rawValue; stateName = s.state.chineseName; clock = s.target.clock.rawValue; paused = s.paused
        ownMinutes = s.ownMinutes; ownTargetMinutes = s.target.ownMinutes
        resolveMinutes = s.resolveMinutes; resolveTargetMinutes = s.target.resolveMinutes
        escalationDue = s.escalationDue?.rawValue
    }
}

struct TicketEventView: Codable, Sendable {
    let kind, by, at: String
    let assignee, text, expectedAt, reason, level, workaround, rootCause, improvement: String?
    /// The note that marked the ticket a major incident after intake.
    let majorIncident: Bool?
    /// Not legal where the merged timeline folds it (kept, shown, not applied).
    let ignored: Bool

    init(_ e: TicketEvent, ignored: Bool) {
        majorIncident = e.majorIncident
        kind = e.kind.rawValue; by = e.by; at = e.time.description; assignee = e.assignee; text = e.text
        expectedAt = e.expectedAt.map { LocalDateTime(minutesSinceEpoch: $0).description }; reason = e.reason?.rawValue
        level = e.level?.rawValue; workaround = e.workaround; rootCause = e.rootCause; improvement = e.improvement
        self.ignored = ignored
    }
}

struct TicketView: Codable, Sendable {
    let id, number, campus, title, description, reporter, contactPhone, department, location: String
    let category, channel, urgency, impact, state, level, openedBy: String
    let post, assignee, openedAt: String?
    let major: Bool
    let priority: Int
    let assigneeConflict: [String?]
    let assets: [String]
    let sla: SLAView
    /// The whole timeline on `GET /api/tickets/{number}` and after an action; absent in lists.
    let timeline: [TicketEventView]?

    init(_ t: Ticket, sla: SLAStatus, withTimeline: Bool) {
        id = t.id; number = t.number; campus = t.campus.rawValue; title = TicketText.title(of: t.intake.description)
        description = t.intake.description; reporter = t.intake.reporter; contactPhone = t.intake.contactPhone
        department = t.intake.department; location = t.intake.location; category = t.intake.category.rawValue
        channel = t.intake.channel.rawValue; urgency = t.intake.urgency.rawValue; impact = t.intake.impact.rawValue
        state = t.state.rawValue; level = t.summary.level.rawValue
        openedBy = t.timeline.first { $0.kind == .open }?.by ?? ""
        post = t.intake.post?.rawValue; assignee = t.assignee?.rawValue
        openedAt = t.summary.openedAt.map { LocalDateTime(minutesSinceEpoch: $0).description }
        major = t.intake.major; priority = t.priority; assigneeConflict = t.assigneeConflict; assets = t.assets
        self.sla = SLAView(sla)
        timeline = withTimeline ? t.timeline.map { TicketEventView($0, ignored: t.summary.ignored.contains($0)) } : nil
    }
}

struct OpenedTicketView: Codable, Sendable {
    let id, number, post: String
    let priority: Int
    let assignee: String?
    let notify: [ContactView]

    init(_ o: OpenedTicket) {
        id = o.id; number = o.number; post = o.post.rawValue; priority = o.priority; assignee = o.assignee?.rawValue
        notify = o.notify.map(ContactView.init)
    }
}

struct TicketReportView: Codable, Sendable {
    struct Line: Codable, Sendable { let campus, sla: String; let priority, count: Int }
    struct Due: Codable, Sendable { let number, campus, level, sla: String }
    let at: String
    let open, refolded: Int
    let lines: [Line]
    let escalationsDue: [Due]

    init(_ r: OpenTicketReport, campuses: Set<String>) {
        at = r.at.description; refolded = r.refolded
        lines = r.lines.filter { campuses.contains($0.campus) }
            .map { Line(campus: $0.campus, sla: $0.sla.rawValue, priority: $0.priority, count: $0.count) }
        open = lines.reduce(0) { $0 + $1.count }
        escalationsDue = r.escalationsDue.filter { campuses.contains($0.campus) }
            .map { Due(number: $0.number, campus: $0.campus, level: $0.level.rawValue, sla: $0.sla.rawValue) }
    }
}

struct TicketStatisticsView: Codable, Sendable {
    struct Day: Codable, Sendable { let date, campus: String; let count: Int }
    struct Attainment: Codable, Sendable { let campus: String; let met, resolved: Int; let rate: Double? }
    let days: Int
    let volume: [Day]
    let attainment: [Attainment]
}

struct TicketProblemView: Codable, Sendable {
    let kind, number, description: String
    let campus: String

    init(_ p: TicketProblem) {
        description = p.description
        switch p {
        case .concurrentAssignees(let number, _): kind = "concurrent_assignees"; self.number = number
        case .ignoredTransition(let number, _, _, _): kind = "ignored_transition"; self.number = number
        case .duplicateNumber(let number): kind = "duplicate_number"; self.number = number
        }
        // The number starts with the campus code (`EAST-2026-7C2A-00042`).
        campus = String(number.prefix { $0 != "-" })
    }
}

struct AssetView: Codable, Sendable {
    struct Maintenance: Codable, Sendable { let kind, text, by, at: String; let ticket, state: String? }
    struct Inspection: Codable, Sendable { let date, by, note: String; let items: [String: String]; let passed: Bool }
    let id, tag, campus, type, name, model, serial, state, department, location, holder, unit: String
    let purchasedOn, warrantyUntil, contractUntil, registeredOn, scrappedAt, inspectionDue: String?
    let inspectionDays: Int?
    let stock, stockMin: Int
    let lowStock: Bool
    let tickets: [String]
    let maintenance: [Maintenance]?
    let inspections: [Inspection]?
    let manufacturer, supplier, notes: String
    /// 购置金额 and 账面净值 (straight line, `AssetCost`) in fen; the book value only where
    /// the route knows today.
    let purchaseCostFen, bookValueFen: Int?

    init(_ a: Asset, withHistory: Bool, today: LocalDate? = nil) {
        let r = a.record
        manufacturer = r.manufacturer; supplier = r.supplier; notes = r.notes; purchaseCostFen = r.purchaseCostFen
        bookValueFen = today.flatMap { AssetCost.bookValueFen(r, today: $0) }
        id = a.id; tag = a.tag; campus = a.campus.rawValue; type = r.type.rawValue; name = r.name; model = r.model; serial = r.serial
        state = a.state.rawValue; department = r.department; location = r.location; holder = r.holder; unit = r.unit
        purchasedOn = r.purchasedOn?.iso; warrantyUntil = r.warrantyUntil?.iso; contractUntil = r.contractUntil?.iso
        registeredOn = r.registeredOn?.iso; scrappedAt = a.scrappedAt?.description; inspectionDue = a.inspectionDue?.iso
        inspectionDays = r.inspectionDays; stock = r.stock; stockMin = r.stockMin; lowStock = a.lowStock; tickets = a.tickets
        maintenance = withHistory ? a.maintenance.map {
            Maintenance(kind: $0.kind.rawValue, text: $0.text, by: $0.by, at: LocalDateTime(minutesSinceEpoch: $0.at).description,
                        ticket: $0.ticket, state: $0.state?.rawValue)
        } : nil
        inspections = withHistory ? a.inspections.map {
            Inspection(date: $0.date, by: $0.by, note: $0.note, items: $0.items.mapValues(\.rawValue), passed: $0.passed)
        } : nil
    }
}

struct AssetReportView: Codable, Sendable {
    struct Line: Codable, Sendable { let tag, campus, name, detail: String }
    let date: String
    let inspectionsDue, lowStock, warrantyEnding: [Line]

    init(_ r: AssetReport, campuses: Set<String>) {
        func lines(_ l: [AssetReport.Line]) -> [Line] {
            l.filter { campuses.contains($0.campus) }.map { Line(tag: $0.tag, campus: $0.campus, name: $0.name, detail: $0.detail) }
        }
        date = r.date; inspectionsDue = lines(r.inspectionsDue); lowStock = lines(r.lowStock); warrantyEnding = lines(r.warrantyEnding)
    }
}

struct ApprovalView: Codable, Sendable {
    struct Step: Codable, Sendable { let action, by, at, note: String }
    let id, kind, campus, requester, requestedAt, title, reason, department, assetTag, system, impact, rollbackPlan, state: String
    let quantity, estimatedCost: Int
    let plannedAt: String?
    let notifyDepartments: [String]
    let history, ignored: [Step]

    init(_ a: Approval) {
        func step(_ t: ApprovalTransition) -> Step {
            Step(action: t.action.rawValue, by: t.by, at: LocalDateTime(minutesSinceEpoch: t.at).description, note: t.note)
        }
        id = a.id; kind = a.kind.rawValue; campus = a.campus.rawValue; requester = a.requester.rawValue
        requestedAt = a.requestedAt.description; title = a.title; reason = a.reason; department = a.department
        assetTag = a.assetTag; system = a.system; impact = a.impact; rollbackPlan = a.rollbackPlan; state = a.state.rawValue
        quantity = a.quantity; estimatedCost = a.estimatedCost; plannedAt = a.plannedAt?.description
        notifyDepartments = a.notifyDepartments; history = a.history.map(step); ignored = a.ignored.map(step)
    }
}
