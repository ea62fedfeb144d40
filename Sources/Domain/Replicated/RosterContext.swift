import GRDB

/// Everything the rules need about one campus, loaded from the replica.
struct RosterContext {
    let campus: Campus
    let posts: [Post]
    let people: [StaffMember]
    let calendar: HolidayCalendar
    let approvedLeave: [Leave]

    var policy: CampusRosterPolicy { campus.policy(posts: posts) }

    static func load(_ db: Database, campus code: CampusCode) throws -> RosterContext {
        guard let campus = try Directory.campus(db, code) else { throw DomainError.unknownCampus(code) }
        let people = try Directory.people(db, campus: code)
        return RosterContext(campus: campus, posts: try Directory.posts(db, campus: code), people: people,
                             calendar: try Directory.calendar(db), approvedLeave: try LeaveRequests.approvedLeave(db, campus: code))
    }

    func person(_ id: PersonID) throws(DomainError) -> StaffMember {
        guard let person = people.first(where: { $0.id == id }) else { throw .unknownPerson(id) }
        guard person.active else { throw .inactivePerson(id) }
        return person
    }

    func requirePost(_ post: PostID) throws(DomainError) {
        guard posts.contains(where: { $0.id == post }) else { throw .unknownPost(campus.code, post) }
    }

    /// Seats near `dates` with `changes` applied (seat → new holder), checked for the
    /// hard rules; returns the violations that involve `people` (what this change
    /// would break — older problems of others are not this command's business).
    func violations(_ db: Database, around dates: [LocalDate], changes: [SlotKey: PersonID?],
                    involving people: Set<PersonID>) throws -> [RosterViolation] {
        guard let first = dates.min(), let last = dates.max() else { return [] }
        let reachDays = policy.rest.restDaysAfterNight + 3
        var seats = try RosterSeats.seats(db, campus: campus.code, from: first.adding(days: -reachDays), to: last.adding(days: reachDays))
        var assignments = RosterSeats.assignments(seats.filter { changes[$0.slot] == nil })
        for (slot, person) in changes { if let person { assignments.append(Assignment(slot: slot, person: person)) } }
        seats.removeAll()
        return RosterRules(policy: policy).check(assignments, people: self.people.map(\.rosterPerson), leave: approvedLeave,
                                                 calendar: calendar).filter { $0.involves(people) }
    }
}

extension RosterViolation {
    /// Whether the violation concerns one of `people`.
    func involves(_ people: Set<PersonID>) -> Bool {
        switch self {
        case .unknownPerson(let a), .unknownPost(let a), .unknownShiftKind(let a), .shiftNotForDayType(let a, _),
             .otherCampus(let a, _), .postNotHeld(let a), .missingSkill(let a, _), .onLeave(let a, _):
            people.contains(a.person)
        case .seatHeldByMany(_, let holders): !people.isDisjoint(with: holders)
        case .overlap(let p, _, _), .restTooShort(let p, _, _, _), .noRestDayAfterNight(let p, _, _), .tooManyShiftsInDay(let p, _, _):
            people.contains(p)
        }
    }
}
