import ArgumentParser
import Domain
import Foundation
import Logging
import Node
import Security
import Server

/// `meshdesk init`: a data directory with a fresh identity (0600), a config file and,
/// unless `--no-admin`, the first administrator and their web account.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node's data directory: identity key file (0600), public key, meshdesk.toml, the first administrator.",
        discussion: """
            The first administrator (administrator of every campus) gets a web account. Without \
            --admin-password-stdin a one-time password is generated and printed once; it must be \
            changed at first sign-in. Further campus nodes of a cluster take --no-admin: they \
            receive the accounts by sync.
            """
    )

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Campus code (A-Z0-9, 1…8), e.g. MAIN, EAST.") var campus = "MAIN"
    @Option(help: "Campus name as staff say it.") var name = "主院区"
    @Option(help: "Listen address host:port.") var listen = "127.0.0.1:7400"
    @Option(name: .customLong("http-listen"),
            help: "Dashboard/API address host:port (default: 127.0.0.1:8080 for the default data directory, none for others).")
    var httpListen: String?
    @Flag(name: .customLong("no-http"), help: "This node serves no dashboard/API.") var noHTTP = false
    @Option(name: .customLong("seed"), help: "Seed peer address (repeatable); default: every roster member.")
    var seeds: [String] = []
    @Option(help: "Gossip (anti-entropy) interval in ms.") var gossipIntervalMs: UInt64 = 500
    @Flag(name: .customLong("no-admin"), help: "Create no administrator (a node joining a cluster that has one).") var noAdmin = false
    @Option(name: .customLong("admin-username"), help: "Username of the first administrator's account.") var adminUsername = "admin"
    @Option(name: .customLong("admin-person"), help: "Staff number (工号) of the first administrator.") var adminPerson = "ADMIN"
    @Option(name: .customLong("admin-name"), help: "Name of the first administrator.") var adminName = "系统管理员"
    @Option(name: .customLong("admin-phone"), help: "Phone of the first administrator.") var adminPhone = ""
    @Flag(name: .customLong("admin-password-stdin"),
          help: "Read the administrator's password from the first line of standard input instead of generating one.")
    var adminPasswordStdin = false
    @Flag(help: "Print JSON.") var json = false

    /// Bytes of a generated one-time password: 96 bits, printed as 24 hex characters.
    static let oneTimePasswordBytes = 12

    func validate() throws {
        if noHTTP && httpListen != nil { throw ValidationError("--no-http and --http-listen contradict each other") }
        if noAdmin && adminPasswordStdin { throw ValidationError("--no-admin creates no account: --admin-password-stdin has nothing to set") }
        guard Account.isValidUsername(adminUsername) else { throw ValidationError("--admin-username: a–z, 0–9, . _ - (at most 64)") }
        guard !adminPerson.isEmpty, adminPerson.utf8.count <= 32 else { throw ValidationError("--admin-person: 1…32 characters") }
    }

    func run() throws {
        let logger = makeLogger("meshdesk.init")
        let directory = data.directory
        var config = NodeConfig()
        config.campusCode = campus
        config.campusName = name
        config.listen = listen
        config.seeds = seeds
        config.dataDirectory = directory.url.path
        config.gossipIntervalMillis = gossipIntervalMs
        config.httpListen = noHTTP ? nil : httpListen ?? NodeConfig.httpListenDefault(dataDirectory: directory.url.path)
        try config.validate()
        guard !FileManager.default.fileExists(atPath: directory.identityURL.path) else {
            throw ValidationError("\(directory.url.path) already holds a node identity; not overwriting it")
        }
        // Read (and check) the password before anything is written, so a refusal leaves no half-made node.
        let chosenPassword = try adminPasswordStdin ? readPassword() : nil
        let identity = try directory.prepareIdentity(logger: logger)
        try ClusterFiles.writePublicKey(identity.publicKey, to: directory.url.appendingPathComponent("identity.pub").path)
        try Data(config.toml.utf8).write(to: directory.configURL, options: .atomic)
        var admin: AdminReport?
        if !noAdmin {
            let password = chosenPassword ?? RandomToken.hex(bytes: Self.oneTimePasswordBytes)
            try createAdministrator(directory: directory, identity: identity, password: password, oneTime: chosenPassword == nil,
                                    logger: logger)
            admin = AdminReport(username: adminUsername, person: adminPerson,
                                one_time_password: chosenPassword == nil ? password : nil, must_change_password: chosenPassword == nil)
        }
        let report = InitReport(data_dir: directory.url.path, site: identity.site.description,
                                public_key: identity.publicKey.description, config: directory.configURL.path,
                                http: config.httpListen.map { "http://\($0)/" }, admin: admin)
        if json { print(try jsonString(report)); return }
        print("""
            node created in \(report.data_dir)
            site        \(report.site)
            public key  \(report.public_key)
            config      \(report.config)
            dashboard   \(report.http ?? "off (set [http] in the config, or serve --http-listen)")
            """)
        if let admin {
            print("administrator  \(admin.username) (\(admin.person), administrator of every campus)")
            if let once = admin.one_time_password {
                print("""
                    one-time password  \(once)
                      shown only now: sign in with it and choose your own at once (the dashboard asks).
                    """)
            }
        }
        print("next: meshdesk cluster add --cluster-dir CLUSTER --data-dir \(data.path)   (or: meshdesk serve --data-dir \(data.path))")
    }

    func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
        guard line.count >= ServerConfiguration().passwordCharactersMin else {
            throw ValidationError("a password needs at least \(ServerConfiguration().passwordCharactersMin) characters")
        }
        return line
    }

    /// 初始化管理员 — on the new, empty replica: the person (administrator of every
    /// campus), this node's campus with the regulation's five posts, then the account.
    func createAdministrator(directory: DataDirectory, identity: SigningIdentity, password: String, oneTime: Bool,
                             logger: Logger) throws {
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let department = Department(store: store)
        let now = WallClock().now()
        let person = PersonID(adminPerson)
        let hash: String
        do {
            hash = try AccountService.hash(password, hasher: PasswordHasher(), charactersMin: ServerConfiguration().passwordCharactersMin)
        } catch let error as APIError {
            throw ValidationError(error.message)
        }
        try refusing {
            try department.bootstrapAdministrator(StaffMember(id: person, name: adminName, campus: CampusCode(campus), phone: adminPhone), at: now)
            try department.registerCampus(Campus(code: CampusCode(campus), name: name), by: Acting(person, at: now, via: CLIInvoker.current))
            // The five posts of the duty regulation (值班制度): tickets are routed to a
            // post, so a campus without any could not take its first ticket.
            for post in Post.defaults {
                try department.registerPost(post, campus: CampusCode(campus), by: Acting(person, at: now, via: CLIInvoker.current))
            }
            try department.createFirstAccount(username: adminUsername, person: person, passwordHash: hash,
                                              mustChangePassword: oneTime, at: now)
        }
    }

    struct AdminReport: Codable {
        let username, person: String
        let one_time_password: String?
        let must_change_password: Bool
    }

    struct InitReport: Codable {
        let data_dir, site, public_key, config: String
        let http: String?
        let admin: AdminReport?
    }
}
