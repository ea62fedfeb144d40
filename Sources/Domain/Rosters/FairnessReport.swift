/// 公平性报告 — how the month's load fell on each person, and the spread among people
/// who could have carried the same load.
///
/// Two people have *equal availability* when they are eligible (post and skills) for the
/// same number of slots and have the same number of days off leave. Spread is max − min
/// within such a group; comparing a full-time engineer with one on two weeks' leave would
/// only measure the leave.
public struct FairnessReport: Hashable, Codable, Sendable {
    /// 个人负荷 — one person's month.
    public struct PersonLoad: Hashable, Codable, Sendable {
        public let person: PersonID
        public var shifts = 0
        /// 白班 — shifts that are not nights (weekday day, holiday day, early, late).
        public var dayShifts = 0
        /// 夜班
        public var nightShifts = 0
        /// 周末班 — shifts whose duty date is a weekend (not a holiday).
        public var weekendShifts = 0
        /// 节假日班 — shifts whose duty date is a public holiday.
        public var holidayShifts = 0
        public var workedMinutes = 0
        /// Shifts that went against a stated preference (avoid nights, a preferred day off).
        public var preferencesBroken = 0
        /// Availability: slots the person's posts and skills allow…
        public let eligibleSlots: Int
        /// …and days of the month not on leave.
        public let availableDays: Int

        public init(person: PersonID, eligibleSlots: Int, availableDays: Int) {
            self.person = person
            self.eligibleSlots = eligibleSlots
            self.availableDays = availableDays
        }

        public var workedHours: Double { Double(workedMinutes) / 60 }
    }

    /// max − min of each count within one availability group (or the worst over groups).
    public struct Spread: Hashable, Codable, Sendable {
        public var shifts = 0
        public var dayShifts = 0
        public var nightShifts = 0
        public var weekendShifts = 0
        public var holidayShifts = 0
        public var workedMinutes = 0

        public init() {}

        init(of loads: [PersonLoad]) {
            func range(_ value: (PersonLoad) -> Int) -> Int {
                let values = loads.map(value)
                return (values.max() ?? 0) - (values.min() ?? 0)
            }
            shifts = range(\.shifts)
            dayShifts = range(\.dayShifts)
            nightShifts = range(\.nightShifts)
            weekendShifts = range(\.weekendShifts)
            holidayShifts = range(\.holidayShifts)
            workedMinutes = range(\.workedMinutes)
        }

        func worst(with other: Spread) -> Spread {
            var result = Spread()
            result.shifts = max(shifts, other.shifts)
            result.dayShifts = max(dayShifts, other.dayShifts)
            result.nightShifts = max(nightShifts, other.nightShifts)
            result.weekendShifts = max(weekendShifts, other.weekendShifts)
            result.holidayShifts = max(holidayShifts, other.holidayShifts)
            result.workedMinutes = max(workedMinutes, other.workedMinutes)
            return result
        }
    }

    public struct AvailabilityGroup: Hashable, Codable, Sendable {
        public let eligibleSlots: Int
        public let availableDays: Int
        public let people: [PersonID]
        public let spread: Spread
    }

    /// One entry per person of the campus, in id order.
    public let people: [PersonLoad]
    public let groups: [AvailabilityGroup]
    /// The largest spread of each count over all groups.
    public let worstSpread: Spread

    /// Measures any roster (generated or edited) against the campus's people and leave.
    public static func measure(_ roster: Roster, people: [Person], leave: [Leave], policy: CampusRosterPolicy) -> FairnessReport {
        let rules = RosterRules(policy: policy)
        let campusPeople = people.filter { $0.campus == policy.campus }.sorted { $0.id < $1.id }
        let slotsByKey = Dictionary(roster.slots.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var loads: [PersonID: PersonLoad] = [:]
        for person in campusPeople where loads[person.id] == nil {
            let eligible = roster.slots.count { slot in
                guard let post = policy.post(slot.key.post) else { return false }
                return rules.staticExclusion(of: person, for: slot, post: post, leave: []) == nil
            }
            let daysOff = roster.month.days.count { date in leave.contains { $0.person == person.id && $0.contains(date) } }
            loads[person.id] = PersonLoad(person: person.id, eligibleSlots: eligible, availableDays: roster.month.dayCount - daysOff)
        }
        let preferences = Dictionary(campusPeople.map { ($0.id, $0.preferences) }, uniquingKeysWith: { first, _ in first })
        for assignment in roster.assignments {
            guard var load = loads[assignment.person], let slot = slotsByKey[assignment.slot] else { continue }
            load.add(slot, preferences: preferences[assignment.person] ?? .none)
            loads[assignment.person] = load
        }
        let ordered = loads.values.sorted { $0.person < $1.person }
        let grouped = Dictionary(grouping: ordered) { [$0.eligibleSlots, $0.availableDays] }
        let groups = grouped.map { key, members in
            AvailabilityGroup(eligibleSlots: key[0], availableDays: key[1], people: members.map(\.person), spread: Spread(of: members))
        }.sorted { ($0.eligibleSlots, $0.availableDays) < ($1.eligibleSlots, $1.availableDays) }
        let worst = groups.reduce(Spread()) { $0.worst(with: $1.spread) }
        return FairnessReport(people: ordered, groups: groups, worstSpread: worst)
    }
}

extension FairnessReport.PersonLoad {
    mutating func add(_ slot: Slot, preferences: RosterPreferences) {
        shifts += 1
        if slot.isNight { nightShifts += 1 } else { dayShifts += 1 }
        switch slot.dayType {
        case .weekend: weekendShifts += 1
        case .holiday: holidayShifts += 1
        case .workday: break
        }
        workedMinutes += slot.workedMinutes
        preferencesBroken += preferences.brokenBy(slot)
    }
}

extension RosterPreferences {
    /// How many of this person's wishes a slot goes against (0, 1 or 2).
    func brokenBy(_ slot: Slot) -> Int {
        (avoidNights && slot.isNight ? 1 : 0) + (preferredDaysOff.contains(slot.key.date.weekday) ? 1 : 0)
    }
}
