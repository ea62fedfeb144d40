/// The generator's working state: slots and people by index, who holds what, and each
/// person's running load. Internal: the public face is `RosterGenerator`.
struct RosterSearch {
    /// One person's load in the units the cost uses.
    struct Load {
        var nights = 0.0
        var weekends = 0.0
        var holidays = 0.0
        /// Worked hours in 8 h units, so one shift weighs about one.
        var shiftUnits = 0.0
        var preferencesBroken = 0.0

        mutating func add(_ slot: Slot, preferences: RosterPreferences, sign: Double) {
            nights += slot.isNight ? sign : 0
            weekends += slot.dayType == .weekend ? sign : 0
            holidays += slot.dayType == .holiday ? sign : 0
            shiftUnits += sign * Double(slot.workedMinutes) / 480
            preferencesBroken += sign * Double(preferences.brokenBy(slot))
        }
    }

    /// Improvements smaller than this are rounding, not fairness.
    static let costEpsilon = 1e-9

    let rules: RosterRules
    let tuning: RosterGenerator.Tuning
    let slots: [Slot]
    let people: [Person]
    /// Per slot, the people whose post, skills and leave allow it (static rules).
    let eligible: [[Int]]
    /// Approved leave by person, kept to explain exclusions.
    let leaveByPerson: [PersonID: [Leave]]
    /// Per person, the share of the month not on leave, in (0, 1].
    let availability: [Double]
    let reachMinutes: Int
    var holder: [Int?]
    var held: [[Int]]
    var loads: [Load]

    init(request: RosterRequest, tuning: RosterGenerator.Tuning) {
        let policy = request.policy
        self.rules = RosterRules(policy: policy)
        self.tuning = tuning
        var seen = Set<PersonID>()
        self.people = request.people.filter { $0.campus == policy.campus }.sorted { $0.id < $1.id }.filter { seen.insert($0.id).inserted }
        precondition(people.count <= RosterGenerator.peopleMax, "more than peopleMax people")
        self.slots = policy.slots(for: request.month, calendar: request.calendar)
        precondition(slots.count <= RosterGenerator.slotsMax, "more than slotsMax slots")
        let leaveByPerson = Dictionary(grouping: request.leave, by: \.person)
        self.leaveByPerson = leaveByPerson
        let rules = self.rules
        let people = self.people
        self.eligible = slots.map { slot in
            guard let post = policy.post(slot.key.post) else { preconditionFailure("slot of unknown post \(slot.key)") }
            return people.indices.filter {
                rules.staticExclusion(of: people[$0], for: slot, post: post, leave: leaveByPerson[people[$0].id] ?? []) == nil
            }
        }
        let monthDays = request.month.dayCount
        self.availability = people.map { person in
            let onLeave = request.month.days.count { date in leaveByPerson[person.id]?.contains { $0.contains(date) } ?? false }
            return Double(max(1, monthDays - onLeave)) / Double(monthDays)
        }
        // Two shifts further apart than this cannot conflict under any rule.
        self.reachMinutes = ShiftTemplate.durationMinutesMax + policy.rest.minimumRestMinutes
            + (policy.rest.restDaysAfterNight + 1) * LocalDateTime.minutesPerDay
        self.holder = Array(repeating: nil, count: slots.count)
        self.held = Array(repeating: [], count: people.count)
        self.loads = Array(repeating: Load(), count: people.count)
    }

    var assignments: [Assignment] {
        holder.enumerated().compactMap { index, person in
            person.map { Assignment(slot: slots[index].key, person: people[$0].id) }
        }
    }

    // MARK: - Rules and cost

    func isFeasible(_ person: Int, for slot: Int, ignoring ignored: Int = -1) -> Bool {
        rules.dynamicExclusion(of: slots[slot], against: held[person].lazy.filter { $0 != ignored }.map { slots[$0] }) == nil
    }

