import Domain
import HTTPTypes
import Hummingbird

/// 值班表: read a campus month with its fairness report, publish, override a seat.
extension APIRoutes {
    struct PublishBody: StrictBody {
        static let fields: Set<String> = ["seed", "replace"]
        let seed: UInt64
        let replace: Bool?
    }

    struct OverrideBody: StrictBody {
        static let fields: Set<String> = ["seat", "person"]
        let seat: String
        /// null or absent: leave the seat open.
        let person: String?
    }

    func registerRoster(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/rosters/{campus}/{month}") { request, context in
            let user = try context.activeUser()
            let campus = try Parse.campus(context.parameters.require("campus"))
            try Access.requireRead(user, campus)
            let month = try Parse.month(context.parameters.require("month"))
            return try JSONResponse.make(try rosterView(campus: campus, month: month))
        }
        router.post("/api/rosters/{campus}/{month}/publish") { request, context in
            let (user, acting) = try acting(context)
            let campus = try Parse.campus(context.parameters.require("campus"))
            let month = try Parse.month(context.parameters.require("month"))
            let body = try await StrictJSON.decode(PublishBody.self, from: request)
            try Access.requireCampus(user, campus, to: "publish the roster")
            _ = try department.publishRoster(campus: campus, month: month, seed: body.seed, replace: body.replace ?? false, by: acting)
            return try JSONResponse.make(try rosterView(campus: campus, month: month), status: .created)
        }
        router.post("/api/rosters/override") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(OverrideBody.self, from: request)
            let (campus, slot) = try Parse.seat(body.seat, field: "seat")
            try Access.requireCampus(user, campus, to: "change the roster")
            try department.overrideSeat(campus: campus, slot: slot, person: body.person.map { PersonID($0) }, by: acting)
            return try JSONResponse.make(DoneView(id: body.seat, action: "override"))
        }
    }

    func rosterView(campus: CampusCode, month: LocalMonth) throws -> RosterView {
        let seats = try department.roster(campus: campus, month: month)
        let value = try department.rosterValue(campus: campus, month: month)
        let fairness = FairnessReport.measure(value.roster, people: value.people, leave: value.leave, policy: value.policy)
        let filled = Set(seats.filter { !$0.holders.isEmpty }.map(\.slot))
        let unfilled = value.roster.slots.map(\.key).filter { !filled.contains($0) }.map { SeatKey.text(campus: campus, slot: $0) }
        return RosterView(campus: campus.rawValue, month: month.description, seats: seats.map(SeatView.init),
                          unfilled: seats.isEmpty ? [] : unfilled, fairness: FairnessView(fairness))
    }
}
