import Domain
import HTTPTypes
import Hummingbird

/// 问题处理: open, list, show, every step of the state machine, the SLA report, the
/// chart figures and the items to resolve — what `meshdesk ticket …` does, with the
/// domain's rules. A 科室报修人 sees and acts on only the tickets they reported.
extension APIRoutes {
    /// Most tickets one list answers (per campus), so one request cannot read them all.
    static let ticketsListMax = 500

    /// `POST /api/tickets`: the CLI's `ticket open` options, plus `title` (the first line
    /// of the description) and `priority` (picks urgency × impact from the policy).
    struct OpenTicketBody: StrictBody {
        static let fields: Set<String> = ["campus", "title", "description", "reporter", "phone", "department", "location", "category",
                                          "channel", "urgency", "impact", "priority", "major", "post", "assets"]
        let campus: String
        let title: String?
        let description: String?
        let reporter: String?
        let phone: String?
        let department: String?
        let location: String?
        let category: String?
        let channel: String?
        let urgency: String?
        let impact: String?
        let priority: Int?
        let major: Bool?
        let post: String?
        let assets: [String]?
    }

    /// One body for every action; each action names the fields it takes
    /// (`ticketActionFields`) and any other is 400 `unknown_field`.
    struct TicketActionBody: StrictBody {
        static let fields: Set<String> = ["to", "text", "expected", "reason", "level", "workaround", "rootCause", "improvement",
                                          "solution", "asset"]
        let to, text, expected, reason, level, workaround, rootCause, improvement, solution, asset: String?

        var given: Set<String> {
            let all: [(String, String?)] = [("to", to), ("text", text), ("expected", expected), ("reason", reason), ("level", level),
                                            ("workaround", workaround), ("rootCause", rootCause), ("improvement", improvement),
                                            ("solution", solution), ("asset", asset)]
            return Set(all.compactMap { $0.1 == nil ? nil : $0.0 })
        }

        static let empty = TicketActionBody(to: nil, text: nil, expected: nil, reason: nil, level: nil, workaround: nil, rootCause: nil,
                                            improvement: nil, solution: nil, asset: nil)
    }

    static let ticketActionFields: [String: Set<String>] = [
        "assign": ["to"], "start": [], "note": ["text", "expected"], "comment": ["text", "expected"], "pend": ["reason", "text"],
        "resume": [], "escalate": ["level", "workaround"], "resolve": ["rootCause", "improvement", "solution"], "close": [],
        "reopen": ["text"], "cancel": ["text"], "link": ["asset"], "workaround": ["workaround"], "major": ["text"],
    ]

