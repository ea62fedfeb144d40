import Domain
import HTTPTypes
import Hummingbird

/// 应急预案 and 演练 through the API — what `meshdesk plan …` does, with the domain's rules.
extension APIRoutes {
    struct PlanView: Codable, Sendable {
        let id, campus, system, title, startLevel, updatedBy, updatedAt: String
        let steps, contacts: [String]
        let drills: [DrillView]?

        init(_ p: EmergencyPlan, drills: [Drill]? = nil) {
            id = p.id; campus = p.campus.rawValue; system = p.system.rawValue; title = p.title; startLevel = p.startLevel.rawValue
            updatedBy = p.updatedBy; updatedAt = p.updatedAt.description; steps = p.steps; contacts = p.contacts.map(\.rawValue)
            self.drills = drills?.map(DrillView.init)
        }
    }

    struct DrillView: Codable, Sendable {
        let id, plan, campus, system, scheduledOn, scenario, findings, actions: String
        let doneOn, recordedBy: String?

        init(_ d: Drill) {
            id = d.id; plan = d.plan; campus = d.campus.rawValue; system = d.system.rawValue; scheduledOn = d.scheduledOn.description
            scenario = d.scenario; findings = d.findings; actions = d.actions; doneOn = d.doneOn?.description; recordedBy = d.recordedBy
        }
    }

    struct PlanBody: StrictBody {
        static let fields: Set<String> = ["campus", "system", "title", "steps", "startLevel"]
        let campus, system, title, steps, startLevel: String
    }

    struct ContactBody: StrictBody {
        static let fields: Set<String> = ["person", "remove"]
        let person: String
        let remove: Bool?
    }

    struct DrillBody: StrictBody {
        static let fields: Set<String> = ["date", "scenario"]
        let date, scenario: String
    }

    struct DrillRecordBody: StrictBody {
        static let fields: Set<String> = ["doneOn", "findings", "actions"]
        let doneOn, findings: String
        let actions: String?
    }

    func registerEmergency(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/plans") { _, context in
            let user = try context.activeUser()
            try requireRecords(user)
            return try JSONResponse.make(try department.emergencyPlans().filter { Access.canRead(user, $0.campus) }.map { PlanView($0) })
        }
        router.post("/api/plans") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let body = try await StrictJSON.decode(PlanBody.self, from: request)
            let draft = PlanDraft(campus: CampusCode(rawValue: body.campus), system: try Parse.choice(body.system, field: "system"), title: body.title,
                                  steps: body.steps, startLevel: try Parse.choice(body.startLevel, field: "startLevel"))
            return try JSONResponse.make(CreatedView(id: try department.writePlan(draft, by: acting)), status: .created)
        }
        router.get("/api/plans/{id}") { _, context in
            let user = try context.activeUser()
            try requireRecords(user)
            let plan = try readablePlan(user, try context.parameters.require("id"))
            return try JSONResponse.make(PlanView(plan, drills: try department.drills(plan: plan.id)))
        }
        router.post("/api/plans/{id}/contacts") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let plan = try readablePlan(user, try context.parameters.require("id"))
            let body = try await StrictJSON.decode(ContactBody.self, from: request)
            try department.setPlanContact(plan.id, PersonID(rawValue: body.person), remove: body.remove ?? false, by: acting)
            return try JSONResponse.make(DoneView(id: plan.id, action: body.remove == true ? "contact_remove" : "contact_add"))
        }
        router.post("/api/plans/{id}/drills") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let plan = try readablePlan(user, try context.parameters.require("id"))
            let body = try await StrictJSON.decode(DrillBody.self, from: request)
            let id = try department.scheduleDrill(plan.id, on: try Parse.date(body.date, field: "date"), scenario: body.scenario, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.get("/api/drills/due") { _, context in
            let user = try context.activeUser()
            try requireRecords(user)
            return try JSONResponse.make(try department.drillsDue(on: now.date).filter { Access.canRead(user, $0.campus) }.map(DrillView.init))
        }
        router.post("/api/drills/{id}/record") { request, context in
            let (user, acting) = try acting(context)
            try requireRecords(user)
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(DrillRecordBody.self, from: request)
            try department.recordDrill(id, doneOn: try Parse.date(body.doneOn, field: "doneOn"), findings: body.findings, actions: body.actions ?? "", by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "record"))
        }
    }

    func requireRecords(_ user: SignedIn) throws {
        guard Access.readsRecords(user) else {
            throw APIError(.forbidden, "not_department_staff", "\(user.person) may not read the department's records")
        }
    }

    func readablePlan(_ user: SignedIn, _ id: String) throws -> EmergencyPlan {
        guard let plan = try department.emergencyPlan(id) else { throw APIError(.notFound, "not_found", "no emergency plan \(id)") }
        try Access.requireRead(user, plan.campus)
        return plan
    }
}
