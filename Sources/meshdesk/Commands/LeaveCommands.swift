import ArgumentParser
import Domain

/// `meshdesk leave …` — 请假 and 加班 requests.
struct LeaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leave", abstract: "Leave (请假) and overtime (加班) requests.",
                                                    subcommands: [LeaveRequestCommand.self, LeaveDecide.self, LeaveRevoke.self, LeaveList.self, OvertimeCommand.self])
}

struct LeaveRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Request leave for yourself (up to 190 days; it may cross month ends).")
    @OptionGroup var options: DomainOptions
    @Option(help: "First day, YYYY-MM-DD.") var from: String
    @Option(help: "Last day, YYYY-MM-DD (inclusive).") var to: String
    @Option(help: "Kind (假别): \(LeaveKind.allCases.map { "\($0.rawValue) \($0.chineseName)" }.joined(separator: ", ")).")
    var kind: String = LeaveKind.personal.rawValue
    @Option(help: "Reason.") var reason: String

    func run() throws {
        guard let kind = LeaveKind(rawValue: kind) else {
            throw ValidationError("--kind \(kind): expected one of \(LeaveKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let d = try options.department()
        let id = try refusing {
            try d.requestLeave(firstDay: try parseDate(from), lastDay: try parseDate(to), kind: kind, reason: reason, by: try options.acting())
        }
        try options.emit(["id": id]) { "leave requested: \(id)" }
    }
}

struct LeaveDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve (or --reject) a leave request (section chief).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Leave request id.") var id: String
    @Flag(help: "Reject instead.") var reject = false

    func run() throws {
        let d = try options.department()
        try refusing { try d.decideLeave(id, approve: !reject, by: try options.acting()) }
        try options.emit(["id": id, "action": reject ? "rejected" : "approved"]) { "leave \(id) \(reject ? "rejected" : "approved")" }
    }
}

struct LeaveRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke",
                                                    abstract: "销假: call off approved leave (the person, or the section chief), up to its last day.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Leave request id.") var id: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.revokeLeave(id, by: try options.acting()) }
        try options.emit(["id": id, "action": "revoked"]) { "leave \(id) called off (销假)" }
    }
}

struct LeaveList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List leave requests.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?
    @Option(help: "Staff number.") var person: String?

    func run() throws {
        let d = try options.department()
        let list = try refusing { try d.leaveRequests(campus: campus.map { CampusCode($0) }, person: person.map { PersonID($0) }) }
        try options.emit(list) {
            list.map { "\($0.id) \($0.person) \($0.firstDay)…\($0.lastDay) \($0.days)天 \($0.kind.chineseName) \($0.state.chineseName) \($0.reason)" }.joined(separator: "\n")
        }
    }
}

struct OvertimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "overtime", abstract: "Overtime: request (in advance, ≤ 2 h a day), approve, reject, list.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "request | approve | reject | list") var action: String
    @Option(help: "Date, YYYY-MM-DD (request).") var date: String?
    @Option(help: "Start, HH:MM (request).") var start: String?
    @Option(help: "End, HH:MM (request).") var end: String?
    @Option(help: "Reason (request).") var reason: String = ""
    @Option(help: "Request id (approve, reject).") var id: String?
    @Option(help: "Compensation (request): time_off (调休) or pay (加班费).") var compensation: String = OvertimeCompensation.unstated.rawValue

    func run() throws {
        let d = try options.department()
        switch action {
        case "request":
            guard let date, let start, let end else { throw ValidationError("request needs --date, --start and --end") }
            guard let compensation = OvertimeCompensation(rawValue: compensation) else {
                throw ValidationError("--compensation \(compensation): expected time_off or pay")
            }
            let id = try refusing { try d.requestOvertime(date: try parseDate(date), startMinute: try parseClock(start), endMinute: try parseClock(end),
                                                          reason: reason, compensation: compensation, by: try options.acting()) }
            try options.emit(["id": id]) { "overtime requested: \(id)" }
        case "approve", "reject":
            guard let id else { throw ValidationError("\(action) needs --id") }
            try refusing { try d.decideOvertime(id, approve: action == "approve", by: try options.acting()) }
            try options.emit(["id": id, "action": action]) { "overtime \(id) \(action)d" }
        case "list":
            let list = try refusing { try d.overtimeRequests() }
            try options.emit(list) { list.map { "\($0.id) \($0.person) \($0.start)–\($0.end.clock) \($0.state.chineseName) \($0.reason)" }.joined(separator: "\n") }
        default:
            throw ValidationError("unknown overtime action \(action): request | approve | reject | list")
        }
    }
}
