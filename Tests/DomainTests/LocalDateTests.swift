import Testing
@testable import Domain

@Suite struct LocalDateTests {
    @Test func theEpochIsDayZeroAndAThursday() throws {
        let epoch = try #require(LocalDate(year: 1970, month: 1, day: 1))
        #expect(epoch.daysSinceEpoch == 0)
        #expect(epoch.weekday == .thursday)
    }

    @Test func knownDatesFallOnTheWeekdaysTheStateCouncilNoticeGives() throws {
        // From the 2026 notice: 1月1日（周四）, 2月15日（周日）, 10月10日（周六）, 9月20日（周日）.
        #expect(try #require(LocalDate(iso: "2026-01-01")).weekday == .thursday)
        #expect(try #require(LocalDate(iso: "2026-02-15")).weekday == .sunday)
        #expect(try #require(LocalDate(iso: "2026-10-10")).weekday == .saturday)
        #expect(try #require(LocalDate(iso: "2026-09-20")).weekday == .sunday)
    }

    @Test func daysSinceEpochRoundTripsForEveryDayOfFourCenturies() {
        let start = LocalDate(daysSinceEpoch: -25_567) // 1900-01-01
        #expect(start.iso == "1900-01-01")
        for offset in stride(from: -25_567, to: 400 * 366, by: 1) {
            let date = LocalDate(daysSinceEpoch: offset)
            #expect(date.daysSinceEpoch == offset)
            if offset % 9_973 == 0 { #expect(LocalDate(iso: date.iso) == date) }
        }
    }

    @Test func impossibleDatesAreRefused() {
        #expect(LocalDate(year: 2026, month: 2, day: 30) == nil)
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2028, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2100, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 13, day: 1) == nil)
        #expect(LocalDate(iso: "2026-4-01") == nil)
        #expect(LocalDate(iso: "2026/04/01") == nil)
    }

    @Test func aLocalDateTimeSplitsIntoDateAndClock() throws {
        let date = try #require(LocalDate(iso: "2026-03-02"))
        let oneInTheMorning = LocalDateTime(date: date, minuteOfDay: 25 * 60)
        #expect(oneInTheMorning.date.iso == "2026-03-03")
        #expect(oneInTheMorning.clock == "01:00")
        #expect(oneInTheMorning.compact == "20260303T010000")
    }
}
