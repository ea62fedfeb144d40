/// 日类型 — how the holiday calendar classifies a date; shift templates apply per type.
public enum DayType: String, CaseIterable, Hashable, Codable, Sendable {
    /// 工作日 — Monday to Friday, and make-up working days (调休上班) on a weekend.
    case workday
    /// 周末 — Saturday or Sunday that is neither a holiday nor a make-up working day.
    case weekend
    /// 节假日 — a public holiday (法定节假日) or a day off moved into the holiday (调休放假).
    case holiday

    public var chineseName: String {
        switch self {
        case .workday: return "工作日"
        case .weekend: return "周末"
        case .holiday: return "节假日"
        }
    }
}
