import Foundation
import Logging
import Replica
import Security
import Storage
import Synchronization
import Sync

/// `meshdesk bench sync`: sync over real loopback TCP (handshake, secretstream, NIO).
///
/// - catch-up: a node holding `catchupChanges` changes (in batches of `changesPerBatch`)
///   and a fresh node started as a **separate `meshdesk serve` process**, so its peak
///   RSS (VmHWM) is its own. The rate is taken from the receiver's first applied batch
///   to its last (process start and the first gossip round are excluded, and reported).
/// - wire overhead: bytes both ways on the source's sockets during catch-up ÷ the
///   encoded size of the batches moved.
/// - idle bytes per peer round: once in sync, bytes both ways on one node's sockets ÷
///   the anti-entropy rounds in the window (SWIM pings included).
/// - propagation: `propagationNodes` in-process nodes, `propagationWrites` single-row
///   writes at one of them, time until each other node holds each write.
public struct SyncBenchmark {
    public struct Figures: Codable, Sendable {
        public var catchup_changes: Int
        public var catchup_batches: Int
        public var catchup_seconds: Double
        public var catchup_start_seconds: Double
        public var catchup_changes_per_s: Double
        public var receiver_peak_rss_mb: Double
        public var wire_overhead_ratio: Double
        public var idle_bytes_per_peer_round: Double
        public var propagation_nodes: Int
        public var propagation_writes: Int
        public var gossip_interval_ms: UInt64
        public var propagation_p50_ms: Double
        public var propagation_p99_ms: Double
        public var propagation_max_ms: Double
    }

    public var catchupChanges = 200_000
    public var changesPerBatch = 100
    public var propagationNodes = 5
    public var propagationWrites = 1_000
    public var writeSpacingMillis = 5
    public var gossipIntervalMillis: UInt64 = 500
    public var idleWindowMillis: UInt64 = 5_000
    /// The `meshdesk` executable, for the receiver process.
    public var executable: String

    public init(executable: String) { self.executable = executable }

    final class Cluster: Sendable {
        let admin = SigningIdentity()
        let networkKey = NetworkKey.generate()
        let identities: [SigningIdentity]
        let ports: [Int]
        let signed: SignedRoster
        let roster: MembershipRoster

        init(nodes: Int, basePort: Int) throws {
            identities = (0..<nodes).map { _ in SigningIdentity() }
            ports = (0..<nodes).map { basePort + $0 }
            let members = zip(identities, ports).enumerated().map { i, pair in
                MembershipRoster.Member(campusCode: "N\(i)", campusName: "bench \(i)", publicKey: pair.0.publicKey,
                                        addresses: ["127.0.0.1:\(pair.1)"], validity: .always)
            }
            roster = try MembershipRoster(epoch: 1, clusterName: "bench", members: members)
            signed = SignedRoster(signing: roster, admin: admin)
        }

        var boot: NodeBoot.Cluster {
            NodeBoot.Cluster(networkKey: networkKey, adminKey: admin.publicKey, signedRoster: signed, roster: roster)
        }

        func config(_ i: Int, directory: URL, gossip: UInt64) -> NodeConfig {
            var config = NodeConfig()
            config.campusCode = "N\(i)"
            config.listen = "127.0.0.1:\(ports[i])"
            config.dataDirectory = directory.appendingPathComponent("n\(i)").path
            config.gossipIntervalMillis = gossip
            config.pollIntervalMillis = 50
            return config
        }
    }

