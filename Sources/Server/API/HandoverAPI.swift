import Domain
import HTTPTypes
import Hummingbird

/// 交接班: start (the outgoing engineer), sign (the incoming one), list.
extension APIRoutes {
    struct HandoverBody: StrictBody {
        static let fields: Set<String> = ["campus", "post", "incoming", "openItems", "note"]
        let campus: String
        let post: String
        let incoming: String
        let openItems: [String]?
        let note: String?
    }

    struct SignBody: StrictBody {
        static let fields: Set<String> = ["note"]
        let note: String?
    }

    func registerHandover(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/handovers") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request)
            let list = try campuses.flatMap { try department.handovers(campus: $0) }
            return try JSONResponse.make(list.map(HandoverView.init))
        }
        router.post("/api/handovers") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(HandoverBody.self, from: request)
            let campus = try Parse.campus(body.campus)
            try Access.requireCampus(user, campus, to: "start a handover")
            let id = try department.startHandover(campus: campus, post: PostID(body.post), incoming: PersonID(body.incoming),
                                                  openItems: body.openItems ?? [], note: body.note ?? "", by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/handovers/{id}/sign") { request, context in
            let (user, acting) = try acting(context)
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(SignBody.self, from: request)
            try Access.requireDepartmentStaff(user, to: "sign a handover")
            try department.signHandover(id, note: body.note ?? "", by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "sign"))
        }
    }
}
