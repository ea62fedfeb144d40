import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Node
import Replica
import Security
import Storage
import Synchronization
@testable import Domain
@testable import Server

/// Server time, moved by hand.
final class ManualClock: ServerClock {
    private let moment: Mutex<LocalDateTime>
    init(_ start: LocalDateTime) { moment = Mutex(start) }
    func now() -> LocalDateTime { moment.withLock { $0 } }
    func advance(minutes: Int) { moment.withLock { $0 = LocalDateTime(minutesSinceEpoch: $0.minutesSinceEpoch + minutes) } }
}

/// Replica clock for the store's hybrid logical clock.
final class ReplicaTestClock: PhysicalClock {
    let millis = Mutex<UInt64>(1_780_000_000_000)
    func nowMillis() -> UInt64 { millis.withLock { $0 += 1; return $0 } }
}

/// Two campuses, EAST and MAIN, a person for every role, and an account for each
/// (password `Fixture.password`, cheap test hashing), on one in-memory replica.
struct ServerFixture {
    static let start = LocalDateTime(date: LocalDate(iso: "2026-03-02")!, minuteOfDay: 9 * 60)
    static let password = "correct-horse-1"
    /// username → (staff number, grant)
    static let people: [(String, PersonID, RoleGrant)] = [
        ("admin", "A001", RoleGrant(.administrator, .allCampuses)),
        ("chief", "E001", RoleGrant(.sectionChief, .campus("EAST"))),
        ("clerk", "E002", RoleGrant(.attendanceClerk, .campus("EAST"))),
        ("eng1", "E101", RoleGrant(.engineer, .campus("EAST"))),
        ("eng2", "E102", RoleGrant(.engineer, .campus("EAST"))),
        ("duty", "E105", RoleGrant(.dutyEngineer, .campus("EAST"))),
        ("ward", "R001", RoleGrant(.requester, .campus("EAST"))),
        ("viewer", "C001", RoleGrant(.centralViewer, .allCampuses)),
        ("mainchief", "M001", RoleGrant(.sectionChief, .campus("MAIN"))),
        ("maineng", "M101", RoleGrant(.engineer, .campus("MAIN"))),
    ]

    let clock = ManualClock(start)
    let department: Department
    var configuration: ServerConfiguration
    let directory: DataDirectory

    /// `directory`: where the server looks for the node's status file (none by default).
    /// Tests sign in many times from one source in a few milliseconds: unless a test
    /// passes its own `signInLimits`, the throttle is set out of their way.
    static let generousSignIn: SignInThrottle.Limits = {
        var limits = SignInThrottle.Limits()
        limits.freeFailuresPerSource = 1_000
        limits.verificationsPerSecond = 100_000
        limits.verificationsBurstMax = 100_000
        return limits
    }()

    init(passwordChangePeriodDays: Int? = 90, directory: DataDirectory? = nil,
         signInLimits: SignInThrottle.Limits = ServerFixture.generousSignIn, hashing: PasswordHasher.Limits = .testingOnly) throws {
        self.directory = directory ?? DataDirectory(path: FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-server-test").path)
        let identity = try SigningIdentity(seed: [UInt8](repeating: 7, count: 32))
        department = Department(store: try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: identity,
                                                                 verifier: KeyRing([identity.publicKey]), hasher: Blake2b(),
                                                                 clock: ReplicaTestClock(), logger: Logger(label: "server-test")))
        var configuration = ServerConfiguration(clock: clock)
        configuration.hashing = hashing
        configuration.signInLimits = signInLimits
        configuration.passwordChangePeriodDays = passwordChangePeriodDays
        configuration.lockout = LockoutPolicy(failuresMax: 3, lockMinutes: 15)
        configuration.calendarTokensOnDisk = directory != nil
        self.configuration = configuration
        try seed()
    }

