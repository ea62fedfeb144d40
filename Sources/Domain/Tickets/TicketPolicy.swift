/// 优先级 — 1 (紧急) … 4 (低).
public typealias TicketPriority = Int

/// 工单规则 — the urgency × impact matrix and the SLA target of each priority. Stored
/// as one replicated register (`ticket_policy`), so a change by the administrator
/// reaches every campus and a matrix never mixes two edits.
public struct TicketPolicy: Hashable, Codable, Sendable {
    /// `matrix[impact][urgency]`, impact and urgency by raw value.
    public var matrix: [String: [String: TicketPriority]]
    /// SLA per priority ("1" … "4").
    public var targets: [String: SLATarget]
    /// 工作时间 per campus code: the spans of a working day, minutes of the day
    /// `[[start, end], …]`, that a business-hours SLA clock counts. A campus without an
    /// entry (and every campus while this is absent, as in a policy stored before it
    /// existed) counts `SLAMinutes.officeHours`, 08:00–12:00 and 13:00–17:00.
    public var businessHours: [String: [[Int]]]?

    /// Spans one campus's working day may have (a morning, an afternoon, an evening clinic…).
    public static let businessHoursSpansMax = 4

    public init(matrix: [String: [String: TicketPriority]], targets: [String: SLATarget], businessHours: [String: [[Int]]]? = nil) {
        self.matrix = matrix
        self.targets = targets
        self.businessHours = businessHours
    }

    public static let prioritiesRange: ClosedRange<TicketPriority> = 1...4

    /// ITIL's usual shape: the wider and the more urgent, the higher.
    public static let standard = TicketPolicy(
        matrix: [
            Impact.hospital.rawValue: [Urgency.high.rawValue: 1, Urgency.medium.rawValue: 1, Urgency.low.rawValue: 2],
            Impact.department.rawValue: [Urgency.high.rawValue: 1, Urgency.medium.rawValue: 2, Urgency.low.rawValue: 3],
            Impact.person.rawValue: [Urgency.high.rawValue: 2, Urgency.medium.rawValue: 3, Urgency.low.rawValue: 4],
        ],
        targets: [
            "1": SLATarget(ownMinutes: 15, resolveMinutes: 4 * 60, clock: .allDay),
            "2": SLATarget(ownMinutes: 30, resolveMinutes: 8 * 60, clock: .allDay),
            "3": SLATarget(ownMinutes: 2 * 60, resolveMinutes: 2 * 8 * 60, clock: .businessHours),
            "4": SLATarget(ownMinutes: 4 * 60, resolveMinutes: 5 * 8 * 60, clock: .businessHours),
        ])

    public func priority(urgency: Urgency, impact: Impact) -> TicketPriority {
        matrix[impact.rawValue]?[urgency.rawValue] ?? Self.prioritiesRange.upperBound
    }

    public func target(_ priority: TicketPriority) -> SLATarget {
        targets[String(priority)] ?? Self.standard.targets[String(priority)] ?? SLATarget(ownMinutes: 60, resolveMinutes: 480, clock: .businessHours)
    }

    /// Every cell of the matrix filled with a priority in range, every priority with a
    /// target, every campus's business hours well formed.
    public var isComplete: Bool {
        Impact.allCases.allSatisfy { impact in
            Urgency.allCases.allSatisfy { matrix[impact.rawValue]?[$0.rawValue].map(Self.prioritiesRange.contains) ?? false }
        } && Self.prioritiesRange.allSatisfy { targets[String($0)].map(\.isInBounds) ?? false }
            && (businessHours ?? [:]).values.allSatisfy(Self.wellFormed)
    }

    /// The spans a business-hours clock counts at `campus`.
    public func businessHours(at campus: CampusCode) -> [Range<Int>] {
        guard let spans = businessHours?[campus.rawValue], Self.wellFormed(spans) else { return SLAMinutes.officeHours }
        return spans.map { $0[0]..<$0[1] }
    }

    /// 1…`businessHoursSpansMax` spans inside the day, each `[start, end]` with start
    /// before end, in order and not overlapping.
    public static func wellFormed(_ spans: [[Int]]) -> Bool {
        guard (1...businessHoursSpansMax).contains(spans.count) else { return false }
        var previousEnd = 0
        for span in spans {
            guard span.count == 2, span[0] >= previousEnd, span[0] < span[1], span[1] <= LocalDateTime.minutesPerDay else { return false }
            previousEnd = span[1]
        }
        return true
    }

    /// Why an administrator's policy is refused, or nil: besides `isComplete`, the SLA
    /// targets must not shorten as the priority falls (P1 no longer than P2, …), or a
    /// less urgent ticket would be due sooner.
    public var problem: String? {
        for impact in Impact.allCases {
            for urgency in Urgency.allCases where !(matrix[impact.rawValue]?[urgency.rawValue].map(Self.prioritiesRange.contains) ?? false) {
                return "the cell \(urgency.rawValue) × \(impact.rawValue) needs a priority 1…4"
            }
        }
        for priority in Self.prioritiesRange {
            guard let target = targets[String(priority)], target.isInBounds else {
                return "priority \(priority) needs SLA minutes 1…\(SLATarget.minutesMax)"
            }
            if priority > Self.prioritiesRange.lowerBound, let higher = targets[String(priority - 1)],
               target.ownMinutes < higher.ownMinutes || target.resolveMinutes < higher.resolveMinutes {
                return "priority \(priority)'s targets are shorter than priority \(priority - 1)'s"
            }
        }
        for (campus, spans) in (businessHours ?? [:]).sorted(by: { $0.key < $1.key }) where !Self.wellFormed(spans) {
            return "business hours of \(campus): 1…\(Self.businessHoursSpansMax) spans in order within the day"
        }
        return nil
    }
}

/// SLA 时限 — time to own (响应) and time to resolve (解决) of one priority.
public struct SLATarget: Hashable, Codable, Sendable {
    public var ownMinutes: Int
    public var resolveMinutes: Int
    public var clock: SLAClock

    /// A year and a day: no SLA is longer, and deadlines stay far from overflow.
    public static let minutesMax = 366 * 24 * 60

    var isInBounds: Bool { (1...Self.minutesMax).contains(ownMinutes) && (1...Self.minutesMax).contains(resolveMinutes) }

    public init(ownMinutes: Int, resolveMinutes: Int, clock: SLAClock) {
        self.ownMinutes = ownMinutes
        self.resolveMinutes = resolveMinutes
        self.clock = clock
    }
}

/// Which minutes count toward an SLA.
public enum SLAClock: String, Hashable, Codable, Sendable, CaseIterable {
    /// 7×24 — every minute.
    case allDay = "24h"
    /// 工作时间 — office hours (08:00–12:00, 13:00–17:00) of working days on the holiday calendar.
    case businessHours = "business"
}
