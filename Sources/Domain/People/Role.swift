/// 角色 — what a person may do. Granted per campus (or for every campus); checked by
/// every command (`Permissions`). Raw values are stored in the replica: never rename one.
public enum Role: String, Hashable, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// 科长 — approves rosters, swaps, leave and overtime; overrides the roster.
    case sectionChief = "section_chief"
    /// 工程师 — is rostered, requests swaps, leave and overtime, signs handovers.
    case engineer
    /// 值班工程师 — engineer who takes duty calls; first step of the escalation chain.
    case dutyEngineer = "duty_engineer"
    /// 考勤员 — sees approved swaps, leave and overtime; records attendance for others.
    case attendanceClerk = "attendance_clerk"
    /// 科室报修人 — department staff who report problems (tickets).
    case requester
    /// 中心查看 — read-only, every campus.
    case centralViewer = "central_viewer"
    /// 管理员 — manages people, roles, campuses, posts, keys.
    case administrator
    /// 科室主任 — head of a clinical department: first approval of its purchase requests.
    case departmentHead = "department_head"

    public var chineseName: String {
        switch self {
        case .sectionChief: "科长"
        case .engineer: "工程师"
        case .dutyEngineer: "值班工程师"
        case .attendanceClerk: "考勤员"
        case .requester: "科室报修人"
        case .centralViewer: "中心查看"
        case .administrator: "管理员"
        case .departmentHead: "科室主任"
        }
    }

    public var description: String { "\(chineseName) (\(rawValue))" }
}

/// Where a role applies: one campus, or all of them.
public enum RoleScope: Hashable, Codable, Sendable, CustomStringConvertible {
    case campus(CampusCode)
    case allCampuses

    public func covers(_ campus: CampusCode) -> Bool {
        switch self {
        case .allCampuses: true
        case .campus(let code): code == campus
        }
    }

    public var description: String {
        switch self {
        case .allCampuses: "*"
        case .campus(let code): code.rawValue
        }
    }
}

/// 授权 — one role in one scope, stored as the set element `role@CAMPUS` / `role@*`.
public struct RoleGrant: Hashable, Codable, Sendable, CustomStringConvertible {
    public let role: Role
    public let scope: RoleScope

    public init(_ role: Role, _ scope: RoleScope) {
        self.role = role
        self.scope = scope
    }

    public var element: String { "\(role.rawValue)@\(scope)" }
    public var description: String { element }

    /// Nil for an element written by a newer version (an unknown role grants nothing).
    public init?(element: String) {
        let parts = element.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, let role = Role(rawValue: parts[0]), !parts[1].isEmpty else { return nil }
        self.role = role
        self.scope = parts[1] == "*" ? .allCampuses : .campus(CampusCode(parts[1]))
    }
}
