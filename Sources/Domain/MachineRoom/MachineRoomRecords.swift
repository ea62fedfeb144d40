import Foundation
import GRDB
import Replica
import Storage

/// 机房管理 and 安全检查: the machine-room entry log (who went in, when in and out, why,
/// accompanied by whom) and the security inspections (patch and vulnerability checks)
/// with their due dates. Ids 403–404 of the records' 400–449; merge kinds: docs/records.md.
extension DomainSchema {
    /// 机房进出登记 — one visit. Written at the door (in), then closed (out).
    public static let machineRoomEntry = EntitySchema(id: 403, name: "machine_room_entry", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "entry"),
        // A member of staff (staff number), or a visitor by name (a vendor's engineer).
        FieldSchema(id: 2, name: "person", kind: .register, type: .text, group: "entry"),
        FieldSchema(id: 3, name: "visitor", kind: .register, type: .text, group: "entry"),
        FieldSchema(id: 4, name: "reason", kind: .register, type: .text, group: "entry"),
        FieldSchema(id: 5, name: "escort", kind: .register, type: .text, group: "entry"),
        FieldSchema(id: 6, name: "in_at", kind: .register, type: .integer, group: "entry"),
        FieldSchema(id: 7, name: "recorded_by", kind: .register, type: .text, group: "entry"),
        // 离开时间; 0 while inside.
        FieldSchema(id: 10, name: "out_at", kind: .register, type: .integer),
    ])

    /// 安全检查 — a patch or vulnerability check of a system, due on a date, then done.
    public static let securityCheck = EntitySchema(id: 404, name: "security_check", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "check"),
        FieldSchema(id: 2, name: "kind", kind: .register, type: .text, group: "check"),
        FieldSchema(id: 3, name: "target", kind: .register, type: .text, group: "check"),
        FieldSchema(id: 4, name: "due_on", kind: .register, type: .text, group: "check"),
        FieldSchema(id: 10, name: "done_on", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 11, name: "result", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 12, name: "checked_by", kind: .register, type: .text, group: "result"),
    ])
}

public struct MachineRoomEntry: Hashable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let person: PersonID?
    public let visitor: String
    public let reason: String
    public let escort: PersonID?
    public let inAt: LocalDateTime
    public let outAt: LocalDateTime?
    public let recordedBy: String

    public var inside: Bool { outAt == nil }
}

/// 补丁检查 or 漏洞扫描.
public enum SecurityCheckKind: String, Hashable, Codable, Sendable, CaseIterable {
    case patch, vulnerability

    public var chineseName: String {
        switch self {
        case .patch: "补丁检查"
        case .vulnerability: "漏洞扫描"
        }
    }
}

public struct SecurityCheck: Hashable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let kind: SecurityCheckKind
    public let target: String
    public let dueOn: LocalDate
    public let doneOn: LocalDate?
    public let result: String
    public let checkedBy: String?

    public var done: Bool { doneOn != nil }
    public func due(on date: LocalDate, within days: Int) -> Bool { !done && dueOn <= date.adding(days: days) }
}

extension Department {
    public static let machineRoomTextMax = 200
    /// Entries one campus keeps open (inside) at once: more is a forgotten sign-out, refused.
    public static let machineRoomInsideMax = 50
    public static let securityResultMax = 4_000
    /// The dashboard lists checks due within this many days, and overdue ones.
    public static let securityChecksDueDays = 14
    /// Rows a list reads at most (newest first).
    public static let recordsListMax = 500
    static let machineRoomKeepers: [Role] = [.sectionChief, .engineer, .dutyEngineer]

