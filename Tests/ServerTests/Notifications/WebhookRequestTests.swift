import Foundation
import Testing
@testable import Domain
@testable import Server

/// The robots' payloads and signatures, checked against values computed independently
/// (Python's hmac/hashlib/base64/urllib on the documented recipes).
@Suite struct WebhookRequestTests {
    let items = [OutgoingItem(key: "ticket:1/step:0/to:E001", number: "E-2026-0001-00001", title: "【P1】HIS 无法登录", urgent: true,
                              link: "http://main:8080/tickets/E-2026-0001-00001")]

    func json(_ request: WebhookRequest) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
    }

    @Test func dingTalkAndFeishuSignaturesMatchTheirDocumentedRecipes() {
        #expect(WebhookRequest.dingTalkSign(secret: "SEC0123456789abcdef", timestampMillis: 1_700_000_000_000) == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D")
        #expect(WebhookRequest.feishuSign(secret: "feishusecret", timestampSeconds: 1_700_000_000) == "5Wc8F8b2vZlNjoVFpK6BAaovMobglP4Rm1FzmEq/rCU=")
    }

    @Test func eachRobotGetsItsOwnMessageShape() {
        let wecom = WebhookRequest.make(WebhookTarget(kind: .wecom, url: "http://r/wecom?key=k"), items: items, recipient: "赵科长", nowMillis: 1_700_000_000_000)
        #expect(wecom.url == "http://r/wecom?key=k" && json(wecom)["msgtype"] as? String == "text")
        #expect(((json(wecom)["text"] as? [String: Any])?["content"] as? String)?.contains("认领：http://main:8080/tickets/") == true)
        let ding = WebhookRequest.make(WebhookTarget(kind: .dingtalk, url: "http://r/ding?access_token=t", secret: "SEC0123456789abcdef"),
                                       items: items, recipient: "", nowMillis: 1_700_000_000_000)
        #expect(ding.url == "http://r/ding?access_token=t&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D")
        let feishu = WebhookRequest.make(WebhookTarget(kind: .feishu, url: "http://r/feishu", secret: "feishusecret"), items: items, recipient: "",
                                         nowMillis: 1_700_000_000_123)
        #expect(json(feishu)["msg_type"] as? String == "text" && json(feishu)["timestamp"] as? String == "1700000000")
        #expect(json(feishu)["sign"] as? String == "5Wc8F8b2vZlNjoVFpK6BAaovMobglP4Rm1FzmEq/rCU=")
        let generic = WebhookRequest.make(WebhookTarget(kind: .generic, url: "http://sms/gw", secret: "0123456789abcdef"), items: items,
                                          recipient: "赵科长", nowMillis: 1_700_000_000_000)
        let headers = Dictionary(generic.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(headers["Idempotency-Key"] == "ticket:1/step:0/to:E001" && headers["X-MeshDesk-Timestamp"] == "1700000000")
        #expect(headers["X-MeshDesk-Signature"] == "sha256=" + WebhookRequest.genericSignature(secret: "0123456789abcdef", timestamp: "1700000000", body: generic.body))
    }

    @Test func robotAnswersAreJudgedByTheirErrorCodeNotOnlyTheStatus() {
        #expect(WebhookRequest.accepted(.wecom, status: 200, body: Array(#"{"errcode":0,"errmsg":"ok"}"#.utf8)))
        #expect(!WebhookRequest.accepted(.dingtalk, status: 200, body: Array(#"{"errcode":310000,"errmsg":"sign not match"}"#.utf8)))
        #expect(WebhookRequest.accepted(.feishu, status: 200, body: Array(#"{"code":0,"msg":"success"}"#.utf8)))
        #expect(!WebhookRequest.accepted(.generic, status: 503, body: []))
        #expect(!WebhookRequest.accepted(.wecom, status: 200, body: Array("not json".utf8)))
    }

    @Test func malformedChannelSettingsAreRefusedWithAClearReason() {
        func problem(_ s: NotificationSettings) -> String? { s.problem?.description }
        #expect(problem(.init(email: "zhao\r\nBcc: all@hospital.example", webhooks: [], quietHours: nil))?.contains("line breaks") == true)
        #expect(problem(.init(email: "not-an-address", webhooks: [], quietHours: nil))?.contains("name@hospital.example") == true)
        #expect(problem(.init(email: nil, webhooks: [.init(kind: .wecom, url: "ftp://x")], quietHours: nil))?.contains("http://") == true)
        #expect(problem(.init(email: nil, webhooks: [.init(kind: .dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=t", secret: "nope")], quietHours: nil))?.contains("SEC") == true)
        #expect(problem(.init(email: nil, webhooks: [.init(kind: .generic, url: "http://sms/gw", secret: "short")], quietHours: nil))?.contains("16") == true)
        #expect(problem(.init(email: nil, webhooks: [], quietHours: QuietHours(startMinute: 600, endMinute: 600))) != nil)
        #expect(problem(.init(email: "zhao@hospital.example", webhooks: [.init(kind: .feishu, url: "https://open.feishu.cn/hook/x")],
                              quietHours: QuietHours(startMinute: 22 * 60, endMinute: 7 * 60))) == nil)
    }

    @Test func quietHoursWrapMidnightAndEndAtTheirEndMinute() {
        let q = QuietHours(startMinute: 22 * 60, endMinute: 7 * 60)
        let day = LocalDate(iso: "2026-03-02")!
        #expect(q.contains(LocalDateTime(date: day, minuteOfDay: 23 * 60)) && q.contains(LocalDateTime(date: day, minuteOfDay: 60)))
        #expect(!q.contains(LocalDateTime(date: day, minuteOfDay: 12 * 60)))
        #expect(q.end(after: LocalDateTime(date: day, minuteOfDay: 23 * 60)) == LocalDateTime(date: day.adding(days: 1), minuteOfDay: 7 * 60))
        #expect(q.end(after: LocalDateTime(date: day, minuteOfDay: 60)) == LocalDateTime(date: day, minuteOfDay: 7 * 60))
    }
}
