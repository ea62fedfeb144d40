/// SLA 状态 — derived on read from the replicated facts (the folded timeline) and the
/// `now` of the reader; never written, so no two nodes race to record a breach.
public struct SLAStatus: Hashable, Codable, Sendable {
    public enum State: String, Hashable, Codable, Sendable, CaseIterable {
        /// 正常
        case onTrack = "on_track"
        /// 临近超时 — past `atRiskFraction` of a target.
        case atRisk = "at_risk"
        /// 响应超时
        case ownBreached = "own_breached"
        /// 解决超时
        case resolveBreached = "resolve_breached"
        /// 已达成 — resolved within target; 超时解决 is `resolveBreached`.
        case met

        public var chineseName: String {
            switch self {
            case .onTrack: "正常"
            case .atRisk: "临近超时"
            case .ownBreached: "响应超时"
            case .resolveBreached: "解决超时"
            case .met: "已达成"
            }
        }
    }

    public let state: State
    public let paused: Bool
    public let ownMinutes: Int
    public let resolveMinutes: Int
    public let target: SLATarget
    /// 应升级 — the level a breach calls for when the ticket is below it, else nil.
    public let escalationDue: EscalationLevel?

    /// A target past this share of its time is at risk.
    public static let atRiskFraction = 0.75

    public static func evaluate(_ s: TicketSummary, target: SLATarget, now: Int, minutes: SLAMinutes) -> SLAStatus {
        let opened = s.openedAt ?? now
        let end = s.resolvedAt ?? now
        let own = minutes.running(target.clock, from: opened, to: s.ownedAt ?? end, pauses: s.pauses,
                                  pendingSince: s.ownedAt == nil ? s.pendingSince : nil)
        let resolve = minutes.running(target.clock, from: opened, to: end, pauses: s.pauses,
                                      pendingSince: s.resolvedAt == nil ? s.pendingSince : nil)
        let ownBreached = own > target.ownMinutes
        let resolveBreached = resolve > target.resolveMinutes
        let state: State
        if resolveBreached { state = .resolveBreached }
        else if ownBreached { state = .ownBreached }
        else if !s.state.isOpen { state = .met }
        else if Double(resolve) >= Double(target.resolveMinutes) * atRiskFraction
                    || (s.ownedAt == nil && Double(own) >= Double(target.ownMinutes) * atRiskFraction) { state = .atRisk }
        else { state = .onTrack }
        // A breach calls the chief; twice the resolve target calls the general duty officer.
        var wanted: EscalationLevel?
        if s.state.isOpen {
            if resolve > target.resolveMinutes.multipliedSaturated(by: 2) { wanted = .generalDutyOfficer }
            else if ownBreached || resolveBreached { wanted = .sectionChief }
        }
        let due = wanted.flatMap { $0.rank > s.level.rank ? $0 : nil }
        return SLAStatus(state: state, paused: s.pendingSince != nil && s.state == .pending, ownMinutes: own,
                         resolveMinutes: resolve, target: target, escalationDue: due)
    }
}