    func cost(_ load: Load, of person: Int) -> Double {
        let squares = tuning.nightWeight * load.nights * load.nights
            + tuning.weekendWeight * load.weekends * load.weekends
            + tuning.holidayWeight * load.holidays * load.holidays
            + tuning.hoursWeight * load.shiftUnits * load.shiftUnits
        return squares / availability[person] + tuning.preferenceWeight * load.preferencesBroken
    }

    /// Cost change if `person` gains `gained` and loses `lost` (either may be absent).
    func costDelta(_ person: Int, gains gained: Int?, loses lost: Int?) -> Double {
        var load = loads[person]
        let preferences = people[person].preferences
        if let gained { load.add(slots[gained], preferences: preferences, sign: 1) }
        if let lost { load.add(slots[lost], preferences: preferences, sign: -1) }
        return cost(load, of: person) - cost(loads[person], of: person)
    }

    mutating func assign(_ person: Int, to slot: Int) {
        precondition(holder[slot] == nil, "slot \(slots[slot].key) already held")
        holder[slot] = person
        held[person].append(slot)
        loads[person].add(slots[slot], preferences: people[person].preferences, sign: 1)
    }

    mutating func release(_ slot: Int) {
        guard let person = holder[slot] else { preconditionFailure("releasing an open slot \(slots[slot].key)") }
        holder[slot] = nil
        held[person].removeAll { $0 == slot }
        loads[person].add(slots[slot], preferences: people[person].preferences, sign: -1)
    }

    /// Slots whose start lies within `reachMinutes` of this one (slots are in start order).
    func neighbourhood(of slot: Int) -> Range<Int> {
        let start = slots[slot].interval.start.minutesSinceEpoch
        let low = firstSlot(startingAtOrAfter: start - reachMinutes)
        let high = firstSlot(startingAtOrAfter: start + reachMinutes + 1)
        return low..<high
    }

