/// 节假日安排 — public holidays and make-up working days (调休) loaded from a file.
///
/// File format (UTF-8, one entry per line, see docs/rosters.md):
///
///     # comment; blank lines are ignored
///     2026-10-01 holiday 国庆节
///     2026-10-10 workday 国庆节调休上班
///
/// Fields are separated by spaces or tabs: an ISO date, a kind (`holiday` or `workday`),
/// and an optional name that runs to the end of the line. A date may appear once.
/// A `workday` entry must fall on a Saturday or Sunday: a make-up working day on a day
/// that is a workday anyway is a typo in the file, not a rule.
public struct HolidayCalendar: Hashable, Codable, Sendable {
    /// One dated line of the file.
    public struct Entry: Hashable, Codable, Sendable {
        public let date: LocalDate
        public let kind: Kind
        public let name: String

        public init(date: LocalDate, kind: Kind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        /// 放假 — a day off: public holiday or a moved day off.
        case holiday
        /// 调休上班 — a weekend day worked to make up for a moved day off.
        case workday
    }

    /// Bounds the size of a calendar file; a national schedule has about 40 entries a year.
    public static let entriesMax = 4_000

    public private(set) var entries: [LocalDate: Entry]

    /// An empty calendar: Monday–Friday are workdays, Saturday and Sunday weekends.
    public init() {
        self.entries = [:]
    }

    /// Builds a calendar from entries that are already checked; duplicate dates are a
    /// programming error here (files go through `parse`, which reports them).
    public init(entries: [Entry]) {
        precondition(entries.count <= Self.entriesMax, "calendar larger than entriesMax")
        var byDate: [LocalDate: Entry] = [:]
        for entry in entries {
            precondition(byDate[entry.date] == nil, "duplicate calendar date \(entry.date)")
            byDate[entry.date] = entry
        }
        self.entries = byDate
    }

    /// Classifies a date. Make-up working days override weekends; holidays override
    /// everything (a holiday on a Saturday is still a holiday for the roster).
    public func dayType(of date: LocalDate) -> DayType {
        switch entries[date]?.kind {
        case .holiday?: return .holiday
        case .workday?: return .workday
        case nil: return date.weekday.isWeekend ? .weekend : .workday
        }
    }

    /// The holiday's name (国庆节) or the make-up day's note, if the file gave one.
    public func name(of date: LocalDate) -> String? {
        guard let name = entries[date]?.name, !name.isEmpty else { return nil }
        return name
    }

    /// Parses the file format above strictly: every bad line is reported with its number.
    public static func parse(_ text: String) throws(HolidayCalendarParseError) -> HolidayCalendar {
        var badLines: [HolidayCalendarParseError.BadLine] = []
        var byDate: [LocalDate: (entry: Entry, line: Int)] = [:]
        // CRLF is one Character in Swift, so split on both it and LF: files saved on
        // Windows parse the same as files saved on Linux.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if badLines.count >= HolidayCalendarParseError.badLinesMax { break }
            switch parseLine(line) {
            case .skip:
                continue
            case .failure(let problem):
                badLines.append(.init(line: lineNumber, text: String(line), problem: problem))
            case .entry(let entry):
                if let earlier = byDate[entry.date] {
                    badLines.append(.init(line: lineNumber, text: String(line),
                                          problem: .duplicateDate(entry.date, firstLine: earlier.line)))
                } else if byDate.count >= entriesMax {
                    badLines.append(.init(line: lineNumber, text: String(line), problem: .tooManyEntries(entriesMax)))
                } else {
                    byDate[entry.date] = (entry, lineNumber)
                }
            }
        }
        guard badLines.isEmpty else { throw HolidayCalendarParseError(badLines: badLines) }
        return HolidayCalendar(entries: byDate.values.map(\.entry))
    }

    private enum LineResult {
        case skip
        case entry(Entry)
        case failure(HolidayCalendarParseError.Problem)
    }

    private static func parseLine(_ line: Substring) -> LineResult {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .skip }
        let fields = trimmed.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        let dateText = fields[0]
        guard let date = LocalDate(iso: dateText) else {
            return .failure(looksLikeDate(dateText) ? .impossibleDate(String(dateText)) : .malformedDate(String(dateText)))
        }
        guard fields.count >= 2 else { return .failure(.missingKind) }
        guard let kind = Kind(rawValue: String(fields[1])) else { return .failure(.unknownKind(String(fields[1]))) }
        let name = fields.count > 2 ? String(fields[2]).trimmingSpaces : ""
        if kind == .workday && !date.weekday.isWeekend {
            return .failure(.makeUpWorkdayNotOnWeekend(date, date.weekday))
        }
        return .entry(Entry(date: date, kind: kind, name: name))
    }

    /// `2026-02-30` has the shape of a date; `2026/02/03` does not. The two get
    /// different messages because they have different fixes.
    private static func looksLikeDate(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
