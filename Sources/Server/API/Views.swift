import Domain

// The API's JSON shapes. Kept apart from the domain's types so the wire format is a
// decision written in docs/openapi.yaml, not a side effect of a domain refactor.

struct PersonView: Codable, Sendable {
    let id: String
    let name: String
    let campus: String
    let roles: [String]

    init(_ staff: StaffMember) {
        id = staff.id.rawValue
        name = staff.name
        campus = staff.campus.rawValue
        roles = staff.roles.map(\.element).sorted()
    }
}

struct MeView: Codable, Sendable {
    let username: String
    let person: PersonView
    let csrfToken: String
    let passwordChangeRequired: Bool
    let sessionExpiresAt: String

    init(_ user: SignedIn) {
        username = user.username
        person = PersonView(user.staff)
        csrfToken = user.session.csrfToken
        passwordChangeRequired = user.passwordChangeDue
        sessionExpiresAt = user.session.expiresAt.description
    }
}

struct TransitionView: Codable, Sendable {
    let action: String
    let by: String
    let at: String

    init(_ t: RequestTransition) {
        action = t.action.rawValue
        by = t.by
        at = LocalDateTime(minutesSinceEpoch: t.at).description
    }
}

struct LeaveView: Codable, Sendable {
    let id, person, campus, firstDay, lastDay, kind, reason, state, requestedAt: String
    let days: Int
    let history: [TransitionView]

    init(_ r: LeaveRequest) {
        id = r.id; person = r.person.rawValue; campus = r.campus.rawValue; firstDay = r.firstDay.iso; lastDay = r.lastDay.iso
        kind = r.kind.rawValue
        reason = r.reason; state = r.state.rawValue; requestedAt = r.requestedAt.description; days = r.days
        history = r.history.map(TransitionView.init)
    }
}

struct OvertimeView: Codable, Sendable {
    let id, person, campus, start, end, reason, state: String
    let minutes: Int

    init(_ r: OvertimeRequest) {
        id = r.id; person = r.person.rawValue; campus = r.campus.rawValue; start = r.start.description; end = r.end.description
        reason = r.reason; state = r.state.rawValue; minutes = r.minutes
    }
}

struct SwapView: Codable, Sendable {
    let id, campus, requester, colleague, requesterSeat, reason, state, requestedAt: String
    let colleagueSeat: String?
    let history: [TransitionView]
    let ignored: [TransitionView]

    init(_ r: SwapRequest) {
        id = r.id; campus = r.campus.rawValue; requester = r.requester.rawValue; colleague = r.colleague.rawValue
        requesterSeat = SeatKey.text(campus: r.campus, slot: r.requesterSeat)
        colleagueSeat = r.colleagueSeat.map { SeatKey.text(campus: r.campus, slot: $0) }
        reason = r.reason; state = r.state.rawValue; requestedAt = r.requestedAt.description
        history = r.history.map(TransitionView.init); ignored = r.ignored.map(TransitionView.init)
    }
}

struct HandoverView: Codable, Sendable {
    struct Note: Codable, Sendable { let kind, by, at, text: String }
    let id, campus, post, outgoing, incoming, at: String
    let openItems: [String]
    let notes: [Note]
    let signedByOutgoing, signedByIncoming, complete: Bool

    init(_ h: Handover) {
        id = h.id; campus = h.campus.rawValue; post = h.post.rawValue; outgoing = h.outgoing.rawValue
        incoming = h.incoming.rawValue; at = h.at.description; openItems = h.openItems
        notes = h.notes.map { Note(kind: $0.kind.rawValue, by: $0.by, at: LocalDateTime(minutesSinceEpoch: $0.at).description, text: $0.text) }
        signedByOutgoing = h.signedByOutgoing; signedByIncoming = h.signedByIncoming; complete = h.complete
    }
}

struct SeatView: Codable, Sendable {
    let seat, date, post, shiftKind: String
    let assignee: String?
    let conflicting: [String?]

    init(_ s: RosterSeat) {
        seat = s.key; date = s.slot.date.iso; post = s.slot.post.rawValue; shiftKind = s.slot.shiftKind.rawValue
        assignee = s.assignee?.rawValue; conflicting = s.conflicting.map { $0?.rawValue }
    }
}

struct FairnessView: Codable, Sendable {
    struct Load: Codable, Sendable {
        let person: String
        let shifts, dayShifts, nightShifts, weekendShifts, holidayShifts, workedMinutes, preferencesBroken: Int
    }
    struct Spread: Codable, Sendable { let shifts, dayShifts, nightShifts, weekendShifts, holidayShifts, workedMinutes: Int }
    let people: [Load]
    let worstSpread: Spread

    init(_ f: FairnessReport) {
        people = f.people.map { Load(person: $0.person.rawValue, shifts: $0.shifts, dayShifts: $0.dayShifts, nightShifts: $0.nightShifts,
                                     weekendShifts: $0.weekendShifts, holidayShifts: $0.holidayShifts, workedMinutes: $0.workedMinutes,
                                     preferencesBroken: $0.preferencesBroken) }
        let w = f.worstSpread
        worstSpread = Spread(shifts: w.shifts, dayShifts: w.dayShifts, nightShifts: w.nightShifts, weekendShifts: w.weekendShifts,
                             holidayShifts: w.holidayShifts, workedMinutes: w.workedMinutes)
    }
}

struct RosterView: Codable, Sendable {
    let campus, month: String
    let seats: [SeatView]
    let unfilled: [String]
    let fairness: FairnessView
}

struct ContactView: Codable, Sendable {
    let person, name, phone: String
    init(_ c: Contact) { person = c.person; name = c.name; phone = c.phone }
}

struct OnDutyView: Codable, Sendable {
    struct Step: Codable, Sendable { let level, levelName: String; let contacts: [ContactView] }
    let campus, post, postName, postPhone: String
    let seat, start, end: String?
    let onDuty: [ContactView]
    let conflict: Bool
    let escalation: [Step]

    init(_ p: PostOnDuty) {
        campus = p.campus.rawValue; post = p.post.rawValue; postName = p.postName; postPhone = p.postPhone
        seat = p.slot.map { SeatKey.text(campus: p.campus, slot: $0) }; start = p.start?.description; end = p.end?.description
        onDuty = p.onDuty.map(ContactView.init); conflict = p.conflict
        escalation = p.escalation.map { Step(level: $0.level.rawValue, levelName: $0.level.chineseName, contacts: $0.contacts.map(ContactView.init)) }
    }
}

struct DutyLogView: Codable, Sendable {
    let by, at, text: String
    init(_ e: DutyLogEntry) { by = e.by; at = e.time.description; text = e.text }
}

struct AttendanceView: Codable, Sendable {
    let kind, at, by: String
    init(_ e: AttendanceEvent) { kind = e.kind.rawValue; at = e.time.description; by = e.by }
}

struct ProblemView: Codable, Sendable {
    let kind, campus, description: String
}

struct CreatedView: Codable, Sendable { let id: String }
struct DoneView: Codable, Sendable { let id: String; let action: String }
struct ChangesView: Codable, Sendable { let version: String; let batches: UInt64 }
