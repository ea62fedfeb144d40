/// 通知计划 — which notifications are due at `now`, derived only from replicated facts
/// (the ticket, the roster, the policy) and `now`. Every node computes the same list, so
/// every node agrees on what is due; who sends it is `SenderRule`'s question.
public enum EscalationPlan {
    /// Reminders after the last level, at most: a ticket nobody acknowledges for days
    /// does not page forever (the chief sees it on the dashboard instead).
    public static let repeatsMax = 8

    /// The facts of one ticket the plan needs, read from the merged replica.
    public struct TicketFacts: Hashable, Sendable {
        public let id: String
        public let number: String
        public let campus: CampusCode
        public let priority: TicketPriority
        public let major: Bool
        public let openedAt: Int
        /// 认领 — the first start, pend, resolve or cancel; nil while nobody has taken it.
        public let acknowledgedAt: Int?
        public let isOpen: Bool
        public let title: String

        public init(id: String, number: String, campus: CampusCode, priority: TicketPriority, major: Bool, openedAt: Int,
                    acknowledgedAt: Int?, isOpen: Bool, title: String) {
            self.id = id
            self.number = number
            self.campus = campus
            self.priority = priority
            self.major = major
            self.openedAt = openedAt
            self.acknowledgedAt = acknowledgedAt
            self.isOpen = isOpen
            self.title = title
        }

        public init(_ ticket: Ticket) {
            self.init(id: ticket.id, number: ticket.number, campus: ticket.campus, priority: ticket.priority, major: ticket.intake.major,
                      openedAt: ticket.summary.openedAt ?? 0, acknowledgedAt: Self.acknowledgement(ticket.timeline),
                      isOpen: ticket.state.isOpen, title: Self.oneLine(ticket.intake.description, max: 80))
        }

        /// A description's first `max` characters on one line: it becomes a mail subject,
        /// where a line break would be a header of its own.
        static func oneLine(_ text: String, max: Int) -> String {
            String(String(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : Character($0) }).prefix(max))
        }

