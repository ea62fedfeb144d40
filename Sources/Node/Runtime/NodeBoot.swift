import Foundation
import Logging
import NIOCore
import NIOPosix
import Replica
import Security
import Storage

/// Opens everything a node needs from its config and starts it.
public enum NodeBoot {
    /// The cluster material a node runs with. `nil` cluster files = a single node: it
    /// listens (with a random network key, so nobody can join) and keeps its replica.
    public struct Cluster: Sendable {
        public var networkKey: NetworkKey
        public var adminKey: PublicKey?
        public var signedRoster: SignedRoster?
        public var roster: MembershipRoster?

        public init(networkKey: NetworkKey, adminKey: PublicKey?, signedRoster: SignedRoster?, roster: MembershipRoster?) {
            self.networkKey = networkKey
            self.adminKey = adminKey
            self.signedRoster = signedRoster
            self.roster = roster
        }

        public static func load(_ config: NodeConfig, logger: Logger) throws -> Cluster {
            guard ClusterFiles.present(config) else {
                logger.notice("no cluster files (network key, admin key, roster): running as a single node")
                return Cluster(networkKey: .generate(), adminKey: nil, signedRoster: nil, roster: nil)
            }
            let files = try ClusterFiles.load(config)
            return Cluster(networkKey: files.networkKey, adminKey: files.adminKey, signedRoster: files.signedRoster,
                           roster: files.roster)
        }
    }

    /// Event loops of one node: one for sockets, one (separate) for the sync core.
    public struct Loops: Sendable {
        public let io: MultiThreadedEventLoopGroup
        public let core: MultiThreadedEventLoopGroup

        public init() {
            io = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            core = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        }

        public func shutdown() async {
            try? await io.shutdownGracefully()
            try? await core.shutdownGracefully()
        }
    }

    public static func start(config: NodeConfig, identity: SigningIdentity? = nil, cluster: Cluster? = nil,
                             loops: Loops, logger: Logger, seed: UInt64 = UInt64.random(in: .min ... .max)) async throws -> NodeRuntime {
        let directory = DataDirectory(path: config.dataDirectory)
        _ = NodeMetrics.shared  // swift-metrics → Prometheus, once per process, before any counter
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let identity = try identity ?? directory.prepareIdentity(logger: logger, keyPath: config.path(config.identityKey))
        let cluster = try cluster ?? Cluster.load(config, logger: logger)
        let keyRing = RosterKeyRing(roster: cluster.roster, own: identity.publicKey)
        let store = try ReplicaStore.open(path: directory.replicaURL.path, schema: NodeSchema.current, signer: identity,
                                          verifier: keyRing, hasher: Blake2b(), clock: SystemClock(), logger: logger)
        try directory.enforcePrivateModes()  // 0700 / 0600 also for a directory made earlier with 0755
        var nodeLogger = logger
        nodeLogger[metadataKey: "node"] = "\(config.campusCode)"
        nodeLogger.info("sync seed", metadata: ["seed": "\(seed)"])
        let runtime = try NodeRuntime(loop: loops.core.next(), config: config, identity: identity, store: store,
                                  roster: RosterHolder(signed: cluster.signedRoster, roster: cluster.roster), keyRing: keyRing,
                                  adminKey: cluster.adminKey, networkKey: cluster.networkKey, seed: seed, logger: nodeLogger)
        try await runtime.start(ioGroup: loops.io)
        return runtime
    }
}
