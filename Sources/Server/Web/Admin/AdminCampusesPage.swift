import Domain
import Hummingbird

/// 管理 · 院区、岗位与班次: each campus with its general duty officer, shift set
/// (标准 or 三班倒: the shift templates it works, shown with their times), rest rules and
/// headcount (`meshdesk directory campus add`, `Department.registerCampus`, replicated
/// with the campus), and its posts (`directory post add`). The templates' times are the
/// code's (`ShiftTemplate.standardSet`, `threeShiftSet`): a campus chooses a set.
extension Dashboard {
    static let campusFields: Set<String> = ["code", "name", "generalDutyOfficer", "generalDutyPhone", "shiftSet", "minimumRestMinutes",
                                            "restDaysAfterNight", "shiftsPerDayMax", "headcount"]
    static let postFields: Set<String> = ["campus", "postId", "nameChinese", "nameEnglish", "phone", "skills"]

    func registerAdminCampuses(on router: Router<MeshDeskRequestContext>) {
        adminPage(router, "/admin/campuses") { request, context, layout in
            try adminCampusesPage(request, try context.user(), layout, failure: nil)
        }
        adminForm(router, "/admin/campuses", form: "campus", fields: { _ in Self.campusFields }) { fields, _, acting, _ in
            let code = (fields["code"] ?? "").trimmingCharacters(in: .whitespaces)
            guard code.range(of: "^[A-Z][A-Z0-9]{0,7}$", options: .regularExpression) != nil else {
                throw AdminRefusal("code", "院区代码为 1–8 位大写字母或数字，以字母开头（如 EAST）。", "A campus code is 1–8 capitals or digits, starting with a letter (EAST).")
            }
            let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 40 else { throw AdminRefusal("name", "请填写院区名称（最长 40 个字）。", "Give the campus name (at most 40 characters).") }
            let rest = RestRules.clamped(
                minimumRestMinutes: try Self.whole(fields, "minimumRestMinutes", in: 0...RestRules.minimumRestMinutesMax, field: "minimumRestMinutes"),
                restDaysAfterNight: try Self.whole(fields, "restDaysAfterNight", in: 0...RestRules.restDaysAfterNightMax, field: "restDaysAfterNight"),
                shiftsPerDayMax: try Self.whole(fields, "shiftsPerDayMax", in: 1...RestRules.shiftsPerDayMaxLimit, field: "shiftsPerDayMax"))
            guard let set = Campus.ShiftSet(rawValue: fields["shiftSet"] ?? "") else {
                throw AdminRefusal("shiftSet", "请选择班次模板。", "Choose the shift set.")
            }
            let campus = Campus(code: CampusCode(code), name: name,
                                generalDutyOfficer: String((fields["generalDutyOfficer"] ?? "").trimmingCharacters(in: .whitespaces).prefix(40)),
                                generalDutyPhone: String((fields["generalDutyPhone"] ?? "").trimmingCharacters(in: .whitespaces).prefix(30)),
                                shiftSet: set, rest: rest,
                                headcount: try Self.whole(fields, "headcount", in: 1...CampusRosterPolicy.headcountMax, field: "headcount"))
            try department.registerCampus(campus, by: acting)
            return .redirect("/admin/campuses?done=campus#done")
        } page: { request, context, layout, failure in
            try adminCampusesPage(request, try context.user(), layout, failure: failure)
        }
        adminForm(router, "/admin/posts", form: "post", fields: { _ in Self.postFields }) { fields, _, acting, _ in
            let campus = CampusCode(fields["campus"] ?? "")
            let id = (fields["postId"] ?? "").trimmingCharacters(in: .whitespaces)
            guard id.range(of: "^[a-z][a-z0-9-]{0,39}$", options: .regularExpression) != nil else {
                throw AdminRefusal("postId", "岗位代码为小写字母、数字和 -，以字母开头（如 network-security），最长 40 位。",
                                   "A post id is a–z, 0–9 and -, starting with a letter (network-security), at most 40.")
            }
            let zh = (fields["nameChinese"] ?? "").trimmingCharacters(in: .whitespaces)
            let en = (fields["nameEnglish"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !zh.isEmpty, zh.count <= 40 else { throw AdminRefusal("nameChinese", "请填写岗位中文名（最长 40 个字）。", "Give the Chinese name (at most 40).") }
            guard !en.isEmpty, en.count <= 60 else { throw AdminRefusal("nameEnglish", "请填写岗位英文名（最长 60 个字符）。", "Give the English name (at most 60).") }
            let skills = (fields["skills"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard skills.count <= Self.personSkillsMax else {
                throw AdminRefusal("skills", "所需技能最多 \(Self.personSkillsMax) 项。", "At most \(Self.personSkillsMax) required skills.")
            }
            try department.registerPost(Post(id: PostID(id), nameChinese: zh, nameEnglish: en, requiredSkills: Set(skills.map { Skill($0) })),
                                        campus: campus, phone: String((fields["phone"] ?? "").prefix(30)), by: acting)
            return .redirect("/admin/campuses?done=post#done")
        } page: { request, context, layout, failure in
            try adminCampusesPage(request, try context.user(), layout, failure: failure)
        }
    }

    /// A whole number in `range`, or a refusal beside `field`.
    static func whole(_ fields: [String: String], _ name: String, in range: ClosedRange<Int>, field: String) throws -> Int {
        let text = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
        guard let number = Int(text), range.contains(number) else {
            throw AdminRefusal(field, "应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数（填写的是“\(text)”）。",
                               "Must be a whole number from \(range.lowerBound) to \(range.upperBound) (\"\(text)\" given).")
        }
        return number
    }

    func shiftSetName(_ set: Campus.ShiftSet, _ lang: Language) -> String {
        switch set {
        case .standard: lang.pick("标准（白班 + 夜班两段，节假日白班 / 夜班）", "standard (day, two nights; holiday day / night)")
        case .threeShift: lang.pick("三班倒（工作日早、中、夜班，节假日白班 / 夜班）", "three shifts (early, late, night on workdays; holiday day / night)")
        }
    }

    func dayTypeName(_ type: DayType, _ lang: Language) -> String {
        switch type {
        case .workday: lang.pick(type.chineseName, "workday")
        case .weekend: lang.pick(type.chineseName, "weekend")
        case .holiday: lang.pick(type.chineseName, "holiday")
        }
    }

    static func clockText(_ minute: Int) -> String {
        let m = minute % LocalDateTime.minutesPerDay
        return "\(m / 60 < 10 ? "0" : "")\(m / 60):\(m % 60 < 10 ? "0" : "")\(m % 60)"
    }

    func adminCampusesPage(_ request: Request, _ user: SignedIn, _ layout: Layout, failure: AdminFailure?) throws -> HTML {
        let lang = layout.lang
        let csrf = user.session.csrfToken
        let campuses = try administeredCampuses(user)
        func campusForm(_ campus: Campus?) -> HTML {
            let code = campus?.code.rawValue ?? ""
            // The refused form is the one whose code was typed (or the new one's).
            let refused = failure?.form == "campus" && (failure?.values["code"] ?? "") == code || (campus == nil && failure?.form == "campus"
                && !campuses.contains { $0.code.rawValue == failure?.values["code"] }) ? failure : nil
            func typed(_ field: String, _ stored: String) -> String { refused.typed("campus", field) ?? stored }
            let rest = campus?.rest ?? .standard
            let set = typed("shiftSet", (campus?.shiftSet ?? .standard).rawValue)
            let sets: [HTML] = Campus.ShiftSet.allCases.map {
                "<option value=\"\($0.rawValue)\"\($0.rawValue == set ? HTML(" selected") : "")>\(shiftSetName($0, lang))</option>"
            }
            func number(_ name: String, _ label: String, _ stored: Int, _ range: ClosedRange<Int>) -> HTML {
                """
                <label>\(label)<br><input type="number" name="\(name)" min="\(range.lowerBound)" max="\(range.upperBound)" value="\(typed(name, String(stored)))" required></label><br>\(refused.alert("campus", name))
                """
            }
            let codeField: HTML = campus == nil ? """
                <label>\(lang.pick("院区代码", "Campus code"))<br><input name="code" maxlength="8" value="\(typed("code", ""))" required></label><br>\(refused.alert("campus", "code"))
                """ : "<input type=\"hidden\" name=\"code\" value=\"\(code)\">"
            return """
                <form class="card wide-card" method="post" action="/admin/campuses#campus-form-\(code.isEmpty ? "new" : code)" id="campus-form-\(code.isEmpty ? "new" : code)"><input type="hidden" name="csrf" value="\(csrf)">
                \(refused.head("campus", fields: Self.campusFields))\(codeField)
                <label>\(lang.pick("院区名称", "Name"))<br><input name="name" maxlength="40" value="\(typed("name", campus?.name ?? ""))" required></label><br>\(refused.alert("campus", "name"))
                <label>\(lang.pick("总值班", "General duty officer"))<br><input name="generalDutyOfficer" maxlength="40" value="\(typed("generalDutyOfficer", campus?.generalDutyOfficer ?? ""))"></label>
                <label>\(lang.pick("电话", "Phone"))<br><input name="generalDutyPhone" maxlength="30" value="\(typed("generalDutyPhone", campus?.generalDutyPhone ?? ""))"></label><br>
                <label>\(lang.pick("班次模板", "Shift set"))<br><select name="shiftSet">\(sets)</select></label><br>\(refused.alert("campus", "shiftSet"))
                \(number("minimumRestMinutes", lang.pick("两班之间最短休息（分钟）", "Minimum rest between shifts (minutes)"), rest.minimumRestMinutes, 0...RestRules.minimumRestMinutesMax))\
                \(number("restDaysAfterNight", lang.pick("夜班后休息天数", "Rest days after nights"), rest.restDaysAfterNight, 0...RestRules.restDaysAfterNightMax))\
                \(number("shiftsPerDayMax", lang.pick("每人每日班次上限", "Shifts per person per day"), rest.shiftsPerDayMax, 1...RestRules.shiftsPerDayMaxLimit))\
                \(number("headcount", lang.pick("每班人数", "People per shift"), campus?.headcount ?? 1, 1...CampusRosterPolicy.headcountMax))
                <button>\(campus == nil ? lang.pick("新增院区", "Add the campus") : lang.pick("保存", "Save"))</button></form>
                """
        }
        func templates(_ set: Campus.ShiftSet) -> HTML {
            let rows: [HTML] = set.templates.map { t in
                let end = Self.clockText(t.startMinute + t.durationMinutes)
                let days = DayType.allCases.filter(t.dayTypes.contains).map { dayTypeName($0, lang) }.joined(separator: "、")
                return "<tr><td>\(lang.pick(t.nameChinese, t.nameEnglish))</td><td>\(Self.clockText(t.startMinute))–\(end)\(t.startMinute + t.durationMinutes > LocalDateTime.minutesPerDay ? lang.pick("（次日）", " (next day)") : "")</td><td>\(days)</td><td>\(t.isNight ? lang.pick("夜班", "night") : "")</td></tr>"
            }
            return "<table class=\"templates\"><tr><th>\(lang.pick("班次", "Shift"))</th><th>\(lang.pick("时间", "Hours"))</th><th>\(lang.pick("适用日", "Days"))</th><th></th></tr>\(rows)</table>"
        }
        let sections: [HTML] = try campuses.map { campus in
            let posts: [HTML] = try department.posts(campus: campus.code).map { post in
                "<tr><td>\(lang.pick(post.nameChinese, post.nameEnglish))</td><td><code>\(post.id.rawValue)</code></td><td>\(post.requiredSkills.map(\.rawValue).sorted().joined(separator: "、"))</td></tr>"
            }
            let refusedPost = failure?.form == "post" && failure?.values["campus"] == campus.code.rawValue ? failure : nil
            func typed(_ field: String) -> String { refusedPost.typed("post", field) ?? "" }
            return """
                <section id="campus-\(campus.code.rawValue)"><h2>\(campus.name)（\(campus.code.rawValue)）</h2>
                \(campusForm(campus))
                <h3>\(lang.pick("班次模板", "Shift templates"))</h3>\(templates(campus.shiftSet))
                <h3>\(lang.pick("岗位", "Posts"))</h3>
                <table><tr><th>\(lang.pick("岗位", "Post"))</th><th>\(lang.pick("代码", "Id"))</th><th>\(lang.pick("所需技能", "Required skills"))</th></tr>\(posts)</table>
                <form class="card wide-card" method="post" action="/admin/posts#post-form-\(campus.code.rawValue)" id="post-form-\(campus.code.rawValue)"><input type="hidden" name="csrf" value="\(csrf)">
                <input type="hidden" name="campus" value="\(campus.code.rawValue)">\(refusedPost.head("post", fields: Self.postFields))
                <strong>\(lang.pick("新增或修改岗位（同一代码即修改）", "Add or change a post (the same id changes it)"))</strong><br>
                <label>\(lang.pick("岗位代码", "Post id"))<br><input name="postId" maxlength="40" value="\(typed("postId"))" required></label><br>\(refusedPost.alert("post", "postId"))
                <label>\(lang.pick("中文名", "Chinese name"))<br><input name="nameChinese" maxlength="40" value="\(typed("nameChinese"))" required></label><br>\(refusedPost.alert("post", "nameChinese"))
                <label>\(lang.pick("英文名", "English name"))<br><input name="nameEnglish" maxlength="60" value="\(typed("nameEnglish"))" required></label><br>\(refusedPost.alert("post", "nameEnglish"))
                <label>\(lang.pick("岗位电话", "Post phone"))<br><input name="phone" maxlength="30" value="\(typed("phone"))"></label><br>
                <label>\(lang.pick("所需技能（顿号分隔）", "Required skills (comma separated)"))<br><input name="skills" value="\(typed("skills"))"></label><br>\(refusedPost.alert("post", "skills"))
                <button>\(lang.pick("保存岗位", "Save the post"))</button></form></section>
                """
        }
        let everywhere = user.staff.roles.contains(RoleGrant(.administrator, .allCampuses))
        return layout.page(title: lang.pick("管理 · 院区、岗位与班次", "Administration · Campuses, posts and shifts"), """
            \(adminNav(lang))\(adminDone(request, lang))
            <p class="muted">\(lang.pick("休息规则和班次模板用于生成与检查值班表；改动随院区记录同步到所有节点。", "Rest rules and the shift set drive roster generation and checks; they replicate with the campus."))</p>
            \(sections)
            \(everywhere ? "<h2>\(lang.pick("新增院区", "Add a campus"))</h2>\(campusForm(nil))" as HTML : "")
            """)
    }
}
