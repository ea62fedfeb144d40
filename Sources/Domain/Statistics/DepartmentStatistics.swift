import Foundation
import GRDB
import Replica
import Storage

/// 信息统计 — the figures the department decides by, for a period and a set of campuses,
/// computed from the merged replica on read (never stored): tickets by category,
/// department and engineer; response and resolution times and SLA attainment by
/// priority; faults that recur on one asset or one model; the asset base by type, age,
/// warranty and cost; duty load and overtime per person. Every figure says what it
/// counts in `docs/statistics.md`.
public struct StatisticsPeriod: Hashable, Sendable {
    public let first: LocalDate
    public let last: LocalDate

    /// Longest period one page reads (a year and a day: a whole year, leap or not).
    public static let daysMax = 366

    public enum Problem: Error, Hashable, Sendable {
        /// The last day is before the first.
        case reversed
        /// More than `daysMax` days.
        case tooLong(days: Int)
    }

    public init(first: LocalDate, last: LocalDate) throws(Problem) {
        guard first <= last else { throw .reversed }
        let days = first.days(to: last) + 1
        guard days <= Self.daysMax else { throw .tooLong(days: days) }
        self.first = first
        self.last = last
    }

    public var days: Int { first.days(to: last) + 1 }

    var firstMinute: Int { LocalDateTime(date: first, minuteOfDay: 0).minutesSinceEpoch }
    var endMinute: Int { LocalDateTime(date: last.adding(days: 1), minuteOfDay: 0).minutesSinceEpoch }
}

public struct DepartmentStatistics: Hashable, Sendable {
    /// One row of a count table: what is counted (a category, a department…) and how many.
    public struct Count: Hashable, Sendable {
        public let key: String
        public let count: Int
    }

    /// 工程师工作量 — tickets reported in the period now assigned to the engineer, and
    /// how many of those are resolved or closed.
    public struct EngineerLoad: Hashable, Sendable {
        public let person: PersonID
        public let assigned: Int
        public let resolved: Int
    }

    /// 响应与解决时间 of one priority: over the tickets reported in the period that
    /// were owned (resp. resolved), in SLA-clock minutes (business hours where the
    /// priority's clock is business hours, pauses excluded), median and 90th percentile.
    public struct PriorityTimes: Hashable, Sendable {
        public let priority: Int
        public let reported: Int
        public let owned: Int
        public let ownMedian: Int?
        public let ownP90: Int?
        public let resolved: Int
        public let resolveMedian: Int?
        public let resolveP90: Int?
        /// Resolved (or closed) within both targets.
        public let met: Int

        /// 0…1, nil while nothing is resolved.
        public var attainment: Double? { resolved == 0 ? nil : Double(met) / Double(resolved) }
    }

    /// 重复故障 — an asset linked to at least two tickets reported in the period.
    public struct RecurringAsset: Hashable, Sendable {
        public let tag: String
        public let campus: CampusCode
        public let name: String
        public let model: String
        public let tickets: Int
    }

    /// 同型号故障 — tickets of the period linked to assets of one model.
    public struct RecurringModel: Hashable, Sendable {
        public let model: String
        public let assets: Int
        public let tickets: Int
    }

    /// 资产 of one type: counted by state, with purchase cost and book value summed over
    /// the assets that have them (scrapped assets count, but add no value).
    public struct AssetTypeLine: Hashable, Sendable {
        public let type: AssetType
        public var total = 0
        public var inUse = 0
        public var inStock = 0
        public var underRepair = 0
        public var scrapped = 0
        public var costFen = 0
        public var bookValueFen = 0
        /// Warranty ending within `warrantyNoticeDays` after the period's last day.
        public var warrantyEnding = 0
    }

    /// 资产年限 — assets not scrapped, by years since purchase on the period's last day.
    public enum AgeBand: String, Hashable, Sendable, CaseIterable {
        case underOne = "<1", oneToThree = "1-3", threeToFive = "3-5", fiveToEight = "5-8", eightPlus = "8+", unknown
    }

    /// 值班负荷 — seats held in the period (after swaps) and approved overtime.
    public struct DutyLoad: Hashable, Sendable {
        public let person: PersonID
        public let campus: CampusCode
        public var shifts = 0
        public var nights = 0
        public var holidayShifts = 0
        public var overtimeMinutes = 0
    }

    public let period: StatisticsPeriod
    public let campuses: [CampusCode]
    public let ticketsReported: Int
    public let byCategory: [Count]
    public let byDepartment: [Count]
    public let byEngineer: [EngineerLoad]
    public let byPriority: [PriorityTimes]
    public let recurringAssets: [RecurringAsset]
    public let recurringModels: [RecurringModel]
    public let assetTypes: [AssetTypeLine]
    public let assetAges: [AgeBand: Int]
    public let dutyLoad: [DutyLoad]

