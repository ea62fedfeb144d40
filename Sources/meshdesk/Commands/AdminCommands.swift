import ArgumentParser
import Domain
import Foundation

/// Administration commands the web's 管理 pages also call: unlock an account, edit one
/// day of the holiday calendar or import the official year shipped in the binary, and
/// show or replace the ticket policy (priority matrix, SLA targets, business hours per
/// campus). Each is one domain command, audited like every other.
struct UserUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock",
                                                    abstract: "Unlock a locked-out account before its lock runs out (administrator).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Username.") var username: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.unlockAccount(username: username, by: try options.acting()) }
        try options.emit(["username": username, "unlocked": "true"]) { "account \(username) unlocked" }
    }
}

struct CalendarDay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar-day",
                                                    abstract: "Set one day of the holiday calendar: holiday, workday (调休, Sat/Sun only) or normal.")
    @OptionGroup var options: DomainOptions
    @Option(help: "The date, YYYY-MM-DD.") var date: String
    @Option(help: "holiday | workday | normal") var kind: String
    @Option(help: "Its name (国庆节), at most 40 characters.") var name: String = ""

    func run() throws {
        let day = try parseDate(date)
        let chosen: HolidayCalendar.Kind? = kind == "normal" ? nil : try parseChoice(kind, "kind")
        let d = try options.department()
        try refusing { try d.setCalendarDay(day, kind: chosen, name: name, by: try options.acting()) }
        try options.emit(["date": date, "kind": kind]) { "\(date): \(kind)" }
    }
}

struct CalendarOfficial: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar-official",
                                                    abstract: "Import the official holiday schedule of a year shipped in the binary.")
    @OptionGroup var options: DomainOptions
    @Option(help: "The year (shipped: \(BundledCalendars.years.map(String.init).joined(separator: ", "))).") var year: Int

    func run() throws {
        guard let text = BundledCalendars.text(year: year) else {
            throw ValidationError("no official schedule of \(year) is shipped (shipped: \(BundledCalendars.years))")
        }
        let d = try options.department()
        try refusing { try d.loadHolidayCalendar(text, by: try options.acting()) }
        try options.emit(["year": "\(year)"]) { "official calendar of \(year) loaded" }
    }
}

/// `meshdesk ticket policy` — prints the policy in force as JSON, or replaces it with
/// the JSON of `--file` (the same shape; `businessHours` optional).
struct TicketPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy",
                                                    abstract: "Show the ticket policy (JSON), or replace it from --file (administrator).")
    @OptionGroup var options: DomainOptions
    @Option(help: "A policy JSON file to set (omit to print the one in force).") var file: String?

    func run() throws {
        let d = try options.department()
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let policy: TicketPolicy
            do { policy = try JSONDecoder().decode(TicketPolicy.self, from: data) } catch {
                throw ValidationError("\(file) is not a ticket policy: \(error)")
            }
            try refusing { try d.setTicketPolicy(policy, by: try options.acting()) }
            print("ticket policy set from \(file)")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let policy = try refusing { try d.ticketPolicy() }
            print(String(decoding: try encoder.encode(policy), as: UTF8.self))
        }
    }
}

/// `meshdesk ticket major NUMBER --reason …` — 重大故障 found after intake (the ticket
/// page's 标记为重大故障): priority 1, a note on the timeline, audited `ticket.major`.
struct TicketMajor: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "major", abstract: "Mark an open ticket a major incident (重大故障): priority 1.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Why it is a major incident.") var reason: String

    func run() throws {
        let d = try options.department()
        let ticket = try refusing { try d.markMajorIncident(number, reason: reason, by: try options.acting()) }
        try options.emit(["ticket": number, "priority": "\(ticket.priority)"]) { "\(number) marked a major incident (P\(ticket.priority))" }
    }
}