    /// Records someone going into the machine room of `campus` now: a member of staff
    /// (`person`) or a visitor by name, why, and the member of staff accompanying them
    /// (required for a visitor).
    @discardableResult
    public func enterMachineRoom(campus: CampusCode, person: PersonID?, visitor: String = "", reason: String, escort: PersonID?,
                                 by acting: Acting) throws(DomainError) -> String {
        let reason = try Self.text(reason, "reason", max: Self.machineRoomTextMax, lines: false)
        let visitor = try Self.text(visitor, "visitor", max: Self.machineRoomTextMax, required: false, lines: false)
        return try perform(acting, "machine_room.enter") { tx, actor in
            guard try Directory.campus(tx.db, campus) != nil else { throw DomainError.unknownCampus(campus) }
            try Permissions.requireAny(actor, Self.machineRoomKeepers, at: campus, to: "keep the machine-room log of campus \(campus)")
            guard (person == nil) != visitor.isEmpty else { throw DomainError.invalid(field: "person", reason: "name either a member of staff or a visitor") }
            for id in [person, escort].compactMap({ $0 }) {
                guard let staff = try Directory.person(tx.db, id) else { throw DomainError.unknownPerson(id) }
                guard staff.active else { throw DomainError.inactivePerson(id) }
            }
            if !visitor.isEmpty, escort == nil { throw DomainError.missing(field: "escort") }
            let inside = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \(MachineRoomRows.entries) WHERE campus = ? AND coalesce(out_at, 0) = 0",
                                          arguments: [campus.rawValue]) ?? 0
            guard inside < Self.machineRoomInsideMax else {
                throw DomainError.invalid(field: "entries", reason: "\(inside) people are signed in at \(campus) (at most \(Self.machineRoomInsideMax))")
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.machineRoomEntry.name, row, [
                "campus": .text(campus.rawValue), "person": .text(person?.rawValue ?? ""), "visitor": .text(visitor), "reason": .text(reason),
                "escort": .text(escort?.rawValue ?? ""), "in_at": .integer(Int64(acting.now.minutesSinceEpoch)),
                "recorded_by": .text(actor.id.rawValue), "out_at": .integer(0),
            ])
            return (row.description, "\(campus) \(person?.rawValue ?? visitor) \(reason)")
        }
    }

    /// Records that visit `id` left the machine room now.
    public func leaveMachineRoom(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "machine_room.leave") { tx, actor in
            guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(tx.db, DomainSchema.machineRoomEntry, id: row),
                  let entry = MachineRoomRows.entry(stored) else { throw DomainError.unknownRequest(kind: "machine-room entry", id: id) }
            try Permissions.requireAny(actor, Self.machineRoomKeepers, at: entry.campus, to: "keep the machine-room log of campus \(entry.campus)")
            guard entry.inside else { throw DomainError.wrongState(what: "entry \(id)", state: "already signed out", action: "sign out") }
            guard acting.now >= entry.inAt else { throw DomainError.reversedTimes(start: entry.inAt.description, end: acting.now.description) }
            try tx.assign(DomainSchema.machineRoomEntry.name, row, ["out_at": .integer(Int64(acting.now.minutesSinceEpoch))])
            return ((), "\(entry.campus) \(entry.person?.rawValue ?? entry.visitor)")
        }
    }

    /// Schedules a security check of `target` due on `dueOn`. 科长 or 工程师 of the campus.
    @discardableResult
    public func scheduleSecurityCheck(campus: CampusCode, kind: SecurityCheckKind, target: String, dueOn: LocalDate,
                                      by acting: Acting) throws(DomainError) -> String {
        let target = try Self.text(target, "target", max: Self.machineRoomTextMax, lines: false)
        return try perform(acting, "security_check.schedule") { tx, actor in
            guard try Directory.campus(tx.db, campus) != nil else { throw DomainError.unknownCampus(campus) }
            try Permissions.requireAny(actor, [.sectionChief, .engineer], at: campus, to: "schedule security checks at campus \(campus)")
            let row = tx.newRowID()
            try tx.assign(DomainSchema.securityCheck.name, row, [
                "campus": .text(campus.rawValue), "kind": .text(kind.rawValue), "target": .text(target), "due_on": .text(dueOn.description),
            ])
            return (row.description, "\(campus) \(kind.rawValue) \(target) \(dueOn)")
        }
    }

    /// Records a security check as done on `doneOn` with its result (what was patched or found).
    public func recordSecurityCheck(_ id: String, doneOn: LocalDate, result: String, by acting: Acting) throws(DomainError) {
        let result = try Self.text(result, "result", max: Self.securityResultMax)
        try perform(acting, "security_check.record") { tx, actor in
            guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(tx.db, DomainSchema.securityCheck, id: row),
                  let check = MachineRoomRows.check(stored) else { throw DomainError.unknownRequest(kind: "security check", id: id) }
            try Permissions.requireAny(actor, Self.machineRoomKeepers, at: check.campus, to: "record security checks at campus \(check.campus)")
            guard doneOn <= acting.now.date else { throw DomainError.invalid(field: "done_on", reason: "\(doneOn) is after today") }
            try tx.assign(DomainSchema.securityCheck.name, row, [
                "done_on": .text(doneOn.description), "result": .text(result), "checked_by": .text(actor.id.rawValue),
            ])
            return ((), "\(check.campus) \(check.kind.rawValue) \(check.target) \(doneOn)")
        }
    }

    // MARK: reads

    /// Entries of `campus` (or every campus), newest first, at most `recordsListMax`.
    public func machineRoomEntries(campus: CampusCode? = nil) throws(DomainError) -> [MachineRoomEntry] {
        try query { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(MachineRoomRows.entries) WHERE ?1 IS NULL OR campus = ?1 ORDER BY in_at DESC, id DESC LIMIT ?2",
                             arguments: [campus?.rawValue, Self.recordsListMax]).compactMap(MachineRoomRows.entry)
        }
    }

    /// Security checks of `campus` (or every campus), latest due first, at most `recordsListMax`.
    public func securityChecks(campus: CampusCode? = nil) throws(DomainError) -> [SecurityCheck] {
        try query { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(MachineRoomRows.checks) WHERE ?1 IS NULL OR campus = ?1 ORDER BY due_on DESC, id DESC LIMIT ?2",
                             arguments: [campus?.rawValue, Self.recordsListMax]).compactMap(MachineRoomRows.check)
        }
    }

    /// 待检查 — checks not done, overdue or due within `securityChecksDueDays`, soonest first.
    public func securityChecksDue(on date: LocalDate) throws(DomainError) -> [SecurityCheck] {
        try query { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(MachineRoomRows.checks) WHERE coalesce(done_on, '') = '' ORDER BY due_on, id LIMIT ?",
                             arguments: [Self.recordsListMax]).compactMap(MachineRoomRows.check)
        }.filter { $0.due(on: date, within: Self.securityChecksDueDays) }
    }
}

