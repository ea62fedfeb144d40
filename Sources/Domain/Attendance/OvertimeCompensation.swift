/// 加班补偿 — how approved overtime is made good: 调休 (hours off later) or 加班费 (paid).
/// The raw values are stored in the replica (`overtime_request.compensation`): never
/// rename one.
public enum OvertimeCompensation: String, Hashable, Codable, Sendable, CaseIterable {
    /// 调休 — hours off in lieu, the hospital's usual way.
    case timeOff = "time_off"
    /// 加班费 — paid.
    case pay

    /// What a row says when it carries none (a node from before the field, or a value this
    /// node does not know): 调休, which claims no money. Replicated data is input.
    public static let unstated = OvertimeCompensation.timeOff

    public static func stored(_ text: String?) -> OvertimeCompensation {
        text.flatMap(OvertimeCompensation.init(rawValue:)) ?? unstated
    }

    public var chineseName: String {
        switch self {
        case .timeOff: "调休"
        case .pay: "加班费"
        }
    }
}
