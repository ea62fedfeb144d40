import Foundation

/// The official holiday schedules shipped inside the binary, so a node (and `meshdesk
/// demo`) has the current year's 节假日 and 调休 days wherever it runs from.
public enum BundledCalendars {
    /// Years with a shipped schedule.
    public static let years = [2026]

    /// The schedule's text in the calendar file format, or nil for a year not shipped.
    public static func text(year: Int) -> String? {
        guard let url = Bundle.module.url(forResource: "cn-\(year)", withExtension: "txt", subdirectory: "calendars") else {
            return nil
        }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// The parsed schedule; a shipped file that does not parse is a build defect.
    public static func calendar(year: Int) -> HolidayCalendar? {
        guard let text = text(year: year) else { return nil }
        do { return try HolidayCalendar.parse(text) } catch { preconditionFailure("shipped calendar cn-\(year) is invalid: \(error)") }
    }
}
