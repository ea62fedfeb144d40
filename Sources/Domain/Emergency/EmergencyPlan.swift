import Foundation
import GRDB
import Replica
import Storage

/// 应急预案 and 演练: a plan per key system per campus — its steps, its contacts from the
/// directory and the escalation level it starts at — and the drills that test it.

/// 关键系统 — the systems the regulation names.
public enum KeySystem: String, Hashable, Codable, Sendable, CaseIterable {
    case his, pacs, lis, network
    case machineRoom = "machine_room"

    public var chineseName: String {
        switch self {
        case .his: "HIS"
        case .pacs: "PACS"
        case .lis: "LIS"
        case .network: "网络"
        case .machineRoom: "机房"
        }
    }
}

public struct EmergencyPlan: Hashable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let system: KeySystem
    public let title: String
    /// 处置步骤, one a line.
    public let steps: [String]
    /// 启动级别 — who is called first when the plan starts.
    public let startLevel: EscalationLevel
    public let contacts: [PersonID]
    public let updatedBy: String
    public let updatedAt: LocalDateTime
}

public struct Drill: Hashable, Sendable {
    public let id: String
    public let plan: String
    public let campus: CampusCode
    public let system: KeySystem
    public let scheduledOn: LocalDate
    public let scenario: String
    public let doneOn: LocalDate?
    public let findings: String
    /// 整改措施 — follow-up actions, one a line.
    public let actions: String
    public let recordedBy: String?

    public var done: Bool { doneOn != nil }
    /// 待演练 — not recorded and scheduled within `days` of `date` (or overdue).
    public func due(on date: LocalDate, within days: Int) -> Bool { !done && scheduledOn <= date.adding(days: days) }
}

/// What a chief writes for a plan.
public struct PlanDraft: Hashable, Sendable {
    public var campus: CampusCode
    public var system: KeySystem
    public var title: String
    public var steps: String
    public var startLevel: EscalationLevel

    public init(campus: CampusCode, system: KeySystem, title: String, steps: String, startLevel: EscalationLevel) {
        self.campus = campus
        self.system = system
        self.title = title
        self.steps = steps
        self.startLevel = startLevel
    }
}

extension Department {
    public static let planTitleMax = 120
    public static let planStepsMax = 10_000
    /// Contacts one plan lists.
    public static let planContactsMax = 20
    public static let drillScenarioMax = 200
    public static let drillTextMax = 4_000
    /// Drills one plan keeps (a drill a month for 40 years).
    public static let drillsPerPlanMax = 500
    /// The dashboard lists drills scheduled within this many days, and overdue ones.
    public static let drillsDueDays = 14

    static func text(_ value: String, _ field: String, max: Int, required: Bool = true, lines: Bool = true) throws(DomainError) -> String {
        let v = value.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if required, v.isEmpty { throw .missing(field: field) }
        guard v.count <= max else { throw .invalid(field: field, reason: "\(v.count) characters, more than \(max)") }
        guard !v.unicodeScalars.contains(where: { ($0.value < 0x20 && !(lines && ($0 == "\n" || $0 == "\t"))) || $0.value == 0x7F }) else {
            throw .invalid(field: field, reason: "holds control characters")
        }
        return v
    }

