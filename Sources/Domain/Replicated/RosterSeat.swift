import GRDB
import Replica

/// 班位 — a seat of the published roster as this replica sees it.
public struct RosterSeat: Hashable, Codable, Sendable {
    public let campus: CampusCode
    public let slot: SlotKey
    /// Who works it (the displayed version); nil when unfilled.
    public let assignee: PersonID?
    /// Every visible version when two campuses changed the seat concurrently (2 or
    /// more, oldest first); empty when there is no conflict.
    public let conflicting: [PersonID?]

    /// Everyone who may believe they work it: all versions in a conflict.
    public var holders: [PersonID] {
        conflicting.isEmpty ? assignee.map { [$0] } ?? [] : conflicting.compactMap { $0 }
    }

    /// `E|2026-03-10|network-security|night-1|0` — the text form commands and the CLI use.
    public var key: String { SeatKey.text(campus: campus, slot: slot) }
}

/// The text form of a seat key and the row id derived from it.
public enum SeatKey {
    public static func text(campus: CampusCode, slot: SlotKey) -> String {
        "\(campus)|\(slot.date.iso)|\(slot.post)|\(slot.shiftKind)|\(slot.seat)"
    }

    public static func parse(_ text: String) throws(DomainError) -> (CampusCode, SlotKey) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, let seat = Int(parts[4]), seat >= 0 else { throw .unknownSeat(text) }
        guard let date = LocalDate(iso: parts[1]) else { throw .badDate(parts[1]) }
        return (CampusCode(parts[0]), SlotKey(date: date, post: PostID(parts[2]), shiftKind: ShiftKindID(parts[3]), seat: seat))
    }

    static func rowID(campus: CampusCode, slot: SlotKey) -> RowID {
        NaturalKey.rowID(DomainSchema.rosterSeat, campus.rawValue, slot.date.iso, slot.post.rawValue,
                         slot.shiftKind.rawValue, String(slot.seat))
    }
}

/// Reads of roster seats.
enum RosterSeats {
    /// Seats of a campus whose duty date lies in `dates` (inclusive ISO text range).
    static func seats(_ db: Database, campus: CampusCode, from first: LocalDate, to last: LocalDate) throws -> [RosterSeat] {
        let rows = try StoredRows.fetch(db, DomainSchema.rosterSeat, where: "campus = ? AND date BETWEEN ? AND ?",
                                        [campus.rawValue, first.iso, last.iso])
        return try rows.compactMap { row in try seat(row, db: db) }.sorted { $0.slot < $1.slot }
    }

    static func seat(_ db: Database, campus: CampusCode, slot: SlotKey) throws -> RosterSeat? {
        try StoredRows.fetchOne(db, DomainSchema.rosterSeat, id: SeatKey.rowID(campus: campus, slot: slot))
            .flatMap { try seat($0, db: db) }
    }

    private static func seat(_ row: Row, db: Database) throws -> RosterSeat? {
        guard let date = LocalDate(iso: (row["date"] as String?) ?? ""), let seat = row["seat"] as Int? else { return nil }
        let slot = SlotKey(date: date, post: PostID((row["post"] as String?) ?? ""),
                           shiftKind: ShiftKindID((row["shift_kind"] as String?) ?? ""), seat: seat)
        var conflicting: [PersonID?] = []
        if ((row["assignee__n"] as Int?) ?? 0) > 1 {
            conflicting = try StoredRows.surfaced(db, DomainSchema.rosterSeat, StoredRows.rowID(row), "assignee").map { $0.map { PersonID($0) } }
        }
        return RosterSeat(campus: CampusCode((row["campus"] as String?) ?? ""), slot: slot,
                          assignee: (row["assignee"] as String?).map { PersonID($0) }, conflicting: conflicting)
    }

    /// Every holder of every seat as assignments (conflicting versions included), for the rule checker.
    static func assignments(_ seats: [RosterSeat]) -> [Assignment] {
        seats.flatMap { seat in seat.holders.map { Assignment(slot: seat.slot, person: $0) } }
    }
}

extension LocalMonth {
    /// Parses exactly `YYYY-MM`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
        self.init(year: year, month: month)
    }

    /// The month a date falls in.
    public init(containing date: LocalDate) {
        guard let month = LocalMonth(year: date.year, month: date.month) else { preconditionFailure("a date has a month") }
        self = month
    }

    public var lastDay: LocalDate { firstDay.adding(days: dayCount - 1) }
}
