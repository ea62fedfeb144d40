import ArgumentParser
import Domain
import Foundation
import Security
import Server

/// `meshdesk demo --data-dir DIR` — fills an empty data directory with three campuses,
/// and web accounts to sign in with at once.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Fill an empty data directory: MAIN/EAST/WEST, staff, posts, calendar, leave, the current month's roster, web accounts.")
    @OptionGroup var options: TimedQueryOptions
    @Option(help: "Holiday calendar file (default: the shipped 2026 schedule).") var calendar: String?
    @Option(help: "Generator seed.") var seed: UInt64 = 2026
    @Flag(help: "Make no web accounts (faster: each password is an Argon2id hash).") var noAccounts = false

    func run() throws {
        let text: String
        if let calendar {
            do {
                text = try String(contentsOfFile: calendar, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read calendar \(calendar): \(error.localizedDescription)")
            }
        } else {
            guard let shipped = BundledCalendars.text(year: 2026) else { throw ValidationError("no shipped calendar: pass --calendar PATH") }
            text = shipped
        }
        let d = try options.department()
        let now = try options.moment()
        let summary = try refusing { try DemoDepartment.fill(d, now: now, calendarText: text, seed: seed) }
        let accounts = noAccounts ? nil : try DemoAccounts.create(d, now: now, directory: options.data.directory.url)
        struct Output: Encodable { let summary: DemoDepartment.Summary; let accounts: Int; let accountsFile: String? }
        try options.emit(Output(summary: summary, accounts: accounts?.count ?? 0, accountsFile: accounts?.file.path)) {
            var text = """
            demo filled: campuses \(summary.campuses.joined(separator: ", ")), \(summary.people) people, month \(summary.month),
            \(summary.seats) seats (\(summary.unfilled) unfilled), \(summary.leaveApproved) approved leave,
            \(summary.tickets) tickets in every state, \(summary.assets) assets, \(summary.approvals) approvals.
            """
            if let accounts {
                text += """

                \(accounts.count) web accounts, one per role and campus (admin-east, chief-east, clerk-east, duty-east,
                requester-east, viewer-east, … and admin for every campus); usernames and one-time passwords
                in \(accounts.file.path) (mode 0600). Sign in at /sign-in and choose your own password.
                """
            }
            return text + """

            Try: meshdesk duty now --data-dir \(options.data.path)
                 meshdesk roster show --data-dir \(options.data.path) --campus EAST --month \(summary.month)
                 meshdesk ticket report --data-dir \(options.data.path)
                 meshdesk web --data-dir \(options.data.path) --port 8080
            """
        }
    }
}

/// The demo's web accounts: one person of each role at each campus, each with a random
/// one-time password (changed at first sign-in), listed in a 0600 file in the data
/// directory. Persons the demo does not have (a campus administrator, a central viewer)
/// are registered first.
enum DemoAccounts {
    static let fileName = "demo-accounts.txt"
    /// Random bytes per one-time password (hex: twice as many characters), as `meshdesk init`.
    static let passwordBytes = InitCommand.oneTimePasswordBytes

    /// Username prefix, the role as the file names it, and the staff number after the
    /// campus letter (the demo's numbering: E0001 is EAST's chief).
    static let seats: [(username: String, role: String, number: String)] = [
        ("admin", "管理员 administrator", "0005"),
        ("chief", "科长 section chief", "0001"),
        ("clerk", "考勤员 attendance clerk", "0002"),
        ("duty", "值班工程师 duty engineer", "0101"),
        ("requester", "科室报修人 requester", "0004"),
        ("viewer", "中心查看 central viewer", "0006"),
    ]

    static func create(_ d: Department, now: LocalDateTime, directory: URL) throws -> (count: Int, file: URL) {
        let admin: PersonID = "A0001"
        let acting = Acting(admin, at: now, via: CLIInvoker.current)
        let hasher = PasswordHasher()
        let charactersMin = ServerConfiguration().passwordCharactersMin
        func hash(_ password: String) throws -> String {
            do { return try AccountService.hash(password, hasher: hasher, charactersMin: charactersMin) } catch let error as APIError {
                throw ValidationError(error.message)
            }
        }
        var lines = ["# meshdesk demo web accounts: username, one-time password (change it at first sign-in), person, role",
                     "admin\t\(try firstAccount(d, admin, now: now, hash: hash))\tA0001\t管理员 administrator of every campus"]
        for campus in try refusing({ try d.campuses() }) {
            let prefix = String(campus.code.rawValue.prefix(1))
            let code = campus.code.rawValue
            try refusing {
                let campusAdmin = PersonID("\(prefix)0005"), viewer = PersonID("\(prefix)0006")
                try d.registerPerson(StaffMember(id: campusAdmin, name: "\(campus.name)管理员", campus: campus.code, phone: ""), by: acting)
                try d.grantRole(RoleGrant(.administrator, .campus(campus.code)), to: campusAdmin, by: acting)
                try d.registerPerson(StaffMember(id: viewer, name: "\(campus.name)中心查看", campus: campus.code, phone: ""), by: acting)
                try d.grantRole(RoleGrant(.centralViewer, .allCampuses), to: viewer, by: acting)
            }
            for (suffix, role, number) in seats {
                let person = prefix + number
                let username = "\(suffix)-\(code.lowercased())"
                let password = RandomToken.hex(bytes: passwordBytes)
                let hashed = try hash(password)
                try refusing {
                    try d.createAccount(username: username, person: PersonID(person), passwordHash: hashed,
                                        mustChangePassword: true, by: acting)
                }
                lines.append("\(username)\t\(password)\t\(person)\t\(role) \(code)")
            }
        }
        let file = directory.appendingPathComponent(fileName)
        try writePrivate(lines.joined(separator: "\n") + "\n", to: file)
        return (lines.count - 1, file)
    }

    static func firstAccount(_ d: Department, _ admin: PersonID, now: LocalDateTime, hash: (String) throws -> String) throws -> String {
        let password = RandomToken.hex(bytes: passwordBytes)
        let hashed = try hash(password)
        try refusing { try d.createFirstAccount(username: "admin", person: admin, passwordHash: hashed, mustChangePassword: true, at: now) }
        return password
    }

    /// Created with mode 0600 from the first byte (never readable by others, whatever
    /// the umask); an existing file is refused rather than overwritten.
    static func writePrivate(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw ValidationError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
    }
}
