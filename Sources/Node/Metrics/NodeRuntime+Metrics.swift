import Domain
import Foundation
import Replica
import ReplicaSync

extension DataDirectory {
    /// The running node's last metrics (Prometheus text), rewritten with `status.json`,
    /// so `meshdesk status --metrics` can print them with no HTTP server.
    public var metricsURL: URL { url.appendingPathComponent("metrics.prom") }
}

/// What the runtime remembers between two metrics publications.
struct RuntimeMetricsState {
    var previous: NodeMetrics.SyncSnapshot?
    /// Local commits seen at the first publication: counts start from the runtime's start.
    var localSeqBase: UInt64?
}

extension NodeRuntime {
    /// The replica gauges (file size, open tickets, SLA breaches) are refreshed at most this
    /// often: the ticket report reads every open ticket, and it runs on the core's loop.
    static let replicaGaugesInterval = Duration.seconds(15)

    /// Advances the counters by what the core did since the last call, sets the sync gauges
    /// from the status just computed, and rewrites `metrics.prom`. Called with the status
    /// file, every `status_interval_ms`.
    func publishMetrics(_ status: RuntimeStatus) {
        let s = state.value
        let metrics = NodeMetrics.shared
        let stats = s.sync?.stats ?? SyncCoreStats()
        let lastLocalSeq = s.core.lastLocalSeq
        var snapshot = NodeMetrics.SyncSnapshot()
        snapshot.appliedFromPeers = stats.batchesApplied
        snapshot.duplicates = stats.batchesDuplicate
        snapshot.buffered = stats.batchesBuffered
        let base = s.metricsState.localSeqBase ?? lastLocalSeq
        s.metricsState.localSeqBase = base
        snapshot.localCommits = lastLocalSeq >= base ? Int(lastLocalSeq - base) : 0
        snapshot.originLag = status.origin_lag.map { ($0.origin, $0.held, $0.lag) }
        snapshot.peerSessions = status.peers.map(\.session)
        snapshot.peerMemberships = status.peers.map(\.membership)
        snapshot.rosterEpoch = status.roster_epoch
        metrics.publish(snapshot, previous: s.metricsState.previous ?? NodeMetrics.SyncSnapshot())
        s.metricsState.previous = snapshot

        metrics.refreshReplica(store: store, directory: DataDirectory(path: config.dataDirectory),
                               now: NodeMetrics.hospitalTime(millis: status.written_at_ms), logger: logger,
                               minimumInterval: Self.replicaGaugesInterval)
        do {
            try DataDirectory.writePrivately(Data(metrics.text().utf8), to: DataDirectory(path: config.dataDirectory).metricsURL)
        } catch {
            logger.warning("could not write metrics.prom", metadata: ["error": "\(error)"])
        }
    }
}

extension NodeMetrics {
    /// China Standard Time, no daylight saving: the hospital's local time, in which SLA
    /// clocks and duty calendars run (as the server's `WallClock`).
    public static let hospitalOffsetMinutes = 8 * 60

    public static func hospitalTime(millis: UInt64) -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: Int(millis / 60_000) + hospitalOffsetMinutes)
    }
}
