import Domain
import Foundation

/// 通知发件箱 on the node-status page: what this node's delivery service holds
/// (`<data-dir>/notification-outbox.json`, written by the service) — waiting, sent,
/// retried, refused, the dead letters with their last error — and the duplicates the
/// merged delivery records count. Webhook addresses show their host only: a robot's URL
/// carries its access token.
extension Dashboard {
    static let deadLettersShownMax = 50

    func outboxSection(_ lang: Language) -> HTML {
        let url = api.directory.url.appendingPathComponent("notification-outbox.json")
        let duplicates = ((try? department.deliveryRecords()) ?? []).map(\.duplicates).reduce(0, +)
        let dupes: HTML = "<p>\(lang.pick("分区期间重复发送", "Sent twice during a partition")): <span class=\"\(duplicates == 0 ? HTML("ok") : HTML("warn"))\">\(duplicates)</span></p>"
        guard let data = try? Data(contentsOf: url), let box = try? JSONDecoder().decode(Outbox.self, from: data) else {
            return "<p class=\"muted\">\(lang.pick("本节点的通知发送服务尚未写出发件箱。", "This node's delivery service has written no outbox yet."))</p>\(dupes)"
        }
        let dead: [HTML] = box.dead.suffix(Self.deadLettersShownMax).reversed().map { e in
            "<tr><td>\(lang.channelName(e.address.channel))</td><td>\(Self.shown(e.address))</td><td>\(e.item.number)</td><td>\(e.recipientName)</td><td>\(e.attempts)</td><td><code>\(e.lastError ?? "")</code></td></tr>"
        }
        let deadTable: HTML = dead.isEmpty ? "<p class=\"ok\">\(lang.pick("无失败投递", "No dead letters"))</p>" : """
            <table><tr><th>\(lang.pick("渠道", "Channel"))</th><th>\(lang.pick("地址", "Address"))</th><th>\(lang.pick("工单号", "Number"))</th>\
            <th>\(lang.pick("接收人", "Recipient"))</th><th>\(lang.pick("尝试次数", "Attempts"))</th><th>\(lang.pick("最后错误", "Last error"))</th></tr>\(dead)</table>
            """
        return """
            <p>\(lang.pick("待发送", "Waiting")) \(box.pending.count) · \(lang.pick("已发送", "sent")) \(box.sent) · \(lang.pick("重试", "retried")) \(box.retried) · \
            \(lang.pick("发件箱已满而拒收", "refused, outbox full")) \(box.refused) · \(lang.pick("失败投递", "dead letters")) <span class="\(box.dead.isEmpty ? HTML("ok") : HTML("bad"))">\(box.dead.count + box.deadDropped)</span></p>
            \(dupes)\(deadTable)
            """
    }

    static func shown(_ address: ChannelAddress) -> String {
        switch address {
        case .email(let mail): mail
        case .webhook(let target): URLComponents(string: target.url)?.host ?? "?"
        }
    }
}