    private func firstSlot(startingAtOrAfter minute: Int) -> Int {
        var low = 0
        var high = slots.count
        while low < high {
            let mid = (low + high) / 2
            if slots[mid].interval.start.minutesSinceEpoch < minute { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Construction

    mutating func construct<G: RandomNumberGenerator>(using rng: inout G) {
        var pending = Array(repeating: true, count: slots.count)
        var options = eligible.map(\.count)
        for _ in slots.indices {
            var chosen = -1
            for slot in slots.indices where pending[slot] && (chosen < 0 || options[slot] < options[chosen]) {
                chosen = slot
            }
            guard chosen >= 0 else { break }
            pending[chosen] = false
            guard let person = cheapestFeasible(for: chosen, using: &rng) else { continue }
            assign(person, to: chosen)
            for other in neighbourhood(of: chosen) where pending[other] && eligible[other].contains(person) {
                options[other] = eligible[other].count { isFeasible($0, for: other) }
            }
        }
    }

    private func cheapestFeasible<G: RandomNumberGenerator>(for slot: Int, using rng: inout G) -> Int? {
        var best: (person: Int, cost: Double)?
        for person in eligible[slot] where isFeasible(person, for: slot) {
            // Jitter far below any real cost difference: it only breaks exact ties.
            let jitter = Double(rng.next() >> 11) * 0x1p-53 * 1e-6
            let cost = costDelta(person, gains: slot, loses: nil) + jitter
            if best == nil || cost < best!.cost { best = (person, cost) }
        }
        return best?.person
    }

    // MARK: - Repair

    /// Fills open slots: directly, or by handing one blocking shift to a third person.
    mutating func repair() {
        var ejectionAttempts = 0
        for slot in slots.indices where holder[slot] == nil {
            if let person = eligible[slot].filter({ isFeasible($0, for: slot) })
                .min(by: { costDelta($0, gains: slot, loses: nil) < costDelta($1, gains: slot, loses: nil) }) {
                assign(person, to: slot)
                continue
            }
            guard ejectionAttempts < tuning.repairAttemptsMax else { continue }
            ejectionAttempts += 1
            _ = fillByHandingOver(slot)
        }
    }

    private mutating func fillByHandingOver(_ slot: Int) -> Bool {
        for person in eligible[slot] {
            for blocking in held[person] where isFeasible(person, for: slot, ignoring: blocking) {
                guard let taker = eligible[blocking].first(where: { $0 != person && isFeasible($0, for: blocking) }) else {
                    continue
                }
                release(blocking)
                assign(taker, to: blocking)
                assign(person, to: slot)
                return true
            }
        }
        return false
    }

    // MARK: - Improvement

    /// Random moves and swaps, applied only when legal and strictly cheaper.
    mutating func improve<G: RandomNumberGenerator>(using rng: inout G) -> Int {
        guard !slots.isEmpty else { return 0 }
        var applied = 0
        var sinceImprovement = 0
        for _ in 0..<tuning.localSearchIterationsMax {
            if sinceImprovement >= tuning.stagnationIterationsMax { break }
            sinceImprovement += 1
            let slot = Int(rng.next(upperBound: UInt64(slots.count)))
            guard let current = holder[slot], eligible[slot].count > 1 else { continue }
            let other = eligible[slot][Int(rng.next(upperBound: UInt64(eligible[slot].count)))]
            guard other != current else { continue }
            if tryMove(slot, from: current, to: other) || trySwap(slot, between: current, and: other) {
                applied += 1
                sinceImprovement = 0
            }
        }
        return applied
    }

    private mutating func tryMove(_ slot: Int, from current: Int, to other: Int) -> Bool {
        let delta = costDelta(current, gains: nil, loses: slot) + costDelta(other, gains: slot, loses: nil)
        guard delta < -Self.costEpsilon, isFeasible(other, for: slot) else { return false }
        release(slot)
        assign(other, to: slot)
        return true
    }

    /// `current` takes one of `other`'s shifts in exchange for `slot`; the best legal one.
    private mutating func trySwap(_ slot: Int, between current: Int, and other: Int) -> Bool {
        var best: (slot: Int, delta: Double)?
        for candidate in held[other] where candidate != slot && eligible[candidate].contains(current) {
            let delta = costDelta(current, gains: candidate, loses: slot) + costDelta(other, gains: slot, loses: candidate)
            guard delta < (best?.delta ?? -Self.costEpsilon) else { continue }
            guard isFeasible(current, for: candidate, ignoring: slot), isFeasible(other, for: slot, ignoring: candidate) else {
                continue
            }
            best = (candidate, delta)
        }
        guard let best else { return false }
        release(slot)
        release(best.slot)
        assign(current, to: best.slot)
        assign(other, to: slot)
        return true
    }

    // MARK: - Explanation

    func explainUnfilled() -> [UnfilledSlot] {
        slots.indices.filter { holder[$0] == nil }.map(explain)
    }

    private func explain(_ slot: Int) -> UnfilledSlot {
        let key = slots[slot].key
        guard let post = rules.policy.post(key.post) else { preconditionFailure("slot of unknown post \(key)") }
        var counts: [Exclusion: Int] = [:]
        for (index, person) in people.enumerated() {
            let exclusion = rules.staticExclusion(of: person, for: slots[slot], post: post, leave: leaveByPerson[person.id] ?? [])
                ?? rules.dynamicExclusion(of: slots[slot], against: held[index].map { slots[$0] })
            guard let exclusion else {
                preconditionFailure("\(key) left open although \(person.id) could take it")
            }
            counts[exclusion, default: 0] += 1
        }
        let ordered = counts.map { UnfilledSlot.Count(exclusion: $0.key, people: $0.value) }
            .sorted { ($1.people, $0.exclusion) < ($0.people, $1.exclusion) }
        let summary = ordered.isEmpty
            ? "nobody is on this campus's roster"
            : ordered.map { $0.exclusion.phrase(count: $0.people, rules: rules.policy.rest) }.joined(separator: ", ")
        return UnfilledSlot(slot: key, excluded: ordered, summary: summary)
    }
}
