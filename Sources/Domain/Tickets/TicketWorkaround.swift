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
}
