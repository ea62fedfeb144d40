import ArgumentParser
import Domain
import Foundation

/// `meshdesk ticket …` — 问题处理: intake, the state machine, reports, items to resolve.
struct TicketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket", abstract: "Tickets (问题处理): open, assign, escalate, resolve, close, list, show, report.",
        subcommands: [TicketOpen.self, TicketAssign.self, TicketStep.self, TicketEscalate.self, TicketResolve.self, TicketClose.self,
                      TicketNote.self, TicketLink.self, TicketAttach.self, TicketList.self, TicketShow.self, TicketReport.self,
                      TicketProblemsCommand.self, TicketPolicyCommand.self, TicketMajor.self])
}

/// A value of a string enum named on the command line, or an error listing the choices.
func parseChoice<E: RawRepresentable & CaseIterable>(_ text: String, _ what: String) throws -> E where E.RawValue == String {
    guard let value = E(rawValue: text) else {
        throw ValidationError("\(what) \"\(text)\" is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}

struct TicketOpen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "Record a problem; it goes to the engineer on duty for its post.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Who reported it (报修人).") var reporter: String
    @Option(help: "Contact phone.") var phone = ""
    @Option(help: "Department (科室).") var department: String
    @Option(help: "Location (位置).") var location = ""
    @Option(help: "hardware, network, application, account, printer, security, other.") var category: String
    @Option(help: "What is wrong.") var description: String
    @Option(help: "phone, walk-in, web.") var channel = "phone"
    @Option(help: "high, medium, low.") var urgency = "medium"
    @Option(help: "person, department, hospital.") var impact = "person"
    @Flag(help: "Major incident (重大事件): priority 1, the chief and the general duty officer are told.") var major = false
    @Option(help: "Post whose duty engineer takes it (default: by category).") var post: String?
    @Option(help: "Linked asset tag (repeatable).") var asset: [String] = []

    func run() throws {
        let intake = TicketIntake(campus: CampusCode(campus), reporter: reporter, contactPhone: phone, department: department,
                                  location: location, category: try parseChoice(category, "category"), description: description,
                                  channel: try parseChoice(channel, "channel"), urgency: try parseChoice(urgency, "urgency"),
                                  impact: try parseChoice(impact, "impact"), major: major, post: post.map { PostID($0) }, assets: asset)
        let d = try options.department()
        let opened = try refusing { try d.openTicket(intake, by: try options.acting()) }
        try options.emit(opened) {
            var lines = ["工单 \(opened.number) 优先级 P\(opened.priority) 岗位 \(opened.post) 处理人 \(opened.assignee?.rawValue ?? "— 无人值班，待派单")"]
            if !opened.notify.isEmpty { lines.append("重大事件，立即通知: " + opened.notify.map { "\($0.name) \($0.phone)" }.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        }
    }
}

func emitTicket(_ options: DomainOptions, _ ticket: Ticket) throws {
    try options.emit(ticket) { "\(ticket.number) \(ticket.state.chineseName) 处理人 \(ticket.assignee?.rawValue ?? "—") 级别 \(ticket.summary.level.chineseName)" }
}

struct TicketAssign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign (or reassign) to --to, or to whoever is on duty now.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Staff number (default: the engineer on duty for the ticket's post).") var to: String?

    func run() throws {
        let d = try options.department()
        try emitTicket(options, try refusing { try d.assignTicket(number, to: to.map { PersonID($0) }, by: try options.acting()) })
    }
}

/// start | pend | resume | reopen | cancel — the steps that take at most a reason.
struct TicketStep: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "step", abstract: "start | pend | resume | reopen | cancel a ticket.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "start, pend, resume, reopen or cancel.") var step: String
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Why (pend: what it waits for; reopen, cancel: the reason).") var text = ""
    @Option(help: "pend: requester, vendor or parts.") var reason = "requester"

    func run() throws {
        let d = try options.department()
        let acting = try options.acting()
        let ticket: Ticket
        switch step {
        case "start": ticket = try refusing { try d.startTicket(number, by: acting) }
        case "pend": ticket = try refusing { try d.pendTicket(number, reason: try parseChoice(reason, "reason"), text: text, by: acting) }
        case "resume": ticket = try refusing { try d.resumeTicket(number, by: acting) }
        case "reopen": ticket = try refusing { try d.reopenTicket(number, reason: text, by: acting) }
        case "cancel": ticket = try refusing { try d.cancelTicket(number, reason: text, by: acting) }
        default: throw ValidationError("step is one of start, pend, resume, reopen, cancel")
        }
        try emitTicket(options, ticket)
    }
}

struct TicketEscalate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Escalate one level (or to --level) with the workaround (过渡方案) for the department.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "section_chief or general_duty_officer (default: the next level).") var level: String?
    @Option(help: "Workaround given to the department (required).") var workaround: String

    func run() throws {
        let d = try options.department()
        let target: EscalationLevel? = try level.map { try parseChoice($0, "level") }
        try emitTicket(options, try refusing { try d.escalateTicket(number, to: target, workaround: workaround, by: try options.acting()) })
    }
}

