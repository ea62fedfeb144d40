/// 院区 — a campus: its code prefixes human-facing numbers; its rest rules and shift
/// set drive roster generation; its general duty officer ends the escalation chain.
public struct Campus: Hashable, Codable, Sendable {
    public var code: CampusCode
    public var name: String
    /// 总值班 — the hospital's general duty officer reachable from this campus.
    public var generalDutyOfficer: String
    public var generalDutyPhone: String
    public var shiftSet: ShiftSet
    public var rest: RestRules
    /// 每班人数
    public var headcount: Int

    /// Which shift templates the campus works (`ShiftTemplate.standardSet` or `threeShiftSet`).
    public enum ShiftSet: String, Hashable, Codable, Sendable, CaseIterable {
        case standard
        case threeShift = "three-shift"

        public var templates: [ShiftTemplate] {
            switch self {
            case .standard: ShiftTemplate.standardSet
            case .threeShift: ShiftTemplate.threeShiftSet
            }
        }
    }

    public init(code: CampusCode, name: String, generalDutyOfficer: String = "", generalDutyPhone: String = "",
                shiftSet: ShiftSet = .standard, rest: RestRules = .standard, headcount: Int = 1) {
        self.code = code
        self.name = name
        self.generalDutyOfficer = generalDutyOfficer
        self.generalDutyPhone = generalDutyPhone
        self.shiftSet = shiftSet
        self.rest = rest
        self.headcount = headcount
    }

    /// The campus's rostering policy over its posts.
    public func policy(posts: [Post]) -> CampusRosterPolicy {
        CampusRosterPolicy(campus: code, posts: posts, templates: shiftSet.templates, headcount: headcount, rest: rest)
    }
}
