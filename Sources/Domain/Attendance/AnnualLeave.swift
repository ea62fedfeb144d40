import GRDB
import Replica
import Storage

/// 年假余额 — a person's annual leave of one calendar year: the days the administrator
/// gave (`StaffMember.annualLeaveDays`), those approved, those still waiting.
public struct AnnualLeaveBalance: Hashable, Sendable {
    public let year: Int
    public let entitledDays: Int
    public let approvedDays: Int
    public let requestedDays: Int

    /// What is left once the approved days are drawn.
    public var remainingDays: Int { entitledDays - approvedDays }
    /// What a new request may still take: waiting requests count too.
    public var requestableDays: Int { entitledDays - approvedDays - requestedDays }

    /// The balance of `person` in `year` from their leave requests; nil without an entitlement.
    static func of(_ person: StaffMember, year: Int, leave: [LeaveRequest]) -> AnnualLeaveBalance? {
        guard let entitled = person.annualLeaveDays else { return nil }
        let annual = leave.filter { $0.person == person.id && $0.kind == .annual && $0.firstDay.year == year }
        func days(_ state: RequestState) -> Int { annual.filter { $0.state == state }.reduce(0) { $0 + $1.days } }
        return AnnualLeaveBalance(year: year, entitledDays: entitled, approvedDays: days(.approved), requestedDays: days(.requested))
    }
}

extension Department {
    /// 年假天数 — sets the annual leave days a year of `person` (administrator of their campus).
    public func setAnnualLeave(person id: PersonID, days: Int, by acting: Acting) throws(DomainError) {
        try perform(acting, "person.annual_leave") { tx, actor in
            guard let person = try Directory.person(tx.db, id) else { throw DomainError.unknownPerson(id) }
            guard actor.holds(.administrator, at: person.campus) else {
                throw DomainError.notPermitted(actor: actor.id, action: "set the annual leave of \(id)", needs: "\(Role.administrator) of \(person.campus)")
            }
            guard (0...StaffMember.annualLeaveDaysMax).contains(days) else {
                throw DomainError.invalid(field: "days", reason: "annual leave of \(days) days is outside 0…\(StaffMember.annualLeaveDaysMax)")
            }
            try tx.assign(DomainSchema.person.name, NaturalKey.rowID(DomainSchema.person, id.rawValue), ["annual_leave_days": .integer(Int64(days))])
            return ((), "\(id) \(days)")
        }
    }

    /// The annual leave balance of `person` in `year`; nil when no entitlement is set.
    public func annualLeaveBalance(person id: PersonID, year: Int) throws(DomainError) -> AnnualLeaveBalance? {
        try query { db in
            guard let person = try Directory.person(db, id) else { return nil }
            return AnnualLeaveBalance.of(person, year: year, leave: try LeaveRequests.all(db, person: id))
        }
    }

    /// Refuses `days` more of 年假 for `person` in `year` when the balance would pass the
    /// entitlement: `counting` the waiting requests (a request) or not (an approval, which
    /// re-checks what two nodes may have let through concurrently).
    static func requireAnnualLeave(_ db: Database, _ person: StaffMember, year: Int, days: Int, countingRequested: Bool) throws {
        guard let balance = AnnualLeaveBalance.of(person, year: year, leave: try LeaveRequests.all(db, person: person.id)) else { return }
        let left = countingRequested ? balance.requestableDays : balance.remainingDays
        guard days <= left else {
            throw DomainError.annualLeaveExceeded(person: person.id, year: year, requestedDays: days, remainingDays: max(left, 0),
                                                  entitledDays: balance.entitledDays)
        }
    }
}
