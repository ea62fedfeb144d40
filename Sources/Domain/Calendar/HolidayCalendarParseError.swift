/// A holiday calendar file that could not be read, with every bad line and why.
public struct HolidayCalendarParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// After this many bad lines the parser stops: the file is plainly the wrong file.
    public static let badLinesMax = 50

    public struct BadLine: Hashable, Sendable, CustomStringConvertible {
        /// 1-based, as an editor shows it.
        public let line: Int
        public let text: String
        public let problem: Problem

        public var description: String { "line \(line): \(problem) — \"\(text)\"" }
    }

    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        /// Not in `YYYY-MM-DD` form.
        case malformedDate(String)
        /// In the right form but not on the calendar (2026-02-30, month 13).
        case impossibleDate(String)
        /// A date with nothing after it.
        case missingKind
        /// Neither `holiday` nor `workday`.
        case unknownKind(String)
        /// The same date on two lines; the first line number is given.
        case duplicateDate(LocalDate, firstLine: Int)
        /// `workday` on Monday–Friday: a make-up working day is always a weekend day.
        case makeUpWorkdayNotOnWeekend(LocalDate, Weekday)
        case tooManyEntries(Int)

        public var description: String {
            switch self {
            case .malformedDate(let text):
                return "'\(text)' is not a date in YYYY-MM-DD form"
            case .impossibleDate(let text):
                return "'\(text)' is not a real calendar date"
            case .missingKind:
                return "missing kind after the date (expected 'holiday' or 'workday')"
            case .unknownKind(let kind):
                return "unknown kind '\(kind)' (expected 'holiday' or 'workday')"
            case .duplicateDate(let date, let firstLine):
                return "\(date) is already listed on line \(firstLine)"
            case .makeUpWorkdayNotOnWeekend(let date, let weekday):
                return "\(date) is a \(weekday.chineseName); a make-up workday (调休上班) must be a Saturday or Sunday"
            case .tooManyEntries(let max):
                return "more than \(max) entries"
            }
        }
    }

    public let badLines: [BadLine]

    public var description: String {
        "holiday calendar has \(badLines.count) bad line(s):\n" + badLines.map { "  \($0)" }.joined(separator: "\n")
    }
}
