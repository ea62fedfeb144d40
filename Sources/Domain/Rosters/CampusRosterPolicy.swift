/// 院区排班规则 — one campus's posts, shift templates, coverage and rest rules.
public struct CampusRosterPolicy: Hashable, Codable, Sendable {
    /// Bounds the slot count of a month: 31 days × 10 posts × 6 shifts × 3 seats is far above it.
    public static let postsMax = 32
    public static let templatesMax = 16
    public static let headcountMax = 8

    public var campus: CampusCode
    public var posts: [Post]
    public var templates: [ShiftTemplate]
    /// Which shift kinds each post is covered on; a post not listed is covered on every
    /// template (a campus whose 应用开发岗 has no night cover lists only its day shifts).
    public var coveredShifts: [PostID: Set<ShiftKindID>]
    /// People per slot (每班人数).
    public var headcount: Int
    public var rest: RestRules

    public init(campus: CampusCode, posts: [Post] = Post.defaults, templates: [ShiftTemplate] = ShiftTemplate.standardSet,
                coveredShifts: [PostID: Set<ShiftKindID>] = [:], headcount: Int = 1, rest: RestRules = .standard) {
        precondition(posts.count <= Self.postsMax, "more than postsMax posts")
        precondition(templates.count <= Self.templatesMax, "more than templatesMax templates")
        precondition((1...Self.headcountMax).contains(headcount), "headcount out of range")
        precondition(Set(posts.map(\.id)).count == posts.count, "duplicate post id")
        precondition(Set(templates.map(\.id)).count == templates.count, "duplicate shift kind id")
        self.campus = campus
        self.posts = posts
        self.templates = templates
        self.coveredShifts = coveredShifts
        self.headcount = headcount
        self.rest = rest
    }

    public func post(_ id: PostID) -> Post? { posts.first { $0.id == id } }
    public func template(_ id: ShiftKindID) -> ShiftTemplate? { templates.first { $0.id == id } }

    public func covers(post: PostID, shift: ShiftKindID) -> Bool {
        coveredShifts[post]?.contains(shift) ?? true
    }

    /// Every slot of a month, in time order (then post, then seat).
    public func slots(for month: LocalMonth, calendar: HolidayCalendar) -> [Slot] {
        var slots: [Slot] = []
        for date in month.days {
            let dayType = calendar.dayType(of: date)
            for template in templates where template.dayTypes.contains(dayType) {
                for post in posts where covers(post: post.id, shift: template.id) {
                    for seat in 0..<headcount {
                        let key = SlotKey(date: date, post: post.id, shiftKind: template.id, seat: seat)
                        slots.append(Slot(key: key, interval: template.interval(on: date), dayType: dayType,
                                          workedMinutes: template.workedMinutes))
                    }
                }
            }
        }
        slots.sort { ($0.interval.start, $0.key) < ($1.interval.start, $1.key) }
        return slots
    }
}
