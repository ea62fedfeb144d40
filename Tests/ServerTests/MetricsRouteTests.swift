import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Node
import Testing
@testable import Domain
@testable import Server

@Suite struct MetricsRouteTests {
    /// `GET /metrics` needs no session, answers in Prometheus text format, and counts an
    /// open ticket past its SLA as a breach of its campus.
    @Test func metricsAreServedWithoutASessionAndCountSLABreaches() async throws {
        let fixture = try ServerFixture()
        let intake = TicketIntake(campus: "EAST", reporter: "护士长 刘", contactPhone: "5501", department: "门诊部",
                                  category: .network, description: "门诊二楼挂号窗口无法联网", urgency: .high, impact: .department)
        _ = try fixture.department.openTicket(intake, by: Acting("E101", at: ServerFixture.start))
        fixture.clock.advance(minutes: 14 * 24 * 60)  // two weeks: past every priority's resolve target
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == NodeMetrics.contentType)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE meshdesk_sla_breaches gauge"))
                #expect(text.contains(#"meshdesk_sla_breaches{campus="EAST"} 1"#))
                #expect(text.contains(#"meshdesk_replica_file_bytes{file="db"}"#))
                // No personal data: the ticket's text and reporter never appear.
                #expect(!text.contains("护士长") && !text.contains("挂号"))
            }
        }
    }
}
