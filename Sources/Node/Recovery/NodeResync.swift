import Foundation
import Logging
import Replica
import Security
import Storage

/// 快照追赶 — a node away longer than the compaction horizon: its peers answered
/// `snapshotNeeded`, since the batches it lacks are gone from their logs. The node's
/// replica is moved aside (never deleted), a peer's snapshot is installed in its place
/// (`NodeRebuild`, new epoch), and every batch the old replica holds that the snapshot
/// does not cover — this node's own unsent writes above all — goes through the normal
/// intake (`reapplyUncovered`). The node must be stopped: the files change under it.
public enum NodeResync {
    public struct Report: Codable, Sendable {
        public let rebuild: NodeRebuild.Report
        /// Where the replica it replaced was kept.
        public let previousReplica: String
        public let reapplied: UInt64
        public let reappliedOwn: UInt64
        public let alreadyHeld: UInt64
        public let refused: UInt64
    }

    public enum Failure: Error, CustomStringConvertible {
        case noReplica(String)
        case nodeRunning(pid: Int32)

        public var description: String {
            switch self {
            case let .noReplica(path): "\(path) does not exist: nothing to resync (use `meshdesk rebuild` for a wiped node)"
            case let .nodeRunning(pid): "the node is running (pid \(pid)): stop it before a resync, the replica file is replaced"
            }
        }
    }

    public static func resync(config: NodeConfig, from: String?, logger: Logger,
                              progress: @escaping @Sendable (NodeRebuild.Progress) -> Void) async throws -> Report {
        let directory = DataDirectory(path: config.dataDirectory)
        let replica = directory.replicaURL.path
        let files = FileManager.default
        guard files.fileExists(atPath: replica) else { throw Failure.noReplica(replica) }
        if let status = RuntimeStatus.ofRunningNode(config, nowMillis: SystemClock().nowMillis()) {
            throw Failure.nodeRunning(pid: status.pid)
        }
        let kept = replica + ".before-resync-\(SystemClock().nowMillis())"
        let suffixes = ["", "-wal", "-shm"]
        for suffix in suffixes where files.fileExists(atPath: replica + suffix) {
            try files.moveItem(atPath: replica + suffix, toPath: kept + suffix)
        }
        let rebuilt: NodeRebuild.Report
        do {
            rebuilt = try await NodeRebuild.rebuild(config: config, from: from, logger: logger, progress: progress)
        } catch {
            // Nothing installed: the old replica goes back exactly as it was.
            for suffix in suffixes {
                try? files.removeItem(atPath: replica + suffix)
                if files.fileExists(atPath: kept + suffix) { try? files.moveItem(atPath: kept + suffix, toPath: replica + suffix) }
            }
            throw error
        }
        let identity = try directory.loadIdentity(keyPath: config.path(config.identityKey))
        var ring = try ClusterFiles.load(config).roster.keyRing
        ring.insert(identity.publicKey)
        let old = try ReplicaStore.open(path: kept, schema: NodeSchema.current, signer: identity, verifier: ring,
                                        hasher: Blake2b(), clock: SystemClock(), logger: logger)
        let fresh = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: ring,
                                              clock: SystemClock(), logger: logger)
        let reapplied = try fresh.reapplyUncovered(from: old)
        logger.notice("resynced from a snapshot", metadata: ["peer": "\(rebuilt.peer)", "kept": "\(kept)",
                                                             "reapplied": "\(reapplied.applied)", "own": "\(reapplied.ownApplied)"])
        return Report(rebuild: rebuilt, previousReplica: kept, reapplied: UInt64(reapplied.applied),
                      reappliedOwn: UInt64(reapplied.ownApplied), alreadyHeld: UInt64(reapplied.alreadyHeld),
                      refused: UInt64(reapplied.refused))
    }
}
