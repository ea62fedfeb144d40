import ArgumentParser
import Domain
import Foundation
import Node

/// `meshdesk roster …` — 排班.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Duty rosters (值班表): generate, show, swap, approve, override, problems, iCalendar.",
        subcommands: [RosterGenerate.self, RosterShow.self, RosterSwap.self, RosterApprove.self, RosterOverride.self,
                      RosterProblemsCommand.self, RosterICal.self, RosterCalendar.self])
}

struct RosterGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate and publish a campus month (section chief).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Month, YYYY-MM.") var month: String
    @Option(help: "Seed of the generator (the same seed gives the same roster).") var seed: UInt64 = 1
    @Flag(help: "Regenerate a month already published.") var replace = false

    func run() throws {
        let d = try options.department()
        let month = try parseMonth(month)
        let publication = try refusing { try d.publishRoster(campus: CampusCode(campus), month: month, seed: seed, replace: replace, by: try options.acting()) }
        struct Output: Encodable { let seats: Int; let unfilled: [String]; let nightSpread: Int; let shiftSpread: Int }
        let result = publication.result
        try options.emit(Output(seats: publication.seatsWritten, unfilled: result.unfilled.map(\.description),
                                nightSpread: result.fairness.worstSpread.nightShifts, shiftSpread: result.fairness.worstSpread.shifts)) {
            (["published \(campus) \(month): \(publication.seatsWritten) seats, night spread \(result.fairness.worstSpread.nightShifts)"]
                + result.unfilled.map { "unfilled \($0)" }).joined(separator: "\n")
        }
    }
}

struct RosterShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a campus month.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Month, YYYY-MM (default: the current month).") var month: String?
    @Option(help: "Only this person's seats.") var person: String?

    func run() throws {
        let d = try options.department()
        let code = try knownCampus(campus, in: d)
        let month = try month.map(parseMonth) ?? LocalMonth(containing: try options.moment().date)
        var seats = try refusing { try d.roster(campus: code, month: month) }
        let names = Dictionary(try refusing { try d.people() }.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        if seats.isEmpty {
            let months = try refusing { try d.rosterMonths(campus: code) }
            throw Refused(description: "no roster for \(code) in \(month); "
                + (months.isEmpty ? "no month has one yet (meshdesk roster generate)" : "months with a roster: \(months.joined(separator: ", "))"))
        }
        if let person {
            guard names[PersonID(person)] != nil else { throw Refused(description: "unknown person \(person) (see meshdesk directory person list)") }
            seats = seats.filter { $0.holders.contains(PersonID(person)) }
        }
        let policy = try refusing { try d.rosterValue(campus: code, month: month).policy }
        if seats.isEmpty && !options.json { return print("\(person ?? "") has no seat at \(code) in \(month)") }
        try options.emit(seats) {
            seats.map { seat in
                let who = seat.conflicting.isEmpty ? seat.assignee.map { "\(names[$0] ?? "?") (\($0))" } ?? "— 空缺"
                    : "冲突: " + seat.conflicting.map { $0.map { "\(names[$0] ?? "?") (\($0))" } ?? "空" }.joined(separator: " / ")
                let post = policy.post(seat.slot.post)?.nameChinese ?? seat.slot.post.rawValue
                let shift = policy.template(seat.slot.shiftKind)?.nameChinese ?? seat.slot.shiftKind.rawValue
                return "\(seat.slot.date) \(post) \(shift) 第\(seat.slot.seat + 1)席  \(who)"
            }.joined(separator: "\n")
        }
    }
}

/// A campus code that exists in the directory, or a refusal naming the ones that do.
func knownCampus(_ text: String, in d: Department) throws -> CampusCode {
    let campuses = try refusing { try d.campuses() }
    guard let campus = campuses.first(where: { $0.code.rawValue == text }) else {
        throw Refused(description: "unknown campus \(text); campuses: \(campuses.map(\.code.rawValue).joined(separator: ", "))")
    }
    return campus.code
}

