/// 值班人员 — what the roster needs to know about a staff member; the full staff
/// record (phone, role, department) lives elsewhere.
public struct Person: Hashable, Codable, Sendable, Identifiable {
    public let id: PersonID
    public var name: String
    /// 院区 — the campus whose roster this person is on.
    public var campus: CampusCode
    /// 可担任岗位 — posts the chief allows this person to hold.
    public var posts: Set<PostID>
    public var skills: Set<Skill>
    public var preferences: RosterPreferences

    public init(id: PersonID, name: String, campus: CampusCode, posts: Set<PostID>, skills: Set<Skill>,
                preferences: RosterPreferences = .none) {
        self.id = id
        self.name = name
        self.campus = campus
        self.posts = posts
        self.skills = skills
        self.preferences = preferences
    }
}

/// 排班意愿 — soft wishes: honoured when it costs no hard rule and little fairness.
public struct RosterPreferences: Hashable, Codable, Sendable {
    /// 尽量不排夜班
    public var avoidNights: Bool
    /// 希望休息的星期几
    public var preferredDaysOff: Set<Weekday>

    public init(avoidNights: Bool = false, preferredDaysOff: Set<Weekday> = []) {
        self.avoidNights = avoidNights
        self.preferredDaysOff = preferredDaysOff
    }

    public static let none = RosterPreferences()
}
