import Foundation
import GRDB
import Replica
import Storage

/// 未结工单报表 — open tickets by campus, priority and SLA state at `now`, with the
/// tickets whose escalation is due. Derived on read from the merged replica.
public struct OpenTicketReport: Hashable, Codable, Sendable {
    public struct Line: Hashable, Codable, Sendable {
        public let campus: String
        public let priority: TicketPriority
        public let sla: SLAStatus.State
        public let count: Int
    }

    public struct Due: Hashable, Codable, Sendable {
        public let number: String
        public let campus: String
        public let level: EscalationLevel
        public let sla: SLAStatus.State
    }

    public let at: LocalDateTime
    public let lines: [Line]
    public let escalationsDue: [Due]
    public let open: Int
    /// Tickets whose stored summary missed a concurrent entry and were refolded.
    public let refolded: Int
}

enum OpenTicketReportQuery {
    static let entity = DomainSchema.ticket
    struct Key: Hashable {
        let campus: String
        let priority: Int
        let sla: SLAStatus.State
    }

    static let columns = "id, number, campus, priority, state, level, opened_at, owned_at, resolved_at, pauses"

    static func run(_ db: Database, campus: CampusCode?, at now: LocalDateTime) throws -> OpenTicketReport {
        let policy = try TicketRows.policy(db)
        let minutes = SLAMinutes(calendar: try Directory.calendar(db))
        let table = ReplicaQueries.tableName(entity)
        let open = TicketState.openStates.map { "'\($0.rawValue)'" }.joined(separator: ",")
        // Summaries written without sight of a concurrent entry: refold those from the log.
        let stale = Set(try Row.fetchAll(db, sql: "SELECT id FROM \(table) WHERE summary_entries IS NOT entries").map(StoredRows.rowID))
        var counts: [Key: Int] = [:]
        var due: [OpenTicketReport.Due] = []
        var total = 0
        func count(number: String, campus code: String, priority: Int, summary: TicketSummary) {
            guard summary.state.isOpen, campus == nil || campus?.rawValue == code else { return }
            let status = SLAStatus.evaluate(summary, target: policy.target(priority), now: now.minutesSinceEpoch,
                                            minutes: minutes.at(CampusCode(code), policy: policy))
            counts[Key(campus: code, priority: priority, sla: status.state), default: 0] += 1
            total += 1
            if let level = status.escalationDue { due.append(.init(number: number, campus: code, level: level, sla: status.state)) }
        }
        // One pass over the open rows through a cursor (rows are not copied) reading
        // columns by position: with thousands of open tickets, per-row cost is the report.
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(table) WHERE state IN (\(open))")
        while let row = try cursor.next() {
            if !stale.isEmpty, let data = row[0] as Data?, let id = RowID(bytes: data), stale.contains(id) { continue }
            count(number: row[1] as String? ?? "", campus: row[2] as String? ?? "", priority: (row[3] as Int?) ?? 4, summary: summary(row))
        }
        for id in stale.sorted() {
            guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM \(table) WHERE id = ?", arguments: [ReplicaQueries.sqlValue(id)]) else { continue }
            count(number: row[1] as String? ?? "", campus: row[2] as String? ?? "",
                  priority: (row[3] as Int?) ?? 4, summary: TicketFlow.fold(try TicketRows.timeline(db, id)))
        }
        let lines = counts.map { OpenTicketReport.Line(campus: $0.key.campus, priority: $0.key.priority, sla: $0.key.sla, count: $0.value) }
            .sorted { ($0.campus, $0.priority, $0.sla.rawValue) < ($1.campus, $1.priority, $1.sla.rawValue) }
        return OpenTicketReport(at: now, lines: lines, escalationsDue: due.sorted { $0.number < $1.number }, open: total, refolded: stale.count)
    }

    /// The summary as its writer stored it, from a row of `columns` (by position).
    static func summary(_ row: Row) -> TicketSummary {
        var s = TicketSummary()
        s.state = TicketState(rawValue: row[4] as String? ?? "") ?? .new
        let rank = (row[5] as Int?) ?? 0
        s.level = EscalationLevel.allCases.first { $0.rank == rank } ?? .dutyEngineer
        s.openedAt = row[6]
        s.ownedAt = row[7]
        s.resolvedAt = row[8]
        let pauses = row[9] as String? ?? ""
        if !pauses.isEmpty {
            let parts = pauses.split(separator: "|", omittingEmptySubsequences: false)
            s.pauses = TicketSummary.parsePauses(String(parts.first ?? ""))
            s.pendingSince = parts.count > 1 ? Int(parts[1]) : nil
        }
        return s
    }
}

extension Department {
    public func openTicketReport(campus: CampusCode? = nil, at now: LocalDateTime) throws(DomainError) -> OpenTicketReport {
        try query { try OpenTicketReportQuery.run($0, campus: campus, at: now) }
    }
}
