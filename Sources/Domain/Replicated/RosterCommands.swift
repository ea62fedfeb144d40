import GRDB
import Replica
import Storage

/// 排班发布与调整 — publishing a generated month, reading it, and the chief's overrides.
extension Department {
    /// What publishing wrote.
    public struct Publication: Sendable {
        public let result: RosterResult
        public let seatsWritten: Int
    }

    /// 生成并发布 — generates the campus month with `RosterGenerator` (approved leave and
    /// the stored calendar respected) and writes every seat (section chief of the campus).
    /// A month already published is refused unless `replace`.
    public func publishRoster(campus: CampusCode, month: LocalMonth, seed: UInt64, replace: Bool = false,
                              by acting: Acting) throws(DomainError) -> Publication {
        try perform(acting, "roster.publish") { tx, actor in
            try Permissions.require(actor, .sectionChief, at: campus, to: "publish the roster of campus \(campus)")
            let context = try RosterContext.load(tx.db, campus: campus)
            guard !context.posts.isEmpty else { throw DomainError.missing(field: "posts of campus \(campus)") }
            let existing = try RosterSeats.seats(tx.db, campus: campus, from: month.firstDay, to: month.lastDay)
            if !replace, existing.contains(where: { !$0.holders.isEmpty }) { throw DomainError.alreadyPublished(campus, month) }
            let request = RosterRequest(policy: context.policy, month: month, calendar: context.calendar,
                                        people: context.people.filter(\.active).map(\.rosterPerson), leave: context.approvedLeave)
            var rng = SplitMix64(seed: seed)
            let result = RosterGenerator().generate(request, using: &rng)
            let holder = Dictionary(result.roster.assignments.map { ($0.slot, $0.person) }, uniquingKeysWith: { first, _ in first })
            for slot in result.roster.slots {
                try Self.writeSeat(campus: campus, slot: slot.key, holder: holder[slot.key], tx: tx)
            }
            let generated = Set(result.roster.slots.map(\.key))
            for seat in existing where !generated.contains(seat.slot) {
                try Self.writeSeat(campus: campus, slot: seat.slot, holder: nil, tx: tx)
            }
            try tx.assign(DomainSchema.rosterMonth.name, NaturalKey.rowID(DomainSchema.rosterMonth, campus.rawValue, month.description), [
                "campus": .text(campus.rawValue), "month": .text(month.description), "published_by": .text(actor.id.rawValue),
                "published_at": .integer(Int64(acting.now.minutesSinceEpoch)), "seed": .integer(Int64(bitPattern: seed)),
                "unfilled": .integer(Int64(result.unfilled.count)),
            ])
            return (Publication(result: result, seatsWritten: result.roster.slots.count), "\(campus) \(month)")
        }
    }

    /// 科长调整 — the chief puts `person` on a seat (nil leaves it open). It also resolves
    /// a conflict on the seat: the write overwrites every version this replica sees.
    public func overrideSeat(campus: CampusCode, slot: SlotKey, person: PersonID?, by acting: Acting) throws(DomainError) {
        try perform(acting, "roster.override") { tx, actor in
            try Permissions.require(actor, .sectionChief, at: campus, to: "change the roster of campus \(campus)")
            let context = try RosterContext.load(tx.db, campus: campus)
            try context.requirePost(slot.post)
            guard try RosterSeats.seat(tx.db, campus: campus, slot: slot) != nil else {
                throw DomainError.unknownSeat(SeatKey.text(campus: campus, slot: slot))
            }
            if let person {
                _ = try context.person(person)
                let broken = try context.violations(tx.db, around: [slot.date], changes: [slot: person], involving: [person])
                if let first = broken.first { throw DomainError.breaksRosterRule(first.description) }
            }
            try Self.writeSeat(campus: campus, slot: slot, holder: person, tx: tx)
            return ((), "\(SeatKey.text(campus: campus, slot: slot)) → \(person?.rawValue ?? "open")")
        }
    }

    static func writeSeat(campus: CampusCode, slot: SlotKey, holder: PersonID?, tx: WriteTransaction) throws {
        let row = SeatKey.rowID(campus: campus, slot: slot)
        try tx.assign(DomainSchema.rosterSeat.name, row, [
            "campus": .text(campus.rawValue), "date": .text(slot.date.iso), "post": .text(slot.post.rawValue),
            "shift_kind": .text(slot.shiftKind.rawValue), "seat": .integer(Int64(slot.seat)),
            "month": .text(LocalMonth(containing: slot.date).description),
        ])
        try tx.assignSurfaced(DomainSchema.rosterSeat.name, row, "assignee", holder.map { .text($0.rawValue) } ?? .null)
    }

    // MARK: - Queries

    /// 值班表 — the seats of a campus month as this replica sees them.
    public func roster(campus: CampusCode, month: LocalMonth) throws(DomainError) -> [RosterSeat] {
        try query { try RosterSeats.seats($0, campus: campus, from: month.firstDay, to: month.lastDay) }
    }

    /// Months (YYYY-MM, ascending) in which a campus has at least one roster seat, so an
    /// empty answer can say where the roster is.
    public func rosterMonths(campus: CampusCode) throws(DomainError) -> [String] {
        try query { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT month FROM \(ReplicaQueries.tableName(DomainSchema.rosterSeat)) WHERE campus = ? AND month IS NOT NULL ORDER BY month",
                                arguments: [campus.rawValue])
        }
    }

    /// The month as a `Roster` value (the displayed assignee of each seat), with the
    /// policy and people, for iCalendar export and fairness figures.
    public func rosterValue(campus: CampusCode, month: LocalMonth) throws(DomainError)
        -> (roster: Roster, policy: CampusRosterPolicy, people: [Person], leave: [Leave]) {
        try query { db in
            let context = try RosterContext.load(db, campus: campus)
            let seats = try RosterSeats.seats(db, campus: campus, from: month.firstDay, to: month.lastDay)
            let slots = context.policy.slots(for: month, calendar: context.calendar)
            let assignments = seats.compactMap { seat in seat.assignee.map { Assignment(slot: seat.slot, person: $0) } }
            return (Roster(campus: campus, month: month, slots: slots, assignments: assignments), context.policy,
                    context.people.map(\.rosterPerson), context.approvedLeave)
        }
    }
}