struct RosterSwap: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "swap", abstract: "Swap requests (换班): request, accept, decline, cancel, list; arrange (代为换班/顶班, section chief).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "request | accept | decline | cancel | list | arrange") var action: String
    @Option(help: "Swap id (accept, decline, cancel).") var id: String?
    @Option(help: "Your seat, CAMPUS|DATE|POST|SHIFT|SEAT (request); the seat to give away (arrange).") var seat: String?
    @Option(help: "Colleague's staff number (request); who takes the seat (arrange).") var colleague: String?
    @Option(help: "Colleague's seat given in return; omit for a cover (request).") var colleagueSeat: String?
    @Option(help: "Reason (request).") var reason: String = ""
    @Option(help: "Campus (list).") var campus: String?

    func run() throws {
        let d = try options.department()
        switch action {
        case "request":
            guard let seat, let colleague else { throw ValidationError("request needs --seat and --colleague") }
            let (campus, slot) = try parseSeat(seat)
            let theirs = try colleagueSeat.map { try parseSeat($0).1 }
            let id = try refusing { try d.requestSwap(campus: campus, seat: slot, colleague: PersonID(colleague), colleagueSeat: theirs,
                                                      reason: reason, by: try options.acting()) }
            try options.emit(["id": id]) { "swap requested: \(id)" }
        case "arrange":
            guard let seat, let colleague else { throw ValidationError("arrange needs --seat, --colleague and --reason") }
            let (campus, slot) = try parseSeat(seat)
            let theirs = try colleagueSeat.map { try parseSeat($0).1 }
            let id = try refusing { try d.arrangeSwap(campus: campus, seat: slot, colleague: PersonID(colleague), colleagueSeat: theirs,
                                                      reason: reason, by: try options.acting()) }
            try options.emit(["id": id]) { theirs == nil ? "take-over arranged (顶班): \(id)" : "swap arranged (代为换班): \(id)" }
        case "accept", "decline":
            guard let id else { throw ValidationError("\(action) needs --id") }
            try refusing { try d.answerSwap(id, accept: action == "accept", by: try options.acting()) }
            try options.emit(["id": id, "action": action]) { "swap \(id): \(action)ed" }
        case "cancel":
            guard let id else { throw ValidationError("cancel needs --id") }
            try refusing { try d.cancelSwap(id, by: try options.acting()) }
            try options.emit(["id": id, "action": action]) { "swap \(id): cancelled" }
        case "list":
            guard let campus else { throw ValidationError("list needs --campus") }
            let code = try knownCampus(campus, in: d)
            let swaps = try refusing { try d.swaps(campus: code) }
            try options.emit(swaps) {
                swaps.isEmpty ? "no swap requests at \(code)" : swaps.map { "\($0.id) \($0.state.chineseName) \($0.requester)→\($0.colleague) \($0.requesterSeat) \($0.reason)" }.joined(separator: "\n")
            }
        default:
            throw ValidationError("unknown swap action \(action): request | accept | decline | cancel | list | arrange")
        }
    }
}

struct RosterApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve (or --reject) an accepted swap (section chief); --approved lists what the attendance clerk sees.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Swap id.") var id: String?
    @Flag(help: "Reject instead of approve.") var reject = false
    @Option(help: "List approved swaps of this campus (attendance clerk, chief, central viewer).") var approved: String?

    func run() throws {
        let d = try options.department()
        if let approved {
            let acting = try options.acting()
            let swaps = try refusing { try d.approvedSwaps(campus: CampusCode(approved), viewer: acting.person) }
            try options.emit(swaps) { swaps.map { "\($0.id) \($0.requester)⇄\($0.colleague) \($0.requesterSeat)" }.joined(separator: "\n") }
            return
        }
        guard let id else { throw ValidationError("approve needs --id (or --approved CAMPUS)") }
        try refusing { reject ? try d.rejectSwap(id, by: try options.acting()) : try d.approveSwap(id, by: try options.acting()) }
        try options.emit(["id": id, "action": reject ? "rejected" : "approved"]) { "swap \(id) \(reject ? "rejected" : "approved")" }
    }
}

