import GRDB
import Replica

/// 名录 — reads of campuses, people, posts and the holiday calendar.
enum Directory {
    static func campus(_ db: Database, _ code: CampusCode) throws -> Campus? {
        try StoredRows.fetchOne(db, DomainSchema.campus, id: NaturalKey.rowID(DomainSchema.campus, code.rawValue))
            .map(campus(from:))
    }

    static func campuses(_ db: Database) throws -> [Campus] {
        try StoredRows.fetch(db, DomainSchema.campus).map(campus(from:)).sorted { $0.code < $1.code }
    }

    private static func campus(from row: Row) -> Campus {
        let rest = RestRules.clamped(minimumRestMinutes: (row["minimum_rest_minutes"] as Int?) ?? RestRules.standard.minimumRestMinutes,
                             restDaysAfterNight: (row["rest_days_after_night"] as Int?) ?? RestRules.standard.restDaysAfterNight,
                             shiftsPerDayMax: (row["shifts_per_day_max"] as Int?) ?? RestRules.standard.shiftsPerDayMax)
        return Campus(code: CampusCode((row["code"] as String?) ?? ""), name: (row["name"] as String?) ?? "",
                      generalDutyOfficer: (row["general_duty_name"] as String?) ?? "",
                      generalDutyPhone: (row["general_duty_phone"] as String?) ?? "",
                      shiftSet: Campus.ShiftSet(rawValue: (row["shift_set"] as String?) ?? "") ?? .standard,
                      rest: rest, headcount: min(max((row["headcount"] as Int?) ?? 1, 1), CampusRosterPolicy.headcountMax))
    }

    static func person(_ db: Database, _ id: PersonID) throws -> StaffMember? {
        let rowID = NaturalKey.rowID(DomainSchema.person, id.rawValue)
        return try StoredRows.fetchOne(db, DomainSchema.person, id: rowID).map { try person(from: $0, db: db) }
    }

    static func people(_ db: Database, campus: CampusCode? = nil) throws -> [StaffMember] {
        let rows = if let campus {
            try StoredRows.fetch(db, DomainSchema.person, where: "campus = ?", [campus.rawValue])
        } else {
            try StoredRows.fetch(db, DomainSchema.person)
        }
        return try rows.map { try person(from: $0, db: db) }.sorted { $0.id < $1.id }
    }

    private static func person(from row: Row, db: Database) throws -> StaffMember {
        let id = StoredRows.rowID(row)
        let entity = DomainSchema.person
        let daysOff = try StoredRows.set(db, entity, id, "days_off").compactMap { Int($0).flatMap(Weekday.init(rawValue:)) }
        return StaffMember(
            id: PersonID((row["staff_no"] as String?) ?? ""), name: (row["name"] as String?) ?? "",
            campus: CampusCode((row["campus"] as String?) ?? ""), phone: (row["phone"] as String?) ?? "",
            active: ((row["active"] as Int?) ?? 1) != 0,
            posts: Set(try StoredRows.set(db, entity, id, "posts").map { PostID($0) }),
            skills: Set(try StoredRows.set(db, entity, id, "skills").map { Skill($0) }),
            roles: Set(try StoredRows.set(db, entity, id, "roles").compactMap(RoleGrant.init(element:))),
            preferences: RosterPreferences(avoidNights: ((row["avoid_nights"] as Int?) ?? 0) != 0,
                                           preferredDaysOff: Set(daysOff)),
            // A peer may send any integer: pinned, never trusted to be in range.
            annualLeaveDays: StoredRows.counter(row, "annual_leave_days").map { min(max($0, 0), StaffMember.annualLeaveDaysMax) })
    }

    static func posts(_ db: Database, campus: CampusCode) throws -> [Post] {
        let entity = DomainSchema.post
        return try StoredRows.fetch(db, entity, where: "campus = ? AND coalesce(active, 1) = 1", [campus.rawValue]).map { row in
            let id = StoredRows.rowID(row)
            return Post(id: PostID((row["post_id"] as String?) ?? ""), nameChinese: (row["name_zh"] as String?) ?? "",
                        nameEnglish: (row["name_en"] as String?) ?? "",
                        requiredSkills: Set(try StoredRows.set(db, entity, id, "required_skills").map { Skill($0) }))
        }.sorted { $0.id < $1.id }
    }

    static func postPhone(_ db: Database, campus: CampusCode, post: PostID) throws -> String {
        try StoredRows.fetchOne(db, DomainSchema.post, id: NaturalKey.rowID(DomainSchema.post, campus.rawValue, post.rawValue))
            .flatMap { $0["phone"] as String? } ?? ""
    }

    static func calendar(_ db: Database) throws -> HolidayCalendar {
        let entries = try StoredRows.fetch(db, DomainSchema.holiday).compactMap { row -> HolidayCalendar.Entry? in
            guard let date = LocalDate(iso: (row["date"] as String?) ?? ""),
                  let kind = HolidayCalendar.Kind(rawValue: (row["kind"] as String?) ?? "") else { return nil }
            return HolidayCalendar.Entry(date: date, kind: kind, name: (row["day_name"] as String?) ?? "")
        }
        return HolidayCalendar(entries: entries)
    }
}
