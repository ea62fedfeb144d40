import ArgumentParser
import Domain
import Foundation

/// `meshdesk plan …` — 应急预案 and 演练: write a plan, its contacts, schedule and record drills.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Emergency plans (应急预案) and drills (演练): write, contact, list, show, drill, record, due.",
        subcommands: [PlanWrite.self, PlanContact.self, PlanList.self, PlanShow.self, PlanDrill.self, PlanRecord.self, PlanDue.self])
}

struct PlanLine: Encodable {
    let id, campus, system, title, startLevel: String
    let steps, contacts: [String]
    init(_ p: EmergencyPlan) {
        id = p.id; campus = p.campus.rawValue; system = p.system.rawValue; title = p.title; startLevel = p.startLevel.rawValue
        steps = p.steps; contacts = p.contacts.map(\.rawValue)
    }
    var text: String { "\(id) \(campus) \(KeySystem(rawValue: system)?.chineseName ?? system) \(title) 启动级别 \(EscalationLevel(rawValue: startLevel)?.chineseName ?? startLevel) 联系人 \(contacts.joined(separator: ","))" }
}

struct DrillLine: Encodable {
    let id, plan, campus, system, scheduledOn, scenario, findings, actions: String
    let doneOn: String?
    init(_ d: Drill) {
        id = d.id; plan = d.plan; campus = d.campus.rawValue; system = d.system.rawValue; scheduledOn = d.scheduledOn.description
        scenario = d.scenario; findings = d.findings; actions = d.actions; doneOn = d.doneOn?.description
    }
    var text: String { "\(id) \(campus) \(KeySystem(rawValue: system)?.chineseName ?? system) \(scheduledOn) \(scenario) \(doneOn.map { "已演练 \($0)：\(findings)" } ?? "待演练")" }
}

func requiredDate(_ text: String, _ what: String) throws -> LocalDate {
    guard let date = LocalDate(iso: text) else { throw ValidationError("\(what) \"\(text)\": expected YYYY-MM-DD") }
    return date
}

struct PlanWrite: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Write (or rewrite) the plan of a key system at a campus (科长).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Campus code.") var campus: String
    @Option(help: "his, pacs, lis, network or machine_room.") var system: String
    @Option(help: "Title.") var title: String
    @Option(help: "Steps, one a line.") var steps: String
    @Option(help: "duty_engineer, section_chief or general_duty_officer.") var startLevel = "duty_engineer"

    func run() throws {
        let draft = PlanDraft(campus: CampusCode(campus), system: try parseChoice(system, "system"), title: title, steps: steps,
                              startLevel: try parseChoice(startLevel, "start level"))
        let d = try options.department()
        let id = try refusing { try d.writePlan(draft, by: try options.acting()) }
        try options.emit(["id": id]) { "应急预案 \(id) 已保存" }
    }
}

struct PlanContact: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contact", abstract: "Add (or --remove) a contact from the directory.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Plan id.") var id: String
    @Argument(help: "Staff number.") var person: String
    @Flag(help: "Remove instead of add.") var remove = false

    func run() throws {
        let d = try options.department()
        try refusing { try d.setPlanContact(id, PersonID(person), remove: remove, by: try options.acting()) }
        try options.emit(["id": id]) { "联系人已更新" }
    }
}

struct PlanList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The plans of a campus (or all).")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?

    func run() throws {
        let d = try options.department()
        let lines = try refusing { try d.emergencyPlans(campus: campus.map { CampusCode($0) }) }.map(PlanLine.init)
        try options.emit(lines) { lines.isEmpty ? "尚无应急预案" : lines.map(\.text).joined(separator: "\n") }
    }
}

struct PlanShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One plan: steps, contacts, drills.")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Plan id.") var id: String

    func run() throws {
        let d = try options.department()
        guard let plan = try refusing({ try d.emergencyPlan(id) }) else { throw Refused(description: "refused: no emergency plan \(id)") }
        let drills = try refusing { try d.drills(plan: id) }.map(DrillLine.init)
        try options.emit(PlanLine(plan)) {
            ([PlanLine(plan).text] + plan.steps.map { "  \($0)" } + ["演练:"] + drills.map { "  \($0.text)" }).joined(separator: "\n")
        }
    }
}

struct PlanDrill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drill", abstract: "Schedule a drill of a plan (科长).")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Plan id.") var id: String
    @Option(help: "YYYY-MM-DD.") var date: String
    @Option(help: "What is drilled.") var scenario: String

    func run() throws {
        let d = try options.department()
        let drill = try refusing { try d.scheduleDrill(id, on: try requiredDate(date, "--date"), scenario: scenario, by: try options.acting()) }
        try options.emit(["id": drill]) { "演练 \(drill) 已安排" }
    }
}

struct PlanRecord: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record how a drill went: findings and follow-up actions.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Drill id.") var id: String
    @Option(help: "The day it was held, YYYY-MM-DD.") var doneOn: String
    @Option(help: "What was found.") var findings: String
    @Option(help: "Follow-up actions, one a line.") var actions = ""

    func run() throws {
        let d = try options.department()
        try refusing { try d.recordDrill(id, doneOn: try requiredDate(doneOn, "--done-on"), findings: findings, actions: actions, by: try options.acting()) }
        try options.emit(["id": id]) { "演练记录已保存" }
    }
}

struct PlanDue: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "due", abstract: "Drills overdue or due within 14 days.")
    @OptionGroup var options: TimedQueryOptions

    func run() throws {
        let d = try options.department()
        let lines = try refusing { try d.drillsDue(on: try options.moment().date) }.map(DrillLine.init)
        try options.emit(lines) { lines.isEmpty ? "无待演练" : lines.map(\.text).joined(separator: "\n") }
    }
}
