import Foundation
import Replica
import Security
import Storage
import Testing
@testable import Domain
@testable import Node

/// One sample line of the Prometheus text format: `name{k="v",…} value`.
struct PrometheusSample: Hashable {
    let name: String
    let labels: [String: String]
    let value: Double

    /// Parses the exposition strictly: every line is a `# TYPE`/`# HELP` comment or a sample
    /// whose family was typed before it; anything else fails the test.
    static func parse(_ text: String) throws -> (samples: [PrometheusSample], types: [String: String]) {
        var samples: [PrometheusSample] = []
        var types: [String: String] = [:]
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/
        let label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw FormatError(line: String(line))
                }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let match = try sample.wholeMatch(in: String(line)), let value = Double(match.3) else {
                throw FormatError(line: String(line))
            }
            var labels: [String: String] = [:]
            if let body = match.2 {
                for l in String(body).matches(of: label) { labels[String(l.1)] = String(l.2) }
            }
            guard types[String(match.1)] != nil else { throw FormatError(line: "untyped sample: \(line)") }
            samples.append(PrometheusSample(name: String(match.1), labels: labels, value: value))
        }
        return (samples, types)
    }

    struct FormatError: Error { let line: String }
}

extension Array where Element == PrometheusSample {
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        first { $0.name == name && $0.labels == labels }?.value
    }
}

@Suite("Node metrics in Prometheus text format")
struct NodeMetricsTests {
    @Test func theExpositionIsValidTextFormatWithEveryFamilyTyped() throws {
        let metrics = NodeMetrics.standalone()
        var snapshot = NodeMetrics.SyncSnapshot()
        snapshot.appliedFromPeers = 12
        snapshot.localCommits = 3
        snapshot.originLag = [("0a1b/1", 40, 5), ("0c2d/2", 7, 0)]
        snapshot.peerSessions = ["established", "established", "backoff"]
        snapshot.peerMemberships = ["alive", "alive", "suspect"]
        snapshot.rosterEpoch = 4
        metrics.publish(snapshot, previous: NodeMetrics.SyncSnapshot())
        metrics.setTickets([("EAST", .ownBreached, 2), ("EAST", .onTrack, 5), ("MAIN", .resolveBreached, 1), ("EAST", .resolveBreached, 1)])

        let (samples, types) = try PrometheusSample.parse(metrics.text())
        #expect(types[NodeMetrics.Name.batchesApplied] == "counter")
        #expect(types[NodeMetrics.Name.originLag] == "gauge")
        #expect(samples.value(NodeMetrics.Name.batchesApplied, ["source": "peer"]) == 12)
        #expect(samples.value(NodeMetrics.Name.batchesApplied, ["source": "local"]) == 3)
        #expect(samples.value(NodeMetrics.Name.originLag, ["origin": "0a1b/1"]) == 5)
        #expect(samples.value(NodeMetrics.Name.originHeld, ["origin": "0a1b/1"]) == 40)
        #expect(samples.value(NodeMetrics.Name.peersBySession, ["state": "established"]) == 2)
        #expect(samples.value(NodeMetrics.Name.peersBySession, ["state": "backoff"]) == 1)
        #expect(samples.value(NodeMetrics.Name.peersBySession, ["state": "idle"]) == 0)
        #expect(samples.value(NodeMetrics.Name.peersByMembership, ["state": "suspect"]) == 1)
        #expect(samples.value(NodeMetrics.Name.rosterEpoch) == 4)
        #expect(samples.value(NodeMetrics.Name.slaBreaches, ["campus": "EAST"]) == 3)
        #expect(samples.value(NodeMetrics.Name.slaBreaches, ["campus": "MAIN"]) == 1)
        #expect(samples.value(NodeMetrics.Name.ticketsOpen, ["campus": "EAST", "sla": "on_track"]) == 5)
    }

    @Test func countersAdvanceByTheDifferenceAndGaugesFollowTheLatestState() throws {
        let metrics = NodeMetrics.standalone()
        var first = NodeMetrics.SyncSnapshot()
        first.appliedFromPeers = 10
        first.peerSessions = ["established", "established"]
        metrics.publish(first, previous: NodeMetrics.SyncSnapshot())
        var second = first
        second.appliedFromPeers = 25
        second.peerSessions = ["established", "idle"]
        metrics.publish(second, previous: first)
        metrics.setTickets([("EAST", .ownBreached, 2)])
        metrics.setTickets([])  // the breached tickets were closed

        let samples = try PrometheusSample.parse(metrics.text()).samples
        #expect(samples.value(NodeMetrics.Name.batchesApplied, ["source": "peer"]) == 25)
        #expect(samples.value(NodeMetrics.Name.peersBySession, ["state": "established"]) == 1)
        #expect(samples.value(NodeMetrics.Name.peersBySession, ["state": "idle"]) == 1)
        #expect(samples.value(NodeMetrics.Name.slaBreaches, ["campus": "EAST"]) == 0)
    }