    public func run(directory: URL, progress: (String) -> Void = { _ in }) async throws -> Figures {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let basePort = 30_000 + Int(getpid() % 5_000) * 4

        // MARK: catch-up to a fresh node in another process
        let pair = try Cluster(nodes: 2, basePort: basePort)
        let sourceConfig = pair.config(0, directory: directory, gossip: 200)
        let receiverConfig = pair.config(1, directory: directory, gossip: 200)
        progress("writing \(catchupChanges) changes at the source")
        let loops = NodeBoot.Loops()
        let source = try await NodeBoot.start(config: sourceConfig, identity: pair.identities[0], cluster: pair.boot,
                                              loops: loops, logger: logger)
        _ = try DutyLogLoad.write(into: source.store, campus: "N0", count: catchupChanges, perBatch: changesPerBatch)
        try await Task.sleep(for: .milliseconds(300))  // the poll announces them; nobody is listening yet
        let total = try source.store.versionVector()
        var batchBytes = 0
        var vector = VersionVector()
        while true {
            let chunk = try source.store.batches(after: vector, limit: ChunkLimit(batchesMax: 1_000, bytesMax: 256 << 20))
            guard !chunk.isEmpty else { break }
            for b in chunk { batchBytes += BatchCharge.encodedByteCount(b); vector[b.header.origin] = b.header.seq }
        }
        try writeNodeFiles(pair, index: 1, config: receiverConfig)
        progress("catch-up: \(total.batchCount) batches to a fresh `meshdesk serve` process")
        let wireBefore = source.counters.bytesSent.load(ordering: .relaxed) + source.counters.bytesReceived.load(ordering: .relaxed)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data-dir", receiverConfig.dataDirectory, "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        let started = ContinuousClock.now
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = try ReplicaStore.open(path: DataDirectory(path: receiverConfig.dataDirectory).replicaURL.path,
                                           schema: NodeSchema.current, signer: pair.identities[1], verifier: KeyRing(),
                                           hasher: Blake2b(), clock: SystemClock(), logger: logger)
        var firstProgress: ContinuousClock.Instant?
        var firstCount: UInt64 = 0
        var peakRSS = 0.0
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            let held = (try? reader.versionVector().batchCount) ?? 0
            peakRSS = max(peakRSS, Self.peakRSSMegabytes(pid: process.processIdentifier))
            if held > 0 && firstProgress == nil { firstProgress = .now; firstCount = held }
            if held >= total.batchCount { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let finished = ContinuousClock.now
        let caughtUp = try reader.versionVector().covers(total)
        precondition(caughtUp, "catch-up did not finish in time")
        let wire = source.counters.bytesSent.load(ordering: .relaxed) + source.counters.bytesReceived.load(ordering: .relaxed) - wireBefore
        peakRSS = max(peakRSS, Self.peakRSSMegabytes(pid: process.processIdentifier))
        let streamed = Double(total.batchCount - firstCount) / Double(total.batchCount) * Double(catchupChanges)
        let streamSeconds = Self.seconds(finished - (firstProgress ?? started))

        // MARK: idle traffic once in sync
        progress("idle: \(idleWindowMillis) ms in sync")
        try await Task.sleep(for: .milliseconds(Int(sourceConfig.gossipIntervalMillis) * 3))
        let idleBefore = source.counters.bytesSent.load(ordering: .relaxed) + source.counters.bytesReceived.load(ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(Int(idleWindowMillis)))
        let idleBytes = source.counters.bytesSent.load(ordering: .relaxed) + source.counters.bytesReceived.load(ordering: .relaxed) - idleBefore
        // Each node starts one round per interval with its one peer: two peer rounds per
        // interval cross the source's socket.
        let idleRounds = 2 * Double(idleWindowMillis) / Double(sourceConfig.gossipIntervalMillis)
        process.terminate()
        process.waitUntilExit()
        await source.stop()
        await loops.shutdown()

        // MARK: propagation
        progress("propagation: \(propagationWrites) writes at one of \(propagationNodes) nodes")
        let (p50, p99, pmax) = try await propagation(directory: directory.appendingPathComponent("propagation"),
                                                     basePort: basePort + 2, logger: logger)
        return Figures(
            catchup_changes: catchupChanges, catchup_batches: Int(total.batchCount),
            catchup_seconds: Self.seconds(finished - started),
            catchup_start_seconds: Self.seconds((firstProgress ?? started) - started),
            catchup_changes_per_s: streamed / streamSeconds, receiver_peak_rss_mb: peakRSS,
            wire_overhead_ratio: Double(wire) / Double(batchBytes),
            idle_bytes_per_peer_round: Double(idleBytes) / idleRounds,
            propagation_nodes: propagationNodes, propagation_writes: propagationWrites, gossip_interval_ms: gossipIntervalMillis,
            propagation_p50_ms: p50, propagation_p99_ms: p99, propagation_max_ms: pmax)
    }

    func propagation(directory: URL, basePort: Int, logger: Logger) async throws -> (Double, Double, Double) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = try Cluster(nodes: propagationNodes, basePort: basePort)
        // Each node its own loops, as in separate processes: one shared core loop would
        // queue every node's fsync'd applies behind one another.
        let loopsPerNode = (0..<propagationNodes).map { _ in NodeBoot.Loops() }
        var nodes: [NodeRuntime] = []
        for i in 0..<propagationNodes {
            nodes.append(try await NodeBoot.start(config: cluster.config(i, directory: directory, gossip: gossipIntervalMillis),
                                                  identity: cluster.identities[i], cluster: cluster.boot, loops: loopsPerNode[i],
                                                  logger: logger))
        }
        let writer = nodes[0]
        let origin = try writer.store.currentOrigin()
        let writes = propagationWrites
        // arrival[node][seq] = ms since the run started; written[seq] likewise.
        let clock = ContinuousClock()
        let zero = clock.now
        let arrivals = Mutex([[Double]](repeating: [Double](repeating: -1, count: writes + 1), count: propagationNodes))
        for (i, node) in nodes.enumerated().dropFirst() {
            let seen = Mutex<UInt64>(0)
            node.observeVector { vector in
                let held = min(vector[origin], UInt64(writes))
                let previous = seen.withLock { s in defer { s = max(s, held) }; return s }
                guard held > previous else { return }
                let at = Self.seconds(clock.now - zero) * 1000
                arrivals.withLock { a in for seq in Int(previous + 1)...Int(held) { a[i][seq] = at } }
            }
        }
        // Let membership settle: every node sees every other alive.
        try await Task.sleep(for: .seconds(3))
        var written = [Double](repeating: 0, count: writes + 1)
        for seq in 1...writes {
            written[seq] = Self.seconds(clock.now - zero) * 1000
            try writer.write { tx in
                try DutyLogLoad.record(in: tx, campus: "N0", index: seq, text: "propagation #\(seq)")
            }
            try await Task.sleep(for: .milliseconds(writeSpacingMillis))
        }
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, arrivals.withLock({ a in a.dropFirst().contains { $0[writes] < 0 } }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        var delays: [Double] = []
        arrivals.withLock { a in
            for i in 1..<a.count { for seq in 1...writes { delays.append(a[i][seq] < 0 ? .infinity : a[i][seq] - written[seq]) } }
        }
        if ProcessInfo.processInfo.environment["MESHDESK_BENCH_DEBUG"] != nil {
            for node in nodes {
                let status = try await node.loop.submit { node.runtimeStatus() }.get()
                print(node.config.campusCode, status.refusals, status.peers.map { "\($0.campus):\($0.membership)/\($0.session)" },
                      try await node.loop.submit { node.syncStats.map { "\($0)" } ?? "not started" }.get())
            }
        }
        for node in nodes { await node.stop() }
        for loops in loopsPerNode { await loops.shutdown() }
        delays.sort()
        func percentile(_ p: Double) -> Double { delays[min(delays.count - 1, Int(Double(delays.count) * p))] }
        return (percentile(0.50), percentile(0.99), delays.last ?? 0)
    }

    func writeNodeFiles(_ cluster: Cluster, index: Int, config: NodeConfig) throws {
        let dir = DataDirectory(path: config.dataDirectory).url
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try cluster.identities[index].save(to: config.path(config.identityKey))
        try cluster.networkKey.save(to: config.path(config.networkKey))
        try ClusterFiles.writePublicKey(cluster.admin.publicKey, to: config.path(config.adminPublicKey))
        try ClusterFiles.write(cluster.signed.encoded(), to: config.path(config.roster))
        try config.toml.write(to: dir.appendingPathComponent(NodeConfig.fileName), atomically: true, encoding: .utf8)
    }

    /// VmHWM of a process, in MiB (Linux); 0 elsewhere.
    static func peakRSSMegabytes(pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