    /// Writes (or rewrites) the plan of `draft.system` at `draft.campus`. 科长 of the campus.
    @discardableResult
    public func writePlan(_ draft: PlanDraft, by acting: Acting) throws(DomainError) -> String {
        let title = try Self.text(draft.title, "title", max: Self.planTitleMax, lines: false)
        let steps = try Self.text(draft.steps, "steps", max: Self.planStepsMax)
        return try perform(acting, "plan.write") { tx, actor in
            guard try Directory.campus(tx.db, draft.campus) != nil else { throw DomainError.unknownCampus(draft.campus) }
            try Permissions.require(actor, .sectionChief, at: draft.campus, to: "write the emergency plans of campus \(draft.campus)")
            let row = NaturalKey.rowID(DomainSchema.emergencyPlan, draft.campus.rawValue, draft.system.rawValue)
            try tx.assign(DomainSchema.emergencyPlan.name, row, [
                "campus": .text(draft.campus.rawValue), "system": .text(draft.system.rawValue),
                "title": .text(title), "steps": .text(steps), "start_level": .text(draft.startLevel.rawValue),
                "updated_by": .text(actor.id.rawValue), "updated_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            return (row.description, "\(draft.campus) \(draft.system.rawValue) \(title)")
        }
    }

    /// Adds (or with `remove`, removes) a contact from the directory. 科长 of the plan's campus.
    public func setPlanContact(_ planID: String, _ person: PersonID, remove: Bool = false, by acting: Acting) throws(DomainError) {
        try perform(acting, remove ? "plan.contact_remove" : "plan.contact_add") { tx, actor in
            let (row, plan) = try Self.storedPlan(tx.db, planID)
            try Permissions.require(actor, .sectionChief, at: plan.campus, to: "change the contacts of the plan \(plan.title)")
            if remove {
                try tx.remove(DomainSchema.emergencyPlan.name, row, "contacts", .text(person.rawValue))
            } else {
                guard let staff = try Directory.person(tx.db, person) else { throw DomainError.unknownPerson(person) }
                guard staff.active else { throw DomainError.inactivePerson(person) }
                guard plan.contacts.contains(person) || plan.contacts.count < Self.planContactsMax else {
                    throw DomainError.invalid(field: "contacts", reason: "the plan lists \(plan.contacts.count) (at most \(Self.planContactsMax))")
                }
                try tx.add(DomainSchema.emergencyPlan.name, row, "contacts", .text(person.rawValue))
            }
            return ((), "\(planID) \(person)")
        }
    }

    /// Schedules a drill of plan `planID` on `date`. 科长 of the plan's campus.
    @discardableResult
    public func scheduleDrill(_ planID: String, on date: LocalDate, scenario: String, by acting: Acting) throws(DomainError) -> String {
        let scenario = try Self.text(scenario, "scenario", max: Self.drillScenarioMax, lines: false)
        return try perform(acting, "drill.schedule") { tx, actor in
            let (_, plan) = try Self.storedPlan(tx.db, planID)
            try Permissions.require(actor, .sectionChief, at: plan.campus, to: "schedule drills at campus \(plan.campus)")
            let count = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \(EmergencyRows.drills) WHERE plan = ?", arguments: [planID]) ?? 0
            guard count < Self.drillsPerPlanMax else {
                throw DomainError.invalid(field: "drills", reason: "the plan has \(count) drills (at most \(Self.drillsPerPlanMax))")
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.drill.name, row, [
                "plan": .text(planID), "campus": .text(plan.campus.rawValue), "system": .text(plan.system.rawValue),
                "scheduled_on": .text(date.description), "scenario": .text(scenario),
            ])
            return (row.description, "\(plan.campus) \(plan.system.rawValue) \(date) \(scenario)")
        }
    }

    /// Records how drill `drillID` went: when, what was found, the follow-up actions.
    /// 科长, 工程师 or 值班工程师 of the campus. A second record replaces the first (the
    /// audit trail keeps both).
    public func recordDrill(_ drillID: String, doneOn: LocalDate, findings: String, actions: String, by acting: Acting) throws(DomainError) {
        let findings = try Self.text(findings, "findings", max: Self.drillTextMax)
        let actions = try Self.text(actions, "actions", max: Self.drillTextMax, required: false)
        try perform(acting, "drill.record") { tx, actor in
            guard let row = RowID(hex: drillID), let stored = try StoredRows.fetchOne(tx.db, DomainSchema.drill, id: row),
                  let drill = EmergencyRows.drill(stored) else { throw DomainError.unknownRequest(kind: "drill", id: drillID) }
            try Permissions.requireAny(actor, [.sectionChief, .engineer, .dutyEngineer], at: drill.campus, to: "record drills at campus \(drill.campus)")
            guard doneOn <= acting.now.date else { throw DomainError.invalid(field: "done_on", reason: "\(doneOn) is after today") }
            try tx.assign(DomainSchema.drill.name, row, [
                "done_on": .text(doneOn.description), "findings": .text(findings), "actions": .text(actions),
                "recorded_by": .text(actor.id.rawValue), "recorded_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            return ((), "\(drill.campus) \(drill.system.rawValue) \(doneOn)")
        }
    }

    static func storedPlan(_ db: Database, _ id: String) throws -> (RowID, EmergencyPlan) {
        guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(db, DomainSchema.emergencyPlan, id: row),
              let plan = try EmergencyRows.plan(db, stored) else { throw DomainError.unknownRequest(kind: "emergency plan", id: id) }
        return (row, plan)
    }

    // MARK: reads

    /// The plans of `campus` (or every campus), by campus and system.
    public func emergencyPlans(campus: CampusCode? = nil) throws(DomainError) -> [EmergencyPlan] {
        try query { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(EmergencyRows.plans)").compactMap { try EmergencyRows.plan(db, $0) }
                .filter { campus == nil || $0.campus == campus }
                .sorted { ($0.campus.rawValue, KeySystem.allCases.firstIndex(of: $0.system)!) < ($1.campus.rawValue, KeySystem.allCases.firstIndex(of: $1.system)!) }
        }
    }

    public func emergencyPlan(_ id: String) throws(DomainError) -> EmergencyPlan? {
        try query { db in
            guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(db, DomainSchema.emergencyPlan, id: row) else { return nil }
            return try EmergencyRows.plan(db, stored)
        }
    }

    /// Drills of `plan` (or every plan), latest scheduled first.
    public func drills(plan: String? = nil) throws(DomainError) -> [Drill] {
        try query { db in
            let rows = try plan.map { try Row.fetchAll(db, sql: "SELECT * FROM \(EmergencyRows.drills) WHERE plan = ?", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT * FROM \(EmergencyRows.drills)")
            return rows.compactMap(EmergencyRows.drill).sorted { ($0.scheduledOn, $0.id) > ($1.scheduledOn, $1.id) }
        }
    }

    /// 待演练 — drills not recorded that are overdue or scheduled within `drillsDueDays`
    /// of `date`, soonest first.
    public func drillsDue(on date: LocalDate) throws(DomainError) -> [Drill] {
        try drills().filter { $0.due(on: date, within: Self.drillsDueDays) }.sorted { ($0.scheduledOn, $0.id) < ($1.scheduledOn, $1.id) }
    }
}

enum EmergencyRows {
    static var plans: String { ReplicaQueries.tableName(DomainSchema.emergencyPlan) }
    static var drills: String { ReplicaQueries.tableName(DomainSchema.drill) }

    /// A stored row as a plan; nil for one whose system or level is not one we know.
    static func plan(_ db: Database, _ row: Row) throws -> EmergencyPlan? {
        guard let system = (row["system"] as String?).flatMap(KeySystem.init(rawValue:)),
              let level = (row["start_level"] as String?).flatMap(EscalationLevel.init(rawValue:)) else { return nil }
        let id = StoredRows.rowID(row)
        return EmergencyPlan(id: id.description, campus: CampusCode(rawValue: (row["campus"] as String?) ?? ""), system: system,
                             title: (row["title"] as String?) ?? "",
                             steps: ((row["steps"] as String?) ?? "").split(separator: "\n").map(String.init),
                             startLevel: level,
                             contacts: try StoredRows.set(db, DomainSchema.emergencyPlan, id, "contacts").map { PersonID(rawValue: $0) },
                             updatedBy: (row["updated_by"] as String?) ?? "",
                             updatedAt: LocalDateTime(minutesSinceEpoch: Int(clamping: (row["updated_at"] as Int64?) ?? 0)))
    }

    static func drill(_ row: Row) -> Drill? {
        guard let system = (row["system"] as String?).flatMap(KeySystem.init(rawValue:)),
              let scheduled = (row["scheduled_on"] as String?).flatMap({ LocalDate(iso: $0) }) else { return nil }
        let recordedBy = (row["recorded_by"] as String?) ?? ""
        return Drill(id: StoredRows.rowID(row).description, plan: (row["plan"] as String?) ?? "",
                     campus: CampusCode(rawValue: (row["campus"] as String?) ?? ""), system: system, scheduledOn: scheduled,
                     scenario: (row["scenario"] as String?) ?? "", doneOn: (row["done_on"] as String?).flatMap { LocalDate(iso: $0) },
                     findings: (row["findings"] as String?) ?? "", actions: (row["actions"] as String?) ?? "",
                     recordedBy: recordedBy.isEmpty ? nil : recordedBy)
    }
}
