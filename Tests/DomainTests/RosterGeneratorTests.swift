import Replica
import Testing
@testable import Domain

@Suite struct RosterGeneratorTests {
    func generate(_ request: RosterRequest, seed: UInt64) -> RosterResult {
        print("roster seed: \(seed)")
        var rng = SplitMix64(seed: seed)
        return RosterGenerator().generate(request, using: &rng)
    }

    func violations(_ result: RosterResult, _ request: RosterRequest) -> [RosterViolation] {
        RosterRules(policy: request.policy).check(result.roster.assignments, people: request.people,
                                                  leave: request.leave, calendar: request.calendar)
    }

    @Test(arguments: [UInt64(1), 7, 20_260_301])
    func aThirtyPersonCampusMonthIsFullyCoveredLegallyWithNightSpreadAtMostOne(seed: UInt64) {
        let request = RosterBenchmark.request()
        let result = generate(request, seed: seed)
        #expect(result.roster.slots.count == 420)
        #expect(result.unfilled.isEmpty)
        #expect(violations(result, request).isEmpty)
        #expect(result.fairness.groups.count == 1, "the ring of posts makes everyone equally available")
        #expect(result.fairness.worstSpread.nightShifts <= 1)
        #expect(result.fairness.worstSpread.weekendShifts <= 1)
        #expect(result.fairness.worstSpread.shifts <= 1)
        print("worst spread: \(result.fairness.worstSpread)")
    }

    @Test func theSameSeedGivesTheSameRoster() {
        let request = RosterBenchmark.request()
        let first = generate(request, seed: 42)
        let second = generate(request, seed: 42)
        #expect(first == second)
    }

    @Test func aHolidayMonthWithLeaveAndPreferencesKeepsEveryHardRule() throws {
        var request = RosterBenchmark.request()
        guard let october = LocalMonth(year: 2026, month: 10) else { return }
        request.month = october
        request.calendar = try HolidayCalendar.parse(HolidayCalendarTests.shippedCalendarText())
        request.leave = [Leave(person: "p03", firstDay: Fixture.date("2026-10-05"), lastDay: Fixture.date("2026-10-12"))]
        request.people[4].preferences = RosterPreferences(avoidNights: true)
        request.people[9].preferences = RosterPreferences(preferredDaysOff: [.friday])
        let result = generate(request, seed: 3)
        #expect(result.unfilled.isEmpty)
        #expect(violations(result, request).isEmpty)
        // A night of 10-12 starts 01:00 on 10-13, after the leave: legal. Nothing may touch 10-05…10-12.
        let touchingLeave = result.roster.slots.filter { slot in
            result.roster.assignments(of: "p03").contains { $0.slot == slot.key } && request.leave[0].overlaps(slot.interval)
        }
        #expect(touchingLeave.isEmpty)
        let p04 = try #require(result.fairness.people.first { $0.person == "p04" })
        let typicalNights = result.fairness.people.map(\.nightShifts).sorted()[15]
        #expect(p04.nightShifts < typicalNights, "p04 asked to avoid nights")
        #expect(result.roster.assignments(of: "p09").allSatisfy { $0.slot.date.weekday != .friday })
        #expect(result.fairness.people.contains { $0.holidayShifts > 0 })
        // 10-10 is a make-up Saturday: weekday shifts, not 12 h holiday shifts.
        #expect(result.roster.slots.contains { $0.key.date == Fixture.date("2026-10-10") && $0.key.shiftKind == "weekday-day" })
    }

    @Test func everyRuleThatExcludedACandidateIsCountedInTheExplanation() {
        // One seat too many for the only qualified, present person.
        let people = [
            Fixture.engineer("able"),
            Fixture.engineer("leave1"), Fixture.engineer("leave2"), Fixture.engineer("leave3"),
            Fixture.engineer("noskill1", skills: []), Fixture.engineer("noskill2", skills: []),
            Fixture.engineer("dba", posts: [.dataOperations]),
        ]
        let leave = ["leave1", "leave2", "leave3"].map {
            Leave(person: PersonID($0), firstDay: Fixture.date("2026-03-01"), lastDay: Fixture.date("2026-03-31"))
        }
        let policy = Fixture.policy(templates: [.weekdayDay], posts: [.networkSecurity], headcount: 2)
        let request = RosterRequest(policy: policy, month: Fixture.march2026, calendar: HolidayCalendar(), people: people, leave: leave)
        let result = generate(request, seed: 5)
        #expect(result.unfilled.count == 22) // the second seat of every workday
        let first = result.unfilled[0]
        #expect(first.slot == Fixture.slot("2026-03-02", .weekdayDay, seat: 1))
        #expect(first.summary == "3 on leave, 2 lack skill 网络安全, 1 not assigned to the post, 1 already on an overlapping shift")
        #expect(first.excluded.map(\.people).reduce(0, +) == people.count)
    }

    @Test func aSlotBlockedOnlyByRestIsExplainedAsRest() {
        // One engineer, days and evenings, two shifts a day allowed: 17:00 to 18:00 is too little rest.
        let policy = Fixture.policy(templates: [.weekdayDay, .nightFirst], posts: [.networkSecurity],
                                    rest: RestRules(shiftsPerDayMax: 2))
        let request = RosterRequest(policy: policy, month: Fixture.march2026, calendar: HolidayCalendar(),
                                    people: [Fixture.engineer("solo")])
        let result = generate(request, seed: 11)
        #expect(!result.unfilled.isEmpty)
        #expect(violations(result, request).isEmpty)
        let reasons = Set(result.unfilled.flatMap { $0.excluded.map(\.exclusion) })
        #expect(reasons.isSubset(of: [.restTooShort, .shiftsPerDayReached, .noRestDayAfterNight, .overlap]))
        #expect(result.unfilled.contains { $0.summary == "1 would break 11 h rest" })
    }

    @Test func peopleOfAnotherCampusAreNeverRostered() {
        var request = RosterBenchmark.request()
        request.people.append(Fixture.engineer("visitor", posts: Post.defaults, campus: "W"))
        let result = generate(request, seed: 9)
        #expect(result.roster.assignments(of: "visitor").isEmpty)
        #expect(!result.fairness.people.contains { $0.person == "visitor" })
    }

    @Test func threeShiftWeekdaysCoverTheClockAndCountOnlyTheOvernightAsANight() {
        var request = RosterBenchmark.request()
        request.policy = Fixture.policy(templates: ShiftTemplate.threeShiftSet)
        let result = generate(request, seed: 13)
        #expect(result.unfilled.isEmpty)
        #expect(violations(result, request).isEmpty)
        let monday = result.roster.slots.filter { $0.key.date == Fixture.date("2026-03-02") && $0.key.post == "network-security" }
        #expect(monday.map(\.interval.start.clock) == ["08:00", "16:00", "00:00"])
        #expect(monday.map(\.isNight) == [false, false, true])
    }
}
