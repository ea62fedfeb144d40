import Domain
import Node

/// 节点状态 — this node's replica (site, epoch, version vector, quarantined origins) and
/// the cluster as the running node last reported it (peers, sessions, lag per campus).
extension Dashboard {
    func statusPage(_ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let status = try NodeStatus(store: department.store, directory: api.directory)
        let vector: [HTML] = status.versionVector.map { "<tr><td>\($0.site)</td><td>\(Int($0.epoch))</td><td>\(Int($0.seq))</td></tr>" }
        let quarantined = status.quarantinedOrigins.isEmpty ? lang.pick("无", "none") : status.quarantinedOrigins.joined(separator: ", ")
        return layout.page(title: lang.pick("节点状态", "Node status"), """
            <h2>\(lang.pick("集群", "Cluster"))</h2>\(clusterSection(try api.clusterHealth(), lang, detailed: true))
            <h2>\(lang.pick("通知发件箱", "Notification outbox"))</h2>\(outboxSection(lang))
            <h2>\(lang.pick("本地副本", "Local replica"))</h2>
            <table>
            <tr><th>\(lang.pick("站点", "Site"))</th><td>\(status.site) (\(lang.pick("名册版本", "roster epoch")) \(Int(status.epoch)))</td></tr>
            <tr><th>\(lang.pick("数据版本", "Schema version"))</th><td>\(Int(status.schemaVersion))</td></tr>
            <tr><th>\(lang.pick("批次", "Batches"))</th><td>\(Int(status.batches))</td></tr>
            <tr><th>\(lang.pick("行数", "Rows"))</th><td>\(status.materialisedRows)</td></tr>
            <tr><th>\(lang.pick("状态摘要", "State digest"))</th><td>\(status.stateDigest)</td></tr>
            <tr><th>\(lang.pick("冲突", "Conflicts"))</th><td>\(status.conflicts)</td></tr>
            <tr><th>\(lang.pick("隔离的来源", "Quarantined origins"))</th><td>\(quarantined)</td></tr>
            </table>
            <h2>\(lang.pick("版本向量", "Version vector"))</h2>
            <table><tr><th>\(lang.pick("来源站点", "Origin site"))</th><th>\(lang.pick("名册版本", "Epoch"))</th><th>\(lang.pick("批次序号", "Sequence"))</th></tr>\(vector)</table>
            """)
    }

    /// The cluster as the status file tells it; says so plainly when there is none.
    func clusterSection(_ health: ClusterHealthView, _ lang: Language, detailed: Bool) -> HTML {
        let quarantined: HTML = health.quarantinedOrigins.isEmpty
            ? "<span class=\"ok\">\(lang.pick("无隔离的来源", "no quarantined origin"))</span>"
            : "<span class=\"bad\">\(lang.pick("隔离的来源", "quarantined origins")): \(health.quarantinedOrigins.joined(separator: ", "))</span>"
        switch health.node {
        case "missing":
            return """
                <p class="bad">\(lang.pick("节点未运行：没有状态文件（仅提供本地副本的数据，不与其他院区同步）。", "Node not running: no status file (this server shows the local replica only and does not sync)."))</p><p>\(quarantined)</p>
                """
        case "stale":
            return """
                <p class="bad">\(lang.pick("节点未运行：状态文件已过期，最后更新于", "Node not running: its status file is stale, last written")) \(health.writtenAt ?? "")</p><p>\(quarantined)</p>
                """
        default: break
        }
        // Equal vectors, different data: the one failure sync cannot repair, so it is
        // shown even in the dashboard's summary.
        let divergences: [HTML] = health.stateDivergences.map { d in
            """
            <p class="bad">\(lang.pick("数据分歧", "State divergence")): \(lang.pick("与", "with")) \(d.campus.isEmpty ? d.site : d.campus) \
            \(lang.pick("版本向量相同而数据不同", "equal version vectors, different data")) · \(lang.pick("次数", "times")) \(d.count) · \
            \(lang.pick("首次", "first")) \(d.firstAt) · \(lang.pick("最近", "last")) \(d.lastAt) · \
            \(lang.pick("请用 meshdesk verify 核对两个副本", "compare the two replicas with meshdesk verify"))</p>
            """
        }
        let reachable = health.peers.filter(\.reachable).count
        let behind = health.campusLag.map(\.lag).reduce(0, +)
        let summary: HTML = """
            <p>\(lang.pick("节点运行中", "Node running")) · \(health.campus ?? "") \(health.listen ?? "") · \(lang.pick("最后同步报告", "last sync report")) \(health.writtenAt ?? "") · \
            \(lang.pick("可达对等节点", "reachable peers")) <span class="\(reachable == health.peers.count ? HTML("ok") : HTML("bad"))">\(reachable)/\(health.peers.count)</span> · \
            \(lang.pick("落后批次", "batches behind")) <span class="\(behind == 0 ? HTML("ok") : HTML("warn"))">\(String(behind))</span></p><p>\(quarantined)</p>\(divergences)
            """
        guard detailed else { return summary }
        let peers: [HTML] = health.peers.map { p in
            let state: HTML = p.reachable ? "<span class=\"ok\">\(lang.pick("可达", "reachable"))</span>" : "<span class=\"bad\">\(lang.pick("不可达", "unreachable"))</span>"
            return "<tr><td>\(p.campus)</td><td>\(p.site)</td><td>\(p.address)</td><td>\(p.membership)</td><td>\(p.session)</td><td>\(state)\(p.revoked ? HTML(" (revoked)") : "")</td></tr>"
        }
        let lag: [HTML] = health.campusLag.map { l in
            "<tr><td>\(l.campus)</td><td>\(l.origins)</td><td>\(String(l.held))</td><td>\(String(l.seen))</td><td\(l.lag > 0 ? HTML(" class=\"warn\"") : "")>\(String(l.lag))</td></tr>"
        }
        return """
            \(summary)
            <h3>\(lang.pick("对等节点", "Peers"))</h3>
            <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("站点", "Site"))</th><th>\(lang.pick("地址", "Address"))</th>\
            <th>\(lang.pick("成员状态", "Membership"))</th><th>\(lang.pick("会话", "Session"))</th><th>\(lang.pick("可达性", "Reachability"))</th></tr>\(peers)</table>
            <h3>\(lang.pick("各院区复制延迟", "Replication lag per campus"))</h3>
            <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("来源数", "Origins"))</th><th>\(lang.pick("已持有批次", "Batches held"))</th>\
            <th>\(lang.pick("已知最高批次", "Highest seen"))</th><th>\(lang.pick("落后", "Behind"))</th></tr>\(lag)</table>
            <p class="muted">\(lang.pick("会话", "Sessions")) \(health.sessionsEstablished ?? 0) / \(lang.pick("失败", "failed")) \(health.sessionsFailed ?? 0) · \
            \(lang.pick("发送", "sent")) \(health.bytesSent ?? 0) B · \(lang.pick("接收", "received")) \(health.bytesReceived ?? 0) B</p>
            """
    }
}
