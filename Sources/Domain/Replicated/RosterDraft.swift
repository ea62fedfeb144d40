import GRDB
import Replica
import Storage

/// 排班草稿与检查 — what the chief's roster page reads before it writes: a generated
/// month that is not stored (the same seed and state publish the same roster), the hard
/// rules a seat change would break (the same check `overrideSeat` runs in its
/// transaction), and who published the month.
extension Department {
    /// Who published a campus month, when, and with which seed.
    public struct RosterPublicationRecord: Hashable, Sendable {
        public let by: PersonID
        public let at: LocalDateTime
        public let seed: UInt64
        public let unfilled: Int
    }

    /// 生成草稿 — the month `publishRoster(seed:)` would write now, without writing it.
    public func draftRoster(campus: CampusCode, month: LocalMonth, seed: UInt64) throws(DomainError) -> RosterResult {
        let request: RosterRequest = try query { db in
            let context = try RosterContext.load(db, campus: campus)
            guard !context.posts.isEmpty else { throw DomainError.missing(field: "posts of campus \(campus)") }
            return RosterRequest(policy: context.policy, month: month, calendar: context.calendar,
                                 people: context.people.filter(\.active).map(\.rosterPerson), leave: context.approvedLeave)
        }
        var rng = SplitMix64(seed: seed)
        return RosterGenerator().generate(request, using: &rng)
    }

    /// The hard rules putting `person` on `slot` would break (empty: the change is legal).
    /// Throws what `overrideSeat` throws before its rule check (unknown post, seat or person).
    public func seatViolations(campus: CampusCode, slot: SlotKey, person: PersonID) throws(DomainError) -> [RosterViolation] {
        try query { db in
            let context = try RosterContext.load(db, campus: campus)
            try context.requirePost(slot.post)
            guard try RosterSeats.seat(db, campus: campus, slot: slot) != nil else {
                throw DomainError.unknownSeat(SeatKey.text(campus: campus, slot: slot))
            }
            _ = try context.person(person)
            return try context.violations(db, around: [slot.date], changes: [slot: person], involving: [person])
        }
    }

    /// The publication of a campus month, or nil when it was never published.
    public func rosterPublication(campus: CampusCode, month: LocalMonth) throws(DomainError) -> RosterPublicationRecord? {
        try query { db in
            let id = NaturalKey.rowID(DomainSchema.rosterMonth, campus.rawValue, month.description)
            guard let row = try StoredRows.fetchOne(db, DomainSchema.rosterMonth, id: id),
                  let by = row["published_by"] as String? else { return nil }
            return RosterPublicationRecord(by: PersonID(by), at: LocalDateTime(minutesSinceEpoch: (row["published_at"] as Int?) ?? 0),
                                           seed: UInt64(bitPattern: (row["seed"] as Int64?) ?? 0), unfilled: (row["unfilled"] as Int?) ?? 0)
        }
    }
}
