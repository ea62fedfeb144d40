@testable import Domain

/// Small builders so each test states only what it is about.
enum Fixture {
    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { preconditionFailure("bad test date \(iso)") }
        return date
    }

    static let march2026: LocalMonth = {
        guard let month = LocalMonth(year: 2026, month: 3) else { preconditionFailure() }
        return month
    }()

    static func engineer(_ id: String, posts: [Post] = [.networkSecurity], skills: [Skill]? = nil,
                         campus: CampusCode = "E", preferences: RosterPreferences = .none) -> Person {
        Person(id: PersonID(id), name: "工程师\(id)", campus: campus, posts: Set(posts.map(\.id)),
               skills: Set(skills ?? posts.flatMap(\.requiredSkills)), preferences: preferences)
    }

    static func slot(_ iso: String, _ shift: ShiftTemplate, post: Post = .networkSecurity, seat: Int = 0) -> SlotKey {
        SlotKey(date: date(iso), post: post.id, shiftKind: shift.id, seat: seat)
    }

    static func on(_ person: String, _ iso: String, _ shift: ShiftTemplate, post: Post = .networkSecurity) -> Assignment {
        Assignment(slot: slot(iso, shift, post: post), person: PersonID(person))
    }

    static func policy(templates: [ShiftTemplate] = ShiftTemplate.standardSet, posts: [Post] = Post.defaults,
                       rest: RestRules = .standard, headcount: Int = 1) -> CampusRosterPolicy {
        CampusRosterPolicy(campus: "E", posts: posts, templates: templates, headcount: headcount, rest: rest)
    }
}
