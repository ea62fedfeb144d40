import ArgumentParser
import Domain
import Foundation

/// `meshdesk machine-room …` — 机房进出登记 and 安全检查.
struct MachineRoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machine-room", abstract: "Machine-room entry log (机房进出登记) and security checks (安全检查).",
        subcommands: [MachineRoomEnter.self, MachineRoomLeave.self, MachineRoomList.self, SecurityCheckSchedule.self, SecurityCheckRecord.self, SecurityCheckList.self])
}

struct MachineRoomEnter: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enter", abstract: "Sign someone into the machine room now.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Staff number of who goes in.") var person: String?
    @Option(help: "Or a visitor's name (needs --escort).") var visitor = ""
    @Option(help: "Staff number of the escort.") var escort: String?
    @Option(help: "Why (事由).") var reason: String

    func run() throws {
        let d = try options.department()
        let id = try refusing {
            try d.enterMachineRoom(campus: CampusCode(campus), person: person.map { PersonID($0) }, visitor: visitor, reason: reason,
                                   escort: escort.map { PersonID($0) }, by: try options.acting())
        }
        try options.emit(["id": id]) { "进入登记 \(id)" }
    }
}

struct MachineRoomLeave: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leave", abstract: "Sign an entry out now.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Entry id.") var id: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.leaveMachineRoom(id, by: try options.acting()) }
        try options.emit(["id": id]) { "已登记离开" }
    }
}

struct MachineRoomList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The latest entries (newest first).")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?

    func run() throws {
        let d = try options.department()
        let entries = try refusing { try d.machineRoomEntries(campus: campus.map { CampusCode($0) }) }
        let lines = entries.map { "\($0.id) \($0.campus) \($0.person?.rawValue ?? $0.visitor) \($0.reason) 进 \($0.inAt) 出 \($0.outAt?.description ?? "在机房内")" }
        try options.emit(entries.map { ["id": $0.id, "campus": $0.campus.rawValue, "who": $0.person?.rawValue ?? $0.visitor, "reason": $0.reason,
                                        "in": $0.inAt.description, "out": $0.outAt?.description ?? ""] }) { lines.isEmpty ? "暂无登记" : lines.joined(separator: "\n") }
    }
}

struct SecurityCheckSchedule: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Schedule a security check (patch or vulnerability).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "patch or vulnerability.") var kind: String
    @Option(help: "What is checked.") var target: String
    @Option(help: "Due on, YYYY-MM-DD.") var dueOn: String

    func run() throws {
        let d = try options.department()
        let id = try refusing {
            try d.scheduleSecurityCheck(campus: CampusCode(campus), kind: try parseChoice(kind, "kind"), target: target,
                                        dueOn: try requiredDate(dueOn, "--due-on"), by: try options.acting())
        }
        try options.emit(["id": id]) { "安全检查 \(id) 已安排" }
    }
}

struct SecurityCheckRecord: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checked", abstract: "Record a security check as done.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Check id.") var id: String
    @Option(help: "Done on, YYYY-MM-DD.") var doneOn: String
    @Option(help: "The result.") var result: String

    func run() throws {
        let d = try options.department()
        try refusing { try d.recordSecurityCheck(id, doneOn: try requiredDate(doneOn, "--done-on"), result: result, by: try options.acting()) }
        try options.emit(["id": id]) { "检查结果已保存" }
    }
}

struct SecurityCheckList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checks", abstract: "Security checks; --due for those overdue or due within 14 days.")
    @OptionGroup var options: TimedQueryOptions
    @Flag(help: "Only those due.") var due = false

    func run() throws {
        let d = try options.department()
        let checks = try refusing { due ? try d.securityChecksDue(on: try options.moment().date) : try d.securityChecks() }
        let lines = checks.map { "\($0.id) \($0.campus) \($0.kind.chineseName) \($0.target) 应检 \($0.dueOn) \($0.doneOn.map { "已检查 \($0)" } ?? "待检查")" }
        try options.emit(checks.map { ["id": $0.id, "campus": $0.campus.rawValue, "kind": $0.kind.rawValue, "target": $0.target, "dueOn": $0.dueOn.description,
                                       "doneOn": $0.doneOn?.description ?? ""] }) { lines.isEmpty ? "暂无安全检查" : lines.joined(separator: "\n") }
    }
}
