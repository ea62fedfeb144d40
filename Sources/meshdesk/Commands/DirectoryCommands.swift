import ArgumentParser
import Domain
import Foundation

/// `meshdesk directory …` — 人员与院区: campuses, posts, staff, roles and the holiday
/// calendar, the data every roster, ticket and account refers to. Each write is a
/// domain command: the acting person's role is checked and the audit trail written.
struct DirectoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "Campuses, posts, staff, roles and the holiday calendar.",
        subcommands: [CampusGroup.self, PostGroup.self, PersonGroup.self, RoleGroup.self, CalendarLoad.self, CalendarDay.self,
                      CalendarOfficial.self])

    struct CampusGroup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "campus", abstract: "院区: add or update, list.",
                                                        subcommands: [CampusAdd.self, CampusList.self])
    }
    struct PostGroup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "post", abstract: "岗位: add or update, list.",
                                                        subcommands: [PostAdd.self, PostList.self])
    }
    struct PersonGroup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person", abstract: "人员: add or update, list, annual leave days.",
                                                        subcommands: [PersonAdd.self, PersonList.self, PersonAnnualLeave.self])
    }
    struct RoleGroup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "授权: grant or revoke a role.",
                                                        subcommands: [RoleGrantCommand.self, RoleRevokeCommand.self])
    }
}

struct CampusAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Register or update a campus (administrator).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code, e.g. EAST.") var code: String
    @Option(help: "Campus name, e.g. 东院区.") var name: String
    @Option(help: "总值班 — the general duty officer this campus escalates to.") var dutyOfficer = ""
    @Option(help: "The general duty officer's phone.") var dutyPhone = ""
    @Option(help: "Shift set: \(Campus.ShiftSet.allCases.map(\.rawValue).joined(separator: ", ")).") var shiftSet = "standard"
    @Option(help: "每班人数 — people per shift and post.") var headcount = 1

    func run() throws {
        guard let set = Campus.ShiftSet(rawValue: shiftSet) else {
            throw ValidationError("unknown shift set \"\(shiftSet)\"; one of \(Campus.ShiftSet.allCases.map(\.rawValue))")
        }
        guard (1...Self.headcountMax).contains(headcount) else { throw ValidationError("headcount must be 1…\(Self.headcountMax)") }
        let campus = Campus(code: CampusCode(code), name: name, generalDutyOfficer: dutyOfficer, generalDutyPhone: dutyPhone,
                            shiftSet: set, headcount: headcount)
        let d = try options.department()
        try refusing { try d.registerCampus(campus, by: try options.acting()) }
        try options.emit(campus) { "campus \(code) registered" }
    }

    static let headcountMax = 20
}

struct CampusList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List campuses.")
    @OptionGroup var options: QueryOptions

    func run() throws {
        let campuses = try refusing { try options.department().campuses() }
        try options.emit(campuses) {
            campuses.map { "\($0.code)\t\($0.name)\t\($0.shiftSet.rawValue)\t总值班 \($0.generalDutyOfficer) \($0.generalDutyPhone)" }
                .joined(separator: "\n")
        }
    }
}

struct PostAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Set up a post of a campus (administrator or its chief).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Post id, e.g. network-security.") var id: String
    @Option(help: "Chinese name, e.g. 网络安全岗.") var nameZh: String
    @Option(help: "English name.") var nameEn = ""
    @Option(help: "The post's duty phone.") var phone = ""
    @Option(name: .customLong("skill"), help: "A skill everyone on this post must have (repeatable).") var skills: [String] = []

    func run() throws {
        let post = Post(id: PostID(id), nameChinese: nameZh, nameEnglish: nameEn, requiredSkills: Set(skills.map(Skill.init)))
        let d = try options.department()
        try refusing { try d.registerPost(post, campus: CampusCode(campus), phone: phone, by: try options.acting()) }
        try options.emit(post) { "post \(campus) \(id) set up" }
    }
}

struct PostList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the posts of a campus.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String

    func run() throws {
        let d = try options.department()
        let posts = try refusing { try d.posts(campus: try knownCampus(campus, in: d)) }
        try options.emit(posts) {
            posts.map { "\($0.id)\t\($0.nameChinese)\t\($0.requiredSkills.map(\.rawValue).sorted().joined(separator: ","))" }
                .joined(separator: "\n")
        }
    }
}

