import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 销假 from 我的申请 and 加班补偿 on the overtime form: the button is offered for approved
/// leave not yet over, the form confirms and the clerk's sheet reads the days as worked
/// again; overtime asked with 加班费 is filed so, and an unknown choice is refused.
@Suite struct LeaveRevokeFormTests {
    @Test func approvedLeaveIsCalledOffFromMyRequestsAndOvertimeCarriesItsCompensation() async throws {
        let fixture = try ServerFixture()
        let leave = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-16")!, lastDay: LocalDate(iso: "2026-03-17")!,
                                                        kind: .sick, reason: "发热", by: Acting("E101", at: ServerFixture.start))
        try fixture.department.decideLeave(leave, approve: true, by: Acting("E001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let page = try await client.page("/duty", as: eng1)
            #expect(page.2.contains("id=\"withdraw-\(leave)\"") && page.2.contains(">销假</button>"))
            let done = try await client.form("/duty/withdraw", as: eng1, [("csrf", eng1.csrf), ("kind", "leave-revoke"), ("id", leave)])
            #expect(done.0 == .seeOther && done.1[.location] == "/duty?done=leave_revoked")
            #expect(try fixture.department.leaveRequests(person: "E101").first { $0.id == leave }?.state == .cancelled)
            let after = try await client.page("/duty?done=leave_revoked", as: eng1)
            #expect(after.2.contains("已销假") && after.2.contains("销假") && !after.2.contains("id=\"withdraw-\(leave)\""))

            let before = try fixture.versionVector()
            let again = try await client.form("/duty/withdraw", as: eng1, [("csrf", eng1.csrf), ("kind", "leave-revoke"), ("id", leave)])
            try DutyFormsTests.expectRefused(again, .conflict, says: "当前状态不允许此操作", fixture, before: before)

            let paid = try await client.form("/duty/overtime", as: eng1, [("csrf", eng1.csrf), ("date", "2026-03-05"), ("start", "17:00"),
                                                                           ("end", "18:00"), ("reason", "HIS 升级"), ("compensation", "pay")])
            #expect(paid.1[.location] == "/duty?done=overtime")
            #expect(try fixture.department.overtimeRequests(person: "E101").map(\.compensation) == [.pay])
            let mine = try await client.page("/duty", as: eng1)
            #expect(mine.2.contains("加班费") && mine.2.contains("name=\"compensation\""))
            let beforeBad = try fixture.versionVector()
            let bad = try await client.form("/duty/overtime", as: eng1, [("csrf", eng1.csrf), ("date", "2026-03-06"), ("start", "17:00"),
                                                                          ("end", "18:00"), ("reason", "巡检"), ("compensation", "bonus")])
            try DutyFormsTests.expectRefused(bad, .badRequest, says: "未保存", fixture, before: beforeBad)
        }
    }
}
