/// Why the domain refused a command. Every case names the problem in words a chief
/// or an engineer understands; a refused command writes nothing (not even audit).
public enum DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The acting person is not in the directory, or has left.
    case unknownActor(PersonID)
    /// The actor lacks the role: `action` in words, `needs` the role required.
    case notPermitted(actor: PersonID, action: String, needs: String)
    case unknownPerson(PersonID)
    case inactivePerson(PersonID)
    case unknownCampus(CampusCode)
    case unknownPost(CampusCode, PostID)
    case unknownShiftKind(CampusCode, ShiftKindID)
    case unknownSeat(String)
    case unknownRequest(kind: String, id: String)
    /// A required text was empty.
    case missing(field: String)
    case alreadyExists(String)
    case badDate(String)
    case badMonth(String)
    case badCalendar(HolidayCalendarParseError)
    /// An end before (or at) its start.
    case reversedTimes(start: String, end: String)
    /// A time range that collides with one the person already has.
    case overlapping(person: PersonID, what: String, existing: String)
    /// A roster change that would break a hard rule (overlap, rest, skill, leave…).
    case breaksRosterRule(String)
    case leaveTooLong(days: Int, max: Int)
    /// 年假余额不足 — the year's annual leave, approved and requested, would pass the entitlement.
    case annualLeaveExceeded(person: PersonID, year: Int, requestedDays: Int, remainingDays: Int, entitledDays: Int)
    /// 加班每日不超过 2 小时.
    case overtimeCapExceeded(person: PersonID, date: LocalDate, requestedMinutes: Int, alreadyMinutes: Int, capMinutes: Int)
    /// 加班须提前申请.
    case overtimeNotInAdvance(start: LocalDateTime, now: LocalDateTime)
    case wrongState(what: String, state: String, action: String)
    case alreadyPublished(CampusCode, LocalMonth)
    case notOnDuty(person: PersonID, post: PostID, at: LocalDateTime)
    case unknownTicket(String)
    case unknownAsset(String)
    /// 资产编号全院唯一 — the tag is already registered (at that campus).
    case duplicateAssetTag(tag: String, campus: CampusCode)
    /// One import file carries a tag twice.
    case duplicateAssetTagInFile(tag: String, firstLine: Int, firstCampus: CampusCode, line: Int, campus: CampusCode)
    /// Two campuses registered the tag while cut off: name the campus until it is resolved.
    case ambiguousAssetTag(tag: String, campuses: [CampusCode])
    /// A CSV import refused as a whole: every bad row with its line number.
    case badImport([String])
    /// A value outside what the field accepts (an unknown type, a negative count…).
    case invalid(field: String, reason: String)
    case storage(String)

    public var description: String {
        switch self {
        case .unknownActor(let p): "acting person \(p) is not an active member of staff"
        case let .notPermitted(actor, action, needs): "\(actor) may not \(action): that needs \(needs)"
        case .unknownPerson(let p): "no person with staff number \(p)"
        case .inactivePerson(let p): "\(p) is no longer active"
        case .unknownCampus(let c): "no campus \(c)"
        case let .unknownPost(c, p): "no post \(p) at campus \(c)"
        case let .unknownShiftKind(c, s): "no shift kind \(s) at campus \(c)"
        case .unknownSeat(let s): "no roster seat \(s)"
        case let .unknownRequest(kind, id): "no \(kind) \(id)"
        case .missing(let field): "\(field) must not be empty"
        case .alreadyExists(let what): "\(what) already exists"
        case .badDate(let text): "bad date \"\(text)\": expected YYYY-MM-DD, a real calendar date"
        case .badMonth(let text): "bad month \"\(text)\": expected YYYY-MM"
        case .badCalendar(let error): "calendar file refused, nothing loaded: \(error)"
        case let .reversedTimes(start, end): "end \(end) is not after start \(start)"
        case let .overlapping(person, what, existing): "\(person): \(what) overlaps \(existing)"
        case .breaksRosterRule(let rule): "roster rule broken: \(rule)"
        case let .leaveTooLong(days, max): "leave of \(days) days is longer than \(max)"
        case let .annualLeaveExceeded(person, year, requested, remaining, entitled):
            "\(person) asks for \(requested) days of annual leave in \(year), \(remaining) of \(entitled) remain (approved and requested counted)"
        case let .overtimeCapExceeded(person, date, requested, already, cap):
            "\(person) on \(date): \(requested) min of overtime requested, \(already) min already requested or approved; the cap is \(cap) min a day"
        case let .overtimeNotInAdvance(start, now): "overtime starting \(start) must be requested in advance (now \(now))"
        case let .wrongState(what, state, action): "cannot \(action) \(what): it is \(state)"
        case let .alreadyPublished(c, m): "the roster of \(c) for \(m) is already published; pass replace to regenerate"
        case let .notOnDuty(person, post, at): "\(person) is not on duty on post \(post) at \(at)"
        case .unknownTicket(let n): "no ticket \(n)"
        case .unknownAsset(let t): "no asset with tag \(t)"
        case let .duplicateAssetTag(tag, campus): "asset tag \(tag) is already registered at campus \(campus); tags are unique hospital-wide"
        case let .duplicateAssetTagInFile(tag, firstLine, firstCampus, line, campus):
            "asset tag \(tag) appears on line \(firstLine) (campus \(firstCampus)) and again on line \(line) (campus \(campus)); tags are unique hospital-wide"
        case let .ambiguousAssetTag(tag, campuses):
            "asset tag \(tag) is registered at \(campuses.map(\.rawValue).joined(separator: " and ")): name the campus (TAG@CAMPUS) or retag one"
        // One problem per line, counted: a many-row import can have hundreds.
        case .badImport(let lines):
            "import refused, nothing written: \(lines.count) \(lines.count == 1 ? "problem" : "problems")\n"
                + lines.map { "  \($0)" }.joined(separator: "\n")
        case let .invalid(field, reason): "\(field): \(reason)"
        case .storage(let reason): "storage refused the write: \(reason)"
        }
    }
}