    private func seed() throws {
        let d = department
        let at = Self.start
        try d.bootstrapAdministrator(StaffMember(id: "A001", name: "管理员", campus: "MAIN", phone: "0000"), at: at)
        let admin = Acting("A001", at: at)
        try d.registerCampus(Campus(code: "MAIN", name: "本院", generalDutyOfficer: "总值班 周主任", generalDutyPhone: "8000"), by: admin)
        try d.registerCampus(Campus(code: "EAST", name: "东院区", generalDutyOfficer: "总值班 吴主任", generalDutyPhone: "8001"), by: admin)
        try d.registerPost(Post(id: "network-security", nameChinese: "网络安全", nameEnglish: "Network security", requiredSkills: []),
                           campus: "EAST", phone: "6601", by: admin)
        try d.registerPost(Post(id: "network-security", nameChinese: "网络安全", nameEnglish: "Network security", requiredSkills: []),
                           campus: "MAIN", phone: "5501", by: admin)
        let hash = try PasswordHasher(limits: .testingOnly).hash(Self.password)
        for (username, id, grant) in Self.people where id != "A001" {
            let campus: CampusCode = id.rawValue.hasPrefix("M") ? "MAIN" : "EAST"
            let rostered = grant.role == .engineer || grant.role == .dutyEngineer
            try d.registerPerson(StaffMember(id: id, name: "员工\(username)", campus: campus, phone: "138\(id.rawValue)",
                                             posts: rostered ? ["network-security"] : []), by: admin)
            try d.grantRole(grant, to: id, by: admin)
            try d.createAccount(username: username, person: id, passwordHash: hash, mustChangePassword: false, by: admin)
        }
        try d.createAccount(username: "admin", person: "A001", passwordHash: hash, mustChangePassword: false, by: admin)
    }

    func router() throws -> Router<MeshDeskRequestContext> {
        try MeshDeskServer.makeRouter(department: department, directory: directory, configuration: configuration)
    }

    func application() throws -> some ApplicationProtocol {
        Application(router: try router())
    }

    func versionVector() throws -> VersionVector { try department.store.versionVector() }
    func auditCount() throws -> Int { try AuditTrail.entries(store: department.store).count }
}

/// A signed-in client: its cookie and CSRF token.
struct Session {
    let cookie: String
    let csrf: String

    var headers: HTTPFields {
        var h = HTTPFields()
        h[.cookie] = "meshdesk_session=\(cookie)"
        h[.contentType] = "application/json"
        h[HTTPField.Name("X-CSRF-Token")!] = csrf
        return h
    }
}

extension TestClientProtocol {
    /// A page as a browser asks for it, with `session`'s cookie.
    func page(_ uri: String, as session: Session?) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        var headers: HTTPFields = [.accept: "text/html"]
        if let session { headers[.cookie] = "meshdesk_session=\(session.cookie)" }
        return try await execute(uri: uri, method: .get, headers: headers) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    /// A dashboard form post (`application/x-www-form-urlencoded`) as `session`.
    func form(_ uri: String, as session: Session, _ fields: [(String, String)]) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: [.cookie: "meshdesk_session=\(session.cookie)", .accept: "text/html",
                                                                     .contentType: "application/x-www-form-urlencoded"],
                                 body: ByteBuffer(string: body)) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }
}

/// The `id` of a JSON answer (`Created`, `OpenedTicket`), or "".
func createdID(_ body: String, key: String = "id") -> String {
    ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?[key] as? String ?? ""
}

struct MeBody: Decodable { let csrfToken: String; let passwordChangeRequired: Bool }
struct ErrorBody: Decodable { struct Detail: Decodable { let code: String; let message: String }; let error: Detail }

extension TestClientProtocol {
    func signIn(_ username: String, password: String = ServerFixture.password) async throws -> Session {
        try await execute(uri: "/api/session", method: .post, headers: [.contentType: "application/json"],
                          body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#)) { response in
            guard response.status == .ok, let setCookie = response.headers[.setCookie],
                  let token = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last else {
                throw TestFailure("sign-in as \(username) failed: \(response.status) \(String(buffer: response.body))")
            }
            let me = try JSONDecoder().decode(MeBody.self, from: Data(buffer: response.body))
            return Session(cookie: String(token), csrf: me.csrfToken)
        }
    }

    /// A JSON request as `session`, returning status and body text.
    func call(_ method: HTTPRequest.Method, _ uri: String, as session: Session?, json: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
        var headers = session?.headers ?? [.contentType: "application/json"]
        for field in extra { headers[field.name] = field.value }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) {
            ($0.status, String(buffer: $0.body))
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func errorCode(_ body: String) -> String? {
    try? JSONDecoder().decode(ErrorBody.self, from: Data(body.utf8)).error.code
}