struct PersonAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
                                                    abstract: "Register or update a staff member (administrator, or the chief of their campus). Roles: `directory role grant`.")
    @OptionGroup var options: DomainOptions
    @Option(help: "工号 — staff number.") var id: String
    @Option(help: "Name, e.g. 张伟.") var name: String
    @Option(help: "Home campus code.") var campus: String
    @Option(help: "Phone.") var phone = ""
    @Option(name: .customLong("post"), help: "A post they can be rostered on (repeatable).") var posts: [String] = []
    @Option(name: .customLong("skill"), help: "A skill (repeatable).") var skills: [String] = []
    @Flag(help: "Mark as no longer active (left the department).") var inactive = false
    @Option(help: "A role to grant at their campus (repeatable; administrator): \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    var role: [String] = []

    func run() throws {
        let grants = try role.map { try roleGrant($0, campus: campus) }
        let d = try options.department()
        // An update keeps what the command line does not mention: roles and roster preferences.
        let existing = try refusing { try d.person(PersonID(id)) }
        let person = StaffMember(id: PersonID(id), name: name, campus: CampusCode(campus), phone: phone, active: !inactive,
                                 posts: Set(posts.map(PostID.init)), skills: Set(skills.map(Skill.init)),
                                 preferences: existing?.preferences ?? .none)
        let acting = try options.acting()
        try refusing {
            try d.registerPerson(person, by: acting)
            for grant in grants { try d.grantRole(grant, to: person.id, by: acting) }
        }
        let granted = grants.map(\.element).joined(separator: ", ")
        try options.emit(["id": id, "name": name, "campus": campus, "roles": granted]) {
            "\(existing == nil ? "registered" : "updated") \(id) \(name) at \(campus)\(grants.isEmpty ? "" : " with \(granted)")"
        }
    }
}

struct PersonAnnualLeave: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annual-leave",
                                                    abstract: "年假天数: set the annual leave days a year of a staff member (administrator of their campus).")
    @OptionGroup var options: DomainOptions
    @Option(help: "工号 — staff number.") var id: String
    @Option(help: "Annual leave days a calendar year (0…\(StaffMember.annualLeaveDaysMax)).") var days: Int

    func run() throws {
        let d = try options.department()
        try refusing { try d.setAnnualLeave(person: PersonID(id), days: days, by: try options.acting()) }
        try options.emit(["id": id, "annualLeaveDays": String(days)]) { "\(id): \(days) days of annual leave a year" }
    }
}

struct PersonList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List staff, optionally of one campus.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?

    func run() throws {
        let d = try options.department()
        let people = try refusing { try d.people(campus: try campus.map { try knownCampus($0, in: d) }) }
        try options.emit(people) {
            people.isEmpty ? "no staff\(campus.map { " at \($0)" } ?? "")" : people.map { p in
                let roles = p.roles.map(\.element).sorted().joined(separator: ",")
                return "\(p.id)\t\(p.name)\t\(p.campus)\t\(p.active ? "active" : "inactive")\t\(roles)"
            }.joined(separator: "\n")
        }
    }
}

/// `--role engineer --campus EAST`, or `--campus '*'` for every campus.
struct RoleGrantOptions: ParsableArguments {
    @Option(help: "工号 of the person.") var person: String
    @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
    @Option(help: "Campus code, or * for every campus.") var campus: String

    func grant() throws -> RoleGrant { try roleGrant(role, campus: campus) }
}

/// A role name and a campus code (or `*`) from the command line, as a grant.
func roleGrant(_ role: String, campus: String) throws -> RoleGrant {
    guard let grant = RoleGrant(element: "\(role)@\(campus)") else {
        throw ValidationError("unknown role \"\(role)\"; one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return grant
}

struct RoleGrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Grant a role (administrator of the scope).")
    @OptionGroup var options: DomainOptions
    @OptionGroup var role: RoleGrantOptions

    func run() throws {
        let grant = try role.grant()
        let d = try options.department()
        try refusing { try d.grantRole(grant, to: PersonID(role.person), by: try options.acting()) }
        try options.emit(["person": role.person, "granted": grant.element]) { "granted \(grant) to \(role.person)" }
    }
}

struct RoleRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke",
                                                    abstract: "Revoke a role as seen here (a concurrent grant elsewhere survives).")
    @OptionGroup var options: DomainOptions
    @OptionGroup var role: RoleGrantOptions

    func run() throws {
        let grant = try role.grant()
        let d = try options.department()
        try refusing { try d.revokeRole(grant, from: PersonID(role.person), by: try options.acting()) }
        try options.emit(["person": role.person, "revoked": grant.element]) { "revoked \(grant) from \(role.person)" }
    }
}

struct CalendarLoad: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar",
                                                    abstract: "Load a holiday calendar file (节假日; all-or-nothing, strict).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Calendar file (the format of Sources/Domain/Resources/calendars/cn-2026.txt).") var file: String

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let d = try options.department()
        try refusing { try d.loadHolidayCalendar(text, by: try options.acting()) }
        try options.emit(["loaded": file]) { "calendar \(file) loaded" }
    }
}
