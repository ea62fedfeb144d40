import Domain
import Hummingbird

/// 管理 · 人员与角色: the staff of the administrator's campuses, a form to add one
/// (`meshdesk directory person add`), a page per person to edit the record
/// (`Department.editPerson`: posts, skills and days off not ticked are removed) and to
/// grant or revoke a role per campus (`directory role grant | revoke`).
extension Dashboard {
    static let personNameCharactersMax = 40
    static let personPhoneCharactersMax = 30
    static let personSkillsMax = 20

    /// Field names of the person form: fixed ones, a checkbox per post id of the
    /// administrator's campuses and per weekday (a form field is never given twice).
    func personFormFields(_ user: SignedIn) throws -> Set<String> {
        var fields: Set<String> = ["staffNo", "name", "campus", "phone", "active", "avoidNights", "skills"]
        for campus in try administeredCampuses(user) {
            for post in try department.posts(campus: campus.code) { fields.insert("post.\(post.id.rawValue)") }
        }
        for day in Weekday.allCases { fields.insert("day.\(day.rawValue)") }
        return fields
    }

    func registerAdminPeople(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin/people") { request, context, layout in
            try adminPeoplePage(request, try context.user(), layout, failure: nil)
        }
        adminForm(router, "/admin/people", form: "person", fields: { try personFormFields(try $0.user()) }) { fields, _, acting, _ in
            let person = try personFromForm(fields, existing: nil)
            guard try department.person(person.id) == nil else {
                throw AdminRefusal("staffNo", "工号 \(person.id.rawValue) 已有人员档案，请在其页面修改。", "Staff number \(person.id.rawValue) exists: edit it on its page.")
            }
            try department.registerPerson(person, by: acting)
            return .redirect("/admin/people/\(person.id.rawValue)?done=person#done")
        } page: { request, context, layout, failure in
            try adminPeoplePage(request, try context.user(), layout, failure: failure)
        }
        router.get("/admin/people/{id}") { request, context in
            switch access(request, context) {
            case .redirect(let response): return response
            case .user(let user):
                try requireAdministrator(user)
                let id = try context.parameters.require("id")
                return try framed(request, user, path: "/admin", version: try api.changes(session: user.session.token).version) { layout in
                    try adminPersonPage(id, request, user, layout, failure: nil)
                }
            }
        }
        adminForm(router, "/admin/people/{id}", form: "person", fields: { try personFormFields(try $0.user()) }) { fields, _, acting, context in
            let id = try context.parameters.require("id")
            guard let existing = try department.person(PersonID(id)) else { throw DomainError.unknownPerson(PersonID(id)) }
            try department.editPerson(try personFromForm(fields, existing: existing), by: acting)
            return .redirect("/admin/people/\(id)?done=person#done")
        } page: { request, context, layout, failure in
            try adminPersonPage(try context.parameters.require("id"), request, try context.user(), layout, failure: failure)
        }
        adminForm(router, "/admin/people/{id}/{action}", form: "role", fields: { _ in ["role", "scope"] }) { fields, _, acting, context in
            let id = PersonID(try context.parameters.require("id"))
            let action = try context.parameters.require("action")
            guard action == "grant" || action == "revoke" else { throw APIError(.notFound, "not_found", "no role action \(action)") }
            guard let role = Role(rawValue: fields["role"] ?? "") else {
                throw AdminRefusal("role", "请选择角色。", "Choose a role.")
            }
            let scopeText = fields["scope"] ?? ""
            guard !scopeText.isEmpty else { throw AdminRefusal("scope", "请选择院区或“全部院区”。", "Choose a campus or every campus.") }
            let grant = RoleGrant(role, scopeText == "*" ? .allCampuses : .campus(CampusCode(scopeText)))
            if action == "grant" { try department.grantRole(grant, to: id, by: acting) } else { try department.revokeRole(grant, from: id, by: acting) }
            return .redirect("/admin/people/\(id.rawValue)?done=\(action)#done")
        } page: { request, context, layout, failure in
            try adminPersonPage(try context.parameters.require("id"), request, try context.user(), layout, failure: failure)
        }
    }

    /// The typed record, each field checked against its bound; roles are left as they are.
    func personFromForm(_ fields: [String: String], existing: StaffMember?) throws -> StaffMember {
        let id = existing?.id.rawValue ?? (fields["staffNo"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, id.count <= 20, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw AdminRefusal("staffNo", "请填写工号（字母和数字，最长 20 位）。", "Give the staff number (letters and digits, at most 20).")
        }
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= Self.personNameCharactersMax else {
            throw AdminRefusal("name", "请填写姓名（最长 \(Self.personNameCharactersMax) 个字）。", "Give the name (at most \(Self.personNameCharactersMax) characters).")
        }
        let phone = (fields["phone"] ?? "").trimmingCharacters(in: .whitespaces)
        guard phone.count <= Self.personPhoneCharactersMax else {
            throw AdminRefusal("phone", "电话最长 \(Self.personPhoneCharactersMax) 个字符。", "A phone is at most \(Self.personPhoneCharactersMax) characters.")
        }
        let campus = CampusCode(fields["campus"] ?? "")
        guard !campus.rawValue.isEmpty else { throw AdminRefusal("campus", "请选择院区。", "Choose the campus.") }
        let skills = (fields["skills"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard skills.count <= Self.personSkillsMax, skills.allSatisfy({ $0.count <= 40 }) else {
            throw AdminRefusal("skills", "技能最多 \(Self.personSkillsMax) 项，每项最长 40 个字。", "At most \(Self.personSkillsMax) skills of at most 40 characters each.")
        }
        let posts = fields.keys.filter { $0.hasPrefix("post.") && fields[$0] == "1" }.map { PostID(String($0.dropFirst(5))) }
        let days = Weekday.allCases.filter { fields["day.\($0.rawValue)"] == "1" }
        return StaffMember(id: PersonID(id), name: name, campus: campus, phone: phone, active: fields["active"] == "1",
                           posts: Set(posts), skills: Set(skills.map { Skill($0) }), roles: [],
                           preferences: RosterPreferences(avoidNights: fields["avoidNights"] == "1", preferredDaysOff: Set(days)),
                           annualLeaveDays: existing?.annualLeaveDays)
    }

    func adminPeoplePage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?) throws -> HTML {
        let lang = layout.lang
        let campuses = try administeredCampuses(user)
        let names = Dictionary(campuses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        // `?campus=` narrows the list to one of the administered campuses.
        let only = Parse.query(request, "campus").map { CampusCode($0) }.flatMap { names[$0] == nil ? nil : $0 }
        let people = try department.people().filter { names[$0.campus] != nil && (only == nil || $0.campus == only) }
        let filter: [HTML] = [only == nil ? "<strong>\(lang.pick("全部院区", "Every campus"))</strong>" : "<a href=\"/admin/people\">\(lang.pick("全部院区", "Every campus"))</a>"]
            + campuses.map { c in c.code == only ? "<strong>\(c.name)</strong>" : "<a href=\"/admin/people?campus=\(c.code.rawValue)\">\(c.name)</a>" }
        let rows: [HTML] = try people.map { person in
            let posts = try department.posts(campus: person.campus)
            let postNames = person.posts.sorted().map { id in posts.first { $0.id == id }.map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? id.rawValue }
            return """
                <tr><td><a href="/admin/people/\(person.id.rawValue)">\(person.id.rawValue)</a></td><td>\(person.name)</td><td>\(names[person.campus] ?? person.campus.rawValue)</td>\
                <td>\(person.phone)</td><td>\(person.active ? lang.pick("在职", "active") : lang.pick("停用", "inactive"))</td><td>\(postNames.joined(separator: lang.pick("、", ", ")))</td>\
                <td>\(person.skills.map(\.rawValue).sorted().joined(separator: lang.pick("、", ", ")))</td><td>\(roleList(person, names, lang))</td></tr>
                """
        }
        return layout.page(title: lang.pick("管理 · 人员与角色", "Administration · People and roles"), """
            \(adminNav(lang))\(adminDone(request, lang))<p>\(filter.joined(" · ")) · \(lang.pick("共 \(people.count) 人", "\(people.count) people"))</p>
            <table id="people"><tr><th>\(lang.pick("工号", "Staff no."))</th><th>\(lang.pick("姓名", "Name"))</th><th>\(lang.pick("院区", "Campus"))</th>\
            <th>\(lang.pick("电话", "Phone"))</th><th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("岗位", "Posts"))</th><th>\(lang.pick("技能", "Skills"))</th>\
            <th>\(lang.pick("角色", "Roles"))</th></tr>\(rows)</table>
            <h2>\(lang.pick("新增人员", "Add a person"))</h2>
            \(try personForm(nil, action: "/admin/people", campuses: campuses, failure: failure, lang: lang, csrf: user.session.csrfToken))
            """)
    }

    func roleList(_ person: StaffMember, _ names: [CampusCode: String], _ lang: Language) -> String {
        person.roles.sorted { $0.element < $1.element }.map { grant in
            let scope = switch grant.scope {
            case .allCampuses: lang.pick("全部院区", "every campus")
            case .campus(let code): names[code] ?? code.rawValue
            }
            return "\(lang.name(of: grant.role))@\(scope)"
        }.joined(separator: lang.pick("、", ", "))
    }

    /// The add / edit form, prefilled from `person` or from what was typed.
    func personForm(_ person: StaffMember?, action: String, campuses: [Campus], failure: AdminFailure?, lang: Language, csrf: String) throws -> HTML {
        let refused = failure?.form == "person" ? failure : nil
        func typed(_ field: String, _ stored: String) -> String { refused.typed("person", field) ?? stored }
        func ticked(_ field: String, _ stored: Bool) -> HTML {
            let on = refused.map { $0.values[field] == "1" } ?? stored
            return on ? " checked" : ""
        }
        let campus = typed("campus", person?.campus.rawValue ?? campuses.first?.code.rawValue ?? "")
        let campusOptions: [HTML] = campuses.map {
            "<option value=\"\($0.code.rawValue)\"\($0.code.rawValue == campus ? HTML(" selected") : "")>\($0.name)</option>"
        }
        var postBoxes: [HTML] = []
        var seen: Set<PostID> = []
        for c in campuses {
            for post in try department.posts(campus: c.code) where seen.insert(post.id).inserted {
                postBoxes.append("""
                    <label><input type="checkbox" name="post.\(post.id.rawValue)" value="1"\(ticked("post.\(post.id.rawValue)", person?.posts.contains(post.id) ?? false))> \(lang.pick(post.nameChinese, post.nameEnglish))</label>
                    """)
            }
        }
        let dayBoxes: [HTML] = Weekday.allCases.map { day in
            "<label><input type=\"checkbox\" name=\"day.\(day.rawValue)\" value=\"1\"\(ticked("day.\(day.rawValue)", person?.preferences.preferredDaysOff.contains(day) ?? false))> \(lang.pick(day.chineseName, "\(day)".capitalizedFirst))</label>"
        }
        let staffNo: HTML = person.map { "<p>\(lang.pick("工号", "Staff no.")) <strong>\($0.id.rawValue)</strong></p>" } ?? """
            <label>\(lang.pick("工号", "Staff no."))<br><input name="staffNo" maxlength="20" value="\(typed("staffNo", ""))" required></label><br>\(refused.alert("person", "staffNo"))
            """
        let fields: Set<String> = ["staffNo", "name", "campus", "phone", "skills", "posts"]
        return """
            <form class="card wide-card" id="person-form" method="post" action="\(action)#person-form"><input type="hidden" name="csrf" value="\(csrf)">
            \(refused.head("person", fields: fields))\(staffNo)
            <label>\(lang.pick("姓名", "Name"))<br><input name="name" maxlength="\(Self.personNameCharactersMax)" value="\(typed("name", person?.name ?? ""))" required></label><br>\(refused.alert("person", "name"))
            <label>\(lang.pick("院区", "Campus"))<br><select name="campus">\(campusOptions)</select></label><br>\(refused.alert("person", "campus"))
            <label>\(lang.pick("电话", "Phone"))<br><input name="phone" maxlength="\(Self.personPhoneCharactersMax)" value="\(typed("phone", person?.phone ?? ""))"></label><br>\(refused.alert("person", "phone"))
            <p>\(lang.pick("岗位（须为所选院区已设的岗位）", "Posts (set up at the chosen campus)"))<br>\(postBoxes.joined(" "))</p>\(refused.alert("person", "posts"))
            <label>\(lang.pick("技能（用顿号或逗号分隔）", "Skills (separated by commas)"))<br><input class="wide" name="skills" value="\(typed("skills", person?.skills.map(\.rawValue).sorted().joined(separator: "、") ?? ""))"></label><br>\(refused.alert("person", "skills"))
            <p>\(lang.pick("希望休息的日子", "Preferred days off"))<br>\(dayBoxes.joined(" "))</p>
            <label><input type="checkbox" name="avoidNights" value="1"\(ticked("avoidNights", person?.preferences.avoidNights ?? false))> \(lang.pick("尽量不排夜班", "Avoid nights where possible"))</label><br>
            <label><input type="checkbox" name="active" value="1"\(ticked("active", person?.active ?? true))> \(lang.pick("在职", "Active"))</label><br>
            <button id="submit-person">\(lang.pick("保存", "Save"))</button></form>
            """
    }

    func adminPersonPage(_ id: String, _ request: Request, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?) throws -> HTML {
        let lang = layout.lang
        guard let person = try department.person(PersonID(id)) else { throw APIError(.notFound, "not_found", "no person \(id)") }
        let campuses = try administeredCampuses(user)
        guard campuses.contains(where: { $0.code == person.campus }) else {
            throw APIError(.forbidden, "admin_only", "\(user.person) does not administer campus \(person.campus)")
        }
        let allCampuses = try department.campuses()
        let names = Dictionary(allCampuses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let csrf = user.session.csrfToken
        let grants: [HTML] = person.roles.sorted { $0.element < $1.element }.map { grant in
            let scope = switch grant.scope {
            case .allCampuses: lang.pick("全部院区", "every campus")
            case .campus(let code): names[code] ?? code.rawValue
            }
            return """
                <tr><td>\(lang.name(of: grant.role))</td><td>\(scope)</td><td><form method="post" action="/admin/people/\(id)/revoke" style="display:inline">\
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="role" value="\(grant.role.rawValue)">\
                <input type="hidden" name="scope" value="\(grant.scope.description)"><button>\(lang.pick("撤销", "Revoke"))</button></form></td></tr>
                """
        }
        let roleOptions: [HTML] = Role.allCases.map { "<option value=\"\($0.rawValue)\">\(lang.name(of: $0))</option>" }
        let everywhere = user.staff.roles.contains(RoleGrant(.administrator, .allCampuses))
        let scopeOptions: [HTML] = campuses.map { "<option value=\"\($0.code.rawValue)\">\($0.name)</option>" }
            + (everywhere ? ["<option value=\"*\">\(lang.pick("全部院区", "every campus"))</option>"] : [])
        return layout.page(title: lang.pick("管理 · \(person.name)（\(person.id.rawValue)）", "Administration · \(person.name) (\(person.id.rawValue))"), """
            \(adminNav(lang))\(adminDone(request, lang))<p><a href="/admin/people">\(lang.pick("← 人员列表", "← People"))</a></p>
            \(try personForm(person, action: "/admin/people/\(id)", campuses: campuses, failure: failure, lang: lang, csrf: csrf))
            <h2>\(lang.pick("角色", "Roles"))</h2>\(failure.head("role", fields: ["role", "scope"]))
            <table id="roles"><tr><th>\(lang.pick("角色", "Role"))</th><th>\(lang.pick("范围", "Scope"))</th><th></th></tr>\(grants)</table>
            <form class="card" id="grant-form" method="post" action="/admin/people/\(id)/grant#grant-form"><input type="hidden" name="csrf" value="\(csrf)">
            <label>\(lang.pick("角色", "Role"))<br><select name="role">\(roleOptions)</select></label><br>\(failure.alert("role", "role"))
            <label>\(lang.pick("院区", "Campus"))<br><select name="scope">\(scopeOptions)</select></label><br>\(failure.alert("role", "scope"))
            <button id="submit-grant">\(lang.pick("授予", "Grant"))</button></form>
            """)
    }
}
