import Domain
import HTTPTypes
import Hummingbird

/// 人员与院区 over JSON for the administrator: people (register, edit, roles per
/// campus), campuses (with shift set, rest rules, headcount) and posts — what the 管理
/// pages and `meshdesk directory …` do, through the same domain commands (which check
/// the campus and write the audit entry).
extension APIRoutes {
    struct PersonView: Codable, Sendable {
        let id, name, campus, phone: String
        let active, avoidNights: Bool
        let posts, skills, roles: [String]
        /// Preferred days off, 0 = Monday … 6 = Sunday.
        let daysOff: [Int]
    }

    struct PersonBody: StrictBody {
        static let fields: Set<String> = ["id", "name", "campus", "phone", "active", "posts", "skills", "avoidNights", "daysOff"]
        /// Only when registering (the path names the person when editing).
        let id: String?
        let name: String
        let campus: String
        let phone: String?
        let active: Bool?
        let posts: [String]?
        let skills: [String]?
        let avoidNights: Bool?
        let daysOff: [Int]?

        func staff(_ id: String, annualLeaveDays: Int?) throws -> StaffMember {
            guard (1...Dashboard.personNameCharactersMax).contains(name.count) else {
                throw APIError(.unprocessableContent, "bad_value", "name: 1…\(Dashboard.personNameCharactersMax) characters")
            }
            guard (phone ?? "").count <= Dashboard.personPhoneCharactersMax, (skills ?? []).count <= Dashboard.personSkillsMax,
                  (posts ?? []).count <= Dashboard.personSkillsMax else {
                throw APIError(.unprocessableContent, "bad_value", "phone ≤ \(Dashboard.personPhoneCharactersMax) characters, at most \(Dashboard.personSkillsMax) posts and skills")
            }
            let days = try (daysOff ?? []).map { day -> Weekday in
                guard let weekday = Weekday(rawValue: day) else { throw APIError(.unprocessableContent, "bad_value", "daysOff: 0 (Monday) … 6 (Sunday)") }
                return weekday
            }
            return StaffMember(id: PersonID(id), name: name, campus: CampusCode(campus), phone: phone ?? "", active: active ?? true,
                               posts: Set((posts ?? []).map { PostID($0) }), skills: Set((skills ?? []).map { Skill($0) }),
                               preferences: RosterPreferences(avoidNights: avoidNights ?? false, preferredDaysOff: Set(days)),
                               annualLeaveDays: annualLeaveDays)
        }
    }

    struct RoleBody: StrictBody {
        static let fields: Set<String> = ["role", "scope"]
        let role: String
        /// A campus code, or `*` for every campus.
        let scope: String
    }

    struct CampusBody: StrictBody {
        static let fields: Set<String> = ["code", "name", "generalDutyOfficer", "generalDutyPhone", "shiftSet", "minimumRestMinutes",
                                          "restDaysAfterNight", "shiftsPerDayMax", "headcount"]
        let code, name: String
        let generalDutyOfficer, generalDutyPhone, shiftSet: String?
        let minimumRestMinutes, restDaysAfterNight, shiftsPerDayMax, headcount: Int?
    }

    struct PostBody: StrictBody {
        static let fields: Set<String> = ["id", "nameChinese", "nameEnglish", "phone", "requiredSkills"]
        let id, nameChinese, nameEnglish: String
        let phone: String?
        let requiredSkills: [String]?
    }