    @Test func originGaugesAreBoundedAndTheRestFoldIntoOther() throws {
        let metrics = NodeMetrics.standalone()
        var snapshot = NodeMetrics.SyncSnapshot()
        snapshot.originLag = (0..<(NodeMetrics.originGaugesMax + 10)).map { ("o\($0)", 1, 2) }
        metrics.publish(snapshot, previous: NodeMetrics.SyncSnapshot())
        let samples = try PrometheusSample.parse(metrics.text()).samples
        #expect(samples.filter { $0.name == NodeMetrics.Name.originLag }.count == NodeMetrics.originGaugesMax + 1)
        #expect(samples.value(NodeMetrics.Name.originLag, ["origin": "other"]) == 20)
    }

    /// The real runtime: batches pushed by a peer move `meshdesk_batches_applied_total`,
    /// a refused one moves `meshdesk_batches_refused_total{reason}` (through swift-metrics),
    /// and the status gauges follow. The process-wide registry is shared with other tests,
    /// so counters are compared before and after.
    @Test func aRuntimeMovesTheCountersOfTheProcessRegistry() throws {
        let metrics = NodeMetrics.shared
        let harness = try NodeHarness()
        func publish() throws {
            try harness.runtime.loop.submit { [runtime = harness.runtime] in
                runtime.publishMetrics(runtime.runtimeStatus())
            }.wait()
        }
        try publish()
        let before = try PrometheusSample.parse(metrics.text()).samples
        for batch in try NodeHarness.batches(by: harness.peer, count: 4) { try harness.push(batch, from: harness.peer.site) }
        // A batch whose signature does not verify.
        let honest = try NodeHarness.batches(by: harness.other, count: 1)[0]
        var forged = honest.signature
        forged[0] ^= 0xFF
        try harness.push(SealedBatch(header: honest.header, body: honest.body, signature: forged), from: harness.other.site)
        try publish()
        let after = try PrometheusSample.parse(metrics.text()).samples

        let applied = NodeMetrics.Name.batchesApplied
        #expect((after.value(applied, ["source": "peer"]) ?? 0) - (before.value(applied, ["source": "peer"]) ?? 0) >= 4)
        let refused = after.filter { $0.name == NodeMetrics.Name.batchesRefused }.reduce(0) { $0 + $1.value }
        let refusedBefore = before.filter { $0.name == NodeMetrics.Name.batchesRefused }.reduce(0) { $0 + $1.value }
        #expect(refused - refusedBefore >= 1)
        #expect(after.value(NodeMetrics.Name.rosterEpoch) == 1)
        #expect(after.contains { $0.name == NodeMetrics.Name.peersBySession })
        let peerOrigin = Origin(site: harness.peer.site, epoch: 1).description
        #expect(after.value(NodeMetrics.Name.originHeld, ["origin": peerOrigin]) == 4)
    }

    @Test func replicaGaugesReadFileSizeAndSLABreachesFromTheStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let directory = DataDirectory(path: dir.path)
        let identity = try directory.prepareIdentity(logger: NodeHarness.logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: NodeHarness.logger)
        let metrics = NodeMetrics.standalone()
        let now = NodeMetrics.hospitalTime(millis: 1_780_000_000_000)
        #expect(metrics.refreshReplica(store: store, directory: directory, now: now, logger: NodeHarness.logger, minimumInterval: .seconds(60)))
        // Inside the interval the report is not run again.
        #expect(!metrics.refreshReplica(store: store, directory: directory, now: now, logger: NodeHarness.logger, minimumInterval: .seconds(60)))
        let samples = try PrometheusSample.parse(metrics.text()).samples
        #expect((samples.value(NodeMetrics.Name.replicaFileBytes, ["file": "db"]) ?? 0) > 0)
        #expect(samples.value(NodeMetrics.Name.replicaBatches) == 0)
    }
}
