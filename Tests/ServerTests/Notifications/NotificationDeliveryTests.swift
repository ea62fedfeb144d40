import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Security
import Synchronization
import Testing
@testable import Domain
@testable import Server

/// What the local robot receiver saw.
final class Received: Sendable {
    struct Request: Sendable { let path: String; let query: String; let headers: [String: String]; let body: [UInt8] }
    let requests = Mutex<[Request]>([])
    func add(_ r: Request) { requests.withLock { $0.append(r) } }
    func on(_ path: String) -> [Request] { requests.withLock { $0.filter { $0.path == path } } }
}

/// Wall time of the outbox, moved by hand.
final class TestMillis: Sendable {
    let value = Mutex<Int64>(1_772_413_200_000)
    func now() -> Int64 { value.withLock { $0 } }
    func advance(_ millis: Int64) { value.withLock { $0 += millis } }
}

/// The delivery loop end to end: a P1 ticket on the replica, a person's channels, a real
/// SMTP sink and a local HTTP receiver that checks each robot's payload and signature.
@Suite(.serialized) struct NotificationDeliveryTests {
    static let dingSecret = "SEC0123456789abcdef"
    static let feishuSecret = "feishu-secret"
    static let genericSecret = "0123456789abcdef-sms"

    /// WeCom/DingTalk/Feishu/generic endpoints that verify what the robots verify, a 503 and a slow one.
    static func receiver(_ received: Received) -> some ApplicationProtocol {
        let router = Router()
        router.post("/:kind") { request, context -> Response in
            let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let kind = context.parameters.get("kind") ?? ""
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            received.add(.init(path: kind, query: request.uri.query ?? "", headers: headers, body: body))
            let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
            func answer(_ text: String, _ status: HTTPResponse.Status = .ok) -> Response {
                Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            switch kind {
            case "wecom":
                return answer(json["msgtype"] as? String == "text" ? #"{"errcode":0,"errmsg":"ok"}"# : #"{"errcode":40008}"#)
            case "dingtalk":
                let query = Dictionary((request.uri.query ?? "").split(separator: "&").map { pair in
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return (kv[0], kv.count > 1 ? kv[1] : "")
                }, uniquingKeysWith: { a, _ in a })
                let ts = query["timestamp"] ?? ""
                let mac = HMACSHA256.authenticate(Array("\(ts)\n\(dingSecret)".utf8), key: Array(dingSecret.utf8))
                let ok = (query["sign"] ?? "").removingPercentEncoding == Data(mac).base64EncodedString()
                return answer(ok ? #"{"errcode":0}"# : #"{"errcode":310000,"errmsg":"sign not match"}"#)
            case "feishu":
                let ts = json["timestamp"] as? String ?? ""
                let ok = json["sign"] as? String == Data(HMACSHA256.authenticate([], key: Array("\(ts)\n\(feishuSecret)".utf8))).base64EncodedString()
                return answer(ok && json["msg_type"] as? String == "text" ? #"{"code":0}"# : #"{"code":19021}"#)
            case "generic":
                let ts = headers["x-meshdesk-timestamp"] ?? ""
                let hex = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(genericSecret.utf8)).map { String(format: "%02x", $0) }.joined()
                return answer("{}", headers["x-meshdesk-signature"] == "sha256=" + hex ? .ok : .unauthorized)
            case "slow":
                try await Task.sleep(for: .seconds(3))
                return answer(#"{"errcode":0}"#)
            default:
                return answer("{}", .serviceUnavailable)
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func openPriorityOne(_ f: ServerFixture) throws -> String {
        try f.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "急诊科", category: .network,
                                                 description: "急诊挂号系统全部断网", urgency: .high, impact: .hospital),
                                    by: Acting("R001", at: ServerFixture.start)).number
    }

    func delivery(_ f: ServerFixture, smtpPort: Int, millis: TestMillis, campus: CampusCode = "EAST",
                  timeout: Duration = .seconds(5)) -> NotificationDelivery {
        var configuration = NotificationDelivery.Configuration(localCampus: campus,
                                                               smtp: SMTPRelay(host: "127.0.0.1", port: smtpPort, from: "meshdesk@hospital.example"))
        configuration.sendTimeout = timeout
        configuration.linkBase = "http://east:8080"
        return NotificationDelivery(department: f.department, outbox: OutboxFile(url: nil), configuration: configuration, clock: f.clock,
                                    wallMillis: { millis.now() }, logger: Logger(label: "notification-test"))
    }

    @Test func aPriorityOneTicketReachesTheChiefByMailAndEveryRobotKindWithValidSignatures() async throws {
        let f = try ServerFixture()
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let received = Received()
        try await Self.receiver(received).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            // Nobody holds the EAST roster: step 0 passes to the section chief.
            try f.department.setNotificationSettings(NotificationSettings(email: "zhao@hospital.example", webhooks: [
                WebhookTarget(kind: .wecom, url: "\(base)/wecom?key=k"),
                WebhookTarget(kind: .dingtalk, url: "\(base)/dingtalk?access_token=t", secret: Self.dingSecret),
                WebhookTarget(kind: .feishu, url: "\(base)/feishu", secret: Self.feishuSecret),
                WebhookTarget(kind: .generic, url: "\(base)/generic", secret: Self.genericSecret),
            ], quietHours: QuietHours(startMinute: 8 * 60, endMinute: 10 * 60)), for: "E001", by: Acting("E001", at: ServerFixture.start))
            let number = try openPriorityOne(f)
            let millis = TestMillis()
            let loop = delivery(f, smtpPort: sink.port, millis: millis)
            // Quiet hours 08:00–10:00 cover 09:00, but a P1 is never held back.
            #expect(await loop.planOnce() == 1)
            #expect(await loop.planOnce() == 0, "recorded: not taken twice")
            for channel in NotificationDelivery.channels { await loop.drainOnce(channel) }
            #expect(sink.messages().count == 1)
            #expect(header("Subject", in: sink.messages().first ?? "")?.contains(number) == true)
            #expect(decodedBody(sink.messages().first ?? "").contains("认领：http://east:8080/tickets/\(number)"))
            for kind in ["wecom", "dingtalk", "feishu", "generic"] { #expect(received.on(kind).count == 1, "\(kind)") }
            #expect(received.on("generic").first?.headers["idempotency-key"] == "ticket:\(try f.department.ticket(number).id)/step:0/to:E001")
            let record = try f.department.deliveryRecords()
            #expect(record.count == 1 && Set(record[0].channels) == ["browser", "email", "wecom", "dingtalk", "feishu", "generic"])
            let box = await loop.outbox.outbox
            #expect(box.pending.isEmpty && box.dead.isEmpty)
        }
    }

    @Test func aSlowAndAFailingReceiverAreRetriedWithBackoffThenDeadLetteredWhileMailStillGoes() async throws {
        let f = try ServerFixture()
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let received = Received()
        try await Self.receiver(received).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            try f.department.setNotificationSettings(NotificationSettings(email: "zhao@hospital.example", webhooks: [
                WebhookTarget(kind: .wecom, url: "\(base)/slow"),
                WebhookTarget(kind: .generic, url: "\(base)/fail", secret: Self.genericSecret),
                WebhookTarget(kind: .feishu, url: "http://127.0.0.1:1/unreachable"),
            ], quietHours: nil), for: "E001", by: Acting("A001", at: ServerFixture.start))
            _ = try openPriorityOne(f)
            let millis = TestMillis()
            // A 1 s timeout cuts the receiver that answers after 3 s.
            let loop = delivery(f, smtpPort: sink.port, millis: millis, timeout: .seconds(1))
            await loop.planOnce()
            let started = ContinuousClock.now
            async let slow: Int = loop.drainOnce("wecom")
            async let failing: Int = loop.drainOnce("generic")
            async let unreachable: Int = loop.drainOnce("feishu")
            async let mail: Int = loop.drainOnce("email")
            _ = await (slow, failing, unreachable, mail)
            #expect(ContinuousClock.now - started < .seconds(3), "the slow receiver is cut at the send timeout")
            #expect(sink.messages().count == 1)
            for attempt in 2...Outbox.attemptsMax {
                millis.advance(Outbox.backoff(attempts: attempt - 1))
                for channel in ["wecom", "generic", "feishu"] { #expect(await loop.drainOnce(channel) == 1, "attempt \(attempt) on \(channel)") }
            }
            let box = await loop.outbox.outbox
            #expect(box.pending.isEmpty && Set(box.dead.map(\.address.channel)) == ["wecom", "generic", "feishu"])
            #expect(box.dead.first { $0.address.channel == "generic" }?.lastError?.contains("503") == true)
            #expect(received.on("fail").count == Outbox.attemptsMax)
            #expect(Set(try f.department.deliveryRecords()[0].channels) == ["browser", "email"])
        }
    }

    @Test func anotherCampusNodeWaitsForTheTakeoverDelayAndAQuietHourHoldsBackALowPriorityMail() async throws {
        let f = try ServerFixture()
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        try f.department.setNotificationSettings(NotificationSettings(email: "zhao@hospital.example", webhooks: [],
                                                                      quietHours: QuietHours(startMinute: 8 * 60, endMinute: 10 * 60)),
                                                 for: "E001", by: Acting("E001", at: ServerFixture.start))
        _ = try f.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "急诊科", category: .network,
                                                     description: "一台电脑无法打印", urgency: .low, impact: .person),
                                        by: Acting("R001", at: ServerFixture.start))
        let millis = TestMillis()
        let main = delivery(f, smtpPort: sink.port, millis: millis, campus: "MAIN")
        #expect(await main.planOnce() == 0, "EAST's node sends first")
        f.clock.advance(minutes: EscalationPolicy.standard.takeoverMinutes)
        #expect(await main.planOnce() == 1, "no record after the takeover delay: MAIN sends")
        #expect(await main.drainOnce("email") == 0, "P4 at 09:03 waits for the end of quiet hours at 10:00")
        millis.advance(57 * 60_000)
        #expect(await main.drainOnce("email") == 1)
        #expect(sink.messages().count == 1)
    }
}
