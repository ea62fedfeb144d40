import Domain
import Foundation
import Logging
import Metrics
import Prometheus
import Storage
import Synchronization

/// The node's metrics in Prometheus text format (`GET /metrics`, `meshdesk status
/// --metrics`, `<data>/metrics.prom`).
///
/// Counters come from swift-metrics: `MetricsSystem` is bootstrapped once per process with
/// a Prometheus factory over `registry`, so the counters Transport and the runtime already
/// increment (`meshdesk_sessions_closed_total{reason}`, `meshdesk_batches_refused_total{reason}`,
/// `meshdesk_node_events_total{reason}` …) land here. Gauges describe a moment: the runtime
/// sets the sync ones (`publish`), and the replica ones (file size, open tickets and SLA
/// breaches) are read from the store when the text is rendered.
public final class NodeMetrics: Sendable {
    /// Metric names and their label keys, one place: the Prometheus registry stops the
    /// process if one name is registered as two types or with and without labels.
    public enum Name {
        public static let batchesApplied = "meshdesk_batches_applied_total"          // {source}
        public static let batchesDuplicate = "meshdesk_batches_duplicate_total"
        public static let batchesBuffered = "meshdesk_batches_buffered_total"
        public static let batchesRefused = "meshdesk_batches_refused_total"          // {reason}
        public static let sessionsClosed = "meshdesk_sessions_closed_total"          // {reason}
        public static let sessionsEstablished = "meshdesk_sessions_established_total"
        public static let nodeEvents = "meshdesk_node_events_total"                  // {reason}
        public static let originHeld = "meshdesk_origin_held_seq"                    // {origin}
        public static let originLag = "meshdesk_origin_lag_batches"                  // {origin}
        public static let peersBySession = "meshdesk_peers_by_session"               // {state}
        public static let peersByMembership = "meshdesk_peers_by_membership"         // {state}
        public static let rosterEpoch = "meshdesk_roster_epoch"
        public static let replicaBatches = "meshdesk_replica_batches"
        public static let replicaFileBytes = "meshdesk_replica_file_bytes"           // {file}
        public static let ticketsOpen = "meshdesk_tickets_open"                      // {campus, sla}
        public static let slaBreaches = "meshdesk_sla_breaches"                      // {campus}
        public static let scrapeErrors = "meshdesk_metrics_errors_total"             // {source}
    }

    /// Session states and membership states always emitted (0 when none), so a state
    /// that empties reads 0 instead of keeping its last value.
    public static let sessionStates = ["established", "connecting", "backoff", "idle", "closed"]
    public static let membershipStates = ["alive", "suspect", "dead", "unknown", "revoked"]
    /// Origins with a lag gauge. Origins are sites × epochs of a hospital's campuses (tens);
    /// beyond this the extra origins are summed into `origin="other"` so a misbehaving
    /// roster cannot grow the exposition without bound.
    public static let originGaugesMax = 256
    /// Distinct (campus, SLA state) pairs with a gauge; beyond, folded into `campus="other"`.
    public static let ticketGaugesMax = 512

    /// The process's metrics. The first use bootstraps `MetricsSystem` (a process may do
    /// that once); every later use returns the same registry.
    public static let shared: NodeMetrics = {
        let metrics = NodeMetrics(registry: PrometheusCollectorRegistry())
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        return metrics
    }()

    public let registry: PrometheusCollectorRegistry

    /// A registry of its own, not bootstrapped: what `meshdesk status --metrics` renders
    /// for a stopped node (replica gauges only), and tests of the format.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// A fresh registry of its own (callers need not import Prometheus).
    public static func standalone() -> NodeMetrics {
        NodeMetrics(registry: PrometheusCollectorRegistry())
    }

    // MARK: - Replica gauges

    /// Sets the gauges read from the replica: database and WAL file sizes, batches held,
    /// open tickets by campus and SLA state, and SLA breaches per campus at `now`
    /// (hospital local time). A failing read counts `meshdesk_metrics_errors_total` and
    /// leaves the last values: a scrape never fails because a report did.
    ///
    /// Refreshes at most once per `minimumInterval` (the ticket report reads every open
    /// ticket; a scraper or a busy dashboard must not make it run back to back); a call
    /// inside the interval keeps the last values and returns false.
    @discardableResult
    public func refreshReplica(store: ReplicaStore, directory: DataDirectory, now: LocalDateTime, logger: Logger,
                               minimumInterval: Duration = .seconds(5)) -> Bool {
        let due = lastReplicaRefresh.withLock { last in
            let instant = ContinuousClock.now, key = ObjectIdentifier(store)
            if let previous = last[key], instant < previous + minimumInterval { return false }
            if last.count >= Self.refreshedStoresMax { last.removeAll() }
            last[key] = instant
            return true
        }
        guard due else { return false }
        let replica = directory.replicaURL.path
        for (file, path) in [("db", replica), ("wal", replica + "-wal")] {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            gauge(Name.replicaFileBytes, [("file", file)]).set(size)
        }
        do {
            gauge(Name.replicaBatches).set(Int64(try store.versionVector().batchCount))
        } catch {
            failed("replica", error, logger)
        }
        do {
            let report = try Department(store: store).openTicketReport(at: now)
            setTickets(report.lines.map { (campus: $0.campus, sla: $0.sla, count: $0.count) })
        } catch {
            failed("tickets", error, logger)
        }
        return true
    }

