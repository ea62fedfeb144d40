import Domain
import Foundation
import Security

/// 群机器人 / webhook — the HTTP request each kind of robot expects, built from a message
/// and the time (passed in: the signature covers it). Pure, so tests check the exact
/// payloads and signatures against the robots' documentation.
public struct WebhookRequest: Hashable, Sendable {
    public let url: String
    public let headers: [Header]
    public let body: [UInt8]

    public struct Header: Hashable, Sendable {
        public let name: String
        public let value: String
    }

    /// Text of one message: every item on its own line, with its 认领 link when known.
    public static func text(_ items: [OutgoingItem]) -> String {
        let lines = items.map { item in item.link.map { "\(item.title)\n认领：\($0)" } ?? item.title }
        let head = items.count > 1 ? "MeshDesk：\(items.count) 条通知\n" : ""
        return head + lines.joined(separator: "\n")
    }

    public static func make(_ target: WebhookTarget, items: [OutgoingItem], recipient: String, nowMillis: Int64) -> WebhookRequest {
        let text = text(items)
        let json: [String: Any]
        var url = target.url
        var headers = [Header(name: "Content-Type", value: "application/json; charset=utf-8")]
        switch target.kind {
        case .wecom:
            // https://developer.work.weixin.qq.com/document/path/91770
            json = ["msgtype": "text", "text": ["content": text]]
        case .dingtalk:
            // https://open.dingtalk.com/document/robots/customize-robot-security-settings
            json = ["msgtype": "text", "text": ["content": text]]
            if let secret = target.secret {
                let sign = dingTalkSign(secret: secret, timestampMillis: nowMillis)
                url += (url.contains("?") ? "&" : "?") + "timestamp=\(nowMillis)&sign=\(sign)"
            }
        case .feishu:
            // https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
            var body: [String: Any] = ["msg_type": "text", "content": ["text": text]]
            if let secret = target.secret {
                let seconds = nowMillis / 1_000
                body["timestamp"] = String(seconds)
                body["sign"] = feishuSign(secret: secret, timestampSeconds: seconds)
            }
            json = body
        case .generic:
            json = ["recipient": recipient, "text": text, "urgent": items.contains(where: \.urgent),
                    "notifications": items.map { ["key": $0.key, "ticket": $0.number, "title": $0.title, "urgent": $0.urgent, "link": $0.link ?? ""] }]
        }
        let body = [UInt8]((try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        if target.kind == .generic {
            let seconds = String(nowMillis / 1_000)
            headers.append(Header(name: "X-MeshDesk-Timestamp", value: seconds))
            headers.append(Header(name: "X-MeshDesk-Signature", value: "sha256=" + genericSignature(secret: target.secret ?? "", timestamp: seconds, body: body)))
            headers.append(Header(name: "Idempotency-Key", value: items.map(\.key).joined(separator: ",")))
        }
        return WebhookRequest(url: url, headers: headers, body: body)
    }

    /// DingTalk: base64(HMAC-SHA256(key: secret, "timestamp\nsecret")), then URL-encoded.
    public static func dingTalkSign(secret: String, timestampMillis: Int64) -> String {
        let mac = HMACSHA256.authenticate(Array("\(timestampMillis)\n\(secret)".utf8), key: Array(secret.utf8))
        return formEncode(Data(mac).base64EncodedString())
    }

    /// Feishu: base64(HMAC-SHA256(key: "timestamp\nsecret", empty message)).
    public static func feishuSign(secret: String, timestampSeconds: Int64) -> String {
        Data(HMACSHA256.authenticate([], key: Array("\(timestampSeconds)\n\(secret)".utf8))).base64EncodedString()
    }

    /// Generic: hex(HMAC-SHA256(key: secret, "timestamp.body")), as Stripe and GitHub sign theirs.
    public static func genericSignature(secret: String, timestamp: String, body: [UInt8]) -> String {
        HMACSHA256.authenticate(Array("\(timestamp).".utf8) + body, key: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Percent-encoding of a query value: base64's `+`, `/`, `=` must not reach the server raw.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Whether the robot's answer says it took the message: WeCom and DingTalk answer
    /// `errcode: 0`, Feishu `code: 0` (or the older `StatusCode: 0`); a generic receiver any 2xx.
    public static func accepted(_ kind: WebhookTarget.Kind, status: Int, body: [UInt8]) -> Bool {
        guard (200..<300).contains(status) else { return false }
        guard kind != .generic else { return true }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return false }
        let code = object["errcode"] ?? object["code"] ?? object["StatusCode"]
        return (code as? Int) == 0 || (code as? NSNumber)?.intValue == 0
    }
}
