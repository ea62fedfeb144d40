import Foundation
import Logging
import NIOCore
import NIOPosix
import Replica
import Security
import Storage

/// RTO of `meshdesk rebuild` (docs/performance.md, "Recovery"): a source node holding
/// `changes` changes serves its snapshot from a real `NodeRuntime` on 127.0.0.1; a wiped
/// node receives it through the real session (SHS, secretstream, credit), checks it and
/// installs it into a fresh replica file. RTO = transfer + check + install + new epoch.
public struct RebuildBenchmark: Sendable {
    public var changes = 1_000_000
    public var changesPerBatch = 1_000

    public init() {}

    public struct Figures: Codable, Sendable {
        public var changes = 0
        public var batch_changes = 0
        public var batches: UInt64 = 0
        public var source_replica_mib = 0.0
        public var snapshot_mib = 0.0
        public var rows: UInt64 = 0
        public var build_s = 0.0
        public var transfer_s = 0.0
        public var check_install_s = 0.0
        public var rto_s = 0.0
        public var transfer_mib_per_s = 0.0
        public var digests_equal = false
        public var target_rto_s = 60.0
    }

    public func run(directory: URL, progress: @escaping @Sendable (String) -> Void) async throws -> Figures {
        var figures = Figures()
        figures.changes = changes
        figures.batch_changes = changesPerBatch
        let logger = Logger(label: "bench-rebuild", factory: { _ in SwiftLogNoOpLogHandler() })
        try? FileManager.default.removeItem(at: directory)
        let sourceDir = DataDirectory(path: directory.appendingPathComponent("source").path)
        let targetDir = DataDirectory(path: directory.appendingPathComponent("target").path)
        let source = try sourceDir.prepareIdentity(logger: logger)
        let target = try targetDir.prepareIdentity(logger: logger)

        progress("writing \(changes) changes in batches of \(changesPerBatch)")
        let built = Date()
        do {
            let store = try sourceDir.openReplica(identity: source, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: SystemClock(), logger: logger)
            _ = try DutyLogLoad.write(into: store, campus: "MAIN", count: changes, perBatch: changesPerBatch)
            figures.batches = try store.versionVector().batchCount
        }
        figures.build_s = Date().timeIntervalSince(built)
        figures.source_replica_mib = Double(fileSize(sourceDir.replicaURL.path)) / 1_048_576

        let port = try await freePort()
        let admin = SigningIdentity()
        let sourceMember = MembershipRoster.Member(campusCode: "MAIN", campusName: "source", publicKey: source.publicKey,
                                                   addresses: ["127.0.0.1:\(port)"], validity: .always)
        let targetMember = MembershipRoster.Member(campusCode: "EAST", campusName: "target", publicKey: target.publicKey,
                                                   addresses: ["127.0.0.1:1"], validity: .always)
        let roster = try MembershipRoster(epoch: 1, clusterName: "bench", members: [sourceMember, targetMember])
        let signed = SignedRoster(signing: roster, admin: admin)
        let networkKey = NetworkKey.generate()
        var config = NodeConfig()
        config.listen = "127.0.0.1:\(port)"
        config.dataDirectory = sourceDir.url.path
        let loops = NodeBoot.Loops()
        let runtime = try await NodeBoot.start(
            config: config, identity: source,
            cluster: NodeBoot.Cluster(networkKey: networkKey, adminKey: admin.publicKey, signedRoster: signed, roster: roster),
            loops: loops, logger: logger, seed: 1)
        let files = ClusterFiles(networkKey: networkKey, adminKey: admin.publicKey, signedRoster: signed, roster: roster)
        progress("rebuilding over 127.0.0.1:\(port)")
        let report: NodeRebuild.Report
        do {
            report = try await NodeRebuild.rebuild(from: sourceMember, identity: target, files: files, directory: targetDir,
                                                   logger: logger) { p in
                if let f = p.fraction { progress("  \(Int(f * 100))% \(p.bytes >> 20) MiB") }
            }
        } catch {
            await runtime.stop()
            await loops.shutdown()
            throw error
        }
        await runtime.stop()
        await loops.shutdown()
        figures.rows = report.rows
        figures.snapshot_mib = Double(report.bytes) / 1_048_576
        figures.transfer_s = report.transferSeconds
        figures.check_install_s = report.installSeconds
        figures.rto_s = report.transferSeconds + report.installSeconds
        figures.transfer_mib_per_s = figures.snapshot_mib / max(report.transferSeconds, 1e-9)
        progress("comparing digests")
        let a = try sourceDir.openReplica(identity: source, schema: NodeSchema.current, keyRing: KeyRing(), clock: SystemClock(), logger: logger)
        let b = try targetDir.openReplica(identity: target, schema: NodeSchema.current, keyRing: KeyRing(), clock: SystemClock(), logger: logger)
        figures.digests_equal = try a.stateDigest() == b.stateDigest()
        return figures
    }

    private func fileSize(_ path: String) -> UInt64 {
        ["", "-wal"].reduce(0) { sum, suffix in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.uint64Value ?? 0)
        }
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound and released).
    private func freePort() async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        try await group.shutdownGracefully()
        return port
    }
}