    func registerDirectory(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/people") { request, context in
            let user = try context.activeUser()
            try Access.requireAdministrator(user)
            let campus = try Parse.query(request, "campus").map(Parse.campus)
            return try JSONResponse.make(try department.people(campus: campus).filter { user.staff.holds(.administrator, at: $0.campus) }.map { p in
                PersonView(id: p.id.rawValue, name: p.name, campus: p.campus.rawValue, phone: p.phone, active: p.active,
                           avoidNights: p.preferences.avoidNights, posts: p.posts.map(\.rawValue).sorted(), skills: p.skills.map(\.rawValue).sorted(),
                           roles: p.roles.map(\.element).sorted(), daysOff: p.preferences.preferredDaysOff.map(\.rawValue).sorted())
            })
        }
        router.post("/api/people") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let body = try await StrictJSON.decode(PersonBody.self, from: request)
            guard let id = body.id, !id.isEmpty, id.count <= 20 else { throw APIError(.unprocessableContent, "missing_field", "id: the staff number (≤ 20)") }
            guard try department.person(PersonID(id)) == nil else { throw APIError(.conflict, "already_exists", "person \(id) exists: PUT /api/people/\(id)") }
            try department.registerPerson(try body.staff(id, annualLeaveDays: nil), by: acting)
            return JSONResponse.noContent()
        }
        router.put("/api/people/{id}") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(PersonBody.self, from: request)
            guard body.id == nil || body.id == id else { throw APIError.badRequest("bad_value", "id: the path names the person") }
            guard let existing = try department.person(PersonID(id)) else { throw DomainError.unknownPerson(PersonID(id)) }
            try department.editPerson(try body.staff(id, annualLeaveDays: existing.annualLeaveDays), by: acting)
            return JSONResponse.noContent()
        }
        router.post("/api/people/{id}/roles/{action}") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let id = PersonID(try context.parameters.require("id"))
            let action = try context.parameters.require("action")
            let body = try await StrictJSON.decode(RoleBody.self, from: request)
            let role: Role = try Parse.choice(body.role, field: "role")
            guard !body.scope.isEmpty else { throw APIError(.unprocessableContent, "missing_field", "scope: a campus code or *") }
            let grant = RoleGrant(role, body.scope == "*" ? .allCampuses : .campus(CampusCode(body.scope)))
            switch action {
            case "grant": try department.grantRole(grant, to: id, by: acting)
            case "revoke": try department.revokeRole(grant, from: id, by: acting)
            default: throw APIError(.notFound, "not_found", "no role action \(action): grant, revoke")
            }
            return JSONResponse.noContent()
        }
        router.post("/api/campuses") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let body = try await StrictJSON.decode(CampusBody.self, from: request)
            _ = try Parse.campus(body.code)
            let existing = try department.campus(CampusCode(body.code))
            let rest = RestRules(minimumRestMinutes: max(0, body.minimumRestMinutes ?? existing?.rest.minimumRestMinutes ?? RestRules.standard.minimumRestMinutes),
                                 restDaysAfterNight: max(0, body.restDaysAfterNight ?? existing?.rest.restDaysAfterNight ?? RestRules.standard.restDaysAfterNight),
                                 shiftsPerDayMax: max(1, body.shiftsPerDayMax ?? existing?.rest.shiftsPerDayMax ?? RestRules.standard.shiftsPerDayMax))
            let set: Campus.ShiftSet = try body.shiftSet.map { try Parse.choice($0, field: "shiftSet") } ?? existing?.shiftSet ?? .standard
            guard body.name.count <= 40, (body.generalDutyOfficer ?? "").count <= 40, (body.generalDutyPhone ?? "").count <= 30 else {
                throw APIError(.unprocessableContent, "bad_value", "name and general duty officer ≤ 40 characters, phone ≤ 30")
            }
            try department.registerCampus(Campus(code: CampusCode(body.code), name: body.name,
                                                 generalDutyOfficer: body.generalDutyOfficer ?? existing?.generalDutyOfficer ?? "",
                                                 generalDutyPhone: body.generalDutyPhone ?? existing?.generalDutyPhone ?? "",
                                                 shiftSet: set, rest: rest, headcount: body.headcount ?? existing?.headcount ?? 1), by: acting)
            return JSONResponse.noContent()
        }
        router.post("/api/campuses/{code}/posts") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let campus = try Parse.campus(try context.parameters.require("code"))
            let body = try await StrictJSON.decode(PostBody.self, from: request)
            guard body.id.range(of: "^[a-z][a-z0-9-]{0,39}$", options: .regularExpression) != nil, body.nameChinese.count <= 40,
                  body.nameEnglish.count <= 60, (body.requiredSkills ?? []).count <= Dashboard.personSkillsMax else {
                throw APIError(.unprocessableContent, "bad_value", "id a–z, 0–9, - (≤ 40); names ≤ 40 / 60 characters; at most \(Dashboard.personSkillsMax) skills")
            }
            try department.registerPost(Post(id: PostID(body.id), nameChinese: body.nameChinese, nameEnglish: body.nameEnglish,
                                             requiredSkills: Set((body.requiredSkills ?? []).map { Skill($0) })),
                                        campus: campus, phone: String((body.phone ?? "").prefix(30)), by: acting)
            return JSONResponse.noContent()
        }
    }
}
