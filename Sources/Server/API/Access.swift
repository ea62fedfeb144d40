import Domain

/// Who may read what, and the server's gate in front of the domain's own role checks.
///
/// The domain checks every write precisely (the chief of *that* campus, the holder of
/// *that* seat). In front of it the server adds what the domain leaves open:
/// - roster, attendance, handover and duty-log writes are for 信息科 staff only
///   (`departmentRoles`): a 科室报修人 or a 中心查看 gets 403 `not_department_staff`;
/// - a write naming a campus needs a department role *at that campus*: 403 `outside_campus`;
/// - lists show everything of a campus only to those who oversee it (`overseesCampus`),
///   and otherwise only the caller's own items.
enum Access {
    /// 信息科 roles: rostered, filing requests, signing attendance and handovers, or running them.
    static let departmentRoles: [Role] = [.sectionChief, .engineer, .dutyEngineer, .attendanceClerk, .administrator]
    /// Roles that see every item of a campus (the chief approves, the clerk keeps attendance,
    /// the central viewer and the administrator see everything read-only or manage).
    static let overseeingRoles: [Role] = [.sectionChief, .attendanceClerk, .centralViewer, .administrator]

    static func isDepartmentStaff(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { departmentRoles.contains($0.role) }
    }

    static func requireDepartmentStaff(_ user: SignedIn, to action: String) throws {
        guard isDepartmentStaff(user) else {
            throw APIError(.forbidden, "not_department_staff",
                           "\(user.person) may not \(action): that needs a role of the IT department (科长, 工程师, 值班工程师, 考勤员 or 管理员)")
        }
    }

    static func requireCampus(_ user: SignedIn, _ campus: CampusCode, to action: String) throws {
        try requireDepartmentStaff(user, to: action)
        guard departmentRoles.contains(where: { user.staff.holds($0, at: campus) }) else {
            throw APIError(.forbidden, "outside_campus", "\(user.person) may not \(action) at campus \(campus): no role there")
        }
    }

    static func overseesCampus(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        overseeingRoles.contains { user.staff.holds($0, at: campus) }
    }

    /// Any role at the campus, or a role for every campus.
    static func canRead(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        Role.allCases.contains { user.staff.holds($0, at: campus) }
    }

    static func requireRead(_ user: SignedIn, _ campus: CampusCode) throws {
        guard canRead(user, campus) else {
            throw APIError(.forbidden, "outside_campus", "\(user.person) has no role at campus \(campus)")
        }
    }

    /// Whether the user may see the storage layer's raw conflicts (every campus's rows).
    static func seesEveryCampus(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { $0.scope == .allCampuses && overseeingRoles.contains($0.role) }
    }
}
