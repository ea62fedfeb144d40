import Foundation
import Testing
import Logging
import Replica
import Security
import Storage
@testable import Domain

/// Test time for the replica's hybrid clock: advanced by hand, never the wall.
final class TestClock: PhysicalClock, @unchecked Sendable {
    private let lock = NSLock()
    private var millis: UInt64 = 1_780_000_000_000
    func nowMillis() -> UInt64 { lock.withLock { millis } }
    func advance(_ delta: UInt64) { lock.withLock { millis += delta } }
}

/// A campus E with one post (网络安全), a chief, an attendance clerk and engineers,
/// on one or two in-memory replicas that exchange batches by hand.
struct DepartmentFixture {
    static let month = Fixture.march2026
    static let start = LocalDateTime(date: Fixture.date("2026-02-20"), minuteOfDay: 9 * 60)
    let clock = TestClock()
    let main: Department
    let east: Department

    static let admin: PersonID = "A001"
    static let chief: PersonID = "E001"
    static let clerk: PersonID = "E002"
    static let engineers: [PersonID] = ["E101", "E102", "E103", "E104", "E105", "E106"]
    static let names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]

    init() throws {
        let a = try SigningIdentity(seed: [UInt8](repeating: 1, count: 32))
        let b = try SigningIdentity(seed: [UInt8](repeating: 2, count: 32))
        let ring = KeyRing([a.publicKey, b.publicKey])
        let logger = Logger(label: "domain-test")
        main = Department(store: try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: a, verifier: ring, hasher: Blake2b(),
                                                           clock: clock, logger: logger))
        east = Department(store: try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: b, verifier: ring, hasher: Blake2b(),
                                                           clock: clock, logger: logger))
        try seed(main)
        try exchange()
    }

    func acting(_ person: PersonID, _ at: LocalDateTime = start) -> Acting { Acting(person, at: at) }

    private func seed(_ d: Department) throws {
        try d.bootstrapAdministrator(StaffMember(id: Self.admin, name: "管理员", campus: "E", phone: "0000"), at: Self.start)
        let admin = acting(Self.admin)
        try d.registerCampus(Campus(code: "E", name: "东院区", generalDutyOfficer: "总值班 周主任", generalDutyPhone: "8000"), by: admin)
        try d.registerPost(.networkSecurity, campus: "E", phone: "6601", by: admin)
        try d.registerPerson(StaffMember(id: Self.chief, name: "赵科长", campus: "E", phone: "13900000001"), by: admin)
        try d.registerPerson(StaffMember(id: Self.clerk, name: "孙考勤", campus: "E", phone: "13900000002"), by: admin)
        try d.grantRole(RoleGrant(.sectionChief, .campus("E")), to: Self.chief, by: admin)
        try d.grantRole(RoleGrant(.attendanceClerk, .campus("E")), to: Self.clerk, by: admin)
        for (id, name) in zip(Self.engineers, Self.names) {
            try d.registerPerson(StaffMember(id: id, name: name, campus: "E", phone: "138\(id.rawValue)", posts: ["network-security"],
                                             skills: ["网络安全"]), by: admin)
            try d.grantRole(RoleGrant(.engineer, .campus("E")), to: id, by: admin)
        }
    }

    /// Both replicas take every batch the other has.
    func exchange() throws {
        for batch in try main.store.batches(after: east.store.versionVector()) { try east.store.receive(batch) }
        for batch in try east.store.batches(after: main.store.versionVector()) { try main.store.receive(batch) }
    }

    /// Puts people on seats of campus E directly (no generator), as one batch.
    func place(_ seats: [(String, ShiftTemplate, PersonID?)], on d: Department? = nil) throws {
        try (d ?? main).store.write { tx in
            for (date, shift, person) in seats {
                try Department.writeSeat(campus: "E", slot: Fixture.slot(date, shift), holder: person, tx: tx)
            }
        }
    }
}

/// A refused command: returns its domain error after checking that nothing was written
/// (the replica's version vector is unchanged).
func refusedWithoutWriting(_ d: Department, _ command: () throws -> Void) throws -> DomainError? {
    let before = try d.store.versionVector()
    do {
        try command()
    } catch {
        #expect(try d.store.versionVector() == before, "a refused command wrote something")
        #expect(error is DomainError, "not a DomainError: \(error)")
        return error as? DomainError
    }
    Issue.record("command was not refused")
    return nil
}
