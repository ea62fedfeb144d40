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

    /// 管理: an administrator of some campus (the domain checks which campus each write needs).
    static func administers(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { $0.role == .administrator }
    }

    static func requireAdministrator(_ user: SignedIn) throws {
        guard administers(user) else {
            throw APIError(.forbidden, "admin_only", "\(user.person) may not use the administration pages: that needs 管理员 (administrator)")
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

    // MARK: tickets (问题处理)

    /// Roles that work tickets: the domain lets them act on any ticket of their campus.
    static let ticketHandlers: [Role] = [.sectionChief, .engineer, .dutyEngineer]
    /// Roles that may report a problem at a campus (the domain's rule for `openTicket`).
    static let ticketReporters: [Role] = [.requester, .engineer, .dutyEngineer, .sectionChief]
    /// Roles that see every ticket of a campus; the others (科室报修人, 科室主任) follow their own.
    static let ticketOverseers: [Role] = departmentRoles + [.centralViewer]

    static func seesAllTickets(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        ticketOverseers.contains { user.staff.holds($0, at: campus) }
    }

    static func handlesTickets(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        ticketHandlers.contains { user.staff.holds($0, at: campus) }
    }

    /// Whether `user` opened `ticket` (the first timeline entry is theirs).
    static func opened(_ user: SignedIn, _ ticket: Ticket) -> Bool {
        ticket.timeline.first { $0.kind == .open }?.by == user.person.rawValue
    }

    /// Reading one ticket: a role at its campus, and — for those who follow only their
    /// own — having opened it.
    static func requireTicketRead(_ user: SignedIn, _ ticket: Ticket) throws {
        try requireRead(user, ticket.campus)
        guard seesAllTickets(user, ticket.campus) || opened(user, ticket) else {
            throw APIError(.forbidden, "not_your_ticket", "\(user.person) follows only the tickets they reported; \(ticket.number) is not one")
        }
    }

    /// Acting on one ticket. The domain checks the role per action; in front of it: a
    /// role at the ticket's campus (403 `outside_campus`), and a 科室报修人 only on the
    /// tickets they reported (the domain alone would let them close any of the campus).
    static func requireTicketWrite(_ user: SignedIn, _ ticket: Ticket, to action: String) throws {
        guard canRead(user, ticket.campus) else {
            throw APIError(.forbidden, "outside_campus", "\(user.person) may not \(action) ticket \(ticket.number) of campus \(ticket.campus): no role there")
        }
        if !handlesTickets(user, ticket.campus), user.staff.holds(.requester, at: ticket.campus), !opened(user, ticket) {
            throw APIError(.forbidden, "not_your_ticket", "\(user.person) may \(action) only the tickets they reported; \(ticket.number) is not one")
        }
    }

    /// Campuses where `user` may report a problem (the new-ticket form's choices).
    static func reportingCampuses(_ user: SignedIn, among campuses: [CampusCode]) -> [CampusCode] {
        campuses.filter { campus in ticketReporters.contains { user.staff.holds($0, at: campus) } }
    }

    /// A write naming a campus that is not about 信息科 work (tickets, approvals): some
    /// role there, else 403 `outside_campus`. The domain then checks the exact role.
    static func requireAnyRole(_ user: SignedIn, _ campus: CampusCode, to action: String) throws {
        guard canRead(user, campus) else {
            throw APIError(.forbidden, "outside_campus", "\(user.person) may not \(action) at campus \(campus): no role there")
        }
    }

    /// Approvals of a campus seen in full: every role there but the 科室报修人, who sees their own.
    static func seesAllApprovals(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        Role.allCases.filter { $0 != .requester }.contains { user.staff.holds($0, at: campus) }
    }
}
