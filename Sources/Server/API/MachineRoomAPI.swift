import Domain
import HTTPTypes
import Hummingbird

/// 机房进出登记 and 安全检查 through the API — what `meshdesk machine-room …` does.
extension APIRoutes {
    struct EntryView: Codable, Sendable {
        let id, campus, visitor, reason, inAt, recordedBy: String
        let person, escort, outAt: String?
        init(_ e: MachineRoomEntry) {
            id = e.id; campus = e.campus.rawValue; visitor = e.visitor; reason = e.reason; inAt = e.inAt.description; recordedBy = e.recordedBy
            person = e.person?.rawValue; escort = e.escort?.rawValue; outAt = e.outAt?.description
        }
    }

    struct CheckView: Codable, Sendable {
        let id, campus, kind, target, dueOn, result: String
        let doneOn, checkedBy: String?
        init(_ c: SecurityCheck) {
            id = c.id; campus = c.campus.rawValue; kind = c.kind.rawValue; target = c.target; dueOn = c.dueOn.description; result = c.result
            doneOn = c.doneOn?.description; checkedBy = c.checkedBy
        }
    }

    struct EntryBody: StrictBody {
        static let fields: Set<String> = ["campus", "person", "visitor", "reason", "escort"]
        let campus, reason: String
        let person, visitor, escort: String?
    }

    struct CheckBody: StrictBody {
        static let fields: Set<String> = ["campus", "kind", "target", "dueOn"]
        let campus, kind, target, dueOn: String
    }

    struct CheckRecordBody: StrictBody {
        static let fields: Set<String> = ["doneOn", "result"]
        let doneOn, result: String
    }

    func registerMachineRoom(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/machine-room") { _, context in
            let user = try context.activeUser()
            try requireRecords(user)
            return try JSONResponse.make(try department.machineRoomEntries().filter { Access.canRead(user, $0.campus) }.map(EntryView.init))
        }
        router.post("/api/machine-room") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let body = try await StrictJSON.decode(EntryBody.self, from: request)
            let id = try department.enterMachineRoom(campus: CampusCode(rawValue: body.campus), person: body.person.map { PersonID(rawValue: $0) },
                                                     visitor: body.visitor ?? "", reason: body.reason, escort: body.escort.map { PersonID(rawValue: $0) }, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/machine-room/{id}/leave") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            try await StrictJSON.decodeEmpty(from: request)
            let id = try context.parameters.require("id")
            try department.leaveMachineRoom(id, by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "leave"))
        }
        router.get("/api/security-checks") { request, context in
            let user = try context.activeUser()
            try requireRecords(user)
            let due = try Parse.flag(request, "due") ?? false
            let checks = due ? try department.securityChecksDue(on: now.date) : try department.securityChecks()
            return try JSONResponse.make(checks.filter { Access.canRead(user, $0.campus) }.map(CheckView.init))
        }
        router.post("/api/security-checks") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let body = try await StrictJSON.decode(CheckBody.self, from: request)
            let id = try department.scheduleSecurityCheck(campus: CampusCode(rawValue: body.campus), kind: try Parse.choice(body.kind, field: "kind"),
                                                          target: body.target, dueOn: try Parse.date(body.dueOn, field: "dueOn"), by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.post("/api/security-checks/{id}/record") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(CheckRecordBody.self, from: request)
            try department.recordSecurityCheck(id, doneOn: try Parse.date(body.doneOn, field: "doneOn"), result: body.result, by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "record"))
        }
    }
}