    func registerTickets(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/tickets") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request)
            let openOnly = try Parse.flag(request, "open") ?? false
            let limit = try Parse.integer(request, "limit", default: 50, in: 1...Self.ticketsListMax)
            let variant = "\(ViewScope.of(user, campuses: campuses))|\(campuses.map(\.rawValue))|open=\(openOnly)|limit=\(limit)"
            return try await cachedAnswer("api.tickets", reads: ViewReads.tickets, session: user.session.token, variant: variant) {
                let tickets = try visibleTickets(user, campuses: campuses, openOnly: openOnly, limit: limit)
                let slas = try department.slas(of: tickets, at: now)
                return zip(tickets, slas).map { TicketView($0, sla: $1, withTimeline: false) }
            }
        }
        router.post("/api/tickets") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(OpenTicketBody.self, from: request)
            let intake = try ticketIntake(body, user: user)
            let opened = try department.openTicket(intake, by: acting)
            return try JSONResponse.make(OpenedTicketView(opened), status: .created)
        }
        router.get("/api/tickets/report") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request).filter { Access.seesAllTickets(user, $0) }
            let report = try department.openTicketReport(campus: campuses.count == 1 ? campuses[0] : nil, at: now)
            return try JSONResponse.make(TicketReportView(report, campuses: Set(campuses.map(\.rawValue))))
        }
        router.get("/api/tickets/statistics") { request, context in
            let user = try context.activeUser()
            let days = try Parse.integer(request, "days", default: 30, in: 1...Department.ticketStatisticsDaysMax)
            let campuses = Set(try visibleCampuses(user, request).filter { Access.seesAllTickets(user, $0) }.map(\.rawValue))
            return try JSONResponse.make(try ticketStatistics(days: days, campuses: campuses))
        }
        router.get("/api/tickets/problems") { request, context in
            let user = try context.activeUser()
            let campuses = Set(try visibleCampuses(user, request).filter { Access.seesAllTickets(user, $0) }.map(\.rawValue))
            return try JSONResponse.make(try department.ticketProblems().map(TicketProblemView.init).filter { campuses.contains($0.campus) })
        }
        router.get("/api/tickets/{number}") { _, context in
            let user = try context.activeUser()
            let ticket = try department.ticket(context.parameters.require("number"))
            try Access.requireTicketRead(user, ticket)
            return try JSONResponse.make(TicketView(ticket, sla: try department.sla(of: ticket, at: now), withTimeline: true))
        }
        router.post("/api/tickets/{number}/{action}") { request, context in
            let (user, acting) = try acting(context)
            let number = try context.parameters.require("number")
            let action = try context.parameters.require("action")
            guard Self.ticketActionFields[action] != nil else {
                throw APIError(.notFound, "not_found", "no ticket action \(action): \(Self.ticketActionFields.keys.sorted().joined(separator: ", "))")
            }
            let body = try await Self.readTicketAction(request)
            let ticket = try ticketAction(number, action, body, user: user, acting: acting)
            return try JSONResponse.make(TicketView(ticket, sla: try department.sla(of: ticket, at: now), withTimeline: true))
        }
    }

    /// The action's body: none, `{}`, or only the fields the action takes.
    static func readTicketAction(_ request: Request) async throws -> TicketActionBody {
        try await StrictJSON.decodeIfPresent(TicketActionBody.self, from: request) ?? .empty
    }

    /// Runs one ticket action as `user`: the server's gate (campus, own ticket), then the
    /// domain command, which checks the role and the state and writes one audited batch.
    func ticketAction(_ number: String, _ action: String, _ body: TicketActionBody, user: SignedIn, acting: Acting) throws -> Ticket {
        let allowed = Self.ticketActionFields[action] ?? []
        let extra = body.given.subtracting(allowed).sorted()
        guard extra.isEmpty else {
            throw APIError.badRequest("unknown_field", "\(action) takes \(allowed.isEmpty ? "no fields" : allowed.sorted().joined(separator: ", ")); not \(extra.joined(separator: ", "))")
        }
        let ticket = try department.ticket(number)
        try Access.requireTicketWrite(user, ticket, to: action)
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value else { throw APIError.badRequest("missing_field", "field \(field) is required for \(action)") }
            return value
        }
        switch action {
        case "assign": return try department.assignTicket(number, to: body.to.map { PersonID($0) }, by: acting)
        case "start": return try department.startTicket(number, by: acting)
        case "note", "comment":
            let expected = try body.expected.map { try Parse.moment($0, field: "expected") }
            return try department.noteTicket(number, text: try required(body.text, "text"), expectedAt: expected, by: acting)
        case "pend":
            let reason: PendingReason = try Parse.choice(try required(body.reason, "reason"), field: "reason")
            return try department.pendTicket(number, reason: reason, text: try required(body.text, "text"), by: acting)
        case "resume": return try department.resumeTicket(number, by: acting)
        case "workaround": return try department.recordWorkaround(number, text: try required(body.workaround, "workaround"), by: acting)
        case "escalate":
            let level: EscalationLevel? = try body.level.map { try Parse.choice($0, field: "level") }
            return try department.escalateTicket(number, to: level, workaround: try required(body.workaround, "workaround"), by: acting)
        case "resolve":
            return try department.resolveTicket(number, rootCause: try required(body.rootCause, "rootCause"),
                                                 improvement: try required(body.improvement, "improvement"),
                                                 solution: body.solution ?? "", by: acting)
        case "close": return try department.closeTicket(number, by: acting)
        case "reopen": return try department.reopenTicket(number, reason: try required(body.text, "text"), by: acting)
        case "cancel": return try department.cancelTicket(number, reason: try required(body.text, "text"), by: acting)
        case "link":
            let asset = try required(body.asset, "asset").trimmingCharacters(in: .whitespaces)
            guard !asset.isEmpty else { throw DomainError.missing(field: "asset tag") }
            try department.linkTicket(number, asset: asset, by: acting)
            return try department.ticket(number)
        case "major": return try department.markMajorIncident(number, reason: try required(body.text, "text"), by: acting)
        default: throw APIError(.notFound, "not_found", "no ticket action \(action)")
        }
    }

    /// The intake of a new ticket from the API body or the report form. Defaults: the
    /// reporter is the user (name and phone), the channel `web`, the category `other`.
    func ticketIntake(_ body: OpenTicketBody, user: SignedIn) throws -> TicketIntake {
        let campus = try Parse.campus(body.campus)
        try Access.requireAnyRole(user, campus, to: "report a problem")
        let description = try TicketText.compose(title: body.title, description: body.description)
        let category: TicketCategory = try Parse.choice(body.category ?? TicketCategory.other.rawValue, field: "category")
        let channel: IntakeChannel = try Parse.choice(body.channel ?? IntakeChannel.web.rawValue, field: "channel")
        var urgency: Urgency = try Parse.choice(body.urgency ?? Urgency.medium.rawValue, field: "urgency")
        var impact: Impact = try Parse.choice(body.impact ?? Impact.person.rawValue, field: "impact")
        if let priority = body.priority {
            guard body.urgency == nil, body.impact == nil else {
                throw APIError.badRequest("priority_with_urgency", "give priority, or urgency and impact, not both")
            }
            (urgency, impact) = try Self.urgencyAndImpact(for: priority, policy: department.ticketPolicy())
        }
        let intake = TicketIntake(campus: campus, reporter: body.reporter ?? user.staff.name, contactPhone: body.phone ?? user.staff.phone,
                                  department: body.department ?? "", location: body.location ?? "", category: category,
                                  description: description, channel: channel, urgency: urgency, impact: impact,
                                  major: body.major ?? false, post: body.post.map { PostID($0) }, assets: body.assets ?? [])
        if intake.assets.count > Self.ticketAssetsMax {
            throw APIError.badRequest("too_many_assets", "assets: at most \(Self.ticketAssetsMax) per ticket")
        }
        return intake
    }

    static let ticketAssetsMax = 20

    /// The urgency × impact that gives `priority` under the policy in force: the
    /// narrowest impact first (a person, then a department, then the hospital), then the
    /// highest urgency. 422 when the policy gives that priority to no cell.
    static func urgencyAndImpact(for priority: Int, policy: TicketPolicy) throws -> (Urgency, Impact) {
        guard TicketPolicy.prioritiesRange.contains(priority) else {
            throw APIError.badRequest("bad_value", "priority: expected \(TicketPolicy.prioritiesRange.lowerBound)…\(TicketPolicy.prioritiesRange.upperBound)")
        }
        for impact in [Impact.person, .department, .hospital] {
            for urgency in [Urgency.high, .medium, .low] where policy.priority(urgency: urgency, impact: impact) == priority {
                return (urgency, impact)
            }
        }
        throw APIError(.unprocessableContent, "invalid", "priority \(priority): no urgency × impact of the ticket policy gives it")
    }

    /// The tickets `user` may see at `campuses`: all of a campus they oversee, else their own.
    func visibleTickets(_ user: SignedIn, campuses: [CampusCode], openOnly: Bool, limit: Int) throws -> [Ticket] {
        var tickets: [Ticket] = []
        for campus in campuses where Access.seesAllTickets(user, campus) {
            tickets += try department.tickets(campus: campus, openOnly: openOnly, limit: limit)
        }
        let followed = Set(campuses.filter { !Access.seesAllTickets(user, $0) })
        if !followed.isEmpty {
            tickets += try department.tickets(openedBy: user.person, openOnly: openOnly, limit: limit).filter { followed.contains($0.campus) }
        }
        return tickets
    }

    func ticketStatistics(days: Int, campuses: Set<String>) throws -> TicketStatisticsView {
        let now = self.now
        let volume = try department.ticketVolume(days: days, endingOn: now.date).filter { campuses.contains($0.campus) }
        let attainment = try department.slaAttainment(days: days, at: now).filter { campuses.contains($0.campus) }
        return TicketStatisticsView(
            days: days, volume: volume.map { .init(date: $0.date.iso, campus: $0.campus, count: $0.count) },
            attainment: attainment.map { .init(campus: $0.campus, met: $0.met, resolved: $0.resolved, rate: $0.rate) })
    }
}
