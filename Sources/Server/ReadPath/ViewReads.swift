import Domain
import Replica

/// Which entities each cached view reads. A view is recomputed when a batch touches
/// one of them, and only then (or when the minute turns), so a list here must hold
/// every entity the view's code reads — when in doubt, one more. The audit trail is
/// in none: every command writes it, and no cached view shows it.
enum ViewReads {
    private static let directory = [DomainSchema.campus, DomainSchema.person, DomainSchema.post, DomainSchema.holiday].map(\.id)
    private static let rostering = [DomainSchema.rosterMonth, DomainSchema.rosterSeat, DomainSchema.swapRequest,
                                    DomainSchema.leaveRequest, DomainSchema.overtimeRequest, DomainSchema.attendanceDay].map(\.id)

    /// Campus codes (every scope needs them).
    static let campuses = [DomainSchema.campus.id]
    /// Ticket lists with their SLA clocks: tickets, the SLA policy, who is who, the
    /// holiday calendar the clocks may skip.
    static let tickets = directory + [DomainSchema.ticket.id, DomainSchema.ticketPolicy.id]
    /// Who is on duty now, and the roster month with its fairness report.
    static let duty = directory + rostering
    /// The attendance sheets: seats, sign-ins, leave, overtime and swaps, and who is who.
    static let attendance = duty
    /// The asset report: assets, and the approvals that move them.
    static let assets = directory + [DomainSchema.asset.id, DomainSchema.approval.id]
    /// 信息统计: tickets, assets, rosters, overtime — nearly everything.
    static let statistics = tickets + rostering + [DomainSchema.asset.id]
    /// 知识库: the articles, and who is who (authors' names).
    static let knowledge = directory + [DomainSchema.article.id]
}
