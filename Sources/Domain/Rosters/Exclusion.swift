/// Why a person may not take a slot — the hard rules, in the order they are tried.
/// The generator aggregates these to explain a slot it could not fill.
public enum Exclusion: Hashable, Comparable, Sendable {
    /// On another campus's roster.
    case otherCampus
    /// 未授权岗位 — the chief has not allowed this person on this post.
    case postNotHeld
    /// 缺少技能 — lacks a skill the post requires.
    case missingSkill(Skill)
    /// 请假 — on approved leave.
    case onLeave
    /// Already has the maximum number of shifts on this duty date.
    case shiftsPerDayReached
    /// 时间冲突 — already on a shift at the same time.
    case overlap
    /// Would have less than the minimum rest before or after another shift.
    case restTooShort
    /// 夜班后休息 — would start a day shift on the rest day after a night.
    case noRestDayAfterNight

    /// Plural phrase for an aggregated count: "3 on leave", "2 lack skill 网络安全".
    func phrase(count: Int, rules: RestRules) -> String {
        switch self {
        case .otherCampus: return "\(count) on another campus"
        case .postNotHeld: return "\(count) not assigned to the post"
        case .missingSkill(let skill): return "\(count) lack skill \(skill)"
        case .onLeave: return "\(count) on leave"
        case .shiftsPerDayReached: return "\(count) already on \(rules.shiftsPerDayMax) shift(s) that day"
        case .overlap: return "\(count) already on an overlapping shift"
        case .restTooShort: return "\(count) would break \(Self.hours(rules.minimumRestMinutes)) rest"
        case .noRestDayAfterNight: return "\(count) need their rest day after a night"
        }
    }

    static func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }
}