struct RosterOverride: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "override", abstract: "Put a person on a seat, or --open it (section chief); also resolves a conflict.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Seat, CAMPUS|DATE|POST|SHIFT|SEAT.") var seat: String
    @Option(help: "Staff number.") var person: String?
    @Flag(help: "Leave the seat unfilled.") var open = false

    func run() throws {
        guard (person != nil) != open else { throw ValidationError("give --person or --open") }
        let d = try options.department()
        let (campus, slot) = try parseSeat(seat)
        try refusing { try d.overrideSeat(campus: campus, slot: slot, person: person.map { PersonID($0) }, by: try options.acting()) }
        try options.emit(["seat": seat, "person": person ?? ""]) { "\(seat) → \(person ?? "open")" }
    }
}

struct RosterProblemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "problems", abstract: "Items to resolve after merges: conflicting seats, broken rules.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code (default: all).") var campus: String?

    func run() throws {
        let d = try options.department()
        let problems = try RosterProblems.list(store: d.store, campus: campus.map { CampusCode($0) }).map(\.description)
        try options.emit(problems) { problems.isEmpty ? "no problems" : problems.joined(separator: "\n") }
    }
}

struct RosterICal: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ical", abstract: "Export RFC 5545 iCalendar, per person or per post.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code (default: every campus with a roster that month; file names then start with the campus).") var campus: String?
    @Option(help: "Month, YYYY-MM (default: the current month).") var month: String?
    @Flag(help: "One .ics file per person.") var perPerson = false
    @Flag(help: "One .ics file per post.") var perPost = false
    @Option(help: "Only this person (prints to stdout without --output).") var person: String?
    @Option(help: "Directory to write into.") var output: String?

    func run() throws {
        guard perPerson || perPost || person != nil else { throw ValidationError("give --per-person, --per-post or --person") }
        let d = try options.department()
        let stamp = try options.moment()
        let month = try month.map(parseMonth) ?? LocalMonth(containing: stamp.date)
        let campuses = try campus.map { [try knownCampus($0, in: d)] } ?? (try refusing { try d.campuses() }.map(\.code))
        var files: [(String, String)] = []
        for code in campuses {
            let (roster, policy, people, _) = try refusing { try d.rosterValue(campus: code, month: month) }
            if roster.assignments.isEmpty && campus == nil { continue }
            let prefix = campus == nil ? "\(code)-" : ""
            if let person {
                files.append(("\(prefix)\(person).ics", RosterICalendar.personCalendar(roster, person: PersonID(person), people: people, policy: policy, generatedAt: stamp)))
            }
            if perPerson {
                for id in Set(roster.assignments.map(\.person)).sorted() {
                    files.append(("\(prefix)\(id).ics", RosterICalendar.personCalendar(roster, person: id, people: people, policy: policy, generatedAt: stamp)))
                }
            }
            if perPost {
                for post in policy.posts {
                    files.append(("\(code)-\(post.id).ics", RosterICalendar.postCalendar(roster, post: post.id, people: people, policy: policy, generatedAt: stamp)))
                }
            }
        }
        guard !files.isEmpty else {
            throw Refused(description: "no roster in \(month)\(campus.map { " for \($0)" } ?? " at any campus") (see meshdesk roster show)")
        }
        guard let output else {
            guard files.count == 1 else { throw ValidationError("\(files.count) calendars need --output DIR") }
            print(files[0].1, terminator: "")
            return
        }
        let dir = URL(fileURLWithPath: output, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        try options.emit(files.map(\.0)) { "wrote \(files.count) calendars for \(month) to \(dir.path)" }
    }
}

struct RosterCalendar: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "Load a holiday calendar file (all or nothing).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Calendar file (e.g. Sources/Domain/Resources/calendars/cn-2026.txt).") var file: String

    func run() throws {
        let d = try options.department()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try refusing { try d.loadHolidayCalendar(text, by: try options.acting()) }
        let count = try d.holidayCalendar().entries.count
        try options.emit(["days": count]) { "calendar loaded: \(count) days" }
    }
}
