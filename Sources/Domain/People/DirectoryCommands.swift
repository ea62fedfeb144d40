import GRDB
import Replica
import Storage

/// Commands on campuses, people, roles, posts and the holiday calendar.
extension Department {
    /// 初始化 — the first administrator of an empty replica. Refused once anyone exists:
    /// from then on people are added by an administrator.
    public func bootstrapAdministrator(_ admin: StaffMember, at now: LocalDateTime) throws(DomainError) {
        do {
            try store.write { tx in
                let count = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM e_person") ?? 0
                guard count == 0 else { throw DomainError.alreadyExists("staff directory (bootstrap is for an empty replica)") }
                var first = admin
                first.roles.insert(RoleGrant(.administrator, .allCampuses))
                try Self.writePerson(first, tx: tx)
                try AuditTrail.append(AuditEntry(actor: admin.id.rawValue, action: "directory.bootstrap", subject: admin.id.rawValue,
                                                 at: now.minutesSinceEpoch, node: store.site.description), tx: tx)
            }
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    /// 院区登记 — creates or updates a campus (administrator).
    public func registerCampus(_ campus: Campus, by acting: Acting) throws(DomainError) {
        try perform(acting, "campus.register") { tx, actor in
            try Permissions.require(actor, .administrator, at: campus.code, to: "register campus \(campus.code)")
            guard !campus.code.rawValue.isEmpty else { throw DomainError.missing(field: "campus code") }
            guard !campus.name.isEmpty else { throw DomainError.missing(field: "campus name") }
            if let reason = campus.rest.outOfBounds { throw DomainError.invalid(field: "rest rules", reason: reason) }
            guard (1...CampusRosterPolicy.headcountMax).contains(campus.headcount) else {
                throw DomainError.invalid(field: "headcount", reason: "\(campus.headcount) is outside 1…\(CampusRosterPolicy.headcountMax)")
            }
            let row = NaturalKey.rowID(DomainSchema.campus, campus.code.rawValue)
            try tx.assign(DomainSchema.campus.name, row, [
                "code": .text(campus.code.rawValue), "name": .text(campus.name),
                "general_duty_name": .text(campus.generalDutyOfficer), "general_duty_phone": .text(campus.generalDutyPhone),
                "shift_set": .text(campus.shiftSet.rawValue),
                "minimum_rest_minutes": .integer(Int64(campus.rest.minimumRestMinutes)),
                "rest_days_after_night": .integer(Int64(campus.rest.restDaysAfterNight)),
                "shifts_per_day_max": .integer(Int64(campus.rest.shiftsPerDayMax)),
                "headcount": .integer(Int64(campus.headcount)),
            ])
            return ((), campus.code.rawValue)
        }
    }

    /// 岗位设置 — creates or updates a post of a campus (administrator or that campus's chief).
    public func registerPost(_ post: Post, campus: CampusCode, phone: String = "", by acting: Acting) throws(DomainError) {
        try perform(acting, "post.register") { tx, actor in
            try Permissions.requireAny(actor, [.administrator, .sectionChief], at: campus, to: "set up post \(post.id)")
            guard try Directory.campus(tx.db, campus) != nil else { throw DomainError.unknownCampus(campus) }
            guard !post.id.rawValue.isEmpty else { throw DomainError.missing(field: "post id") }
            let row = NaturalKey.rowID(DomainSchema.post, campus.rawValue, post.id.rawValue)
            try tx.assign(DomainSchema.post.name, row, [
                "campus": .text(campus.rawValue), "post_id": .text(post.id.rawValue), "name_zh": .text(post.nameChinese),
                "name_en": .text(post.nameEnglish), "phone": .text(phone), "active": 1,
            ])
            for skill in post.requiredSkills.sorted() {
                try tx.add(DomainSchema.post.name, row, "required_skills", .text(skill.rawValue))
            }
            return ((), "\(campus) \(post.id)")
        }
    }

    /// 人员登记 — creates or updates a staff member (administrator, or the chief of the
    /// person's campus). Roles are not changed here: see `grantRole`.
    public func registerPerson(_ person: StaffMember, by acting: Acting) throws(DomainError) {
        try perform(acting, "person.register") { tx, actor in
            try Permissions.requireAny(actor, [.administrator, .sectionChief], at: person.campus,
                                       to: "register staff at campus \(person.campus)")
            guard !person.id.rawValue.isEmpty else { throw DomainError.missing(field: "staff number") }
            guard !person.name.isEmpty else { throw DomainError.missing(field: "name") }
            guard try Directory.campus(tx.db, person.campus) != nil else { throw DomainError.unknownCampus(person.campus) }
            let posts = Set(try Directory.posts(tx.db, campus: person.campus).map(\.id))
            if let unknown = person.posts.sorted().first(where: { !posts.contains($0) }) {
                throw DomainError.unknownPost(person.campus, unknown)
            }
            var record = person
            record.roles = []
            try Self.writePerson(record, tx: tx)
            return ((), person.id.rawValue)
        }
    }

    /// 人员修改 — replaces a staff member's record as the administrator (or the chief of
    /// the person's campus, old and new) typed it: name, campus, phone, active, posts,
    /// skills and preferred days off. Unlike `registerPerson`, which only adds to the
    /// sets, posts, skills and days off not in the new record are removed as seen here
    /// (a concurrent add elsewhere survives: add-wins). Roles are not changed here.
    public func editPerson(_ person: StaffMember, by acting: Acting) throws(DomainError) {
        try perform(acting, "person.edit") { tx, actor in
            guard let current = try Directory.person(tx.db, person.id) else { throw DomainError.unknownPerson(person.id) }
            for campus in Set([current.campus, person.campus]) {
                try Permissions.requireAny(actor, [.administrator, .sectionChief], at: campus, to: "edit staff \(person.id) at campus \(campus)")
            }
            guard !person.name.trimmingSpaces.isEmpty else { throw DomainError.missing(field: "name") }
            guard try Directory.campus(tx.db, person.campus) != nil else { throw DomainError.unknownCampus(person.campus) }
            let posts = Set(try Directory.posts(tx.db, campus: person.campus).map(\.id))
            if let unknown = person.posts.sorted().first(where: { !posts.contains($0) }) {
                throw DomainError.unknownPost(person.campus, unknown)
            }
            let entity = DomainSchema.person.name
            let row = NaturalKey.rowID(DomainSchema.person, person.id.rawValue)
            for post in current.posts.subtracting(person.posts).sorted() { try tx.remove(entity, row, "posts", .text(post.rawValue)) }
            for skill in current.skills.subtracting(person.skills).sorted() { try tx.remove(entity, row, "skills", .text(skill.rawValue)) }
            for day in current.preferences.preferredDaysOff.subtracting(person.preferences.preferredDaysOff).sorted(by: { $0.rawValue < $1.rawValue }) {
                try tx.remove(entity, row, "days_off", .text(String(day.rawValue)))
            }
            var record = person
            record.roles = []
            try Self.writePerson(record, tx: tx)
            return ((), person.id.rawValue)
        }
    }

    /// 授权 — grants a role in a scope (administrator of every campus the scope covers).
    public func grantRole(_ grant: RoleGrant, to person: PersonID, by acting: Acting) throws(DomainError) {
        try perform(acting, "role.grant") { tx, actor in
            try Self.requireRoleAdministrator(actor, grant)
            guard try Directory.person(tx.db, person) != nil else { throw DomainError.unknownPerson(person) }
            if case .campus(let code) = grant.scope, try Directory.campus(tx.db, code) == nil { throw DomainError.unknownCampus(code) }
            try tx.add(DomainSchema.person.name, NaturalKey.rowID(DomainSchema.person, person.rawValue), "roles", .text(grant.element))
            return ((), "\(person) \(grant)")
        }
    }

    /// 撤销授权 — removes a role as seen here; a grant made concurrently elsewhere
    /// survives (add-wins), and shows in the audit trail of both nodes.
    public func revokeRole(_ grant: RoleGrant, from person: PersonID, by acting: Acting) throws(DomainError) {
        try perform(acting, "role.revoke") { tx, actor in
            try Self.requireRoleAdministrator(actor, grant)
            guard try Directory.person(tx.db, person) != nil else { throw DomainError.unknownPerson(person) }
            try tx.remove(DomainSchema.person.name, NaturalKey.rowID(DomainSchema.person, person.rawValue), "roles", .text(grant.element))
            return ((), "\(person) \(grant)")
        }
    }

    private static func requireRoleAdministrator(_ actor: StaffMember, _ grant: RoleGrant) throws(DomainError) {
        let covered = switch grant.scope {
        case .allCampuses: actor.roles.contains(RoleGrant(.administrator, .allCampuses))
        case .campus(let code): actor.holds(.administrator, at: code)
        }
        guard covered else {
            throw .notPermitted(actor: actor.id, action: "grant or revoke \(grant)", needs: "\(Role.administrator) of scope \(grant.scope)")
        }
    }

    /// 节假日导入 — loads a holiday calendar file (administrator or any chief). The parse
    /// is strict and all-or-nothing: one bad line and nothing is written.
    public func loadHolidayCalendar(_ text: String, by acting: Acting) throws(DomainError) {
        let calendar: HolidayCalendar
        do {
            calendar = try HolidayCalendar.parse(text)
        } catch {
            throw .badCalendar(error)
        }
        try perform(acting, "calendar.load") { tx, actor in
            guard actor.roles.contains(where: { $0.role == .administrator || $0.role == .sectionChief }) else {
                throw DomainError.notPermitted(actor: actor.id, action: "load the holiday calendar",
                                               needs: "\(Role.administrator) or \(Role.sectionChief)")
            }
            for entry in calendar.entries.values.sorted(by: { $0.date < $1.date }) {
                try tx.assign(DomainSchema.holiday.name, NaturalKey.rowID(DomainSchema.holiday, entry.date.iso), [
                    "date": .text(entry.date.iso), "kind": .text(entry.kind.rawValue), "day_name": .text(entry.name),
                ])
            }
            return ((), "\(calendar.entries.count) days")
        }
    }

    /// Longest name of a calendar day (国庆节调休上班).
    public static let calendarDayNameMax = 40

    /// 节假日调整 — sets one day of the holiday calendar: a holiday (放假), a make-up working
    /// day (调休上班, only on a Saturday or Sunday, as in the file), or back to an
    /// ordinary day (`kind` nil). Administrator or any chief, like a file load.
    public func setCalendarDay(_ date: LocalDate, kind: HolidayCalendar.Kind?, name: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "calendar.day") { tx, actor in
            guard actor.roles.contains(where: { $0.role == .administrator || $0.role == .sectionChief }) else {
                throw DomainError.notPermitted(actor: actor.id, action: "change the holiday calendar",
                                               needs: "\(Role.administrator) or \(Role.sectionChief)")
            }
            let name = name.trimmingSpaces
            guard name.count <= Self.calendarDayNameMax else {
                throw DomainError.invalid(field: "day name", reason: "at most \(Self.calendarDayNameMax) characters")
            }
            if kind == .workday && !date.weekday.isWeekend {
                throw DomainError.invalid(field: "make-up workday", reason: "\(date.iso) is a \(date.weekday), not a Saturday or Sunday")
            }
            // An ordinary day is stored with an empty kind: every reader (`Directory.calendar`)
            // skips a kind it does not know, older nodes included.
            try tx.assign(DomainSchema.holiday.name, NaturalKey.rowID(DomainSchema.holiday, date.iso), [
                "date": .text(date.iso), "kind": .text(kind?.rawValue ?? ""), "day_name": .text(kind == nil ? "" : name),
            ])
            return ((), date.iso)
        }
    }

    static func writePerson(_ person: StaffMember, tx: WriteTransaction) throws {
        let entity = DomainSchema.person.name
        let row = NaturalKey.rowID(DomainSchema.person, person.id.rawValue)
        try tx.assign(entity, row, [
            "staff_no": .text(person.id.rawValue), "name": .text(person.name), "campus": .text(person.campus.rawValue),
            "phone": .text(person.phone), "active": person.active ? 1 : 0,
            "avoid_nights": person.preferences.avoidNights ? 1 : 0,
        ])
        for post in person.posts.sorted() { try tx.add(entity, row, "posts", .text(post.rawValue)) }
        for skill in person.skills.sorted() { try tx.add(entity, row, "skills", .text(skill.rawValue)) }
        for day in person.preferences.preferredDaysOff.sorted(by: { $0.rawValue < $1.rawValue }) {
            try tx.add(entity, row, "days_off", .text(String(day.rawValue)))
        }
        for grant in person.roles.sorted(by: { $0.element < $1.element }) { try tx.add(entity, row, "roles", .text(grant.element)) }
    }

    // MARK: - Queries

    public func campuses() throws(DomainError) -> [Campus] { try query { try Directory.campuses($0) } }
    public func campus(_ code: CampusCode) throws(DomainError) -> Campus? { try query { try Directory.campus($0, code) } }
    public func people(campus: CampusCode? = nil) throws(DomainError) -> [StaffMember] {
        try query { try Directory.people($0, campus: campus) }
    }
    public func person(_ id: PersonID) throws(DomainError) -> StaffMember? { try query { try Directory.person($0, id) } }
    public func posts(campus: CampusCode) throws(DomainError) -> [Post] { try query { try Directory.posts($0, campus: campus) } }
    public func holidayCalendar() throws(DomainError) -> HolidayCalendar { try query { try Directory.calendar($0) } }
}
