import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

@Suite struct AssetApprovalAPITests {
    static let toner = #"{"tag":"E-TN-01","campus":"EAST","type":"consumable","name":"硒鼓","stock":3,"stockMin":2,"unit":"个"}"#
    static let pc = #"{"tag":"E-PC-01","campus":"EAST","type":"pc","name":"分诊台电脑","inspectionDays":30,"department":"急诊科"}"#

    @Test func assetsAreRegisteredMovedInspectedAndDrawnWithTheAuditTrail() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            var eng = try await client.signIn("eng1")
            for json in [Self.toner, Self.pc] {
                let (status, body) = try await client.call(.post, "/api/assets", as: eng, json: json)
                #expect(status == .created, "\(body)")
            }
            let dup = try await client.call(.post, "/api/assets", as: eng, json: Self.pc)
            #expect(dup.0 == .conflict)
            #expect(errorCode(dup.1) == "duplicate_asset_tag")
            let moved = try await client.call(.post, "/api/assets/E-PC-01/move", as: eng, json: #"{"department":"门诊","location":"2F","holder":"E101"}"#)
            #expect(moved.0 == .ok)
            #expect(moved.1.contains(#""state":"in_use""#))
            let drawn = try await client.call(.post, "/api/assets/E-TN-01/stock", as: eng, json: #"{"delta":-2}"#)
            #expect(drawn.1.contains(#""lowStock":true"#))
            let below = try await client.call(.post, "/api/assets/E-TN-01/stock", as: eng, json: #"{"delta":-5}"#)
            #expect(below.0 == .unprocessableContent)

            fixture.clock.advance(minutes: 31 * 24 * 60)
            eng = try await client.signIn("eng1")  // the first session ended after 8 hours
            let report = try await client.call(.get, "/api/assets/report", as: eng).1
            #expect(report.contains(#""tag":"E-PC-01""#), "due for inspection after 30 days")
            #expect(report.contains(#""detail":"1/2 个""#), "low consumable")
            let page = try await client.page("/assets", as: eng).2
            #expect(page.contains("E-PC-01") && page.contains("E-TN-01"))

            let inspected = try await client.call(.post, "/api/assets/E-PC-01/inspect", as: eng, json: #"{"items":{"外观":"ok","风扇":"fault"},"note":"风扇异响"}"#)
            #expect(inspected.0 == .ok, "\(inspected.1)")
            #expect(!(try await client.call(.get, "/api/assets/report", as: eng).1.contains(#""tag":"E-PC-01""#)))
            let badResult = try await client.call(.post, "/api/assets/E-PC-01/inspect", as: eng, json: #"{"items":{"外观":"great"}}"#)
            #expect(errorCode(badResult.1) == "bad_value")

            let entries = try AuditTrail.entries(store: fixture.department.store)
            let node = fixture.department.store.site.description
            for action in ["asset.register", "asset.move", "asset.stock", "asset.inspect"] {
                #expect(entries.contains { $0.action == action && $0.actor == "E101" && $0.node == node }, "\(action)")
            }
            let shown = try await client.call(.get, "/api/assets/E-PC-01", as: eng)
            #expect(shown.1.contains("风扇异响"))
            let mainEng = try await client.signIn("maineng")
            let outside = try await client.call(.post, "/api/assets/E-PC-01/move", as: mainEng, json: #"{"department":"x"}"#)
            #expect(outside.0 == .forbidden)
            #expect(errorCode(outside.1) == "outside_campus")
        }
    }

    @Test func detailsAreEditedFieldByFieldAndAnAssetIsTransferredThroughTheAPI() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let pc = #"{"tag":"E-PC-02","campus":"EAST","type":"pc","name":"护士站电脑","purchaseCostFen":550000,"purchasedOn":"2025-03-10","manufacturer":"联想"}"#
            #expect(try await client.call(.post, "/api/assets", as: eng, json: pc).0 == .created)
            let edited = try await client.call(.post, "/api/assets/E-PC-02/details", as: eng, json: #"{"supplier":"院采购中心","purchasedOn":null}"#)
            #expect(edited.0 == .ok && edited.1.contains(#""supplier":"院采购中心""#) && edited.1.contains(#""manufacturer":"联想""#))
            #expect(try fixture.department.asset("E-PC-02").record.purchasedOn == nil, "null clears")
            #expect(edited.1.contains(#""purchaseCostFen":550000"#) && !edited.1.contains(#""bookValueFen":5"#), "no purchase date, no book value")
            let before = try fixture.versionVector()
            for bad in [#"{"purchaseCostFen":-1}"#, #"{"colour":"red"}"#, #"{"purchaseCostFen":"lots"}"#, #"{"supplier":"院采购中心"}"#] {
                let refused = try await client.call(.post, "/api/assets/E-PC-02/details", as: eng, json: bad)
                #expect(refused.0 == .unprocessableContent || refused.0 == .badRequest, "\(bad): \(refused.0)")
            }
            #expect(try fixture.versionVector() == before)
            let moved = try await client.call(.post, "/api/assets/E-PC-02/transfer", as: eng, json: #"{"campus":"MAIN","location":"总院库房"}"#)
            #expect(moved.0 == .ok && moved.1.contains(#""campus":"MAIN""#) && moved.1.contains(#""state":"in_stock""#))
            let again = try await client.call(.post, "/api/assets/E-PC-02/transfer", as: eng, json: #"{"campus":"EAST","location":"x"}"#)
            #expect(again.0 == .forbidden, "EAST's engineer no longer keeps it")
        }
    }

    @Test func aChangeIsAssessedApprovedByTheChiefAndImplemented() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let (status, body) = try await client.call(.post, "/api/approvals", as: eng, json: """
                {"kind":"change","campus":"EAST","title":"HIS 升级","reason":"补丁","system":"HIS","impact":"停机 30 分钟","rollbackPlan":"回滚快照","notifyDepartments":["门诊部"]}
                """)
            #expect(status == .created, "\(body)")
            let id = createdID(body)
            let approveEarly = try await client.call(.post, "/api/approvals/\(id)/approve", as: try await client.signIn("chief"))
            #expect(approveEarly.0 == .conflict, "a change is assessed before it is approved")
            #expect(try await client.call(.post, "/api/approvals/\(id)/assess", as: eng, json: #"{"note":"风险低"}"#).0 == .ok)
            let byEngineer = try await client.call(.post, "/api/approvals/\(id)/approve", as: eng)
            #expect(byEngineer.0 == .forbidden, "only the chief approves")
            let chief = try await client.signIn("chief")
            let page = try await client.page("/approvals", as: chief).2
            #expect(page.contains("/approvals/approval/\(id)/approve"))
            let approved = try await client.form("/approvals/approval/\(id)/approve", as: chief, [("csrf", chief.csrf), ("note", "同意")])
            #expect(approved.0 == .seeOther)
            #expect(try fixture.department.approval(id).state == .approved)
            #expect(try await client.call(.post, "/api/approvals/\(id)/implement", as: eng, json: #"{"note":"已完成"}"#).0 == .ok)
            let list = try await client.call(.get, "/api/approvals?state=implemented", as: chief).1
            #expect(list.contains(id))
            let ward = try await client.signIn("ward")
            #expect(try await client.call(.get, "/api/approvals", as: ward).1 == "[]", "a requester sees only their own requests")
        }
    }

    @Test func clusterHealthSaysPlainlyWhenNoNodeIsRunning() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let (status, body) = try await client.call(.get, "/api/cluster", as: viewer)
            #expect(status == .ok)
            #expect(body.contains(#""node":"missing""#))
            #expect(try await client.page("/status", as: viewer).2.contains("节点未运行"))
        }
    }
}
