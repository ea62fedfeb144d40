import Foundation
import GRDB
import Replica
import Storage

/// 请假 — request (the person), approve or reject (the chief of their campus), cancel.
extension Department {
    /// Longest single request: 产假 with its extensions runs to about half a year (158–188
    /// days in the provinces' rules); longer leave is filed as several requests.
    public static let leaveDaysMax = 190

    public func requestLeave(firstDay: LocalDate, lastDay: LocalDate, kind: LeaveKind = .personal, reason: String,
                             by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "leave.request") { tx, actor in
            guard firstDay <= lastDay else { throw DomainError.reversedTimes(start: firstDay.iso, end: lastDay.iso) }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw DomainError.missing(field: "reason") }
            // A leave may cross month ends: every month's roster and sheet count their own days of it.
            let days = firstDay.days(to: lastDay) + 1
            guard days <= Self.leaveDaysMax else { throw DomainError.leaveTooLong(days: days, max: Self.leaveDaysMax) }
            let mine = try LeaveRequests.all(tx.db, person: actor.id).filter { $0.state == .requested || $0.state == .approved }
            if let clash = mine.first(where: { $0.firstDay <= lastDay && firstDay <= $0.lastDay }) {
                throw DomainError.overlapping(person: actor.id, what: "leave \(firstDay)…\(lastDay)",
                                              existing: "leave \(clash.firstDay)…\(clash.lastDay) (\(clash.state.rawValue))")
            }
            if kind == .annual {
                try Self.requireAnnualLeave(tx.db, actor, year: firstDay.year, days: days, countingRequested: true)
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.leaveRequest.name, row, [
                "person": .text(actor.id.rawValue), "campus": .text(actor.campus.rawValue), "first_day": .text(firstDay.iso),
                "last_day": .text(lastDay.iso), "days": .integer(Int64(days)), "kind": .text(kind.rawValue), "reason": .text(reason),
                "requested_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            try Self.appendTransition(DomainSchema.leaveRequest, row, RequestTransition(.request, by: actor.id, at: acting.now), tx: tx)
            return (row.description, row.description)
        }
    }

    /// 批准 / 驳回 — the chief of the person's campus. Approval does not move anyone off
    /// an already published roster: shifts that now touch the leave show up in
    /// `RosterProblems` for the chief to reassign.
    public func decideLeave(_ id: String, approve: Bool, by acting: Acting) throws(DomainError) {
        try perform(acting, approve ? "leave.approve" : "leave.reject") { tx, actor in
            guard let request = try LeaveRequests.all(tx.db).first(where: { $0.id == id }), let row = RowID(hex: id) else {
                throw DomainError.unknownRequest(kind: "leave request", id: id)
            }
            try Permissions.require(actor, .sectionChief, at: request.campus, to: "\(approve ? "approve" : "reject") leave \(id)")
            let action: RequestAction = approve ? .approve : .reject
            guard RequestFlow.direct.next(request.state, action) != nil else {
                throw DomainError.wrongState(what: "leave \(id)", state: request.state.rawValue, action: action.rawValue)
            }
            if approve, request.kind == .annual, let person = try Directory.person(tx.db, request.person) {
                try Self.requireAnnualLeave(tx.db, person, year: request.firstDay.year, days: request.days, countingRequested: false)
            }
            try Self.appendTransition(DomainSchema.leaveRequest, row, RequestTransition(action, by: actor.id, at: acting.now), tx: tx)
            return ((), id)
        }
    }

    public func cancelLeave(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "leave.cancel") { tx, actor in
            guard let request = try LeaveRequests.all(tx.db).first(where: { $0.id == id }), let row = RowID(hex: id) else {
                throw DomainError.unknownRequest(kind: "leave request", id: id)
            }
            try Permissions.requireSelf(actor, request.person, to: "cancel leave \(id)")
            guard RequestFlow.direct.next(request.state, .cancel) != nil else {
                throw DomainError.wrongState(what: "leave \(id)", state: request.state.rawValue, action: "cancel")
            }
            try Self.appendTransition(DomainSchema.leaveRequest, row, RequestTransition(.cancel, by: actor.id, at: acting.now), tx: tx)
            return ((), id)
        }
    }

    /// 销假 — approved leave called off, by the person or the chief of their campus, up to
    /// its last day. The days count as working days again (the balance gets them back);
    /// seats colleagues took over because of it stay theirs and are listed by
    /// `RosterProblems` as `leaveRevokedAfterCover` for the chief to confirm or give back.
    public func revokeLeave(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "leave.revoke") { tx, actor in
            guard let request = try LeaveRequests.all(tx.db).first(where: { $0.id == id }), let row = RowID(hex: id) else {
                throw DomainError.unknownRequest(kind: "leave request", id: id)
            }
            if request.person != actor.id {
                try Permissions.require(actor, .sectionChief, at: request.campus, to: "call off leave \(id) of \(request.person)")
            }
            guard RequestFlow.direct.next(request.state, .revoke) != nil else {
                throw DomainError.wrongState(what: "leave \(id)", state: request.state.rawValue, action: "revoke")
            }
            guard acting.now.date <= request.lastDay else {
                throw DomainError.wrongState(what: "leave \(id)", state: "ended on \(request.lastDay.iso)", action: "revoke")
            }
            try Self.appendTransition(DomainSchema.leaveRequest, row, RequestTransition(.revoke, by: actor.id, at: acting.now), tx: tx)
            return ((), "\(id) \(request.person.rawValue) \(request.firstDay.iso)…\(request.lastDay.iso)")
        }
    }

    public func leaveRequests(campus: CampusCode? = nil, person: PersonID? = nil) throws(DomainError) -> [LeaveRequest] {
        try query { try LeaveRequests.all($0, campus: campus, person: person) }
    }
}
