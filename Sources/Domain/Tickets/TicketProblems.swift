import GRDB
import Replica
import Storage

/// 待处理事项 (工单) — what merging tickets could not decide, for the chief. Computed
/// from the merged state only: every converged replica lists the same items.
public enum TicketProblem: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Two campuses (re)assigned the ticket concurrently; `assign` again resolves it.
    case concurrentAssignees(number: String, versions: [String])
    /// An entry not legal when folded in stamp order, e.g. an escalation at MAIN after a
    /// resolve at EAST. It stays in the timeline; a human confirms or reopens.
    case ignoredTransition(number: String, kind: TicketEvent.Kind, by: String, state: TicketState)
    /// Two tickets carry one number (two nodes whose tags coincide).
    case duplicateNumber(String)

    public var description: String {
        switch self {
        case let .concurrentAssignees(number, versions): "\(number): assigned concurrently to \(versions.joined(separator: " and "))"
        case let .ignoredTransition(number, kind, by, state): "\(number): \(kind.rawValue) by \(by) arrived when the ticket was \(state.rawValue)"
        case .duplicateNumber(let number): "ticket number \(number) is carried by two tickets"
        }
    }
}

enum TicketProblemsQuery {
    static func list(_ db: Database) throws -> [TicketProblem] {
        let entity = DomainSchema.ticket
        let table = ReplicaQueries.tableName(entity)
        var problems: [TicketProblem] = []
        // Only rows whose summary writer missed an entry, that hold an ignored entry, or
        // with several assignees can hold an item. Ignored entries stay listed until the
        // ticket is closed or cancelled: closing is the human's answer to them.
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM \(table) WHERE summary_entries IS NOT entries OR assignee__n > 1
            OR (ignored > 0 AND state NOT IN ('closed', 'cancelled')) ORDER BY number, id
            """)
        for row in rows {
            let ticket = try TicketRows.ticket(db, row)
            if !ticket.assigneeConflict.isEmpty {
                problems.append(.concurrentAssignees(number: ticket.number, versions: ticket.assigneeConflict.map { $0 ?? "nobody" }))
            }
            var state = TicketState.new
            let settled = ticket.state == .closed || ticket.state == .cancelled
            for event in ticket.timeline where !settled {
                if ticket.summary.ignored.contains(event), event.kind != .open {
                    problems.append(.ignoredTransition(number: ticket.number, kind: event.kind, by: event.by, state: state))
                } else if let next = TicketFlow.next(state, event.kind) {
                    state = next
                }
            }
        }
        for number in try String.fetchAll(db, sql: "SELECT number FROM \(table) GROUP BY number HAVING count(*) > 1 ORDER BY number") {
            problems.append(.duplicateNumber(number))
        }
        return problems
    }
}

extension Department {
    public func ticketProblems() throws(DomainError) -> [TicketProblem] {
        try query { try TicketProblemsQuery.list($0) }
    }
}
