import GRDB
import Replica
import Storage

/// 加班申请 — overtime asked for before it starts, at most 2 h a day per person.
public struct OvertimeRequest: Hashable, Codable, Sendable {
    public let id: String
    public let person: PersonID
    public let campus: CampusCode
    public let start: LocalDateTime
    public let end: LocalDateTime
    public let reason: String
    /// 调休 or 加班费, chosen when requested.
    public let compensation: OvertimeCompensation
    public let state: RequestState
    /// Who requested and who decided, and when (transitions that applied, oldest first).
    public let history: [RequestTransition]

    public var minutes: Int { end.minutesSinceEpoch - start.minutesSinceEpoch }
}

enum OvertimeRequests {
    static func all(_ db: Database, person: PersonID? = nil) throws -> [OvertimeRequest] {
        let rows = if let person {
            try StoredRows.fetch(db, DomainSchema.overtimeRequest, where: "person = ?", [person.rawValue])
        } else {
            try StoredRows.fetch(db, DomainSchema.overtimeRequest)
        }
        return try rows.compactMap { row in
            guard let date = LocalDate(iso: (row["date"] as String?) ?? ""),
                  let start = row["start_minute"] as Int?, let end = row["end_minute"] as Int? else { return nil }
            let id = StoredRows.rowID(row)
            let log = try StoredRows.log(db, DomainSchema.overtimeRequest, id, "transitions").compactMap { LogCoding.decode(RequestTransition.self, $0) }
            let folded = RequestFlow.direct.fold(log)
            return OvertimeRequest(id: id.description, person: PersonID((row["person"] as String?) ?? ""),
                                   campus: CampusCode((row["campus"] as String?) ?? ""),
                                   start: LocalDateTime(date: date, minuteOfDay: start), end: LocalDateTime(date: date, minuteOfDay: end),
                                   reason: (row["reason"] as String?) ?? "",
                                   compensation: OvertimeCompensation.stored(String.fromDatabaseValue(row["compensation"] as DatabaseValue)),
                                   state: folded.state, history: folded.applied)
        }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }
}

/// 加班 — request (the person, in advance, within the daily cap), approve or reject (the chief).
extension Department {
    /// 每日加班不超过 2 小时.
    public static let overtimeMinutesPerDayMax = 120

    /// `start` and `end` are minutes of `date` (end may be 24:00 = 1440).
    public func requestOvertime(date: LocalDate, startMinute: Int, endMinute: Int, reason: String,
                                compensation: OvertimeCompensation = .unstated, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "overtime.request") { tx, actor in
            let start = LocalDateTime(date: date, minuteOfDay: startMinute)
            let end = LocalDateTime(date: date, minuteOfDay: endMinute)
            guard (0...LocalDateTime.minutesPerDay).contains(startMinute), (0...LocalDateTime.minutesPerDay).contains(endMinute),
                  startMinute < endMinute else { throw DomainError.reversedTimes(start: start.description, end: end.description) }
            guard acting.now < start else { throw DomainError.overtimeNotInAdvance(start: start, now: acting.now) }
            guard !reason.isEmpty else { throw DomainError.missing(field: "reason") }
            let sameDay = try OvertimeRequests.all(tx.db, person: actor.id)
                .filter { $0.start.date == date && ($0.state == .requested || $0.state == .approved) }
            if let clash = sameDay.first(where: { $0.start < end && start < $0.end }) {
                throw DomainError.overlapping(person: actor.id, what: "overtime \(start)–\(end.clock)", existing: "overtime \(clash.start)–\(clash.end.clock)")
            }
            let already = sameDay.reduce(0) { $0 + $1.minutes }
            guard already + (endMinute - startMinute) <= Self.overtimeMinutesPerDayMax else {
                throw DomainError.overtimeCapExceeded(person: actor.id, date: date, requestedMinutes: endMinute - startMinute,
                                                      alreadyMinutes: already, capMinutes: Self.overtimeMinutesPerDayMax)
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.overtimeRequest.name, row, [
                "person": .text(actor.id.rawValue), "campus": .text(actor.campus.rawValue), "date": .text(date.iso),
                "start_minute": .integer(Int64(startMinute)), "end_minute": .integer(Int64(endMinute)), "reason": .text(reason),
                "requested_at": .integer(Int64(acting.now.minutesSinceEpoch)), "compensation": .text(compensation.rawValue),
            ])
            try Self.appendTransition(DomainSchema.overtimeRequest, row, RequestTransition(.request, by: actor.id, at: acting.now), tx: tx)
            return (row.description, row.description)
        }
    }

    public func decideOvertime(_ id: String, approve: Bool, by acting: Acting) throws(DomainError) {
        try perform(acting, approve ? "overtime.approve" : "overtime.reject") { tx, actor in
            guard let request = try OvertimeRequests.all(tx.db).first(where: { $0.id == id }), let row = RowID(hex: id) else {
                throw DomainError.unknownRequest(kind: "overtime request", id: id)
            }
            try Permissions.require(actor, .sectionChief, at: request.campus, to: "\(approve ? "approve" : "reject") overtime \(id)")
            let action: RequestAction = approve ? .approve : .reject
            guard RequestFlow.direct.next(request.state, action) != nil else {
                throw DomainError.wrongState(what: "overtime \(id)", state: request.state.rawValue, action: action.rawValue)
            }
            if approve {
                // Requests made concurrently on two nodes may together pass the cap; approval re-checks the approved total.
                let approved = try OvertimeRequests.all(tx.db, person: request.person)
                    .filter { $0.start.date == request.start.date && $0.state == .approved }.reduce(0) { $0 + $1.minutes }
                guard approved + request.minutes <= Self.overtimeMinutesPerDayMax else {
                    throw DomainError.overtimeCapExceeded(person: request.person, date: request.start.date, requestedMinutes: request.minutes,
                                                          alreadyMinutes: approved, capMinutes: Self.overtimeMinutesPerDayMax)
                }
            }
            try Self.appendTransition(DomainSchema.overtimeRequest, row, RequestTransition(action, by: actor.id, at: acting.now), tx: tx)
            return ((), id)
        }
    }

    public func overtimeRequests(person: PersonID? = nil) throws(DomainError) -> [OvertimeRequest] {
        try query { try OvertimeRequests.all($0, person: person) }
    }
}
