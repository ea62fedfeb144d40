import Domain
import HTTPTypes
import Hummingbird

/// 换班, 请假, 加班: file, answer, approve or reject, cancel, list.
extension APIRoutes {
    struct SwapBody: StrictBody {
        static let fields: Set<String> = ["seat", "colleague", "colleagueSeat", "reason"]
        let seat: String
        let colleague: String
        let colleagueSeat: String?
        let reason: String
    }

    struct LeaveBody: StrictBody {
        static let fields: Set<String> = ["firstDay", "lastDay", "kind", "reason"]
        let firstDay: String
        let lastDay: String
        /// `LeaveKind` raw value; absent means 事假 (as from a client written before kinds).
        let kind: String?
        let reason: String
    }

    struct OvertimeBody: StrictBody {
        static let fields: Set<String> = ["date", "start", "end", "reason", "compensation"]
        let date: String
        let start: String
        let end: String
        let reason: String
        /// time_off (调休, the default) or pay (加班费).
        let compensation: String?
    }

    /// A swap body's seats, both at one campus the caller belongs to.
    func swapSeats(_ request: Request, _ context: MeshDeskRequestContext, to action: String) async throws
        -> (Acting, SwapBody, CampusCode, SlotKey, SlotKey?) {
        let (user, acting) = try acting(context)
        let body = try await StrictJSON.decode(SwapBody.self, from: request)
        let (campus, seat) = try Parse.seat(body.seat, field: "seat")
        let theirs = try body.colleagueSeat.map { try Parse.seat($0, field: "colleagueSeat") }
        if let theirs, theirs.0 != campus { throw APIError.badRequest("bad_seat", "colleagueSeat: must be at campus \(campus)") }
        try Access.requireCampus(user, campus, to: action)
        return (acting, body, campus, seat, theirs?.1)
    }

    func registerRequests(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/swaps") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request)
            let swaps = try campuses.flatMap { try department.swaps(campus: $0) }.filter {
                Access.overseesCampus(user, $0.campus) || $0.requester == user.person || $0.colleague == user.person
            }
            return try JSONResponse.make(swaps.map(SwapView.init))
        }
        router.post("/api/swaps") { request, context in
            let (acting, body, campus, seat, theirs) = try await swapSeats(request, context, to: "request a swap")
            let id = try department.requestSwap(campus: campus, seat: seat, colleague: PersonID(body.colleague), colleagueSeat: theirs,
                                                reason: body.reason, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        // 代为换班/顶班: the section chief moves a seat for someone (the same body as a request;
        // the seat is the one given away, `colleague` who takes it).
        router.post("/api/swaps/arrange") { request, context in
            let (acting, body, campus, seat, theirs) = try await swapSeats(request, context, to: "arrange a swap")
            let id = try department.arrangeSwap(campus: campus, seat: seat, colleague: PersonID(body.colleague), colleagueSeat: theirs,
                                                reason: body.reason, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/swaps/{id}/{action}") { request, context in
            let (user, acting) = try acting(context)
            let id = try context.parameters.require("id")
            let action = try context.parameters.require("action")
            try await StrictJSON.decodeEmpty(from: request)
            try Access.requireDepartmentStaff(user, to: "\(action) a swap")
            switch action {
            case "accept": try department.answerSwap(id, accept: true, by: acting)
            case "decline": try department.answerSwap(id, accept: false, by: acting)
            case "approve": try department.approveSwap(id, by: acting)
            case "reject": try department.rejectSwap(id, by: acting)
            case "cancel": try department.cancelSwap(id, by: acting)
            default: throw APIError(.notFound, "not_found", "no swap action \(action): accept, decline, approve, reject or cancel")
            }
            return try JSONResponse.make(DoneView(id: id, action: action))
        }

        router.get("/api/leave") { request, context in
            let user = try context.activeUser()
            let campus = try Parse.query(request, "campus").map(Parse.campus)
            let person = Parse.query(request, "person").map { PersonID($0) }
            let list = try department.leaveRequests(campus: campus, person: person)
                .filter { Access.overseesCampus(user, $0.campus) || $0.person == user.person }
            return try JSONResponse.make(list.map(LeaveView.init))
        }
        router.post("/api/leave") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(LeaveBody.self, from: request)
            let first = try Parse.date(body.firstDay, field: "firstDay")
            let last = try Parse.date(body.lastDay, field: "lastDay")
            let kind: LeaveKind = try body.kind.map { try Parse.choice($0, field: "kind") } ?? .personal
            try Access.requireDepartmentStaff(user, to: "request leave")
            let id = try department.requestLeave(firstDay: first, lastDay: last, kind: kind, reason: body.reason, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/leave/{id}/{action}") { request, context in
            let (user, acting) = try acting(context)
            let id = try context.parameters.require("id")
            let action = try context.parameters.require("action")
            try await StrictJSON.decodeEmpty(from: request)
            try Access.requireDepartmentStaff(user, to: "\(action) leave")
            switch action {
            case "approve", "reject": try department.decideLeave(id, approve: action == "approve", by: acting)
            case "cancel": try department.cancelLeave(id, by: acting)
            case "revoke": try department.revokeLeave(id, by: acting)
            default: throw APIError(.notFound, "not_found", "no leave action \(action): approve, reject, cancel or revoke")
            }
            return try JSONResponse.make(DoneView(id: id, action: action))
        }

        router.get("/api/overtime") { request, context in
            let user = try context.activeUser()
            let person = Parse.query(request, "person").map { PersonID($0) }
            let list = try department.overtimeRequests(person: person)
                .filter { Access.overseesCampus(user, $0.campus) || $0.person == user.person }
            return try JSONResponse.make(list.map(OvertimeView.init))
        }
        router.post("/api/overtime") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(OvertimeBody.self, from: request)
            let date = try Parse.date(body.date, field: "date")
            let start = try Parse.clock(body.start, field: "start")
            let end = try Parse.clock(body.end, field: "end")
            try Access.requireDepartmentStaff(user, to: "request overtime")
            let compensation = try body.compensation.map { text in
                guard let value = OvertimeCompensation(rawValue: text) else {
                    throw APIError.badRequest("bad_value", "compensation: expected \(OvertimeCompensation.allCases.map(\.rawValue).joined(separator: " or "))")
                }
                return value
            } ?? .unstated
            let id = try department.requestOvertime(date: date, startMinute: start, endMinute: end, reason: body.reason,
                                                    compensation: compensation, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/overtime/{id}/{action}") { request, context in
            let (user, acting) = try acting(context)
            let id = try context.parameters.require("id")
            let action = try context.parameters.require("action")
            try await StrictJSON.decodeEmpty(from: request)
            try Access.requireDepartmentStaff(user, to: "\(action) overtime")
            guard action == "approve" || action == "reject" else {
                throw APIError(.notFound, "not_found", "no overtime action \(action): approve or reject")
            }
            try department.decideOvertime(id, approve: action == "approve", by: acting)
            return try JSONResponse.make(DoneView(id: id, action: action))
        }
    }

    /// The campus asked for (403 without a role there), or every campus the user has a role at.
    func visibleCampuses(_ user: SignedIn, _ request: Request) throws -> [CampusCode] {
        if let text = Parse.query(request, "campus") {
            let campus = try Parse.campus(text)
            try Access.requireRead(user, campus)
            return [campus]
        }
        return try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
    }
}
