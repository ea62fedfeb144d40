/// 过渡方案 — a workaround told to the department while the cause is still being worked
/// on, recorded without escalating (the escalation carries one too).
///
/// It is written as a progress note (`note`) whose `workaround` field is set: a field every
/// node already decodes. A new event kind would not decode on an older node, which would
/// then drop the entry from the timeline it shows; this way an older node shows it as a
/// 进展 with the same text, and the state machine folds it like any note.
extension Department {
    /// Longest workaround, in characters.
    public static let workaroundCharactersMax = 1_000

    @discardableResult
    public func recordWorkaround(_ number: String, text: String, by acting: Acting) throws(DomainError) -> Ticket {
        try ticketEvent(number, acting, "workaround", roles: Self.handlers) { _, actor, _, _ in
            try Self.requireText(text, "workaround (过渡方案)")
            guard text.count <= Self.workaroundCharactersMax else {
                throw DomainError.invalid(field: "workaround", reason: "at most \(Self.workaroundCharactersMax) characters (\(text.count) given)")
            }
            var event = TicketEvent(.note, by: actor.id, at: acting.now)
            event.text = text
            event.workaround = text
            return event
        }
    }
}

extension TicketEvent {
    /// A 过渡方案 recorded on its own (not the one an escalation carries).
    public var isWorkaround: Bool { kind == .note && workaround != nil }
    /// The entry that marked the ticket a 重大故障 after intake.
    public var isMajorIncidentMark: Bool { kind == .note && majorIncident == true }
}

/// 重大故障 — a ticket found to be a major incident after it was reported. Like a
/// workaround, the mark is a note (every node decodes it) carrying `majorIncident`, with
/// the reason as its text; the ticket's `major` flag is set and its priority raised to
/// 1, as a major incident reported as one gets at intake.
extension Department {
    @discardableResult
    public func markMajorIncident(_ number: String, reason: String, by acting: Acting) throws(DomainError) -> Ticket {
        try markMajor(number, reason: reason, acting)
        // Read back: `ticketEvent` answers the intake and priority as they were before the mark.
        return try ticket(number)
    }

    private func markMajor(_ number: String, reason: String, _ acting: Acting) throws(DomainError) {
        _ = try ticketEvent(number, acting, "major", roles: Self.handlers) { ticket, actor, tx, id in
            guard !ticket.intake.major else { throw DomainError.alreadyExists("ticket \(number) is marked a major incident") }
            guard ticket.state.isOpen else {
                throw DomainError.wrongState(what: "ticket \(number)", state: ticket.state.rawValue, action: "mark a major incident")
            }
            try Self.requireText(reason, "reason")
            guard reason.count <= Self.workaroundCharactersMax else {
                throw DomainError.invalid(field: "reason", reason: "at most \(Self.workaroundCharactersMax) characters (\(reason.count) given)")
            }
            try tx.assign(DomainSchema.ticket.name, id, ["major": 1])
            // The priority group is written whole (urgency, impact and priority win together).
            try tx.assign(DomainSchema.ticket.name, id, [
                "urgency": .text(ticket.intake.urgency.rawValue), "impact": .text(ticket.intake.impact.rawValue),
                "priority": .integer(Int64(TicketPolicy.prioritiesRange.lowerBound)),
            ])
            var event = TicketEvent(.note, by: actor.id, at: acting.now)
            event.text = reason
            event.majorIncident = true
            return event
        }
    }
}
