import Domain
import HTTPTypes
import Logging
import Hummingbird
import NIOCore

/// 值班日历 — my shifts as iCalendar: downloaded with the session, or subscribed to by a
/// calendar app with a revocable token (`CalendarTokens`) that authenticates that one
/// route and nothing else.
extension APIRoutes {
    struct CalendarTokenView: Codable, Sendable {
        let token: String
        /// The subscription path on this node (`/calendar/{token}.ics`).
        let path: String
        let createdAt: String
    }

    struct CalendarTokenStateView: Codable, Sendable {
        /// When the current token was made on this node, or null: none.
        let createdAt: String?
    }

    /// Months a calendar covers: the one before (recent shifts), this one and the next.
    static let calendarMonths = -1...1

    func registerCalendar(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/calendar") { _, context in
            let user = try context.activeUser()
            return try calendarResponse(for: user.staff, attachment: true)
        }
        router.get("/api/calendar/token") { _, context in
            let user = try context.activeUser()
            let at = calendarTokens.issuedAt(username: user.username).map { LocalDateTime(minutesSinceEpoch: $0).description }
            return try JSONResponse.make(CalendarTokenStateView(createdAt: at))
        }
        router.post("/api/calendar/token") { request, context in
            let user = try context.activeUser()
            try await StrictJSON.decodeEmpty(from: request)
            let token = try issueCalendarToken(user, logger: context.logger)
            return try JSONResponse.make(CalendarTokenView(token: token, path: Self.calendarPath(token), createdAt: now.description),
                                         status: .created)
        }
        router.delete("/api/calendar/token") { _, context in
            let user = try context.activeUser()
            try revokeCalendarToken(user, logger: context.logger)
            return JSONResponse.noContent()
        }
        // The subscription: the token alone authenticates (no session, no cookie).
        router.get("/calendar/{file}") { _, context in
            let file = try context.parameters.require("file")
            let token = file.hasSuffix(".ics") ? String(file.dropLast(4)) : file
            guard let username = calendarTokens.username(for: token), let account = try department.account(username: username),
                  !account.disabled, let staff = try department.person(account.person), staff.active else {
                throw APIError(.notFound, "unknown_calendar", "no such calendar: the subscription link was replaced or revoked")
            }
            context.logger.info("calendar served", metadata: ["username": "\(username)"])
            return try calendarResponse(for: staff, attachment: false)
        }
    }

    static func calendarPath(_ token: String) -> String { "/calendar/\(token).ics" }

    func issueCalendarToken(_ user: SignedIn, logger: Logger) throws -> String {
        try Access.requireDepartmentStaff(user, to: "subscribe to a duty calendar")
        let token = try calendarTokens.issue(username: user.username, at: now.minutesSinceEpoch)
        logger.notice("calendar token issued (the previous one, if any, revoked)", metadata: ["username": "\(user.username)"])
        return token
    }

    func revokeCalendarToken(_ user: SignedIn, logger: Logger) throws {
        try calendarTokens.revoke(username: user.username)
        logger.notice("calendar token revoked", metadata: ["username": "\(user.username)"])
    }

    /// `staff`'s shifts at their campus over `calendarMonths`, as `text/calendar`.
    func calendarResponse(for staff: StaffMember, attachment: Bool) throws -> Response {
        guard staff.roles.contains(where: { Access.departmentRoles.contains($0.role) }) else {
            throw APIError(.forbidden, "not_department_staff", "\(staff.id) stands no duty: no calendar")
        }
        let month = LocalMonth(containing: now.date)
        var rosters: [Roster] = []
        var policy: CampusRosterPolicy?
        var people: [Person] = []
        for offset in Self.calendarMonths {
            let shifted = offset < 0 ? LocalMonth(containing: month.firstDay.adding(days: -1))
                : offset > 0 ? LocalMonth(containing: month.firstDay.adding(days: month.dayCount)) : month
            let value = try department.rosterValue(campus: staff.campus, month: shifted)
            rosters.append(value.roster)
            policy = policy ?? value.policy
            people = value.people
        }
        guard let policy else { preconditionFailure("calendarMonths is not empty") }
        let text = RosterICalendar.personCalendar(rosters, person: staff.id, people: people, policy: policy, generatedAt: now)
        var headers: HTTPFields = [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store"]
        if attachment { headers[.contentDisposition] = "attachment; filename=\"duty-\(staff.id).ics\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
