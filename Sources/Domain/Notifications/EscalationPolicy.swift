/// 升级策略 — when each level is told about an unacknowledged ticket, per priority.
/// Stored as one replicated register (`notification_policy`), so every campus runs the
/// same timers and a policy never mixes two edits.
public struct EscalationPolicy: Hashable, Codable, Sendable {
    /// Rule per priority ("1" … "4").
    public var rules: [String: EscalationRule]
    /// A node other than the ticket's campus node sends a due notification only when no
    /// delivery record has reached it this many minutes after it fell due.
    public var takeoverMinutes: Int

    public init(rules: [String: EscalationRule], takeoverMinutes: Int) {
        self.rules = rules
        self.takeoverMinutes = takeoverMinutes
    }

    /// The regulation: problems not solved at once go up level by level; the faster,
    /// the more urgent. P1 reaches the chief in 10 minutes and 总值班 in 30.
    public static let standard = EscalationPolicy(rules: [
        "1": EscalationRule(chiefAfterMinutes: 10, officerAfterMinutes: 30, repeatMinutes: 15),
        "2": EscalationRule(chiefAfterMinutes: 30, officerAfterMinutes: 120, repeatMinutes: 60),
        "3": EscalationRule(chiefAfterMinutes: 120, officerAfterMinutes: nil, repeatMinutes: 240),
        "4": EscalationRule(chiefAfterMinutes: 480, officerAfterMinutes: nil, repeatMinutes: nil),
    ], takeoverMinutes: 3)

    /// Longest wait of any timer: a day. A later escalation is no escalation.
    public static let minutesMax = 24 * 60
    /// Shortest repeat: more often would be a storm, not a reminder.
    public static let repeatMinutesMin = 5
    public static let takeoverMinutesRange = 1...60

    public func rule(_ priority: TicketPriority) -> EscalationRule {
        rules[String(priority)] ?? Self.standard.rules[String(priority)] ?? Self.standard.rules["4"]!
    }

    /// Why this policy cannot be used, or nil. Checked when saved and when read (a peer's
    /// value out of bounds falls back to the standard policy, never traps).
    public var problem: String? {
        guard Self.takeoverMinutesRange.contains(takeoverMinutes) else {
            return "takeover delay must be \(Self.takeoverMinutesRange.lowerBound)…\(Self.takeoverMinutesRange.upperBound) minutes"
        }
        for priority in TicketPolicy.prioritiesRange {
            guard let rule = rules[String(priority)] else { return "priority \(priority) has no rule" }
            if let problem = rule.problem { return "priority \(priority): \(problem)" }
        }
        return nil
    }
}

/// The timers of one priority, in minutes after the ticket was opened.
public struct EscalationRule: Hashable, Codable, Sendable {
    /// 科长 after this many minutes without acknowledgement.
    public var chiefAfterMinutes: Int
    /// 总值班 after this many; nil: the chief is the last level for this priority.
    public var officerAfterMinutes: Int?
    /// After the last level, everyone reached so far is reminded this often; nil: no reminders.
    public var repeatMinutes: Int?

    public init(chiefAfterMinutes: Int, officerAfterMinutes: Int?, repeatMinutes: Int?) {
        self.chiefAfterMinutes = chiefAfterMinutes
        self.officerAfterMinutes = officerAfterMinutes
        self.repeatMinutes = repeatMinutes
    }

    var problem: String? {
        let range = 1...EscalationPolicy.minutesMax
        guard range.contains(chiefAfterMinutes) else { return "section chief delay must be 1…\(EscalationPolicy.minutesMax) minutes" }
        if let officer = officerAfterMinutes {
            guard range.contains(officer), officer > chiefAfterMinutes else {
                return "general duty officer delay must be after the chief's and at most \(EscalationPolicy.minutesMax) minutes"
            }
        }
        if let repeatMinutes, !(EscalationPolicy.repeatMinutesMin...EscalationPolicy.minutesMax).contains(repeatMinutes) {
            return "repeat interval must be \(EscalationPolicy.repeatMinutesMin)…\(EscalationPolicy.minutesMax) minutes"
        }
        return nil
    }
}
