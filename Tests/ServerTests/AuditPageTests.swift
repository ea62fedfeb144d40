import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 审计记录 (/audit): the administrator, the central viewer and a chief search the trail
/// by month, staff number and text, actions by their names; others are refused; the CSV
/// carries the same selection; every action code the domain writes has a name.
@Suite struct AuditPageTests {
    @Test func theTrailIsSearchedByMonthPersonAndTextAndExported() async throws {
        let fixture = try DutyFormsTests.published()
        _ = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-20")!, lastDay: LocalDate(iso: "2026-03-20")!,
                                                reason: "家中有事", by: Acting("E105", at: ServerFixture.start, via: "web user=duty"))
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let page = try await client.page("/audit?from=2026-03&to=2026-03", as: admin)
            #expect(page.0 == .ok && page.2.contains("id=\"audit\"") && page.2.contains("值班表发布") && page.2.contains("请假申请"))
            #expect(page.2.contains("网页（duty）") && page.2.contains("员工duty (E105)"))
            let mine = try await client.page("/audit?from=2026-03&to=2026-03&person=E105", as: admin)
            #expect(mine.2.contains("请假申请") && !mine.2.contains("值班表发布"))
            let english = try await client.page("/audit?from=2026-03&to=2026-03&lang=en", as: admin)
            #expect(english.2.contains("roster published") && english.2.contains("leave requested") && english.2.contains("web (duty)"))
            let none = try await client.page("/audit?from=2026-01&to=2026-01", as: admin)
            #expect(none.2.contains("没有符合条件的记录"))
            let csv = try await client.page("/audit.csv?from=2026-03&to=2026-03&person=E105", as: admin)
            #expect(csv.0 == .ok && csv.1[.contentType] == "text/csv; charset=utf-8" && csv.2.hasPrefix("\u{FEFF}"))
            #expect(csv.2.contains("leave.request") && csv.2.contains("请假申请") && !csv.2.contains("roster.publish"))
            let wide = try await client.page("/audit?from=2025-01&to=2026-03", as: admin)
            #expect(wide.0 == .badRequest)

            let chief = try await client.signIn("chief")
            #expect(try await client.page("/audit?from=2026-03&to=2026-03", as: chief).0 == .ok)
            let viewer = try await client.signIn("viewer")
            #expect(try await client.page("/audit?from=2026-03&to=2026-03", as: viewer).0 == .ok)
            for username in ["eng1", "clerk", "ward"] {
                let session = try await client.signIn(username)
                #expect(try await client.page("/audit", as: session).0 == .forbidden, "\(username) may not read the audit")
                #expect(try await client.page("/audit.csv", as: session).0 == .forbidden)
                #expect(!(try await client.page("/duty", as: session)).2.contains("href=\"/audit\""))
            }
        }
    }

    /// Every literal action code in the domain's commands (`perform(acting, "x.y")`, and
    /// the verbs put together at run time) has a name in both languages.
    @Test func everyActionTheDomainWritesHasAName() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let domain = root.appendingPathComponent("Sources/Domain")
        var codes: Set<String> = []
        let literal = try NSRegularExpression(pattern: "\"([a-z]+)\\.([a-z_-]+)\"")
        for case let file as URL in FileManager.default.enumerator(at: domain, includingPropertiesForKeys: nil)! where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("perform(") || line.contains("? \"") {
                let line = String(line)
                for match in literal.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                    if let range = Range(match.range, in: line) { codes.insert(String(line[range]).trimmingCharacters(in: ["\""])) }
                }
            }
        }
        // The codes put together from enum raw values.
        codes.formUnion(ApprovalAction.allCases.map { "approval.\($0.rawValue)" } + ApprovalKind.allCases.map { "approval.\($0.rawValue)" })
        codes.formUnion(TicketEvent.Kind.allCases.map { "ticket.\($0.rawValue)" })
        codes.formUnion(["attendance.sign_in", "attendance.sign_out"])
        #expect(codes.count > 40)
        let unnamed = codes.filter { code in
            let parts = code.split(separator: ".", maxSplits: 1).map(String.init)
            return AuditNames.entities[parts[0]] == nil || AuditNames.verbs[parts[1]] == nil
        }
        #expect(unnamed.isEmpty, "audit actions without a name: \(unnamed.sorted())")
    }
}
