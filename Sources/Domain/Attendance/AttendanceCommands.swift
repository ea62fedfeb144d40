import GRDB
import Replica
import Storage

/// 签到 / 签退 — one event of a person's attendance day.
public struct AttendanceEvent: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable {
        case signIn = "sign_in"
        case signOut = "sign_out"
    }

    public let kind: Kind
    public let at: Int
    /// Who recorded it: the person, or an attendance clerk on their behalf.
    public let by: String

    public var time: LocalDateTime { LocalDateTime(minutesSinceEpoch: at) }
}

/// 考勤 — sign-in and sign-out, appended to the person's day (both campuses may record).
extension Department {
    /// Records `kind` for `person` at the actor's `now`: the person themself, or an
    /// attendance clerk of their campus. A sign-out needs an earlier sign-in that day, or
    /// — for a night that crossed midnight — yesterday's sign-in not yet signed out.
    public func recordAttendance(_ kind: AttendanceEvent.Kind, person: PersonID? = nil, by acting: Acting) throws(DomainError) {
        try perform(acting, "attendance.\(kind.rawValue)") { tx, actor in
            let subject = person ?? actor.id
            guard let staff = try Directory.person(tx.db, subject) else { throw DomainError.unknownPerson(subject) }
            guard staff.active else { throw DomainError.inactivePerson(subject) }
            if subject != actor.id {
                try Permissions.require(actor, .attendanceClerk, at: staff.campus, to: "record attendance for \(subject)")
            }
            let date = acting.now.date
            let row = NaturalKey.rowID(DomainSchema.attendanceDay, subject.rawValue, date.iso)
            let events = try StoredRows.log(tx.db, DomainSchema.attendanceDay, row, "events").compactMap { LogCoding.decode(AttendanceEvent.self, $0) }
            if kind == .signOut {
                // A night crosses midnight: its sign-in sits in yesterday's row, and stays
                // the one to close while nothing was recorded today.
                let yesterday = NaturalKey.rowID(DomainSchema.attendanceDay, subject.rawValue, date.adding(days: -1).iso)
                let open = events.isEmpty
                    ? try StoredRows.log(tx.db, DomainSchema.attendanceDay, yesterday, "events").compactMap { LogCoding.decode(AttendanceEvent.self, $0) }
                        .max { $0.at < $1.at }.flatMap { $0.kind == .signIn ? $0 : nil }
                    : events.last(where: { $0.kind == .signIn })
                guard let signIn = open else {
                    throw DomainError.wrongState(what: "attendance of \(subject) on \(date)", state: "not signed in", action: "sign out")
                }
                guard signIn.time < acting.now else {
                    throw DomainError.reversedTimes(start: signIn.time.description, end: acting.now.description)
                }
            }
            try tx.assign(DomainSchema.attendanceDay.name, row, ["person": .text(subject.rawValue), "campus": .text(staff.campus.rawValue),
                                                                 "date": .text(date.iso)])
            let event = AttendanceEvent(kind: kind, at: acting.now.minutesSinceEpoch, by: actor.id.rawValue)
            try tx.append(DomainSchema.attendanceDay.name, row, "events", .text(LogCoding.encode(event)))
            return ((), "\(subject) \(date)")
        }
    }

    /// The events of a person's day, in stamp order.
    public func attendance(person: PersonID, date: LocalDate) throws(DomainError) -> [AttendanceEvent] {
        try query { db in
            try StoredRows.log(db, DomainSchema.attendanceDay, NaturalKey.rowID(DomainSchema.attendanceDay, person.rawValue, date.iso), "events")
                .compactMap { LogCoding.decode(AttendanceEvent.self, $0) }
        }
    }
}
