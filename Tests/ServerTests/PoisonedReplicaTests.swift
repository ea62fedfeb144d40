import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Replica
import Storage
import Testing
@testable import Domain
@testable import Server

/// Issue 11: one write must not crash every campus. The two overflowing requests are
/// refused; values a peer stored anyway are read without a trap and listed on /problems.
@Suite struct PoisonedReplicaTests {
    @Test func theTwoOverflowingRequestsAreRefusedWithoutWriting() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            let huge = #"{"tag":"E-PC-9","campus":"EAST","type":"pc","name":"电脑","inspectionDays":9223372036854775807}"#
            let registered = try await client.call(.post, "/api/assets", as: eng, json: huge)
            #expect(registered.0 == .unprocessableContent, "\(registered.1)")
            #expect(errorCode(registered.1) == "invalid")
            #expect(try fixture.versionVector() == before)
            let toner = #"{"tag":"E-TN-9","campus":"EAST","type":"consumable","name":"硒鼓","stock":3,"unit":"个"}"#
            #expect(try await client.call(.post, "/api/assets", as: eng, json: toner).0 == .created)
            let afterToner = try fixture.versionVector()
            for delta in ["9223372036854775807", "-9223372036854775808"] {
                let drawn = try await client.call(.post, "/api/assets/E-TN-9/stock", as: eng, json: #"{"delta":\#(delta)}"#)
                #expect(drawn.0 == .unprocessableContent, "\(drawn.1)")
                #expect(try fixture.versionVector() == afterToner)
            }
            // Still readable: the asset list answers.
            #expect(try await client.call(.get, "/api/assets", as: eng).0 == .ok)
        }
    }

    @Test func valuesAPeerStoredOutOfBoundsAreReadEverywhereAndListedOnTheProblemsPage() async throws {
        let fixture = try ServerFixture()
        // As a peer's batch would: straight into the replica, past the domain's checks.
        try fixture.department.store.write { tx in
            let row = tx.newRowID()
            try tx.assign(DomainSchema.asset.name, row, [
                "tag": "E-POISON", "campus": "EAST", "type": "consumable", "name": "毒", "state": "in_stock",
                "inspection_days": .integer(.max), "registered_at": .integer(.min), "stock_min": .integer(.min),
                "warranty_until": "99999-12-31",
            ])
            try tx.increment(DomainSchema.asset.name, row, "stock", by: .max)
            try tx.increment(DomainSchema.asset.name, row, "stock", by: .max)
            let ticket = tx.newRowID()
            try tx.assign(DomainSchema.ticket.name, ticket, [
                "number": "EAST-2026-P0-00001", "campus": "EAST", "year": .integer(2026), "issuer": "P0", "seq": .integer(1),
                "urgency": "high", "impact": "high", "priority": .integer(.max), "reported_at": .integer(.max),
                // Groups are written whole, as any batch must be.
                "state": "in_progress", "level": .integer(-1), "summary_entries": .integer(0), "opened_at": .integer(.min),
                "owned_at": .integer(.max), "resolved_at": .integer(0), "pauses": "", "expected_at": .integer(0), "ignored": .integer(0),
            ])
        }
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            for uri in ["/api/assets", "/api/assets/report", "/api/assets/E-POISON", "/api/tickets", "/api/tickets/report",
                        "/api/tickets/problems", "/api/tickets/statistics", "/api/tickets/EAST-2026-P0-00001", "/api/approvals",
                        "/api/duty/now", "/api/handovers", "/api/leave", "/api/overtime", "/api/swaps", "/api/problems"] {
                let (status, body) = try await client.call(.get, uri, as: admin)
                #expect(status == .ok, "\(uri): \(status) \(body.prefix(300))")
            }
            for uri in ["/", "/tickets", "/tickets/EAST-2026-P0-00001", "/assets", "/roster", "/handover", "/approvals", "/status",
                        "/assets/E-POISON", "/assets?due=1", "/assets?warranty=1&type=consumable", "/assets?q=POISON&state=in_stock",
                        "/assets/labels", "/assets/export.csv"] {
                let (status, _, body) = try await client.page(uri, as: admin)
                #expect(status == .ok, "\(uri): \(status) \(body.prefix(300))")
            }
            let problems = try await client.call(.get, "/api/problems", as: admin).1
            for field in ["inspection_days", "registered_at", "stock_min", "stock", "warranty_until", "priority", "reported_at", "opened_at", "owned_at", "level"] {
                #expect(problems.contains(#""description":"# ) && problems.contains("field \(field) holds"), "\(field) not listed: \(problems)")
            }
            #expect(problems.components(separatedBy: "stored_value_out_of_bounds").count - 1 == 10, "\(problems)")
            let zh = try await client.page("/problems", as: admin)
            #expect(zh.0 == .ok)
            #expect(zh.2.contains("存储值越界") && zh.2.contains("巡检周期（天）") && zh.2.contains("9223372036854775807"))
            #expect(!zh.2.contains("inspection_days") && !zh.2.contains(">asset<"), "schema keys on a Chinese page")
            #expect(!zh.2.contains("Stored values out of bounds"))
            let en = try await client.page("/problems?lang=en", as: admin)
            #expect(en.2.contains("Stored values out of bounds") && !en.2.contains("存储值越界") && en.2.contains("inspection period (days)"))
            // A chief of the other campus sees none of EAST's rows.
            let mainChief = try await client.signIn("mainchief")
            #expect(!(try await client.call(.get, "/api/problems", as: mainChief).1.contains("stored_value_out_of_bounds")))
        }
    }
}