struct TicketResolve: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve with the root cause and the improvement (问题总结与改进).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(name: .customLong("root-cause"), help: "Root cause (原因).") var rootCause: String
    @Option(help: "Improvement (改进措施).") var improvement: String
    @Option(help: "What was done.") var solution = ""

    func run() throws {
        let d = try options.department()
        try emitTicket(options, try refusing {
            try d.resolveTicket(number, rootCause: rootCause, improvement: improvement, solution: solution, by: try options.acting())
        })
    }
}

struct TicketClose: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a resolved ticket.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String

    func run() throws {
        let d = try options.department()
        try emitTicket(options, try refusing { try d.closeTicket(number, by: try options.acting()) })
    }
}

struct TicketNote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Progress note for the department, with an expected time.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "The note.") var text: String
    @Option(help: "Expected completion, YYYY-MM-DDTHH:MM.") var expected: String?

    func run() throws {
        let d = try options.department()
        let at = try expected.map(parseMoment)
        try emitTicket(options, try refusing { try d.noteTicket(number, text: text, expectedAt: at, by: try options.acting()) })
    }
}

struct TicketLink: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: "Link an asset to a ticket.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Asset tag (TAG or TAG@CAMPUS).") var asset: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.linkTicket(number, asset: asset, by: try options.acting()) }
        try options.emit(["ticket": number, "asset": asset]) { "\(number) ↔ \(asset)" }
    }
}

struct TicketAttach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attach a file (附件: PNG, JPEG, GIF, WebP, PDF or plain text, at most 1 MiB less 4 KiB) to a ticket.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "The file.") var file: String

    func run() throws {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let d = try options.department()
        let id = try refusing { try d.attach(bytes, name: file, toTicket: number, by: try options.acting()) }
        try options.emit(["ticket": number, "id": id]) { "\(number): attachment \(id) (\(bytes.count) bytes)" }
    }
}

struct TicketList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Tickets, newest first, with their SLA state at --now.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code.") var campus: String?
    @Flag(help: "Open tickets only.") var open = false
    @Option(help: "At most this many.") var limit = 50

    struct Line: Encodable {
        let number: String, campus: String, state: String, priority: Int, assignee: String?, conflict: Bool, level: String, sla: String
        let escalation_due: String?, description: String
    }

    func run() throws {
        let d = try options.department()
        let now = try options.moment()
        let tickets = try refusing { try d.tickets(campus: try campus.map { try knownCampus($0, in: d) }, openOnly: open, limit: limit) }
        let lines = try tickets.map { t in
            let sla = try refusing { try d.sla(of: t, at: now) }
            return Line(number: t.number, campus: t.campus.rawValue, state: t.state.rawValue, priority: t.priority,
                        assignee: t.assignee?.rawValue, conflict: !t.assigneeConflict.isEmpty, level: t.summary.level.rawValue,
                        sla: sla.state.rawValue, escalation_due: sla.escalationDue?.rawValue, description: t.intake.description)
        }
        try options.emit(lines) {
            lines.map { l in
                "\(l.number) P\(l.priority) \(l.state) \(l.assignee ?? "—")\(l.conflict ? " [冲突]" : "") \(l.sla)\(l.escalation_due.map { " 应升级→\($0)" } ?? "") \(l.description)"
            }.joined(separator: "\n")
        }
    }
}