    /// Days after the period within which an ending warranty is counted.
    public static let warrantyNoticeDays = 90
    /// Rows a ranking table keeps (departments, engineers, recurring assets and models).
    public static let rankingRowsMax = 50
}

extension Department {
    /// The figures of `period` at `campuses`, judged at `now` (an open ticket's SLA).
    public func statistics(_ period: StatisticsPeriod, campuses: [CampusCode], at now: LocalDateTime) throws(DomainError) -> DepartmentStatistics {
        let campusSet = Set(campuses.map(\.rawValue))
        let tickets = try query { db in try StatisticsQuery.tickets(db, period, campuses: campusSet, at: now) }
        let assets = try self.assets().filter { campusSet.contains($0.campus.rawValue) }
        var load: [DepartmentStatistics.DutyLoad] = []
        for campus in campuses.sorted(by: { $0.rawValue < $1.rawValue }) {
            load += StatisticsQuery.dutyLoad(try attendanceSheetInput(campus: campus, from: period.first, to: period.last), period)
        }
        return StatisticsQuery.assemble(period, campuses: campuses, tickets: tickets, assets: assets, dutyLoad: load)
    }
}

enum StatisticsQuery {
    /// What one ticket contributes, read from its columns (the summary refolded where its
    /// writer missed a concurrent entry, as every report does).
    struct TicketFacts {
        let number: String
        let category: String
        let department: String
        let assignee: String
        let priority: Int
        let state: TicketState
        let status: SLAStatus
        let owned: Bool
        let resolved: Bool
        let assets: [String]
    }

