import GRDB
import Replica

/// 换班申请 — an engineer asks a colleague to take their shift, giving the colleague's
/// shift in return (a swap) or nothing (a cover, 顶班). The colleague accepts, the
/// chief approves, and only then do the seats change and the attendance clerk see it.
public struct SwapRequest: Hashable, Codable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let requester: PersonID
    public let colleague: PersonID
    public let requesterSeat: SlotKey
    /// Nil for a cover.
    public let colleagueSeat: SlotKey?
    public let reason: String
    public let requestedAt: LocalDateTime
    public let state: RequestState
    public let history: [RequestTransition]
    /// Transitions that arrived too late to apply (e.g. an approval after a concurrent cancel).
    public let ignored: [RequestTransition]
}

enum SwapRequests {
    static func all(_ db: Database, campus: CampusCode? = nil) throws -> [SwapRequest] {
        let rows = if let campus {
            try StoredRows.fetch(db, DomainSchema.swapRequest, where: "campus = ?", [campus.rawValue])
        } else {
            try StoredRows.fetch(db, DomainSchema.swapRequest)
        }
        return try rows.compactMap { try request($0, db: db) }
    }

    static func find(_ db: Database, _ id: String) throws -> SwapRequest? {
        guard let rowID = RowID(hex: id), let row = try StoredRows.fetchOne(db, DomainSchema.swapRequest, id: rowID) else { return nil }
        return try request(row, db: db)
    }

    private static func request(_ row: Row, db: Database) throws -> SwapRequest? {
        let campus = CampusCode((row["campus"] as String?) ?? "")
        guard let (_, mine) = try? SeatKey.parse((row["requester_seat"] as String?) ?? "") else { return nil }
        let theirs = (row["colleague_seat"] as String?).flatMap { $0.isEmpty ? nil : try? SeatKey.parse($0).1 }
        let id = StoredRows.rowID(row)
        let log = try StoredRows.log(db, DomainSchema.swapRequest, id, "transitions").compactMap { LogCoding.decode(RequestTransition.self, $0) }
        let folded = RequestFlow.swap.fold(log)
        return SwapRequest(id: id.description, campus: campus, requester: PersonID((row["requester"] as String?) ?? ""),
                           colleague: PersonID((row["colleague"] as String?) ?? ""), requesterSeat: mine, colleagueSeat: theirs,
                           reason: (row["reason"] as String?) ?? "",
                           requestedAt: LocalDateTime(minutesSinceEpoch: (row["requested_at"] as Int?) ?? 0),
                           state: folded.state, history: folded.applied, ignored: folded.ignored)
    }
}