struct TicketShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One ticket: intake, state, SLA and the whole timeline.")
    @OptionGroup var options: TimedQueryOptions
    @Argument(help: "Ticket number.") var number: String

    struct Shown: Encodable {
        let ticket: Ticket
        let sla: SLAStatus
    }

    func run() throws {
        let d = try options.department()
        let ticket = try refusing { try d.ticket(number) }
        let sla = try refusing { try d.sla(of: ticket, at: try options.moment()) }
        try options.emit(Shown(ticket: ticket, sla: sla)) {
            var lines = [
                "\(ticket.number) \(ticket.state.chineseName) P\(ticket.priority)\(ticket.intake.major ? " 重大事件" : "") 级别 \(ticket.summary.level.chineseName)",
                "\(ticket.intake.department) \(ticket.intake.location) 报修人 \(ticket.intake.reporter) \(ticket.intake.contactPhone) [\(ticket.intake.category.rawValue)/\(ticket.intake.channel.rawValue)]",
                ticket.intake.description,
                "处理人 \(ticket.assignee?.rawValue ?? "—")" + (ticket.assigneeConflict.isEmpty ? "" : " [冲突: \(ticket.assigneeConflict.map { $0 ?? "—" }.joined(separator: " / "))]"),
                "SLA \(sla.state.chineseName): 响应 \(sla.ownMinutes)/\(sla.target.ownMinutes) 分, 解决 \(sla.resolveMinutes)/\(sla.target.resolveMinutes) 分 (\(sla.target.clock.rawValue))\(sla.paused ? " 已暂停" : "")",
            ]
            if !ticket.assets.isEmpty { lines.append("资产 " + ticket.assets.joined(separator: ", ")) }
            for e in ticket.timeline {
                let ignored = ticket.summary.ignored.contains(e) ? " [未生效]" : ""
                let detail = [e.assignee.map { "→ \($0)" }, e.level.map { "→ \($0.chineseName)" }, e.reason.map { "(\($0.rawValue))" },
                              e.text, e.workaround.map { "过渡方案: \($0)" }, e.rootCause.map { "原因: \($0)" },
                              e.improvement.map { "改进: \($0)" }, e.expectedAt.map { "预计 \(LocalDateTime(minutesSinceEpoch: $0))" }]
                    .compactMap { $0 }.joined(separator: " ")
                lines.append("  \(e.time) \(e.by) \(e.kind.rawValue) \(detail)\(ignored)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

struct TicketReport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Open tickets by campus, priority and SLA state at --now; escalations due.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Campus code (default: every campus).") var campus: String?

    func run() throws {
        let d = try options.department()
        let report = try refusing { try d.openTicketReport(campus: try campus.map { try knownCampus($0, in: d) }, at: try options.moment()) }
        try options.emit(report) {
            (["未结工单 \(report.open) 张 (\(report.at))"] + report.lines.map { "  \($0.campus) P\($0.priority) \($0.sla.chineseName): \($0.count)" }
             + (report.escalationsDue.isEmpty ? [] : ["应升级:"] + report.escalationsDue.map { "  \($0.number) → \($0.level.chineseName) (\($0.sla.chineseName))" }))
                .joined(separator: "\n")
        }
    }
}

struct TicketProblemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "problems", abstract: "Items to resolve after merges: concurrent assignees, transitions that arrived too late.")
    @OptionGroup var options: QueryOptions

    func run() throws {
        let d = try options.department()
        let problems = try refusing { try d.ticketProblems() }
        try options.emit(problems.map(\.description)) { problems.isEmpty ? "无待处理事项" : problems.map(\.description).joined(separator: "\n") }
    }
}
