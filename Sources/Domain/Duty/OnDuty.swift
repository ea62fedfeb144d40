import GRDB
import Replica

/// 当前值班 — who holds a post at a campus at one moment, and whom to call next.
public struct PostOnDuty: Hashable, Codable, Sendable {
    public let campus: CampusCode
    public let post: PostID
    public let postName: String
    /// 岗位电话
    public let postPhone: String
    /// The seat covering the moment, nil when the post is not covered then (e.g. 17:00–18:00).
    public let slot: SlotKey?
    public let start: LocalDateTime?
    public let end: LocalDateTime?
    /// The duty engineers (several only while two campuses' edits conflict).
    public let onDuty: [Contact]
    /// True while the seat's assignee is in conflict: call everyone listed.
    public let conflict: Bool
    /// 升级链 — duty engineer → section chief → general duty officer (总值班).
    public let escalation: [EscalationStep]
}

/// A person to call.
public struct Contact: Hashable, Codable, Sendable {
    public let person: String
    public let name: String
    public let phone: String
}

/// 升级级别
public enum EscalationLevel: String, Hashable, Codable, Sendable, CaseIterable {
    /// 值班工程师
    case dutyEngineer = "duty_engineer"
    /// 科长
    case sectionChief = "section_chief"
    /// 总值班
    case generalDutyOfficer = "general_duty_officer"

    public var chineseName: String {
        switch self {
        case .dutyEngineer: "值班工程师"
        case .sectionChief: "科长"
        case .generalDutyOfficer: "总值班"
        }
    }
}

public struct EscalationStep: Hashable, Codable, Sendable {
    public let level: EscalationLevel
    public let contacts: [Contact]
}

extension Department {
    /// Who is on duty on every post of `campus` (or every campus) at `moment`.
    public func onDuty(campus: CampusCode? = nil, at moment: LocalDateTime) throws(DomainError) -> [PostOnDuty] {
        try query { db in
            let codes = try campus.map { [$0] } ?? Directory.campuses(db).map(\.code)
            return try codes.flatMap { try OnDutyQuery.posts(db, campus: $0, at: moment) }
        }
    }
}

enum OnDutyQuery {
    static func posts(_ db: Database, campus code: CampusCode, at moment: LocalDateTime) throws -> [PostOnDuty] {
        let context = try RosterContext.load(db, campus: code)
        // A night belongs to the evening before: look at yesterday's and today's seats.
        let seats = try RosterSeats.seats(db, campus: code, from: moment.date.adding(days: -1), to: moment.date)
        let people = Dictionary(context.people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let chiefs = context.people.filter { $0.active && $0.holds(.sectionChief, at: code) }.map(contact)
        let officer = Contact(person: "", name: context.campus.generalDutyOfficer, phone: context.campus.generalDutyPhone)
        return try context.posts.map { post in
            let seat = seats.first { seat in
                guard seat.slot.post == post.id, let template = context.policy.template(seat.slot.shiftKind) else { return false }
                let interval = template.interval(on: seat.slot.date)
                return interval.start <= moment && moment < interval.end
            }
            let interval = seat.flatMap { s in context.policy.template(s.slot.shiftKind)?.interval(on: s.slot.date) }
            let onDuty = (seat?.holders ?? []).map { id in people[id].map(contact) ?? Contact(person: id.rawValue, name: "?", phone: "") }
            return PostOnDuty(campus: code, post: post.id, postName: post.nameChinese,
                              postPhone: try Directory.postPhone(db, campus: code, post: post.id), slot: seat?.slot,
                              start: interval?.start, end: interval?.end, onDuty: onDuty, conflict: !(seat?.conflicting.isEmpty ?? true),
                              escalation: [EscalationStep(level: .dutyEngineer, contacts: onDuty),
                                           EscalationStep(level: .sectionChief, contacts: chiefs),
                                           EscalationStep(level: .generalDutyOfficer, contacts: officer.name.isEmpty ? [] : [officer])])
        }
    }

    static func contact(_ person: StaffMember) -> Contact {
        Contact(person: person.id.rawValue, name: person.name, phone: person.phone)
    }
}
