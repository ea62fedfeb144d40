import Domain
import Foundation
import Node

/// 集群状态 — peers, reachability and sessions, replication lag per campus, quarantined
/// origins. The running node rewrites `<data>/status.json` (`Node.RuntimeStatus`) every
/// `status_interval_ms`; the server reads it through the Node API and says plainly when
/// there is none, or when it is stale (the node stopped, or this is `meshdesk web`
/// serving a data directory without a node).
struct ClusterHealthView: Codable, Sendable {
    struct Peer: Codable, Sendable {
        let campus, site, address, membership, session: String
        /// SWIM says alive and a session is up.
        let reachable: Bool
        let revoked: Bool
    }

    /// Batches of a campus's origins this node holds, the highest any peer told it
    /// exists, and the difference: how far this node is behind that campus.
    struct CampusLag: Codable, Sendable {
        let campus: String
        let origins: Int
        let held, seen, lag: UInt64
    }

    /// A peer whose data differed from ours at equal version vectors (China local time).
    struct StateDivergence: Codable, Sendable {
        let campus, site: String
        let count: Int
        let firstAt, lastAt: String
    }

    /// `running` (a fresh status file), `stale` (one older than `statusStaleMinutes`) or `missing`.
    let node: String
    /// When the node last wrote its status (China local time): its last report of sync.
    let writtenAt: String?
    let site, campus, listen: String?
    let rosterEpoch: UInt64?
    let peers: [Peer]
    let campusLag: [CampusLag]
    /// From the replica itself, so shown even without a running node.
    let quarantinedOrigins: [String]
    let sessionsEstablished, sessionsFailed, bytesSent, bytesReceived: Int?
    let refusals: [String: Int]
    /// Since the node started; empty when none (the expected case).
    let stateDivergences: [StateDivergence]

    var running: Bool { node == "running" }

    /// Reads the status file at `url`; `now` is the server's clock (China local time),
    /// `quarantined` the replica's quarantined origins.
    static func read(statusFile url: URL, now: LocalDateTime, staleMinutes: Int, quarantined: [String]) -> ClusterHealthView {
        guard let status = RuntimeStatus.read(from: url) else {
            return ClusterHealthView(node: "missing", writtenAt: nil, site: nil, campus: nil, listen: nil, rosterEpoch: nil, peers: [],
                                     campusLag: [], quarantinedOrigins: quarantined, sessionsEstablished: nil, sessionsFailed: nil,
                                     bytesSent: nil, bytesReceived: nil, refusals: [:], stateDivergences: [])
        }
        func local(_ millis: UInt64) -> LocalDateTime {
            LocalDateTime(minutesSinceEpoch: Int(millis / 60_000) + WallClock.chinaOffsetMinutes)
        }
        let written = local(status.written_at_ms)
        let fresh = abs(now.minutesSinceEpoch - written.minutesSinceEpoch) <= staleMinutes
        let peers = status.peers.map {
            Peer(campus: $0.campus, site: $0.site, address: $0.address, membership: $0.membership, session: $0.session,
                 reachable: fresh && $0.membership == "alive" && $0.session == "established", revoked: $0.revoked)
        }
        var campusOfSite = Dictionary(status.peers.filter { !$0.campus.isEmpty }.map { ($0.site, $0.campus) }, uniquingKeysWith: { a, _ in a })
        campusOfSite[status.site] = status.campus
        var lag: [String: (origins: Int, held: UInt64, seen: UInt64, lag: UInt64)] = [:]
        for origin in status.origin_lag {
            let site = String(origin.origin.prefix { $0 != "/" })
            let campus = campusOfSite[site] ?? "? \(site)"
            var entry = lag[campus] ?? (0, 0, 0, 0)
            entry.origins += 1
            entry.held += origin.held
            entry.seen += origin.seen
            entry.lag += origin.lag
            lag[campus] = entry
        }
        return ClusterHealthView(
            node: fresh ? "running" : "stale", writtenAt: written.description, site: status.site, campus: status.campus,
            listen: status.listen, rosterEpoch: status.roster_epoch, peers: peers,
            campusLag: lag.keys.sorted().map { key in
                let e = lag[key]!
                return CampusLag(campus: key, origins: e.origins, held: e.held, seen: e.seen, lag: e.lag)
            },
            quarantinedOrigins: quarantined, sessionsEstablished: status.sessions_established, sessionsFailed: status.sessions_failed,
            bytesSent: status.bytes_sent, bytesReceived: status.bytes_received, refusals: status.refusals,
            stateDivergences: (status.state_divergences ?? []).map {
                StateDivergence(campus: $0.campus, site: $0.site, count: $0.count, firstAt: local($0.first_at_ms).description,
                                lastAt: local($0.last_at_ms).description)
            })
    }
}

extension APIRoutes {
    func clusterHealth() throws -> ClusterHealthView {
        ClusterHealthView.read(statusFile: directory.statusURL, now: now, staleMinutes: configuration.statusStaleMinutes,
                               quarantined: try department.store.quarantinedOrigins().map(\.description))
    }
}
