/// 星期 — ISO order, Monday first.
public enum Weekday: Int, CaseIterable, Hashable, Codable, Sendable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 周末 — Saturday and Sunday, before the holiday calendar's make-up days apply.
    public var isWeekend: Bool {
        switch self {
        case .saturday, .sunday: return true
        case .monday, .tuesday, .wednesday, .thursday, .friday: return false
        }
    }

    /// 周一…周日, as written in the State Council's notices.
    public var chineseName: String {
        switch self {
        case .monday: return "周一"
        case .tuesday: return "周二"
        case .wednesday: return "周三"
        case .thursday: return "周四"
        case .friday: return "周五"
        case .saturday: return "周六"
        case .sunday: return "周日"
        }
    }
}