enum MachineRoomRows {
    static var entries: String { ReplicaQueries.tableName(DomainSchema.machineRoomEntry) }
    static var checks: String { ReplicaQueries.tableName(DomainSchema.securityCheck) }

    static func entry(_ row: Row) -> MachineRoomEntry? {
        guard let inAt = row["in_at"] as Int64?, LocalDateTime.minutesSinceEpochRange.contains(Int(clamping: inAt)) else { return nil }
        let out = (row["out_at"] as Int64?) ?? 0
        let person = (row["person"] as String?) ?? "", escort = (row["escort"] as String?) ?? ""
        return MachineRoomEntry(id: StoredRows.rowID(row).description, campus: CampusCode(rawValue: (row["campus"] as String?) ?? ""),
                                person: person.isEmpty ? nil : PersonID(rawValue: person), visitor: (row["visitor"] as String?) ?? "",
                                reason: (row["reason"] as String?) ?? "", escort: escort.isEmpty ? nil : PersonID(rawValue: escort),
                                inAt: LocalDateTime(minutesSinceEpoch: Int(inAt)),
                                outAt: out == 0 ? nil : LocalDateTime(minutesSinceEpoch: Int(clamping: out)),
                                recordedBy: (row["recorded_by"] as String?) ?? "")
    }

    static func check(_ row: Row) -> SecurityCheck? {
        guard let kind = (row["kind"] as String?).flatMap(SecurityCheckKind.init(rawValue:)),
              let due = (row["due_on"] as String?).flatMap({ LocalDate(iso: $0) }) else { return nil }
        let by = (row["checked_by"] as String?) ?? ""
        return SecurityCheck(id: StoredRows.rowID(row).description, campus: CampusCode(rawValue: (row["campus"] as String?) ?? ""), kind: kind,
                             target: (row["target"] as String?) ?? "", dueOn: due, doneOn: (row["done_on"] as String?).flatMap { LocalDate(iso: $0) },
                             result: (row["result"] as String?) ?? "", checkedBy: by.isEmpty ? nil : by)
    }
}
