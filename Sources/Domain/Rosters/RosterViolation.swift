/// A hard rule an assignment set breaks: an item for the chief to resolve, never a crash.
public enum RosterViolation: Hashable, Sendable, CustomStringConvertible {
    case unknownPerson(Assignment)
    case unknownPost(Assignment)
    case unknownShiftKind(Assignment)
    /// A weekday shift on a holiday, or the reverse.
    case shiftNotForDayType(Assignment, DayType)
    case otherCampus(Assignment, personCampus: CampusCode)
    case postNotHeld(Assignment)
    case missingSkill(Assignment, Skill)
    case onLeave(Assignment, Leave)
    /// 一个班位两人 — more people on one seat than it has (two concurrent edits).
    case seatHeldByMany(SlotKey, [PersonID])
    case overlap(PersonID, SlotKey, SlotKey)
    case restTooShort(PersonID, SlotKey, SlotKey, gapMinutes: Int)
    case noRestDayAfterNight(PersonID, night: SlotKey, next: SlotKey)
    case tooManyShiftsInDay(PersonID, LocalDate, [SlotKey])

    public var description: String {
        switch self {
        case .unknownPerson(let a): return "\(a): no such person"
        case .unknownPost(let a): return "\(a): no such post on this campus"
        case .unknownShiftKind(let a): return "\(a): no such shift kind on this campus"
        case .shiftNotForDayType(let a, let type): return "\(a): shift is not worked on a \(type.chineseName)"
        case .otherCampus(let a, let campus): return "\(a): person is on campus \(campus)'s roster"
        case .postNotHeld(let a): return "\(a): person is not assigned to post \(a.slot.post)"
        case .missingSkill(let a, let skill): return "\(a): lacks skill \(skill)"
        case .onLeave(let a, let leave): return "\(a): on leave \(leave.firstDay)…\(leave.lastDay)"
        case .seatHeldByMany(let slot, let people): return "\(slot): held by \(people.map(\.rawValue).joined(separator: ", "))"
        case .overlap(let p, let s1, let s2): return "\(p): \(s1) overlaps \(s2)"
        case .restTooShort(let p, let s1, let s2, let gap):
            return "\(p): only \(Exclusion.hours(gap)) rest between \(s1) and \(s2)"
        case .noRestDayAfterNight(let p, let night, let next): return "\(p): \(next) falls on the rest day after night \(night)"
        case .tooManyShiftsInDay(let p, let date, let slots): return "\(p): \(slots.count) shifts on \(date)"
        }
    }
}
