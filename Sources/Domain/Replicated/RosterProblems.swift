import GRDB
import Replica
import Storage

/// 待处理事项 — what the merge could not decide, listed for the chief. Computed from
/// the merged state alone, so every converged replica lists the same items in the
/// same order (DESIGN.md §4: invariants CRDTs cannot hold are checked after merge).
public enum RosterProblem: Hashable, Sendable, CustomStringConvertible {
    /// Two campuses put different people (or nobody) on one seat concurrently.
    case concurrentAssignees(campus: CampusCode, slot: SlotKey, versions: [PersonID?])
    /// A hard rule the merged roster breaks: two overlapping shifts, rest too short…
    case rule(campus: CampusCode, RosterViolation)
    /// A swap's approval arrived after a concurrent cancel or rejection: the seats moved
    /// but the request reads as closed. The chief confirms or moves them back.
    case swapApprovalAfterClose(swap: String, state: RequestState)
    /// 销假 after colleagues took over some of the leave's seats: the seats stay theirs
    /// until the chief confirms or gives them back.
    case leaveRevokedAfterCover(campus: CampusCode, leave: String, person: PersonID, seats: [SlotKey])

    public var description: String {
        switch self {
        case let .concurrentAssignees(campus, slot, versions):
            "\(campus) \(slot): assigned concurrently to \(versions.map { $0?.rawValue ?? "nobody" }.joined(separator: " and "))"
        case let .rule(campus, violation): "\(campus) \(violation)"
        case let .swapApprovalAfterClose(swap, state): "swap \(swap) approved after it was \(state.rawValue): seats moved"
        case let .leaveRevokedAfterCover(campus, leave, person, seats):
            "\(campus) leave \(leave) of \(person) called off while \(seats.count) of its seats are covered by colleagues"
        }
    }
}

public enum RosterProblems {
    /// Every problem of every campus (or one), in a canonical order. Run on demand,
    /// e.g. after a sync round.
    public static func list(store: ReplicaStore, campus: CampusCode? = nil) throws -> [RosterProblem] {
        try store.read { db in
            var problems: [RosterProblem] = []
            let codes = try campus.map { [$0] } ?? Directory.campuses(db).map(\.code)
            for code in codes {
                let context = try RosterContext.load(db, campus: code)
                let seats = try RosterSeats.seats(db, campus: code, from: LocalDate(year: 1900, month: 1, day: 1)!,
                                                  to: LocalDate(year: 2999, month: 12, day: 31)!)
                for seat in seats where !seat.conflicting.isEmpty {
                    problems.append(.concurrentAssignees(campus: code, slot: seat.slot, versions: seat.conflicting))
                }
                let violations = RosterRules(policy: context.policy).check(
                    RosterSeats.assignments(seats), people: context.people.map(\.rosterPerson),
                    leave: context.approvedLeave, calendar: context.calendar)
                for violation in violations {
                    // A seat held by many is already listed as a concurrent-assignee item.
                    if case .seatHeldByMany = violation { continue }
                    problems.append(.rule(campus: code, violation))
                }
                let swaps = try SwapRequests.all(db, campus: code)
                for swap in swaps where swap.ignored.contains(where: { $0.action == .approve }) {
                    problems.append(.swapApprovalAfterClose(swap: swap.id, state: swap.state))
                }
                for leave in try LeaveRequests.all(db, campus: code) where leave.state == .cancelled && leave.history.contains(where: { $0.action == .revoke }) {
                    let covered = swaps.filter {
                        $0.state == .approved && $0.requester == leave.person && leave.firstDay <= $0.requesterSeat.date && $0.requesterSeat.date <= leave.lastDay
                    }.map(\.requesterSeat).sorted()
                    if !covered.isEmpty {
                        problems.append(.leaveRevokedAfterCover(campus: code, leave: leave.id, person: leave.person, seats: covered))
                    }
                }
            }
            return problems
        }
    }
}