    static func tickets(_ db: Database, _ period: StatisticsPeriod, campuses: Set<String>, at now: LocalDateTime) throws -> [TicketFacts] {
        let policy = try TicketRows.policy(db)
        let minutes = SLAMinutes(calendar: try Directory.calendar(db))
        let table = ReplicaQueries.tableName(DomainSchema.ticket)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT \(OpenTicketReportQuery.columns), summary_entries IS NOT entries, category, department, assignee FROM \(table)
            WHERE reported_at >= ? AND reported_at < ?
            """, arguments: [period.firstMinute, period.endMinute])
        var facts: [TicketFacts] = []
        while let row = try cursor.next() {
            let campus = (row[2] as String?) ?? ""
            guard campuses.contains(campus), let data = row[0] as Data?, let id = RowID(bytes: data) else { continue }
            var summary = OpenTicketReportQuery.summary(row)
            if (row[10] as Bool?) == true { summary = TicketFlow.fold(try TicketRows.timeline(db, id)) }
            let priority = min(max((row[3] as Int?) ?? 4, TicketPolicy.prioritiesRange.lowerBound), TicketPolicy.prioritiesRange.upperBound)
            let status = SLAStatus.evaluate(summary, target: policy.target(priority), now: now.minutesSinceEpoch,
                                            minutes: minutes.at(CampusCode(campus), policy: policy))
            let done = summary.state == .resolved || summary.state == .closed
            facts.append(TicketFacts(number: (row[1] as String?) ?? "", category: (row[11] as String?) ?? "",
                                     department: (row[12] as String?) ?? "", assignee: (row[13] as String?) ?? "", priority: priority,
                                     state: summary.state, status: status, owned: summary.ownedAt != nil, resolved: done,
                                     assets: try StoredRows.set(db, DomainSchema.ticket, id, "assets")))
        }
        return facts
    }

    static func dutyLoad(_ input: AttendanceSheet.Input, _ period: StatisticsPeriod) -> [DepartmentStatistics.DutyLoad] {
        var load: [PersonID: DepartmentStatistics.DutyLoad] = [:]
        for seat in input.seats where period.first <= seat.slot.date && seat.slot.date <= period.last {
            for person in seat.holders {
                var line = load[person] ?? .init(person: person, campus: input.campus)
                line.shifts += 1
                if input.policy.template(seat.slot.shiftKind)?.isNight == true { line.nights += 1 }
                if input.calendar.dayType(of: seat.slot.date) == .holiday { line.holidayShifts += 1 }
                load[person] = line
            }
        }
        for request in input.overtime where request.state == .approved && period.first <= request.start.date && request.start.date <= period.last {
            var line = load[request.person] ?? .init(person: request.person, campus: input.campus)
            line.overtimeMinutes += request.minutes
            load[request.person] = line
        }
        return load.values.sorted { ($0.shifts, $0.overtimeMinutes, $1.person.rawValue) > ($1.shifts, $1.overtimeMinutes, $0.person.rawValue) }
    }

    /// The median and 90th percentile (nearest rank) of `values`; nil when empty.
    static func percentiles(_ values: [Int]) -> (median: Int?, p90: Int?) {
        guard !values.isEmpty else { return (nil, nil) }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Int { sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))] }
        return (rank(0.5), rank(0.9))
    }

    static func assemble(_ period: StatisticsPeriod, campuses: [CampusCode], tickets: [TicketFacts], assets: [Asset],
                         dutyLoad: [DepartmentStatistics.DutyLoad]) -> DepartmentStatistics {
        func counts(_ keys: [String]) -> [DepartmentStatistics.Count] {
            Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +).map { .init(key: $0.key, count: $0.value) }
                .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
        }
        let rankMax = DepartmentStatistics.rankingRowsMax
        var engineers: [String: (assigned: Int, resolved: Int)] = [:]
        for t in tickets where !t.assignee.isEmpty {
            engineers[t.assignee, default: (0, 0)].assigned += 1
            if t.resolved { engineers[t.assignee, default: (0, 0)].resolved += 1 }
        }
        let byPriority = TicketPolicy.prioritiesRange.map { p -> DepartmentStatistics.PriorityTimes in
            let mine = tickets.filter { $0.priority == p }
            let owned = mine.filter(\.owned).map(\.status.ownMinutes)
            let resolved = mine.filter(\.resolved)
            let own = percentiles(owned)
            let resolve = percentiles(resolved.map(\.status.resolveMinutes))
            return .init(priority: p, reported: mine.count, owned: owned.count, ownMedian: own.median, ownP90: own.p90,
                         resolved: resolved.count, resolveMedian: resolve.median, resolveP90: resolve.p90,
                         met: resolved.count { $0.status.state == .met })
        }
        // Faults per asset: tickets of the period linked to it.
        let byTag = Dictionary(grouping: assets, by: \.tag)
        var perAsset: [String: Int] = [:]
        for t in tickets { for tag in Set(t.assets) { perAsset[tag, default: 0] += 1 } }
        let recurring = perAsset.filter { $0.value >= 2 }.compactMap { tag, count -> DepartmentStatistics.RecurringAsset? in
            guard let asset = byTag[tag]?.first else { return nil }
            return .init(tag: tag, campus: asset.campus, name: asset.record.name, model: asset.record.model, tickets: count)
        }.sorted { ($0.tickets, $1.tag) > ($1.tickets, $0.tag) }
        var models: [String: (assets: Set<String>, tickets: Int)] = [:]
        for (tag, count) in perAsset {
            guard let model = byTag[tag]?.first?.record.model, !model.isEmpty else { continue }
            models[model, default: ([], 0)].assets.insert(tag)
            models[model, default: ([], 0)].tickets += count
        }
        let recurringModels = models.filter { $0.value.tickets >= 2 }
            .map { DepartmentStatistics.RecurringModel(model: $0.key, assets: $0.value.assets.count, tickets: $0.value.tickets) }
            .sorted { ($0.tickets, $1.model) > ($1.tickets, $0.model) }
        var types: [AssetType: DepartmentStatistics.AssetTypeLine] = [:]
        var ages: [DepartmentStatistics.AgeBand: Int] = [:]
        let noticeBy = period.last.adding(days: DepartmentStatistics.warrantyNoticeDays)
        for asset in assets {
            let r = asset.record
            var line = types[r.type] ?? .init(type: r.type)
            line.total += 1
            switch asset.state {
            case .inUse: line.inUse += 1
            case .inStock: line.inStock += 1
            case .underRepair: line.underRepair += 1
            case .scrapped: line.scrapped += 1
            }
            if asset.state != .scrapped {
                line.costFen += r.purchaseCostFen ?? 0
                line.bookValueFen += AssetCost.bookValueFen(r, today: period.last) ?? 0
                if let until = r.warrantyUntil, period.last <= until, until <= noticeBy { line.warrantyEnding += 1 }
                ages[band(r.purchasedOn, on: period.last), default: 0] += 1
            }
            types[r.type] = line
        }
        return DepartmentStatistics(
            period: period, campuses: campuses, ticketsReported: tickets.count, byCategory: counts(tickets.map(\.category)),
            byDepartment: Array(counts(tickets.map { $0.department.isEmpty ? "—" : $0.department }).prefix(rankMax)),
            byEngineer: Array(engineers.map { DepartmentStatistics.EngineerLoad(person: PersonID($0.key), assigned: $0.value.assigned, resolved: $0.value.resolved) }
                .sorted { ($0.assigned, $1.person.rawValue) > ($1.assigned, $0.person.rawValue) }.prefix(rankMax)),
            byPriority: byPriority, recurringAssets: Array(recurring.prefix(rankMax)), recurringModels: Array(recurringModels.prefix(rankMax)),
            assetTypes: AssetType.allCases.compactMap { types[$0] }, assetAges: ages, dutyLoad: dutyLoad)
    }

    static func band(_ purchased: LocalDate?, on day: LocalDate) -> DepartmentStatistics.AgeBand {
        guard let purchased, purchased <= day else { return purchased == nil ? .unknown : .underOne }
        let years = Double(purchased.days(to: day)) / 365.25
        switch years {
        case ..<1: return .underOne
        case ..<3: return .oneToThree
        case ..<5: return .threeToFive
        case ..<8: return .fiveToEight
        default: return .eightPlus
        }
    }
}
