import Domain
import HTTPTypes
import Hummingbird

/// 当前值班, 值班记录, 签到/签退.
extension APIRoutes {
    struct DutyLogBody: StrictBody {
        static let fields: Set<String> = ["campus", "post", "text"]
        let campus: String
        let post: String
        let text: String
    }

    struct AttendanceBody: StrictBody {
        static let fields: Set<String> = ["kind", "person"]
        let kind: String
        let person: String?
    }

    func registerDuty(on router: Router<MeshDeskRequestContext>) {
        // Who to call is not secret inside the hospital: every signed-in user sees every campus.
        router.get("/api/duty/now") { request, context in
            _ = try context.activeUser()
            let campus = try Parse.query(request, "campus").map(Parse.campus)
            let at = try Parse.query(request, "at").map { try Parse.moment($0, field: "at") } ?? now
            return try JSONResponse.make(try department.onDuty(campus: campus, at: at).map(OnDutyView.init))
        }
        router.get("/api/duty/log") { request, context in
            let user = try context.activeUser()
            let campus = try Parse.campus(Parse.query(request, "campus") ?? "")
            try Access.requireRead(user, campus)
            guard let post = Parse.query(request, "post") else { throw APIError.badRequest("missing_field", "post is required") }
            let date = try Parse.query(request, "date").map { try Parse.date($0, field: "date") } ?? now.date
            return try JSONResponse.make(try department.dutyLog(campus: campus, post: PostID(post), date: date).map(DutyLogView.init))
        }
        router.post("/api/duty/log") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(DutyLogBody.self, from: request)
            let campus = try Parse.campus(body.campus)
            try Access.requireCampus(user, campus, to: "write the duty log")
            try department.writeDutyLog(campus: campus, post: PostID(body.post), text: body.text, by: acting)
            return try JSONResponse.make(DoneView(id: "\(campus)|\(body.post)", action: "written"), status: .created)
        }
        router.post("/api/attendance") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(AttendanceBody.self, from: request)
            guard let kind = AttendanceEvent.Kind(rawValue: body.kind) else {
                throw APIError.badRequest("bad_kind", "kind: expected sign_in or sign_out")
            }
            try Access.requireDepartmentStaff(user, to: "record attendance")
            try department.recordAttendance(kind, person: body.person.map { PersonID($0) }, by: acting)
            return try JSONResponse.make(DoneView(id: body.person ?? user.person.rawValue, action: kind.rawValue), status: .created)
        }
        router.get("/api/attendance") { request, context in
            let user = try context.activeUser()
            let person = Parse.query(request, "person").map { PersonID($0) } ?? user.person
            if person != user.person {
                guard let staff = try department.person(person), Access.overseesCampus(user, staff.campus) else {
                    throw APIError(.forbidden, "not_permitted", "\(user.person) may not read the attendance of \(person)")
                }
            }
            let date = try Parse.query(request, "date").map { try Parse.date($0, field: "date") } ?? now.date
            return try JSONResponse.make(try department.attendance(person: person, date: date).map(AttendanceView.init))
        }
    }
}
