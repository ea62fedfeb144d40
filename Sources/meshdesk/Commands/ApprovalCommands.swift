import ArgumentParser
import Domain

/// `meshdesk approval …` — 设备申请, 报废, 变更.
struct ApprovalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approval", abstract: "Approvals: purchase requests, scrapping, change requests.",
        subcommands: [ApprovalRequestCommand.self, ApprovalDecide.self, ApprovalList.self, ApprovalShow.self])
}

struct ApprovalRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "File a purchase, scrap or change request.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "purchase, scrap or change.") var kind: String
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Title.") var title: String
    @Option(help: "Reason.") var reason: String
    @Option(help: "Purchase: requesting department.") var department = ""
    @Option(help: "Purchase: quantity.") var quantity = 0
    @Option(help: "Purchase: estimated cost (元).") var cost = 0
    @Option(help: "Scrap: asset tag.") var asset = ""
    @Option(help: "Change: the system.") var system = ""
    @Option(help: "Change: impact.") var impact = ""
    @Option(name: .customLong("rollback"), help: "Change: rollback plan (回退方案).") var rollback = ""
    @Option(help: "Change: planned time, YYYY-MM-DDTHH:MM.") var planned: String?
    @Option(help: "Change: department to notify (repeatable).") var notify: [String] = []

    func run() throws {
        var request = ApprovalRequest(kind: try parseChoice(kind, "kind"), campus: CampusCode(campus), title: title, reason: reason)
        request.department = department
        request.quantity = quantity
        request.estimatedCost = cost
        request.assetTag = asset
        request.system = system
        request.impact = impact
        request.rollbackPlan = rollback
        request.plannedAt = try planned.map(parseMoment)
        request.notifyDepartments = notify
        let d = try options.department()
        let id = try refusing { try d.requestApproval(request, by: try options.acting()) }
        try options.emit(["id": id]) { "\(request.kind.chineseName) \(id)" }
    }
}

struct ApprovalDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide", abstract: "department-approve | assess | approve | implement | reject | cancel.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Approval id.") var id: String
    @Argument(help: "department-approve, assess, approve, implement, reject or cancel.") var action: String
    @Option(help: "Assessment, rejection reason or implementation report.") var note = ""

    func run() throws {
        let d = try options.department()
        let step: ApprovalAction = try parseChoice(action, "action")
        let state = try refusing { try d.decideApproval(id, step, note: note, by: try options.acting()) }
        try options.emit(["id": id, "state": state.rawValue]) { "\(id): \(state.rawValue)" }
    }
}

struct ApprovalList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Approvals of a campus or kind.")
    @OptionGroup var options: QueryOptions
    @Option(help: "Campus code.") var campus: String?
    @Option(help: "purchase, scrap or change.") var kind: String?

    func run() throws {
        let d = try options.department()
        let k: ApprovalKind? = try kind.map { try parseChoice($0, "kind") }
        let list = try refusing { try d.approvals(campus: campus.map { CampusCode($0) }, kind: k) }
        try options.emit(list) {
            list.map { "\($0.id) \($0.kind.chineseName) \($0.campus) \($0.state.rawValue) \($0.requester) \($0.title)\($0.ignored.isEmpty ? "" : " [有未生效的审批]")" }
                .joined(separator: "\n")
        }
    }
}

struct ApprovalShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One approval and its history.")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Approval id.") var id: String

    func run() throws {
        let d = try options.department()
        let a = try refusing { try d.approval(id) }
        try options.emit(a) {
            ([ "\(a.id) \(a.kind.chineseName) \(a.state.rawValue) \(a.title)", "理由 \(a.reason)" ]
             + (a.kind == .change ? ["系统 \(a.system) 影响 \(a.impact) 回退 \(a.rollbackPlan) 通知 \(a.notifyDepartments.joined(separator: ", "))"] : [])
             + a.history.map { "  \(LocalDateTime(minutesSinceEpoch: $0.at)) \($0.by) \($0.action.rawValue) \($0.note)" }
             + a.ignored.map { "  [未生效] \(LocalDateTime(minutesSinceEpoch: $0.at)) \($0.by) \($0.action.rawValue)" }).joined(separator: "\n")
        }
    }
}
