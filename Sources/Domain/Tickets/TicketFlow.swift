/// The ticket state machine, and the fold every replica runs over the timeline in
/// stamp order. Two campuses acting on one ticket while cut off both append; the fold
/// applies what is legal in that order and keeps the rest as `ignored`, listed by
/// `TicketProblems` — no entry is ever dropped.
public enum TicketFlow {
    /// Longest timeline a ticket keeps; a command that would pass it is refused.
    public static let timelineEntriesMax = 2_000

    /// The state after `event`, or nil when it is not allowed in `state`.
    public static func next(_ state: TicketState, _ event: TicketEvent.Kind) -> TicketState? {
        switch (event, state) {
        case (.open, _): nil
        case (.note, _): state
        case (.assign, .new): .assigned
        // A resolved ticket may be reopened, so who holds it still matters (and a
        // concurrent-assignee conflict on it can be settled).
        case (.assign, .assigned), (.assign, .inProgress), (.assign, .pending), (.assign, .resolved): state
        case (.start, .new), (.start, .assigned): .inProgress
        case (.pend, .assigned), (.pend, .inProgress): .pending
        case (.resume, .pending): .inProgress
        case (.escalate, _) where state.isOpen: state
        case (.resolve, _) where state.isOpen: .resolved
        case (.cancel, _) where state.isOpen: .cancelled
        case (.close, .resolved): .closed
        case (.reopen, .resolved): .inProgress
        case (.assign, _), (.start, _), (.pend, _), (.resume, _), (.escalate, _), (.resolve, _), (.cancel, _),
             (.close, _), (.reopen, _):
            nil
        }
    }

    /// Folds a timeline in stamp order.
    public static func fold(_ timeline: [TicketEvent]) -> TicketSummary {
        var s = TicketSummary()
        for event in timeline {
            if event.kind == .open {
                if s.openedAt == nil { s.openedAt = event.at; s.applied += 1 } else { s.ignored.append(event) }
                continue
            }
            guard let next = next(s.state, event.kind) else {
                s.ignored.append(event)
                continue
            }
            apply(event, from: s.state, to: next, &s)
            s.state = next
            s.applied += 1
        }
        s.entries = timeline.count
        return s
    }

    private static func apply(_ event: TicketEvent, from state: TicketState, to next: TicketState, _ s: inout TicketSummary) {
        switch event.kind {
        case .assign, .start:
            if s.ownedAt == nil { s.ownedAt = event.at }
        case .note:
            if let expected = event.expectedAt { s.expectedAt = expected }
        case .pend:
            s.pendingSince = event.at
        case .resume:
            s.closePause(at: event.at)
        case .escalate:
            if let level = event.level, level.rank > s.level.rank { s.level = level }
        case .resolve:
            s.closePause(at: event.at)
            s.resolvedAt = event.at
            if s.ownedAt == nil { s.ownedAt = event.at }
        case .cancel:
            s.closePause(at: event.at)
        case .reopen:
            s.resolvedAt = nil
        case .open, .close:
            break
        }
    }
}

/// What the fold says about a ticket: state, level, and the times the SLA needs.
public struct TicketSummary: Hashable, Codable, Sendable {
    public var state: TicketState = .new
    public var level: EscalationLevel = .dutyEngineer
    public var openedAt: Int?
    /// 响应 — first assignment or start.
    public var ownedAt: Int?
    public var resolvedAt: Int?
    /// Set while pending.
    public var pendingSince: Int?
    /// Closed pending spans, `[start, end)`, in minutes since the epoch.
    public var pauses: [[Int]] = []
    /// Latest expected time told to the department (预计完成时间).
    public var expectedAt: Int?
    public var entries = 0
    public var applied = 0
    /// Entries not legal when folded (e.g. an escalation after a concurrent resolve).
    public var ignored: [TicketEvent] = []

    mutating func closePause(at minute: Int) {
        guard let since = pendingSince else { return }
        if minute > since { pauses.append([since, minute]) }
        pendingSince = nil
    }

    /// Pauses as stored: `start-end;start-end`.
    var pausesText: String { pauses.map { "\($0[0])-\($0[1])" }.joined(separator: ";") }

    static func parsePauses(_ text: String) -> [[Int]] {
        text.split(separator: ";").compactMap { span in
            let ends = span.split(separator: "-").compactMap { Int($0) }
            return ends.count == 2 ? ends : nil
        }
    }
}
