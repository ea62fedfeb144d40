import Testing
@testable import Domain

/// Validation of arbitrary assignment sets, as after replicas merge concurrent edits.
@Suite struct RosterRulesTests {
    let alice = Fixture.engineer("alice")
    let calendar = HolidayCalendar()

    func check(_ assignments: [Assignment], people: [Person]? = nil, leave: [Leave] = [],
               policy: CampusRosterPolicy = Fixture.policy()) -> [RosterViolation] {
        RosterRules(policy: policy).check(assignments, people: people ?? [alice], leave: leave, calendar: calendar)
    }

    @Test func aLegalWeekIsClean() {
        let week = [
            Fixture.on("alice", "2026-03-02", .weekdayDay),
            Fixture.on("alice", "2026-03-03", .nightFirst), // 18:00–01:00
            Fixture.on("alice", "2026-03-05", .weekdayDay), // rest day 03-04 kept
        ]
        #expect(check(week).isEmpty)
    }

    @Test func twoShiftsAtTheSameTimeAreAnOverlap() {
        let a = Fixture.on("alice", "2026-03-02", .weekdayDay)
        let b = Fixture.on("alice", "2026-03-02", .weekdayDay, post: .systemMaintenance)
        let alice = Fixture.engineer("alice", posts: [.networkSecurity, .systemMaintenance])
        let violations = check([a, b], people: [alice])
        #expect(violations.contains(.overlap("alice", a.slot, b.slot)) || violations.contains(.overlap("alice", b.slot, a.slot)))
    }

    @Test func lessThanElevenHoursBetweenShiftsBreaksTheRestRule() {
        // 中班 16:00–24:00 then 早班 08:00: eight hours.
        let policy = Fixture.policy(templates: ShiftTemplate.threeShiftSet)
        let late = Fixture.on("alice", "2026-03-02", .threeShiftLate)
        let early = Fixture.on("alice", "2026-03-03", .threeShiftEarly)
        #expect(check([late, early], policy: policy) == [.restTooShort("alice", late.slot, early.slot, gapMinutes: 8 * 60)])
    }

    @Test func aDayShiftOnTheMorningANightEndsBreaksTheRestDayEvenWithoutARestMinimum() {
        let policy = Fixture.policy(rest: RestRules(minimumRestMinutes: 0))
        let night = Fixture.on("alice", "2026-03-07", .holidayNight) // Sat 20:00 – Sun 08:00
        let day = Fixture.on("alice", "2026-03-08", .holidayDay) // Sun 08:00
        #expect(check([night, day], policy: policy) == [.noRestDayAfterNight("alice", night: night.slot, next: day.slot)])
        let offRule = Fixture.policy(rest: RestRules(minimumRestMinutes: 0, restDaysAfterNight: 0))
        #expect(check([night, day], policy: offRule).isEmpty)
    }

    @Test func consecutiveNightsFormABlockThatTheRestDayRuleAllows() {
        let nights = (2...4).map { Fixture.on("alice", "2026-03-0\($0)", .nightSecond) } // 01:00–08:00 each
        #expect(check(nights).isEmpty)
    }

    @Test func twoShiftsOnOneDutyDateBreakTheDailyMaximum() {
        let policy = Fixture.policy(rest: RestRules(minimumRestMinutes: 0))
        let day = Fixture.on("alice", "2026-03-02", .weekdayDay)
        let night = Fixture.on("alice", "2026-03-02", .nightFirst)
        #expect(check([day, night], policy: policy) == [.tooManyShiftsInDay("alice", Fixture.date("2026-03-02"), [night.slot, day.slot].sorted())])
        let twoAllowed = Fixture.policy(rest: RestRules(minimumRestMinutes: 0, shiftsPerDayMax: 2))
        #expect(check([day, night], policy: twoAllowed).isEmpty)
    }

    @Test func aPersonWithoutThePostsSkillIsReported() {
        let bob = Fixture.engineer("bob", posts: [.networkSecurity], skills: [])
        let shift = Fixture.on("bob", "2026-03-02", .weekdayDay)
        #expect(check([shift], people: [bob]) == [.missingSkill(shift, "网络安全")])
    }

    @Test func aPersonNotAllowedOnThePostIsReported() {
        let shift = Fixture.on("alice", "2026-03-02", .weekdayDay, post: .dataOperations)
        #expect(check([shift]) == [.postNotHeld(shift), .missingSkill(shift, "数据运维")])
    }

    @Test func aNightRunningIntoTheFirstDayOfLeaveIsOnLeave() {
        let leave = Leave(person: "alice", firstDay: Fixture.date("2026-03-03"), lastDay: Fixture.date("2026-03-05"))
        let night = Fixture.on("alice", "2026-03-02", .nightSecond) // 03-03 01:00–08:00
        let before = Fixture.on("alice", "2026-03-01", .holidayDay)
        #expect(check([night, before], leave: [leave]) == [.onLeave(night, leave)])
    }

    @Test func twoPeopleOnOneSeatAfterAMergeAreReportedNotDropped() {
        let bob = Fixture.engineer("bob")
        let a = Fixture.on("alice", "2026-03-02", .weekdayDay)
        let b = Fixture.on("bob", "2026-03-02", .weekdayDay)
        #expect(check([a, b, a], people: [alice, bob]) == [.seatHeldByMany(a.slot, ["alice", "bob"])])
    }

    @Test func unknownPeopleShiftsAndWrongDayTypesAreReported() {
        let ghost = Fixture.on("ghost", "2026-03-02", .weekdayDay)
        let weekdayShiftOnSaturday = Fixture.on("alice", "2026-03-07", .weekdayDay)
        let unknownShift = Assignment(slot: SlotKey(date: Fixture.date("2026-03-02"), post: "network-security", shiftKind: "siesta"), person: "alice")
        let violations = check([ghost, weekdayShiftOnSaturday, unknownShift])
        #expect(violations.contains(.unknownPerson(ghost)))
        #expect(violations.contains(.shiftNotForDayType(weekdayShiftOnSaturday, .weekend)))
        #expect(violations.contains(.unknownShiftKind(unknownShift)))
    }
}
