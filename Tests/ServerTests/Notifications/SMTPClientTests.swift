import Foundation
import Testing
@testable import Domain
@testable import Server

/// E-mail through a real SMTP server on 127.0.0.1 (the sink script), and what is refused.
@Suite(.serialized) struct SMTPClientTests {
    func mail(subject: String = "【P1】E-2026-0001-00001 新工单：HIS 无法登录", toName: String = "赵科长") throws -> SMTPMail {
        try SMTPMail(from: "meshdesk@hospital.example", fromName: "MeshDesk 信息科", to: "zhao@hospital.example", toName: toName,
                     subject: subject, body: "HIS 无法登录\n认领：http://main:8080/tickets/E-2026-0001-00001", keys: ["ticket:1/step:0/to:E001"])
    }

    @Test func aMailReachesTheSinkWithItsChineseSubjectNameBodyAndIdempotencyKeyIntact() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let relay = SMTPRelay(host: "127.0.0.1", port: sink.port, from: "meshdesk@hospital.example")
        try await SMTPClient.send(try mail(), via: relay, date: Date(timeIntervalSince1970: 1_700_000_000), messageID: "1@meshdesk")
        let received = sink.messages()
        #expect(received.count == 1)
        let m = received.first ?? ""
        #expect(m.contains("X-Envelope-To: <zhao@hospital.example>"))
        #expect(header("Subject", in: m) == "【P1】E-2026-0001-00001 新工单：HIS 无法登录")
        #expect(header("To", in: m) == "赵科长 <zhao@hospital.example>")
        #expect(header("X-MeshDesk-Key", in: m) == "ticket:1/step:0/to:E001")
        #expect(decodedBody(m).contains("认领：http://main:8080/tickets/E-2026-0001-00001"))
    }

    @Test func aLineBreakInASubjectOrNameIsRefusedAsHeaderInjection() {
        #expect(throws: SMTPMail.Refusal.headerInjection(field: "subject")) { try mail(subject: "故障\r\nBcc: everyone@hospital.example") }
        #expect(throws: SMTPMail.Refusal.headerInjection(field: "recipient name")) { try mail(toName: "赵\nBcc: x@y.z") }
        #expect(throws: SMTPMail.Refusal.self) {
            try SMTPMail(from: "a@b.c", fromName: "", to: "x@y.z>\r\nRCPT TO:<all@y.z", toName: "", subject: "s", body: "", keys: [])
        }
    }

    @Test func anUnreachableRelayAndARelayThatAnswers451BothFail() async throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await #expect(throws: (any Error).self) {
            try await SMTPClient.send(try mail(), via: SMTPRelay(host: "127.0.0.1", port: 1, from: "meshdesk@hospital.example"),
                                      date: Date(), messageID: "x@y")
        }
        let sink = try await SMTPSink.start(mode: "reject")
        defer { sink.stop() }
        await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(try mail(), via: SMTPRelay(host: "127.0.0.1", port: sink.port, from: "meshdesk@hospital.example"),
                                      date: Date(), messageID: "x@y")
        }
        #expect(sink.messages().isEmpty)
    }
}
