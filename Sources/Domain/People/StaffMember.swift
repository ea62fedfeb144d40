/// 人员档案 — the full staff record: who, where, how to reach them, what they may do.
/// `rosterPerson` is the slice the roster generator needs.
public struct StaffMember: Hashable, Codable, Sendable, Identifiable {
    /// 工号 — the staff number; also the key HTTP user accounts bind to.
    public let id: PersonID
    public var name: String
    public var campus: CampusCode
    public var phone: String
    public var active: Bool
    public var posts: Set<PostID>
    public var skills: Set<Skill>
    public var roles: Set<RoleGrant>
    public var preferences: RosterPreferences
    /// 年假天数 — annual leave days a calendar year; nil when the administrator set none.
    public var annualLeaveDays: Int?

    /// The most annual leave days a year one may be given (a stored value is pinned to it).
    public static let annualLeaveDaysMax = 60

    public init(id: PersonID, name: String, campus: CampusCode, phone: String, active: Bool = true,
                posts: Set<PostID> = [], skills: Set<Skill> = [], roles: Set<RoleGrant> = [],
                preferences: RosterPreferences = .none, annualLeaveDays: Int? = nil) {
        self.id = id
        self.name = name
        self.campus = campus
        self.phone = phone
        self.active = active
        self.posts = posts
        self.skills = skills
        self.roles = roles
        self.preferences = preferences
        self.annualLeaveDays = annualLeaveDays
    }

    public var rosterPerson: Person {
        Person(id: id, name: name, campus: campus, posts: posts, skills: skills, preferences: preferences)
    }

    /// Whether a grant of `role` covers `campus`.
    public func holds(_ role: Role, at campus: CampusCode) -> Bool {
        roles.contains { $0.role == role && $0.scope.covers(campus) }
    }

    /// `张伟 (E0101)`
    public var label: String { "\(name) (\(id))" }
}
