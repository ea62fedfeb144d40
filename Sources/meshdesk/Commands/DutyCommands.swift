import ArgumentParser
import Domain

/// `meshdesk duty …` — 当前值班, 值班记录, 签到/签退.
struct DutyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "duty", abstract: "Who is on duty now, the duty log, sign-in and sign-out.",
                                                    subcommands: [DutyNow.self, DutyLogCommand.self, DutySign.self])
}

struct DutyNow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "now", abstract: "Who holds each post (at --now) and the escalation chain.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code (default: every campus).") var campus: String?

    func run() throws {
        let d = try options.department()
        let moment = try options.moment()
        let duty = try refusing { try d.onDuty(campus: campus.map { CampusCode($0) }, at: moment) }
        try options.emit(duty) {
            (["当前值班 \(moment)"] + duty.map { post in
                let who = post.onDuty.isEmpty ? "— 无人值班" : post.onDuty.map { "\($0.name) \($0.phone)" }.joined(separator: " / ")
                let chain = post.escalation.map { step in "\(step.level.chineseName): \(step.contacts.map { "\($0.name) \($0.phone)" }.joined(separator: ", "))" }
                return "\(post.campus) \(post.postName) \(post.postPhone) \(post.conflict ? "[冲突] " : "")\(who)\n    升级: " + chain.joined(separator: " → ")
            }).joined(separator: "\n")
        }
    }
}

struct DutyLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Write (--text) or read the duty log of a post.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Post id.") var post: String
    @Option(help: "Entry to append (you must be on duty on the post now).") var text: String?
    @Option(help: "Duty date to read, YYYY-MM-DD.") var date: String?

    func run() throws {
        let d = try options.department()
        if let text {
            try refusing { try d.writeDutyLog(campus: CampusCode(campus), post: PostID(post), text: text, by: try options.acting()) }
            try options.emit(["written": text]) { "duty log entry written" }
            return
        }
        let day = try date.map(parseDate) ?? options.moment().date
        let entries = try refusing { try d.dutyLog(campus: CampusCode(campus), post: PostID(post), date: day) }
        try options.emit(entries) { entries.map { "\($0.time.clock) \($0.by) \($0.text)" }.joined(separator: "\n") }
    }
}

struct DutySign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Attendance: sign in or out (yourself, or --person as attendance clerk).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "in | out") var direction: String
    @Option(help: "Staff number to record for (attendance clerk).") var person: String?

    func run() throws {
        let kind: AttendanceEvent.Kind
        switch direction {
        case "in": kind = .signIn
        case "out": kind = .signOut
        default: throw ValidationError("sign in | out")
        }
        let d = try options.department()
        try refusing { try d.recordAttendance(kind, person: person.map { PersonID($0) }, by: try options.acting()) }
        try options.emit(["recorded": kind.rawValue]) { "\(kind.rawValue) recorded" }
    }
}
