import Node

/// 节点状态 — this node's site, epoch, version vector and quarantined origins.
/// Peers, reachability and replication lag join when the sync engine reports them.
extension Dashboard {
    func statusPage(_ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let status = try NodeStatus(store: department.store, directory: api.directory)
        let vector: [HTML] = status.versionVector.map { "<tr><td>\($0.site)</td><td>\(Int($0.epoch))</td><td>\(Int($0.seq))</td></tr>" }
        let quarantined = status.quarantinedOrigins.isEmpty ? lang.pick("无", "none") : status.quarantinedOrigins.joined(separator: ", ")
        return layout.page(title: lang.pick("节点状态", "Node status"), """
            <table>
            <tr><th>\(lang.pick("站点", "Site"))</th><td>\(status.site) (epoch \(Int(status.epoch)))</td></tr>
            <tr><th>\(lang.pick("数据版本", "Schema version"))</th><td>\(Int(status.schemaVersion))</td></tr>
            <tr><th>\(lang.pick("批次", "Batches"))</th><td>\(Int(status.batches))</td></tr>
            <tr><th>\(lang.pick("行数", "Rows"))</th><td>\(status.materialisedRows)</td></tr>
            <tr><th>\(lang.pick("状态摘要", "State digest"))</th><td>\(status.stateDigest)</td></tr>
            <tr><th>\(lang.pick("冲突", "Conflicts"))</th><td>\(status.conflicts)</td></tr>
            <tr><th>\(lang.pick("隔离的来源", "Quarantined origins"))</th><td>\(quarantined)</td></tr>
            </table>
            <h2>\(lang.pick("版本向量", "Version vector"))</h2>
            <table><tr><th>\(lang.pick("来源站点", "Origin site"))</th><th>epoch</th><th>seq</th></tr>\(vector)</table>
            <p class="muted">\(lang.pick("对等节点、可达性与复制延迟将由同步模块提供。", "Peers, reachability and replication lag come with the sync engine."))</p>
            """)
    }
}
