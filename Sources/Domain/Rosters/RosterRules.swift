/// 排班规则检查 — the hard rules, shared by the generator (one candidate at a time) and
/// by validation of arbitrary assignment sets (after a merge of concurrent edits).
public struct RosterRules: Sendable {
    public let policy: CampusRosterPolicy

    public init(policy: CampusRosterPolicy) {
        self.policy = policy
    }

    /// Rules that depend only on who the person is and when the slot is.
    public func staticExclusion(of person: Person, for slot: Slot, post: Post, leave: [Leave]) -> Exclusion? {
        if person.campus != policy.campus { return .otherCampus }
        if !person.posts.contains(post.id) { return .postNotHeld }
        if let skill = post.requiredSkills.sorted().first(where: { !person.skills.contains($0) }) {
            return .missingSkill(skill)
        }
        if leave.contains(where: { $0.person == person.id && $0.overlaps(slot.interval) }) { return .onLeave }
        return nil
    }

    /// Rules between the slot and the shifts the person already holds.
    public func dynamicExclusion(of slot: Slot, against held: some Sequence<Slot>) -> Exclusion? {
        var sameDay = 0
        var found: Exclusion?
        for other in held {
            if other.key.date == slot.key.date { sameDay += 1 }
            switch policy.rest.conflict(slot.interval, other.interval) {
            case .overlap?: return .overlap
            case .restTooShort?: found = min(found ?? .restTooShort, .restTooShort)
            case .noRestDayAfterNight?: found = min(found ?? .noRestDayAfterNight, .noRestDayAfterNight)
            case nil: break
            }
        }
        if sameDay >= policy.rest.shiftsPerDayMax { return .shiftsPerDayReached }
        return found
    }

    /// Lists every hard rule the assignments break. Works on any set: duplicates are
    /// ignored, unknown ids are reported, nothing is assumed about how the set was made.
    public func check(_ assignments: [Assignment], people: [Person], leave: [Leave],
                      calendar: HolidayCalendar) -> [RosterViolation] {
        var violations: [RosterViolation] = []
        var peopleByID: [PersonID: Person] = [:]
        for person in people where peopleByID[person.id] == nil { peopleByID[person.id] = person }
        let unique = Array(Set(assignments)).sorted()

        var bySeat: [SlotKey: [PersonID]] = [:]
        var slotsByPerson: [PersonID: [Slot]] = [:]
        for assignment in unique {
            bySeat[assignment.slot, default: []].append(assignment.person)
            guard let post = policy.post(assignment.slot.post) else { violations.append(.unknownPost(assignment)); continue }
            guard let template = policy.template(assignment.slot.shiftKind) else {
                violations.append(.unknownShiftKind(assignment)); continue
            }
            let dayType = calendar.dayType(of: assignment.slot.date)
            if !template.dayTypes.contains(dayType) { violations.append(.shiftNotForDayType(assignment, dayType)) }
            let slot = Slot(key: assignment.slot, interval: template.interval(on: assignment.slot.date), dayType: dayType,
                            workedMinutes: template.workedMinutes)
            guard let person = peopleByID[assignment.person] else { violations.append(.unknownPerson(assignment)); continue }
            violations += personViolations(assignment, person: person, post: post, slot: slot, leave: leave)
            slotsByPerson[person.id, default: []].append(slot)
        }
        for (seat, holders) in bySeat.sorted(by: { $0.key < $1.key }) where holders.count > 1 {
            violations.append(.seatHeldByMany(seat, holders.sorted()))
        }
        for (person, slots) in slotsByPerson.sorted(by: { $0.key < $1.key }) {
            violations += pairViolations(person, slots: slots.sorted { $0.interval.start < $1.interval.start })
        }
        return violations
    }

    private func personViolations(_ assignment: Assignment, person: Person, post: Post, slot: Slot,
                                  leave: [Leave]) -> [RosterViolation] {
        var found: [RosterViolation] = []
        if person.campus != policy.campus { found.append(.otherCampus(assignment, personCampus: person.campus)) }
        if !person.posts.contains(post.id) { found.append(.postNotHeld(assignment)) }
        for skill in post.requiredSkills.sorted() where !person.skills.contains(skill) {
            found.append(.missingSkill(assignment, skill))
        }
        for item in leave where item.person == person.id && item.overlaps(slot.interval) {
            found.append(.onLeave(assignment, item))
        }
        return found
    }

    /// Pairs in start order; the inner loop stops once a later shift is far enough away
    /// that no rule can link them, so a long merged history stays near-linear.
    private func pairViolations(_ person: PersonID, slots: [Slot]) -> [RosterViolation] {
        var found: [RosterViolation] = []
        let reachMinutes = policy.rest.minimumRestMinutes + (policy.rest.restDaysAfterNight + 2) * LocalDateTime.minutesPerDay
        for (i, first) in slots.enumerated() {
            for second in slots[(i + 1)...] {
                if second.interval.start.minutesSinceEpoch - first.interval.end.minutesSinceEpoch > reachMinutes { break }
                switch policy.rest.conflict(first.interval, second.interval) {
                case .overlap?: found.append(.overlap(person, first.key, second.key))
                case .restTooShort(let gap)?: found.append(.restTooShort(person, first.key, second.key, gapMinutes: gap))
                case .noRestDayAfterNight?: found.append(.noRestDayAfterNight(person, night: first.key, next: second.key))
                case nil: break
                }
            }
        }
        let byDate = Dictionary(grouping: slots, by: \.key.date)
        for (date, daySlots) in byDate.sorted(by: { $0.key < $1.key }) where daySlots.count > policy.rest.shiftsPerDayMax {
            found.append(.tooManyShiftsInDay(person, date, daySlots.map(\.key).sorted()))
        }
        return found
    }
}
