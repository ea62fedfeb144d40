import Foundation
import ArgumentParser
import Domain

/// `meshdesk handover …` — 交接班.
struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handover", abstract: "Shift handover (交接班): start, sign, list.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "start | sign | list") var action: String
    @Option(help: "Campus code.") var campus: String?
    @Option(help: "Post id (start).") var post: String?
    @Option(help: "Incoming engineer's staff number (start).") var incoming: String?
    @Option(help: "Open ticket numbers carried over (start), comma separated.") var openItems: String = ""
    @Option(help: "Note.") var note: String = ""
    @Option(help: "Handover id (sign).") var id: String?

    func run() throws {
        let d = try options.department()
        switch action {
        case "start":
            guard let campus, let post, let incoming else { throw ValidationError("start needs --campus, --post and --incoming") }
            let items = openItems.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let id = try refusing { try d.startHandover(campus: CampusCode(campus), post: PostID(post), incoming: PersonID(incoming),
                                                        openItems: items, note: note, by: try options.acting()) }
            try options.emit(["id": id]) { "handover started and signed by the outgoing engineer: \(id)" }
        case "sign":
            guard let id else { throw ValidationError("sign needs --id") }
            try refusing { try d.signHandover(id, note: note, by: try options.acting()) }
            try options.emit(["id": id]) { "handover \(id) signed" }
        case "list":
            let list = try refusing { try d.handovers(campus: campus.map { CampusCode($0) }) }
            try options.emit(list) {
                list.map { "\($0.id) \($0.at) \($0.campus) \($0.post) \($0.outgoing)→\($0.incoming) \($0.complete ? "双方已签" : "待签") 遗留: \($0.openItems.joined(separator: ","))" }
                    .joined(separator: "\n")
            }
        default:
            throw ValidationError("unknown handover action \(action): start | sign | list")
        }
    }
}
