import GRDB
import Replica
import Storage

/// 取值范围 — the named bounds of every numeric and date field of every entity.
///
/// A replicated row is input from another machine: a faulty or hostile peer can store
/// any `Int64` or any text in any field, bypassing the commands' checks. Commands refuse
/// out-of-range values when written (`Department.checkAsset`, …); reads never trap on
/// them (dates and minutes clamp, arithmetic saturates) and every row holding one is
/// listed here, so the problems page shows it instead of a node dying on it.
public enum StoredBounds {
    public enum Bound: Hashable, Sendable {
        /// A whole number in the range.
        case integer(ClosedRange<Int64>)
        /// `YYYY-MM-DD` within `LocalDate.yearRange`.
        case isoDate
        /// `YYYY-MM` within `LocalDate.yearRange`.
        case isoMonth

        public var description: String {
            switch self {
            case let .integer(range): "\(range.lowerBound)…\(range.upperBound)"
            case .isoDate: "YYYY-MM-DD, \(LocalDate.yearRange.lowerBound)…\(LocalDate.yearRange.upperBound)"
            case .isoMonth: "YYYY-MM, \(LocalDate.yearRange.lowerBound)…\(LocalDate.yearRange.upperBound)"
            }
        }

        func admits(_ value: DatabaseValue) -> Bool {
            switch (self, value.storage) {
            case (_, .null): return true
            case let (.integer(range), .int64(v)): return range.contains(v)
            case let (.isoDate, .string(text)): return text.isEmpty || LocalDate(iso: text) != nil
            case let (.isoMonth, .string(text)): return text.isEmpty || LocalMonth(iso: text) != nil
            default: return false
            }
        }
    }

    /// Minutes since the epoch (`LocalDateTime.minutesSinceEpochRange`).
    static let minute = Bound.integer(Int64(LocalDateTime.minutesSinceEpochRange.lowerBound)...Int64(LocalDateTime.minutesSinceEpochRange.upperBound))
    /// 0 or 1.
    static let flag = Bound.integer(0...1)
    /// A count nobody will reach in a hospital department; far from `Int` overflow.
    public static let countMax: Int64 = 1_000_000_000
    static let count = Bound.integer(0...countMax)

    /// (entity, field, bound) for every integer field and every date-bearing text field.
    public static let fields: [(entity: EntitySchema, field: String, bound: Bound)] = [
        (DomainSchema.campus, "minimum_rest_minutes", .integer(0...Int64(RestRules.minimumRestMinutesMax))),
        (DomainSchema.campus, "rest_days_after_night", .integer(0...Int64(RestRules.restDaysAfterNightMax))),
        (DomainSchema.campus, "shifts_per_day_max", .integer(1...Int64(RestRules.shiftsPerDayMaxLimit))),
        (DomainSchema.campus, "headcount", .integer(1...Int64(CampusRosterPolicy.headcountMax))),
        (DomainSchema.person, "active", flag),
        (DomainSchema.person, "avoid_nights", flag),
        (DomainSchema.person, "annual_leave_days", .integer(0...Int64(StaffMember.annualLeaveDaysMax))),
        (DomainSchema.post, "active", flag),
        (DomainSchema.holiday, "date", .isoDate),
        (DomainSchema.rosterMonth, "month", .isoMonth),
        (DomainSchema.rosterMonth, "published_at", minute),
        (DomainSchema.rosterMonth, "unfilled", count),
        (DomainSchema.rosterSeat, "date", .isoDate),
        (DomainSchema.rosterSeat, "month", .isoMonth),
        (DomainSchema.rosterSeat, "seat", .integer(0...Int64(CampusRosterPolicy.headcountMax))),
        (DomainSchema.swapRequest, "requested_at", minute),
        (DomainSchema.leaveRequest, "first_day", .isoDate),
        (DomainSchema.leaveRequest, "last_day", .isoDate),
        (DomainSchema.leaveRequest, "days", .integer(0...Int64(Department.leaveDaysMax))),
        (DomainSchema.leaveRequest, "requested_at", minute),
        (DomainSchema.overtimeRequest, "date", .isoDate),
        // Minutes of the request's date (24:00 = 1440), not of the epoch.
        (DomainSchema.overtimeRequest, "start_minute", .integer(0...Int64(LocalDateTime.minutesPerDay))),
        (DomainSchema.overtimeRequest, "end_minute", .integer(0...Int64(LocalDateTime.minutesPerDay))),
        (DomainSchema.overtimeRequest, "requested_at", minute),
        (DomainSchema.attendanceDay, "date", .isoDate),
        (DomainSchema.handover, "at_minute", minute),
        (DomainSchema.dutyLog, "date", .isoDate),
        (DomainSchema.audit, "month", .isoMonth),
        (DomainSchema.account, "password_changed_at", minute),
        (DomainSchema.account, "must_change_password", flag),
        (DomainSchema.account, "disabled", flag),
        (DomainSchema.account, "failed_attempts", count),
        (DomainSchema.account, "locked_until", minute),
        (DomainSchema.ticket, "year", .integer(Int64(LocalDate.yearRange.lowerBound)...Int64(LocalDate.yearRange.upperBound))),
        (DomainSchema.ticket, "seq", .integer(0...Int64(TicketNumber.seqMax))),
        (DomainSchema.ticket, "reported_at", minute),
        (DomainSchema.ticket, "priority", .integer(Int64(TicketPolicy.prioritiesRange.lowerBound)...Int64(TicketPolicy.prioritiesRange.upperBound))),
        (DomainSchema.ticket, "major", flag),
        (DomainSchema.ticket, "entries", count),
        (DomainSchema.ticket, "level", .integer(0...Int64(EscalationLevel.allCases.map(\.rank).max() ?? 0))),
        (DomainSchema.ticket, "summary_entries", count),
        (DomainSchema.ticket, "opened_at", minute),
        (DomainSchema.ticket, "owned_at", minute),
        (DomainSchema.ticket, "resolved_at", minute),
        (DomainSchema.ticket, "expected_at", minute),
        (DomainSchema.ticket, "ignored", count),
        (DomainSchema.asset, "registered_at", minute),
        (DomainSchema.asset, "scrapped_at", minute),
        (DomainSchema.asset, "purchased_on", .isoDate),
        (DomainSchema.asset, "warranty_until", .isoDate),
        (DomainSchema.asset, "contract_until", .isoDate),
        (DomainSchema.asset, "inspection_days", .integer(1...Int64(Asset.inspectionDaysMax))),
        (DomainSchema.asset, "stock", .integer(-Int64(Asset.stockMax)...Int64(Asset.stockMax))),
        (DomainSchema.asset, "stock_min", .integer(0...Int64(Asset.stockMax))),
        (DomainSchema.asset, "purchase_cost", .integer(0...Int64(Asset.purchaseCostFenMax))),
        (DomainSchema.ticketAttachment, "size", .integer(1...Int64(Department.attachmentBytesMax))),
        (DomainSchema.ticketAttachment, "at", minute),
        (DomainSchema.article, "created_at", minute),
        (DomainSchema.article, "revisions", count),
        (DomainSchema.article, "review_on", .isoDate),
        (DomainSchema.article, "archived_on", .isoDate),
        (DomainSchema.emergencyPlan, "updated_at", minute),
        (DomainSchema.drill, "scheduled_on", .isoDate),
        (DomainSchema.drill, "done_on", .isoDate),
        (DomainSchema.drill, "recorded_at", minute),
        (DomainSchema.machineRoomEntry, "in_at", minute),
        (DomainSchema.machineRoomEntry, "out_at", .integer(0...Int64(LocalDateTime.minutesSinceEpochRange.upperBound))),
        (DomainSchema.securityCheck, "due_on", .isoDate),
        (DomainSchema.securityCheck, "done_on", .isoDate),
        (DomainSchema.approval, "requested_at", minute),
        (DomainSchema.approval, "quantity", .integer(0...Int64(Approval.quantityMax))),
        (DomainSchema.approval, "estimated_cost", .integer(0...Int64(Approval.estimatedCostMax))),
        (DomainSchema.approval, "planned_at", minute),
    ]
}

