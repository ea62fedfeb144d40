import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// Roles, validation and the audit trail of domain commands on one replica.
@Suite struct DepartmentCommandTests {
    /// Runs a command that must be refused; checks the error and that nothing was written.
    func refused(_ d: Department, _ check: (DomainError) -> Bool, _ command: () throws -> Void) throws {
        let before = try d.store.versionVector()
        do {
            try command()
            Issue.record("command was not refused")
        } catch let error as DomainError {
            #expect(check(error), "unexpected error: \(error)")
            #expect(!error.description.isEmpty)
        } catch {
            Issue.record("not a DomainError: \(error)")
        }
        #expect(try d.store.versionVector() == before, "a refused command wrote something")
    }

    @Test func aCommandBySomeoneNotOnTheStaffIsRefusedAndWritesNothing() throws {
        let f = try DepartmentFixture()
        try refused(f.main, { $0 == .unknownActor("X999") }) {
            _ = try f.main.requestLeave(firstDay: Fixture.date("2026-03-02"), lastDay: Fixture.date("2026-03-03"), reason: "病假",
                                        by: f.acting("X999"))
        }
    }

    @Test func anEngineerMayNotRegisterStaffOrGrantRoles() throws {
        let f = try DepartmentFixture()
        let engineer = f.acting(DepartmentFixture.engineers[0])
        try refused(f.main, { if case .notPermitted = $0 { true } else { false } }) {
            try f.main.registerPerson(StaffMember(id: "E199", name: "新人", campus: "E", phone: ""), by: engineer)
        }
        try refused(f.main, { if case .notPermitted = $0 { true } else { false } }) {
            try f.main.grantRole(RoleGrant(.sectionChief, .campus("E")), to: DepartmentFixture.engineers[0], by: engineer)
        }
    }

    @Test func registeringSomeoneOnAnUnknownPostOrCampusIsRefused() throws {
        let f = try DepartmentFixture()
        let admin = f.acting(DepartmentFixture.admin)
        try refused(f.main, { $0 == .unknownPost("E", "no-such-post") }) {
            try f.main.registerPerson(StaffMember(id: "E199", name: "新人", campus: "E", phone: "", posts: ["no-such-post"]), by: admin)
        }
        try refused(f.main, { $0 == .unknownCampus("Q") }) {
            try f.main.registerPerson(StaffMember(id: "E199", name: "新人", campus: "Q", phone: ""), by: admin)
        }
    }

    @Test func everyWriteLeavesAnAuditEntryNamingWhoWhatWhenAndWhichNode() throws {
        let f = try DepartmentFixture()
        let when = LocalDateTime(date: Fixture.date("2026-02-21"), minuteOfDay: 10 * 60)
        _ = try f.main.requestLeave(firstDay: Fixture.date("2026-03-02"), lastDay: Fixture.date("2026-03-03"), reason: "年假",
                                    by: f.acting(DepartmentFixture.engineers[0], when))
        let last = try #require(try AuditTrail.entries(store: f.main.store).last)
        #expect(last.actor == "E101" && last.action == "leave.request" && last.at == when.minutesSinceEpoch)
        #expect(last.node == f.main.store.site.description)
        // The audit trail replicates like any other log.
        try f.exchange()
        #expect(try AuditTrail.entries(store: f.east.store) == AuditTrail.entries(store: f.main.store))
    }

    @Test func anAuditEntryKeepsHowTheCommandCameInSuchAsTheCLIsOperatingSystemUser() throws {
        let f = try DepartmentFixture()
        let when = LocalDateTime(date: Fixture.date("2026-02-21"), minuteOfDay: 10 * 60)
        let cli = Acting(DepartmentFixture.engineers[0], at: when, via: "cli os-user=ops uid=1001")
        _ = try f.main.requestLeave(firstDay: Fixture.date("2026-03-02"), lastDay: Fixture.date("2026-03-03"), reason: "年假", by: cli)
        let last = try #require(try AuditTrail.entries(store: f.main.store).last)
        #expect(last.via == "cli os-user=ops uid=1001")
        // An entry stored before the field existed still decodes, with no `via`.
        let old = #"{"action":"leave.request","actor":"E101","at":1,"node":"n","subject":"s"}"#
        #expect(LogCoding.decode(AuditEntry.self, old)?.via == nil)
        #expect(LogCoding.decode(AuditEntry.self, old)?.actor == "E101")
    }

    @Test func aCalendarFileWithBadDatesIsRefusedNamingTheLineAndNothingIsLoaded() throws {
        let f = try DepartmentFixture()
        let text = "2026-10-01 holiday 国庆节\n2026-02-30 holiday 不存在\n2026-13-01 workday\n"
        try refused(f.main, { error in
            guard case .badCalendar(let parse) = error else { return false }
            return parse.badLines.map(\.line) == [2, 3] && error.description.contains("line 2")
        }) { try f.main.loadHolidayCalendar(text, by: f.acting(DepartmentFixture.admin)) }
        #expect(try f.main.holidayCalendar().entries.isEmpty)
    }

    @Test func theShippedCalendarLoadsAndMakesHolidaysHolidays() throws {
        let f = try DepartmentFixture()
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Domain/Resources/calendars/cn-2026.txt")
        try f.main.loadHolidayCalendar(try String(contentsOf: url, encoding: .utf8), by: f.acting(DepartmentFixture.chief))
        #expect(try f.main.holidayCalendar().dayType(of: Fixture.date("2026-10-01")) == .holiday)
    }
}
