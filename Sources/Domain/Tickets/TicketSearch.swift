import Foundation
import GRDB
import Replica
import Storage

/// 工单查询 — a search of every ticket, open and closed, by number or text, campus,
/// category, department, engineer, priority, reporting date and state.
public struct TicketSearch: Hashable, Sendable {
    /// Longest query text: a LIKE pattern is scanned against every description.
    public static let textCharactersMax = 100
    /// Most results one page returns (the web page and the CSV both ask within it).
    public static let pageSizeMax = 500
    /// Matches counted at most: a count stops there (a search matching everything would
    /// otherwise read every row to count it), and no page lies beyond it.
    public static let countMax = 10_000

    /// Campuses searched in full (the user oversees their tickets).
    public var campuses: [CampusCode] = []
    /// Campuses where only the tickets `follower` opened are searched (科室报修人).
    public var followedCampuses: [CampusCode] = []
    public var follower: PersonID?
    /// The ticket number exactly, or a piece of the description.
    public var text: String?
    public var category: TicketCategory?
    /// A piece of the reporting department's name (心内科, 门诊).
    public var department: String?
    public var engineer: PersonID?
    public var priority: Int?
    /// Reported on or after `from` and on or before `to` (China local dates).
    public var from: LocalDate?
    public var to: LocalDate?
    public var state: TicketState?
    public var offset = 0
    public var limit = 50
    /// Whether to count the matches (an export paging through them needs no count).
    public var counted = true

    public init() {}
}

/// One page of a search: the tickets, newest recorded first, and how many matched — up to
/// `TicketSearch.countMax`; beyond it `total` is `countMax + 1` ("more than").
public struct TicketSearchPage: Sendable {
    public let tickets: [Ticket]
    public let total: Int
    /// Whether rows may follow this page (it was full).
    public let more: Bool
}

extension Department {
    /// The tickets `search` matches, newest recorded first (the row id's order: the
    /// primary key, so a broad search stops after one page instead of sorting 90 000
    /// rows; a ticket's row id is made when it is recorded). The filters are SQL on the
    /// materialised row (indexed by campus and state; the text is a LIKE scan, measured
    /// fast enough for 90 000 tickets — docs/server.md). A row whose stored summary is
    /// stale after a merge is refolded and judged by its true state.
    public func searchTickets(_ search: TicketSearch) throws(DomainError) -> TicketSearchPage {
        guard (1...TicketSearch.pageSizeMax).contains(search.limit), search.offset >= 0 else {
            throw DomainError.invalid(field: "page size", reason: "\(search.limit) is outside 1…\(TicketSearch.pageSizeMax)")
        }
        if let text = search.text, text.count > TicketSearch.textCharactersMax {
            throw DomainError.invalid(field: "search text", reason: "at most \(TicketSearch.textCharactersMax) characters")
        }
        return try query { db in
            let (filter, arguments) = TicketRows.searchFilter(search)
            let table = ReplicaQueries.tableName(DomainSchema.ticket)
            let total = search.counted
                ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM \(table) WHERE \(filter) LIMIT ?)",
                                   arguments: arguments + [TicketSearch.countMax + 1]) ?? 0
                : 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                                        arguments: arguments + [search.limit, search.offset])
            let tickets = try rows.map { try TicketRows.ticket(db, $0) }.filter { search.state == nil || $0.state == search.state }
            return TicketSearchPage(tickets: tickets, total: total, more: rows.count == search.limit)
        }
    }
}

extension TicketRows {
    /// The WHERE clause of a search and its arguments.
    static func searchFilter(_ search: TicketSearch) -> (String, StatementArguments) {
        var filter: [String] = []
        var arguments: [DatabaseValueConvertible] = []
        func list(_ campuses: [CampusCode]) -> String {
            arguments += campuses.map(\.rawValue) as [DatabaseValueConvertible]
            return "campus IN (\(campuses.map { _ in "?" }.joined(separator: ",")))"
        }
        var scopes: [String] = []
        if !search.campuses.isEmpty { scopes.append(list(search.campuses)) }
        if !search.followedCampuses.isEmpty, let follower = search.follower, let timeline = entity.field(named: "timeline") {
            let campuses = list(search.followedCampuses)
            scopes.append("""
                (\(campuses) AND id IN (SELECT row FROM log_entries WHERE entity = ? AND field = ? \
                AND json_extract(entry, '$.kind') = 'open' AND json_extract(entry, '$.by') = ?))
                """)
            arguments += [entity.id, timeline.id, follower.rawValue] as [DatabaseValueConvertible]
        }
        // No campus at all: nothing (never "every campus" by omission).
        filter.append(scopes.isEmpty ? "0" : "(\(scopes.joined(separator: " OR ")))")
        if let text = search.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if looksLikeTicketNumber(text) {
                // EAST-2026-7834-00012: the number index answers; OR-ing a LIKE would scan every row.
                filter.append("number = ?")
                arguments.append(text)
            } else {
                filter.append("(number = ? OR description LIKE ? ESCAPE '\\')")
                arguments += [text, "%\(likeEscaped(text))%"]
            }
        }
        if let category = search.category { filter.append("category = ?"); arguments.append(category.rawValue) }
        if let department = search.department?.trimmingCharacters(in: .whitespaces), !department.isEmpty {
            filter.append("department LIKE ? ESCAPE '\\'")
            arguments.append("%\(likeEscaped(department))%")
        }
        if let engineer = search.engineer { filter.append("assignee = ?"); arguments.append(engineer.rawValue) }
        if let priority = search.priority { filter.append("priority = ?"); arguments.append(priority) }
        if let from = search.from {
            filter.append("reported_at >= ?")
            arguments.append(LocalDateTime(date: from, minuteOfDay: 0).minutesSinceEpoch)
        }
        if let to = search.to {
            filter.append("reported_at < ?")
            arguments.append(LocalDateTime(date: to.adding(days: 1), minuteOfDay: 0).minutesSinceEpoch)
        }
        if let state = search.state {
            // The stored state, or a summary a merge left stale (refolded after the read).
            filter.append("(state = ? OR summary_entries IS NOT entries)")
            arguments.append(state.rawValue)
        }
        return (filter.joined(separator: " AND "), StatementArguments(arguments))
    }

    /// CAMPUS-YYYY-TAG-NNNNN, the shape of `TicketNumber.text` (nobody types it into a description).
    static func looksLikeTicketNumber(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0].allSatisfy { $0.isUppercase || $0.isNumber } && !parts[0].isEmpty
            && parts[1].count == 4 && parts[1].allSatisfy(\.isNumber) && !parts[2].isEmpty
            && parts[3].count == 5 && parts[3].allSatisfy(\.isNumber)
    }

    /// `%`, `_` and the escape itself taken literally in a LIKE pattern.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
