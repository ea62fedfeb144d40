import ArgumentParser
import Domain
import Foundation

/// `meshdesk staff add` — 人员登记: a staff member of a campus with roles there, so that
/// `meshdesk user add` can give them an account (the administrator `init` made does
/// not open tickets: that needs a requester or an engineer).
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Staff directory: add a person with roles at their campus.",
                                                    subcommands: [StaffAdd.self])
}

struct StaffAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
                                                    abstract: "Register a staff member (administrator or section chief of the campus) and grant roles there (administrator).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Staff number (工号).") var id: String
    @Option(help: "Name.") var name: String
    @Option(help: "Campus code.") var campus: String
    @Option(help: "Phone.") var phone = ""
    @Option(help: "Role at the campus (repeatable): \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: [String] = []

    func run() throws {
        let roles: [Role] = try role.map { try parseChoice($0, "role") }
        let d = try options.department()
        let acting = try options.acting()
        let code = CampusCode(campus)
        try refusing {
            try d.registerPerson(StaffMember(id: PersonID(id), name: name, campus: code, phone: phone), by: acting)
            for r in roles { try d.grantRole(RoleGrant(r, .campus(code)), to: PersonID(id), by: acting) }
        }
        try options.emit(["id": id, "campus": campus, "roles": roles.map(\.rawValue).joined(separator: ",")]) {
            "staff \(id) \(name) registered at \(campus)\(roles.isEmpty ? "" : " with \(roles.map(\.rawValue).joined(separator: ", "))")"
        }
    }
}