/// 数值越界 — a stored value outside its field's bound, as a peer wrote it.
public struct OutOfBoundsValue: Hashable, Codable, Sendable, CustomStringConvertible {
    public let entity: String
    public let row: String
    /// The row's campus where it has one, else "" (listed to who sees every campus).
    public let campus: String
    public let field: String
    /// The stored value as text, cut to `valueCharactersMax`.
    public let value: String
    public let bound: String

    public static let valueCharactersMax = 40

    public var description: String { "\(entity) \(row.prefix(12)) field \(field) holds \(value), outside \(bound)" }
}

enum OutOfBoundsQuery {
    static func list(_ db: Database) throws -> [OutOfBoundsValue] {
        var found: [OutOfBoundsValue] = []
        for (entity, field, bound) in StoredBounds.fields {
            let table = ReplicaQueries.tableName(entity)
            let campus = entity.field(named: "campus") != nil ? "campus" : "''"
            // The integer bounds are checked in SQL so only offending rows are read; the
            // text forms need the Swift parser.
            let filter = switch bound {
            case let .integer(range): "\(field) IS NOT NULL AND (typeof(\(field)) != 'integer' OR \(field) NOT BETWEEN \(range.lowerBound) AND \(range.upperBound))"
            case .isoDate, .isoMonth: "\(field) IS NOT NULL AND \(field) != ''"
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, \(campus) AS campus, \(field) AS value FROM \(table) WHERE \(filter) ORDER BY id") {
                let value: DatabaseValue = row["value"]
                guard !bound.admits(value) else { continue }
                found.append(OutOfBoundsValue(entity: entity.name, row: StoredRows.rowID(row).description,
                                              campus: (row["campus"] as String?) ?? "", field: field,
                                              value: String(value.description.prefix(OutOfBoundsValue.valueCharactersMax)),
                                              bound: bound.description))
            }
        }
        // The ticket policy is one JSON register: it is in bounds when it decodes to a
        // complete policy (`TicketPolicy.isComplete`, SLA minutes within their bound).
        if let row = try StoredRows.fetchOne(db, DomainSchema.ticketPolicy, id: TicketRows.policyRow),
           let text = row["policy"] as String?, !text.isEmpty,
           LogCoding.decode(TicketPolicy.self, text)?.isComplete != true {
            found.append(OutOfBoundsValue(entity: DomainSchema.ticketPolicy.name, row: TicketRows.policyRow.description, campus: "",
                                          field: "policy", value: String(text.prefix(OutOfBoundsValue.valueCharactersMax)),
                                          bound: "a complete ticket policy, SLA minutes 1…\(SLATarget.minutesMax)"))
        }
        return found
    }
}

extension Department {
    /// Every stored value outside its bound (`StoredBounds`), entity by entity.
    public func outOfBoundsValues() throws(DomainError) -> [OutOfBoundsValue] {
        try query { try OutOfBoundsQuery.list($0) }
    }
}