        /// Taking the ticket in hand is the acknowledgement; an assignment by the roster
        /// is not (nobody has seen it yet), a note or a manual escalation neither.
        public static func acknowledgement(_ timeline: [TicketEvent]) -> Int? {
            timeline.first { [.start, .pend, .resolve, .cancel, .close].contains($0.kind) }?.at
        }
    }

    /// Timed steps of a ticket: step 0 at opening, then each level, then reminders.
    public struct Step: Hashable, Sendable {
        public let index: Int
        public let dueAt: Int
        /// The levels told at this step (all three at once for a major incident).
        public let levels: [EscalationLevel]
        /// A reminder after the last level (not a level of its own).
        public var reminder = false
    }

    public static func steps(_ t: TicketFacts, rule: EscalationRule) -> [Step] {
        if t.major {
            let all = EscalationLevel.allCases
            return [Step(index: 0, dueAt: t.openedAt, levels: all)] + reminders(after: t.openedAt, from: 1, levels: all, rule: rule)
        }
        var steps = [Step(index: 0, dueAt: t.openedAt, levels: [.dutyEngineer]),
                     Step(index: 1, dueAt: t.openedAt + rule.chiefAfterMinutes, levels: [.sectionChief])]
        var reached: [EscalationLevel] = [.dutyEngineer, .sectionChief]
        if let officer = rule.officerAfterMinutes {
            steps.append(Step(index: 2, dueAt: t.openedAt + officer, levels: [.generalDutyOfficer]))
            reached.append(.generalDutyOfficer)
        }
        return steps + reminders(after: steps.last!.dueAt, from: steps.count, levels: reached, rule: rule)
    }

    private static func reminders(after last: Int, from index: Int, levels: [EscalationLevel], rule: EscalationRule) -> [Step] {
        guard let every = rule.repeatMinutes else { return [] }
        return (1...repeatsMax).map { Step(index: index + $0 - 1, dueAt: last + $0 * every, levels: levels, reminder: true) }
    }

    /// Notifications due at `now`: steps whose time has come before any acknowledgement,
    /// each to every contact of its levels. A level with nobody (an uncovered post, a
    /// chief on leave) passes its step on to the next level up, so nobody is skipped
    /// silently and the step still reaches someone.
    public static func due(_ tickets: [TicketFacts], recipients: (TicketFacts) -> [EscalationLevel: [Recipient]],
                           policy: EscalationPolicy, now: Int) -> [DueNotification] {
        tickets.filter(\.isOpen).flatMap { t -> [DueNotification] in
            let chain = recipients(t)
            let passed = steps(t, rule: policy.rule(t.priority))
                .filter { step in step.dueAt <= now && t.acknowledgedAt.map { ack in step.dueAt < ack } ?? true }
            // Of the reminders only the newest is due: a node that comes back after hours (or
            // starts on old tickets) sends one reminder, not every one it missed.
            let newestReminder = passed.last(where: \.reminder)?.index
            return passed.filter { !$0.reminder || $0.index == newestReminder }
                .flatMap { step in
                    let told = step.levels.flatMap { level in reachable(level, chain).map { (level: $0.level, recipient: $0.recipient) } }
                    var seen = Set<String>()
                    return told.filter { seen.insert($0.recipient.id).inserted }.map { item in
                        DueNotification(subject: .ticket(id: t.id, number: t.number), campus: t.campus, step: step.index,
                                        level: item.level, recipient: item.recipient, dueAt: step.dueAt,
                                        urgent: t.major || t.priority == TicketPolicy.prioritiesRange.lowerBound,
                                        title: title(t, step: step, level: item.level))
                    }
                }
        }
    }

    private static func reachable(_ level: EscalationLevel, _ chain: [EscalationLevel: [Recipient]]) -> [(level: EscalationLevel, recipient: Recipient)] {
        for candidate in EscalationLevel.allCases where candidate.rank >= level.rank {
            let people = chain[candidate] ?? []
            if !people.isEmpty { return people.map { (candidate, $0) } }
        }
        return []
    }

    static func title(_ t: TicketFacts, step: Step, level: EscalationLevel) -> String {
        let head = t.major ? "【重大事件】" : "【P\(t.priority)】"
        let why = step.index == 0 ? "新工单" : "\(step.dueAt - t.openedAt) 分钟未认领，通知\(level.chineseName)"
        return "\(head)\(t.number) \(why)：\(t.title)"
    }
}

/// Someone a notification goes to: a member of staff (by staff number), or the
/// campus's general duty officer, who may be no account at all (a name and a phone).
public struct Recipient: Hashable, Codable, Sendable {
    /// Staff number, or `officer:<campus>` for 总值班.
    public let id: String
    public let name: String
    public let phone: String

    public init(id: String, name: String, phone: String) {
        self.id = id
        self.name = name
        self.phone = phone
    }
}

/// What a notification is about.
public enum NotificationSubject: Hashable, Codable, Sendable {
    case ticket(id: String, number: String)

    /// The stable part of the idempotency key.
    public var key: String {
        switch self {
        case let .ticket(id, _): "ticket:\(id)"
        }
    }
}

/// One notification that is due: the same value on every node that holds the same facts.
public struct DueNotification: Hashable, Codable, Sendable {
    public let subject: NotificationSubject
    public let campus: CampusCode
    public let step: Int
    public let level: EscalationLevel
    public let recipient: Recipient
    public let dueAt: Int
    /// P1 or a major incident: quiet hours never hold it back.
    public let urgent: Bool
    public let title: String

    /// 幂等键 — (subject, step, recipient). Deterministic, so two nodes sending the same
    /// notification send the same key and write the same delivery row.
    public var key: String { "\(subject.key)/step:\(step)/to:\(recipient.id)" }
}
