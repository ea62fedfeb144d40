import ArgumentParser
import Domain
import Foundation

/// `meshdesk demo --data-dir DIR` — fills an empty data directory with three campuses.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Fill an empty data directory: MAIN/EAST/WEST, staff, posts, calendar, leave, the current month's roster.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Holiday calendar file (default: the shipped 2026 schedule).") var calendar: String?
    @Option(help: "Generator seed.") var seed: UInt64 = 2026

    func run() throws {
        let text: String
        if let calendar {
            do {
                text = try String(contentsOfFile: calendar, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read calendar \(calendar): \(error.localizedDescription)")
            }
        } else {
            guard let shipped = BundledCalendars.text(year: 2026) else { throw ValidationError("no shipped calendar: pass --calendar PATH") }
            text = shipped
        }
        let d = try options.department()
        let summary = try refusing { try DemoDepartment.fill(d, now: try options.moment(), calendarText: text, seed: seed) }
        try options.emit(summary) {
            """
            demo filled: campuses \(summary.campuses.joined(separator: ", ")), \(summary.people) people, month \(summary.month),
            \(summary.seats) seats (\(summary.unfilled) unfilled), \(summary.leaveApproved) approved leave,
            \(summary.tickets) tickets in every state, \(summary.assets) assets, \(summary.approvals) approvals.
            Try: meshdesk duty now --data-dir \(options.data.path)
                 meshdesk roster show --data-dir \(options.data.path) --campus EAST --month \(summary.month)
                 meshdesk ticket report --data-dir \(options.data.path)
                 meshdesk asset report --data-dir \(options.data.path)
            """
        }
    }
}
