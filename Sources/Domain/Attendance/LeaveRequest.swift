import GRDB
import Replica

/// 请假申请 — reason, dates and days; approved by the chief; approved leave is passed to
/// the roster generator and checked by every roster change.
public struct LeaveRequest: Hashable, Codable, Sendable {
    public let id: String
    public let person: PersonID
    public let campus: CampusCode
    public let firstDay: LocalDate
    /// Inclusive.
    public let lastDay: LocalDate
    /// 天数 — calendar days, first to last inclusive.
    public let days: Int
    /// 假别; 事假 for a row without one (`LeaveKind.stored`).
    public let kind: LeaveKind
    public let reason: String
    public let requestedAt: LocalDateTime
    public let state: RequestState
    public let history: [RequestTransition]

    public var leave: Leave { Leave(person: person, firstDay: firstDay, lastDay: lastDay) }
}

enum LeaveRequests {
    static func all(_ db: Database, campus: CampusCode? = nil, person: PersonID? = nil) throws -> [LeaveRequest] {
        var filter = ["1"]
        var arguments: [String] = []
        if let campus { filter.append("campus = ?"); arguments.append(campus.rawValue) }
        if let person { filter.append("person = ?"); arguments.append(person.rawValue) }
        let rows = try StoredRows.fetch(db, DomainSchema.leaveRequest, where: filter.joined(separator: " AND "), StatementArguments(arguments))
        return try rows.compactMap { row in
            guard let first = LocalDate(iso: (row["first_day"] as String?) ?? ""),
                  let last = LocalDate(iso: (row["last_day"] as String?) ?? ""), first <= last else { return nil }
            let id = StoredRows.rowID(row)
            let log = try StoredRows.log(db, DomainSchema.leaveRequest, id, "transitions").compactMap { LogCoding.decode(RequestTransition.self, $0) }
            let folded = RequestFlow.direct.fold(log)
            return LeaveRequest(id: id.description, person: PersonID((row["person"] as String?) ?? ""),
                                campus: CampusCode((row["campus"] as String?) ?? ""), firstDay: first, lastDay: last,
                                days: (row["days"] as Int?) ?? 0, kind: LeaveKind.stored(String.fromDatabaseValue(row["kind"] as DatabaseValue)), reason: (row["reason"] as String?) ?? "",
                                requestedAt: LocalDateTime(minutesSinceEpoch: (row["requested_at"] as Int?) ?? 0),
                                state: folded.state, history: folded.applied)
        }.sorted { ($0.firstDay, $0.id) < ($1.firstDay, $1.id) }
    }

    static func approvedLeave(_ db: Database, campus: CampusCode) throws -> [Leave] {
        try all(db, campus: campus).filter { $0.state == .approved }.map(\.leave)
    }
}