    /// Last refresh per store (a process serves one replica; tests open several).
    private let lastReplicaRefresh = Mutex<[ObjectIdentifier: ContinuousClock.Instant]>([:])
    static let refreshedStoresMax = 16

    /// `meshdesk_tickets_open{campus,sla}` and `meshdesk_sla_breaches{campus}` (response or
    /// resolution target missed, tickets still open). Every state of a campus seen before
    /// is reset first, so a ticket closing moves the gauge back down.
    func setTickets(_ lines: [(campus: String, sla: SLAStatus.State, count: Int)]) {
        var open: [String: [SLAStatus.State: Int]] = [:]
        for line in lines {
            let campus = open.count >= Self.ticketGaugesMax / SLAStatus.State.allCases.count && open[line.campus] == nil
                ? "other" : line.campus
            open[campus, default: [:]][line.sla, default: 0] += line.count
        }
        let campuses = ticketCampuses.withLock { known in
            for campus in open.keys where known.count < Self.ticketGaugesMax / SLAStatus.State.allCases.count {
                known.insert(campus)
            }
            return known.union(open.keys)
        }
        for campus in campuses {
            let states = open[campus] ?? [:]
            for state in SLAStatus.State.allCases {
                gauge(Name.ticketsOpen, [("campus", campus), ("sla", state.rawValue)]).set(Int64(states[state] ?? 0))
            }
            let breached = (states[.ownBreached] ?? 0) + (states[.resolveBreached] ?? 0)
            gauge(Name.slaBreaches, [("campus", campus)]).set(Int64(breached))
        }
    }

    private let ticketCampuses = Mutex<Set<String>>([])

    // MARK: - Sync gauges (set by the runtime)

    /// What the runtime reports at each status interval: the counts it derives from the
    /// sync core's statistics, and the gauges of its status.
    public struct SyncSnapshot: Sendable {
        public var appliedFromPeers = 0
        public var duplicates = 0
        public var buffered = 0
        public var localCommits = 0
        public var originLag: [(origin: String, held: UInt64, lag: UInt64)] = []
        public var peerSessions: [String] = []
        public var peerMemberships: [String] = []
        public var rosterEpoch: UInt64 = 0

        public init() {}
    }

    /// Counts are running totals of this runtime; the counters advance by the difference
    /// from the last snapshot, so a scrape between two snapshots never sees a count go back.
    public func publish(_ snapshot: SyncSnapshot, previous: SyncSnapshot) {
        func advance(_ name: String, _ labels: [(String, String)], _ now: Int, _ before: Int) {
            if now > before { counter(name, labels).increment(by: Int64(now - before)) }
        }
        advance(Name.batchesApplied, [("source", "peer")], snapshot.appliedFromPeers, previous.appliedFromPeers)
        advance(Name.batchesApplied, [("source", "local")], snapshot.localCommits, previous.localCommits)
        advance(Name.batchesDuplicate, [], snapshot.duplicates, previous.duplicates)
        advance(Name.batchesBuffered, [], snapshot.buffered, previous.buffered)

        var other: (held: UInt64, lag: UInt64)?
        for (index, entry) in snapshot.originLag.enumerated() {
            if index >= Self.originGaugesMax {
                other = ((other?.held ?? 0) + entry.held, (other?.lag ?? 0) + entry.lag)
                continue
            }
            gauge(Name.originHeld, [("origin", entry.origin)]).set(Int64(clamping: entry.held))
            gauge(Name.originLag, [("origin", entry.origin)]).set(Int64(clamping: entry.lag))
        }
        if let other {
            gauge(Name.originHeld, [("origin", "other")]).set(Int64(clamping: other.held))
            gauge(Name.originLag, [("origin", "other")]).set(Int64(clamping: other.lag))
        }
        for (name, states, seen) in [(Name.peersBySession, Self.sessionStates, snapshot.peerSessions),
                                     (Name.peersByMembership, Self.membershipStates, snapshot.peerMemberships)] {
            for state in states {
                gauge(name, [("state", state)]).set(Int64(seen.filter { $0 == state }.count))
            }
            let unlisted = seen.filter { !states.contains($0) }.count
            if unlisted > 0 { gauge(name, [("state", "other")]).set(Int64(unlisted)) }
        }
        gauge(Name.rosterEpoch).set(Int64(clamping: snapshot.rosterEpoch))
    }

    // MARK: - Rendering

    /// The Prometheus text exposition (format 0.0.4) of everything registered.
    public func text() -> String {
        registry.emitToString()
    }

    /// The content type Prometheus expects for `text()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: - Helpers

    func gauge(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Gauge {
        labels.isEmpty ? registry.makeGauge(descriptor: .init(name)) : registry.makeGauge(descriptor: .init(name), labels: labels)
    }

    func counter(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Counter {
        labels.isEmpty ? registry.makeCounter(descriptor: .init(name)) : registry.makeCounter(descriptor: .init(name), labels: labels)
    }

    private func failed(_ source: String, _ error: any Error, _ logger: Logger) {
        counter(Name.scrapeErrors, [("source", source)]).increment()
        logger.warning("metrics: reading the replica failed", metadata: ["source": "\(source)", "error": "\(error)"])
    }
}

extension MetricNameDescriptor {
    /// A full metric name as it appears in the exposition. No help text: the counters
    /// swift-metrics registers carry none, and the registry requires one help per name.
    init(_ name: String) {
        self.init(metricName: name, unitName: "", helpText: "")
    }
}
