/// 假别 — the kind of a leave request, as the hospital's leave rules name them. The raw
/// values are stored in the replica (`leave_request.kind`): never rename one.
public enum LeaveKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// 年假
    case annual
    /// 病假
    case sick
    /// 事假
    case personal
    /// 婚假
    case marriage
    /// 产假
    case maternity
    /// 陪产假
    case paternity
    /// 丧假
    case bereavement
    /// 调休 — time off in lieu of overtime or holiday duty.
    case timeOffInLieu = "time_off_in_lieu"

    /// What a row says when it carries no kind — written by a node from before the
    /// column, or by a newer one with a kind this one does not know: 事假, the kind that
    /// claims no entitlement. Replicated data is input; it never traps.
    public static let unstated = LeaveKind.personal

    /// The kind a stored value names, `unstated` for NULL or anything unknown.
    public static func stored(_ text: String?) -> LeaveKind {
        text.flatMap(LeaveKind.init(rawValue:)) ?? unstated
    }

    public var chineseName: String {
        switch self {
        case .annual: "年假"
        case .sick: "病假"
        case .personal: "事假"
        case .marriage: "婚假"
        case .maternity: "产假"
        case .paternity: "陪产假"
        case .bereavement: "丧假"
        case .timeOffInLieu: "调休"
        }
    }
}
