import Foundation
import GRDB
import Replica
import Storage

/// Reads of tickets from the materialised replica, on a GRDB `Database` so commands use
/// them inside their write transaction.
enum TicketRows {
    static let entity = DomainSchema.ticket

    static func id(_ db: Database, number: String) throws -> RowID? {
        let rows = try Row.fetchAll(db, sql: "SELECT id FROM \(ReplicaQueries.tableName(entity)) WHERE number = ? ORDER BY id", arguments: [number])
        return rows.first.map(StoredRows.rowID)
    }

    static func load(_ db: Database, number: String) throws -> Ticket? {
        guard let id = try id(db, number: number), let row = try StoredRows.fetchOne(db, entity, id: id) else { return nil }
        return try ticket(db, row)
    }

    static func timeline(_ db: Database, _ id: RowID) throws -> [TicketEvent] {
        try StoredRows.log(db, entity, id, "timeline").compactMap { LogCoding.decode(TicketEvent.self, $0) }
    }

    static func ticket(_ db: Database, _ row: Row) throws -> Ticket {
        let id = StoredRows.rowID(row)
        let timeline = try timeline(db, id)
        let versions = ((row["assignee__n"] as Int?) ?? 0) > 1 ? try StoredRows.surfaced(db, entity, id, "assignee") : []
        let intake = TicketIntake(
            campus: CampusCode(text(row, "campus")), reporter: text(row, "reporter"), contactPhone: text(row, "contact_phone"),
            department: text(row, "department"), location: text(row, "location"),
            category: TicketCategory(rawValue: text(row, "category")) ?? .other, description: text(row, "description"),
            channel: IntakeChannel(rawValue: text(row, "channel")) ?? .phone, urgency: Urgency(rawValue: text(row, "urgency")) ?? .medium,
            impact: Impact(rawValue: text(row, "impact")) ?? .person, major: ((row["major"] as Int?) ?? 0) != 0,
            post: (row["post"] as String?).map { PostID($0) }, assets: try StoredRows.set(db, entity, id, "assets"))
        let assignee = (row["assignee"] as String?).flatMap { $0.isEmpty ? nil : PersonID($0) }
        return Ticket(id: id.description, number: text(row, "number"), campus: intake.campus, intake: intake,
                      priority: (row["priority"] as Int?) ?? TicketPolicy.prioritiesRange.upperBound, assignee: assignee,
                      assigneeConflict: versions.map { $0.flatMap { $0.isEmpty ? nil : $0 } },
                      assets: intake.assets, summary: TicketFlow.fold(timeline), timeline: timeline)
    }

    static func text(_ row: Row, _ column: String) -> String { (row[column] as String?) ?? "" }

    /// Tickets of a campus (or all), newest first, optionally only open ones.
    static func list(_ db: Database, campus: CampusCode?, openOnly: Bool, limit: Int) throws -> [Ticket] {
        var filter = ["1"]
        var arguments: [DatabaseValueConvertible] = []
        if let campus { filter.append("campus = ?"); arguments.append(campus.rawValue) }
        if openOnly {
            // The stored summary may be stale after a merge: refold those whose writer missed entries.
            filter.append("(state IN (\(TicketState.openStates.map { "'\($0.rawValue)'" }.joined(separator: ","))) OR summary_entries IS NOT entries)")
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM \(ReplicaQueries.tableName(entity)) WHERE \(filter.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?
            """, arguments: StatementArguments(arguments + [limit]))
        return try rows.map { try ticket(db, $0) }.filter { !openOnly || $0.state.isOpen }
    }

    /// The policy in force (the standard one until an administrator sets another).
    static func policy(_ db: Database) throws -> TicketPolicy {
        let row = try StoredRows.fetchOne(db, DomainSchema.ticketPolicy, id: policyRow)
        // A policy a peer stored out of bounds is not used (and is listed by `outOfBoundsValues`).
        return (row?["policy"] as String?).flatMap { LogCoding.decode(TicketPolicy.self, $0) }.flatMap { $0.isComplete ? $0 : nil } ?? .standard
    }

    static let policyRow = NaturalKey.rowID(DomainSchema.ticketPolicy, "hospital")
}
