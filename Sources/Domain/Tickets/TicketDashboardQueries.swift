import Foundation
import GRDB
import Replica
import Storage

/// 工单量 — tickets reported at one campus on one day (China local date).
public struct TicketDayCount: Hashable, Codable, Sendable {
    public let date: LocalDate
    public let campus: String
    public let count: Int
}

/// SLA 达成率 — of the tickets reported at a campus in a window and already resolved
/// (or closed), how many were resolved within their targets.
public struct SLAAttainment: Hashable, Codable, Sendable {
    public let campus: String
    public let met: Int
    public let resolved: Int

    /// 0…1; nil while nothing was resolved (no rate to speak of).
    public var rate: Double? { resolved == 0 ? nil : Double(met) / Double(resolved) }
}

/// Reads for the dashboard: who opened a ticket, and the figures behind its charts.
/// Derived on read from the merged replica, like every other report.
extension Department {
    /// Longest window the charts read, so a request cannot make one scan years of days.
    public static let ticketStatisticsDaysMax = 366

    /// Tickets whose first timeline entry (the `open`) was written by `person`, newest
    /// first — what a 科室报修人 follows. Reads the timeline log through SQLite's JSON
    /// functions, so no ticket is decoded unless it is the person's.
    public func tickets(openedBy person: PersonID, openOnly: Bool = false, limit: Int = 200) throws(DomainError) -> [Ticket] {
        try query { db in
            let entity = DomainSchema.ticket
            guard let timeline = entity.field(named: "timeline") else { return [] }
            let rows = try Row.fetchAll(db, sql: """
                SELECT DISTINCT row FROM log_entries WHERE entity = ? AND field = ?
                AND json_extract(entry, '$.kind') = 'open' AND json_extract(entry, '$.by') = ? ORDER BY row DESC
                """, arguments: [entity.id, timeline.id, person.rawValue])
            var found: [Ticket] = []
            for row in rows {
                guard found.count < limit else { break }
                guard let data = row[0] as Data?, let id = RowID(bytes: data),
                      let stored = try StoredRows.fetchOne(db, entity, id: id) else { continue }
                let ticket = try TicketRows.ticket(db, stored)
                if !openOnly || ticket.state.isOpen { found.append(ticket) }
            }
            return found
        }
    }

    /// The SLA of many tickets at `now`, reading the policy and the holiday calendar once
    /// (per ticket, `sla(of:at:)` would read both again: most of a list's cost).
    public func slas(of tickets: [Ticket], at now: LocalDateTime) throws(DomainError) -> [SLAStatus] {
        try query { db in
            let policy = try TicketRows.policy(db)
            let minutes = SLAMinutes(calendar: try Directory.calendar(db))
            return tickets.map {
                SLAStatus.evaluate($0.summary, target: policy.target($0.priority), now: now.minutesSinceEpoch,
                                   minutes: minutes.at($0.campus, policy: policy))
            }
        }
    }

    /// Tickets reported per campus and day over the `days` days ending on `lastDay`
    /// (days without tickets are absent). One grouped scan of `reported_at`.
    public func ticketVolume(days: Int, endingOn lastDay: LocalDate) throws(DomainError) -> [TicketDayCount] {
        guard (1...Self.ticketStatisticsDaysMax).contains(days) else {
            throw .invalid(field: "days", reason: "must be 1…\(Self.ticketStatisticsDaysMax)")
        }
        let first = LocalDateTime(date: lastDay.adding(days: 1 - days), minuteOfDay: 0).minutesSinceEpoch
        let end = LocalDateTime(date: lastDay.adding(days: 1), minuteOfDay: 0).minutesSinceEpoch
        return try query { db in
            let table = ReplicaQueries.tableName(DomainSchema.ticket)
            return try Row.fetchAll(db, sql: """
                SELECT campus, reported_at / 1440 AS day, COUNT(*) FROM \(table)
                WHERE reported_at >= ? AND reported_at < ? GROUP BY campus, day ORDER BY day, campus
                """, arguments: [first, end]).compactMap { row in
                let day = (row[1] as Int?) ?? 0
                return TicketDayCount(date: LocalDateTime(minutesSinceEpoch: day * 1440).date, campus: (row[0] as String?) ?? "",
                                      count: (row[2] as Int?) ?? 0)
            }
        }
    }

    /// SLA attainment per campus of the tickets reported in the `days` days ending on
    /// `now`'s date that are resolved or closed: met = resolved within both targets.
    /// Summaries whose writer missed a concurrent entry are refolded from the log.
    public func slaAttainment(days: Int, at now: LocalDateTime) throws(DomainError) -> [SLAAttainment] {
        guard (1...Self.ticketStatisticsDaysMax).contains(days) else {
            throw .invalid(field: "days", reason: "must be 1…\(Self.ticketStatisticsDaysMax)")
        }
        let first = LocalDateTime(date: now.date.adding(days: 1 - days), minuteOfDay: 0).minutesSinceEpoch
        return try query { db in
            let policy = try TicketRows.policy(db)
            let minutes = SLAMinutes(calendar: try Directory.calendar(db))
            let table = ReplicaQueries.tableName(DomainSchema.ticket)
            var met: [String: Int] = [:]
            var resolved: [String: Int] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(OpenTicketReportQuery.columns), summary_entries IS NOT entries FROM \(table)
                WHERE reported_at >= ? AND (state IN ('resolved', 'closed') OR summary_entries IS NOT entries)
                """, arguments: [first])
            while let row = try cursor.next() {
                var summary = OpenTicketReportQuery.summary(row)
                if (row[10] as Bool?) == true, let data = row[0] as Data?, let id = RowID(bytes: data) {
                    summary = TicketFlow.fold(try TicketRows.timeline(db, id))
                }
                guard summary.state == .resolved || summary.state == .closed else { continue }
                let campus = (row[2] as String?) ?? ""
                let status = SLAStatus.evaluate(summary, target: policy.target((row[3] as Int?) ?? 4), now: now.minutesSinceEpoch,
                                                minutes: minutes.at(CampusCode(campus), policy: policy))
                resolved[campus, default: 0] += 1
                if status.state == .met { met[campus, default: 0] += 1 }
            }
            return resolved.keys.sorted().map { SLAAttainment(campus: $0, met: met[$0] ?? 0, resolved: resolved[$0] ?? 0) }
        }
    }
}
