/// 处理过程 — one entry of a ticket's append-only timeline. Every change of state is
/// an entry; the state is what `TicketFlow` folds from them.
public struct TicketEvent: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        /// 登记
        case open
        /// 派单 / 改派
        case assign
        /// 开始处理
        case start
        /// 进展 — a progress note told to the department, with an expected time.
        case note
        /// 挂起
        case pend
        /// 恢复处理
        case resume
        /// 升级 — with the workaround (过渡方案) given to the department.
        case escalate
        /// 解决 — with root cause and improvement (问题总结与改进).
        case resolve
        /// 关闭
        case close
        /// 重新打开
        case reopen
        /// 取消
        case cancel
    }

    public let kind: Kind
    /// Staff number of who acted.
    public let by: String
    /// Local minutes since the epoch (the `now` the command was given).
    public let at: Int
    public var assignee: String?
    public var text: String?
    public var expectedAt: Int?
    public var reason: PendingReason?
    public var level: EscalationLevel?
    public var workaround: String?
    public var rootCause: String?
    public var improvement: String?
    /// Set on the note that marks the ticket a major incident (重大故障) after intake
    /// (`markMajorIncident`); an older node decodes the entry as a plain 进展.
    public var majorIncident: Bool?

    public init(_ kind: Kind, by: PersonID, at: LocalDateTime) {
        self.kind = kind
        self.by = by.rawValue
        self.at = at.minutesSinceEpoch
    }

    public var time: LocalDateTime { LocalDateTime(minutesSinceEpoch: at) }
}

extension EscalationLevel {
    /// 0 engineer, 1 chief, 2 general duty officer: escalation only goes up.
    public var rank: Int {
        switch self {
        case .dutyEngineer: 0
        case .sectionChief: 1
        case .generalDutyOfficer: 2
        }
    }
}
