import Foundation
import Testing
@testable import Domain

@Suite struct HolidayCalendarTests {
    static func shippedCalendarText() throws -> String {
        // The schedule as shipped inside the binary (a SwiftPM resource of Domain).
        try #require(BundledCalendars.text(year: 2026))
    }

    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { preconditionFailure("bad test date \(iso)") }
        return date
    }

    @Test func theShipped2026CalendarParsesAndClassifiesNationalDay() throws {
        let calendar = try HolidayCalendar.parse(Self.shippedCalendarText())
        // 33 days off and 6 make-up working days in the notice.
        #expect(calendar.entries.count == 39)
        #expect(calendar.entries.values.count { $0.kind == .holiday } == 33)
        #expect(calendar.dayType(of: Self.date("2026-10-01")) == .holiday)
        #expect(calendar.dayType(of: Self.date("2026-10-07")) == .holiday)
        #expect(calendar.dayType(of: Self.date("2026-10-08")) == .workday)
        #expect(calendar.name(of: Self.date("2026-10-01")) == "国庆节")
        #expect(calendar.dayType(of: Self.date("2026-02-23")) == .holiday) // a Monday inside 春节
    }

    @Test func aMakeUpWorkdayOverridesTheWeekend() throws {
        let calendar = try HolidayCalendar.parse(Self.shippedCalendarText())
        let saturday = Self.date("2026-10-10")
        #expect(saturday.weekday == .saturday)
        #expect(calendar.dayType(of: saturday) == .workday)
        #expect(calendar.dayType(of: Self.date("2026-10-11")) == .weekend)
        #expect(calendar.dayType(of: Self.date("2026-01-04")) == .workday) // 周日上班
        #expect(HolidayCalendar().dayType(of: saturday) == .weekend)
    }

    @Test func aHolidayOnASaturdayIsAHolidayNotAWeekend() throws {
        let calendar = try HolidayCalendar.parse(Self.shippedCalendarText())
        #expect(calendar.dayType(of: Self.date("2026-01-03")) == .holiday)
    }

    @Test func commentsBlankLinesCRLFAndNamesWithSpacesAreAccepted() throws {
        let text = "# header\r\n\r\n  2026-10-01\tholiday  National Day 国庆节 \r\n2026-10-10 workday\r\n"
        let calendar = try HolidayCalendar.parse(text)
        #expect(calendar.name(of: Self.date("2026-10-01")) == "National Day 国庆节")
        #expect(calendar.name(of: Self.date("2026-10-10")) == nil)
    }

    @Test func everyBadLineIsReportedWithItsLineNumberAndReason() {
        let text = """
        # 2026 test
        2026-02-30 holiday 不存在
        2026-10-01 holiday 国庆节
        2026-10-01 holiday 重复
        2026-10-02 vacation 国庆节
        2026/10/03 holiday 国庆节
        2026-10-04
        2026-10-09 workday 周五不是调休
        """
        #expect {
            _ = try HolidayCalendar.parse(text)
        } throws: { error in
            guard let error = error as? HolidayCalendarParseError else { return false }
            let expected: [(Int, HolidayCalendarParseError.Problem)] = [
                (2, .impossibleDate("2026-02-30")),
                (4, .duplicateDate(Self.date("2026-10-01"), firstLine: 3)),
                (5, .unknownKind("vacation")),
                (6, .malformedDate("2026/10/03")),
                (7, .missingKind),
                (8, .makeUpWorkdayNotOnWeekend(Self.date("2026-10-09"), .friday)),
            ]
            print(error)
            return error.badLines.map(\.line) == expected.map(\.0) && error.badLines.map(\.problem) == expected.map(\.1)
        }
    }

    @Test func theErrorMessageNamesTheLineAndTheProblem() {
        do {
            _ = try HolidayCalendar.parse("2026-02-30 holiday x")
            Issue.record("expected a parse error")
        } catch {
            #expect(error.description.contains("line 1: '2026-02-30' is not a real calendar date"))
        }
    }
}
