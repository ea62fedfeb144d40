import Foundation
import Testing
import Logging
import Replica
import Security
import Storage
@testable import Domain

/// Campus E on two or three in-memory replicas (MAIN, EAST, WEST nodes) that exchange
/// batches by hand, with a chief, engineers on duty, a requester and a department head.
struct CampusReplicas {
    static let start = LocalDateTime(date: Fixture.date("2026-03-10"), minuteOfDay: 9 * 60) // a Tuesday
    static let admin: PersonID = "A001"
    static let chief: PersonID = "E001"
    static let engineers: [PersonID] = ["E101", "E102", "E103"]
    static let requester: PersonID = "E301"
    static let head: PersonID = "E401"
    let clock = TestClock()
    let nodes: [Department]

    init(count: Int = 2) throws {
        let identities = try (1...count).map { try SigningIdentity(seed: [UInt8](repeating: UInt8($0), count: 32)) }
        let ring = KeyRing(identities.map(\.publicKey))
        let logger = Logger(label: "ticket-test")
        let clock = self.clock
        nodes = try identities.map {
            Department(store: try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: $0, verifier: ring, hasher: Blake2b(),
                                                        clock: clock, logger: logger))
        }
        try seed(nodes[0])
        try exchange()
    }

    var main: Department { nodes[0] }
    var east: Department { nodes[1] }

    func acting(_ person: PersonID, _ minutesAfterStart: Int = 0) -> Acting {
        Acting(person, at: Self.start.adding(minutes: minutesAfterStart))
    }

    private func seed(_ d: Department) throws {
        try d.bootstrapAdministrator(StaffMember(id: Self.admin, name: "管理员", campus: "E", phone: "0000"), at: Self.start)
        let admin = acting(Self.admin)
        try d.registerCampus(Campus(code: "E", name: "东院区", generalDutyOfficer: "总值班 周主任", generalDutyPhone: "8000"), by: admin)
        try d.registerPost(.networkSecurity, campus: "E", phone: "6601", by: admin)
        try d.registerPerson(StaffMember(id: Self.chief, name: "赵科长", campus: "E", phone: "13900000001"), by: admin)
        try d.grantRole(RoleGrant(.sectionChief, .campus("E")), to: Self.chief, by: admin)
        for (n, id) in Self.engineers.enumerated() {
            try d.registerPerson(StaffMember(id: id, name: ["张伟", "王芳", "李娜"][n], campus: "E", phone: "138\(id.rawValue)",
                                             posts: ["network-security"], skills: ["网络安全"]), by: admin)
            try d.grantRole(RoleGrant(.engineer, .campus("E")), to: id, by: admin)
            try d.grantRole(RoleGrant(.dutyEngineer, .campus("E")), to: id, by: admin)
        }
        try d.registerPerson(StaffMember(id: Self.requester, name: "护士长 刘", campus: "E", phone: "5501"), by: admin)
        try d.grantRole(RoleGrant(.requester, .campus("E")), to: Self.requester, by: admin)
        try d.registerPerson(StaffMember(id: Self.head, name: "心内科 陈主任", campus: "E", phone: "5502"), by: admin)
        try d.grantRole(RoleGrant(.departmentHead, .campus("E")), to: Self.head, by: admin)
        // E101 holds the weekday day shift of the test's Tuesday.
        try d.store.write { tx in
            try Department.writeSeat(campus: "E", slot: Fixture.slot("2026-03-10", .weekdayDay), holder: Self.engineers[0], tx: tx)
        }
    }

    /// Every replica takes every batch the others hold.
    func exchange() throws {
        for _ in 0..<2 {
            for a in nodes {
                for b in nodes where a.store.site != b.store.site {
                    for batch in try a.store.batches(after: b.store.versionVector()) { try b.store.receive(batch) }
                }
            }
        }
    }

    /// Only `a` and `b` exchange (a partition keeps the third apart).
    func exchange(_ a: Department, _ b: Department) throws {
        for batch in try a.store.batches(after: b.store.versionVector()) { try b.store.receive(batch) }
        for batch in try b.store.batches(after: a.store.versionVector()) { try a.store.receive(batch) }
    }

    func intake(_ text: String = "门诊二楼挂号窗口无法联网", category: TicketCategory = .network, urgency: Urgency = .medium,
                impact: Impact = .department, major: Bool = false, assets: [String] = []) -> TicketIntake {
        TicketIntake(campus: "E", reporter: "护士长 刘", contactPhone: "5501", department: "门诊部", location: "门诊楼2F",
                     category: category, description: text, urgency: urgency, impact: impact, major: major, assets: assets)
    }

}
