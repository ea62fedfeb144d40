import Foundation
import Security

/// `meshdesk doctor`: a data directory and its node checked as an operator would, each
/// finding with what to do. Reads files only (never the replica's contents, never the
/// network), so it is safe beside a running node.
public enum NodeDoctor {
    public enum Severity: String, Codable, Sendable, Comparable {
        case ok, note, warning, problem
        var rank: Int { switch self { case .ok: 0; case .note: 1; case .warning: 2; case .problem: 3 } }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public struct Finding: Codable, Sendable, Equatable {
        public let severity: Severity
        public let check: String
        public let detail: String
        /// What the operator should do; empty when nothing.
        public let action: String
    }

    /// Free space below which the disk is a warning: a replica and its WAL, a rebuild's
    /// spooled snapshot and a backup must fit.
    public static let freeBytesMin: UInt64 = 1 << 30

    public static func check(_ config: NodeConfig, nowMillis: UInt64) -> [Finding] {
        var out: [Finding] = []
        func add(_ severity: Severity, _ check: String, _ detail: String, _ action: String = "") {
            out.append(Finding(severity: severity, check: check, detail: detail, action: action))
        }
        let directory = DataDirectory(path: config.dataDirectory)
        let dir = directory.url.path
        guard let mode = Self.mode(dir) else {
            add(.problem, "data directory", "\(dir) does not exist", "meshdesk init --data-dir \(dir)")
            return out
        }
        if mode & 0o077 != 0 {
            add(.problem, "permissions", "\(dir) is mode \(String(mode, radix: 8)): others may read the replica and keys", "chmod 700 \(dir)")
        } else {
            add(.ok, "permissions", "\(dir) is mode \(String(mode, radix: 8))")
        }
        for name in ["identity.key", "network.key", "replica.sqlite", "replica.sqlite-wal", "replica.sqlite-shm"] {
            let path = directory.url.appendingPathComponent(name).path
            if let m = Self.mode(path), m & 0o077 != 0 {
                add(.problem, "permissions", "\(name) is mode \(String(m, radix: 8))", "chmod 600 \(path)")
            }
        }
        if Self.mode(config.path(config.identityKey)) == nil {
            add(.problem, "identity", "no \(config.identityKey)", "restore it from the admin's copy, or see docs/operations.md \"A node's identity is lost\"")
        }
        if Self.mode(directory.replicaURL.path) == nil {
            add(.warning, "replica", "no replica.sqlite", "meshdesk rebuild --data-dir \(dir) (from a peer) or meshdesk restore (from a backup)")
        }
        checkCluster(config, add: add)
        checkRunningNode(config, nowMillis: nowMillis, add: add)
        checkDisk(dir, add: add)
        add(.note, "not checked", "clock skew against peers, last sync per peer and backup age are not recorded where doctor can read them")
        return out
    }

    static func checkCluster(_ config: NodeConfig, add: (Severity, String, String, String) -> Void) {
        let files = [config.networkKey, config.adminPublicKey, config.roster]
        let present = files.filter { Self.mode(config.path($0)) != nil }
        if present.isEmpty {
            return add(.note, "cluster", "no cluster files: a single node that talks to nobody", "meshdesk cluster add (docs/operations.md, \"A cluster\")")
        }
        let missing = files.filter { !present.contains($0) }
        guard missing.isEmpty else {
            return add(.problem, "cluster", "missing \(missing.joined(separator: ", "))",
                       "copy them from the admin's cluster directory (docs/operations.md, \"A cluster\")")
        }
        if Self.mode(config.path(NodeRecovery.backupPublicKeyFile)) == nil {
            add(.warning, "cluster", "no \(NodeRecovery.backupPublicKeyFile): `meshdesk backup` will refuse", "copy backup.pub from the admin's cluster directory")
        }
        do {
            let files = try ClusterFiles.load(config)
            let identity = try DataDirectory(path: config.dataDirectory).loadIdentity(keyPath: config.path(config.identityKey))
            let roster = files.roster
            if roster.isRevoked(identity.publicKey) {
                add(.problem, "roster", "this node's key is revoked (epoch \(roster.epoch))", "give the campus a new node: docs/operations.md, \"A stolen node\"")
            } else if roster.member(withKey: identity.publicKey) == nil {
                add(.warning, "roster", "this node is not on its own roster file (epoch \(roster.epoch)); it learns a newer roster from a peer that has it",
                    "meshdesk cluster add --cluster-dir CLUSTER --data-dir \(config.dataDirectory)")
            } else {
                add(.ok, "roster", "signed by the pinned admin key, epoch \(roster.epoch), \(roster.members.count) members, this node on it", "")
            }
        } catch {
            add(.problem, "cluster", "\(error)", "recopy the file from the admin's cluster directory")
        }
    }

    static func checkRunningNode(_ config: NodeConfig, nowMillis: UInt64, add: (Severity, String, String, String) -> Void) {
        guard let status = RuntimeStatus.ofRunningNode(config, nowMillis: nowMillis) else {
            return add(.note, "node", "not running", "meshdesk serve --data-dir \(config.dataDirectory)")
        }
        add(.ok, "node", "running, pid \(status.pid), listening on \(status.listen), roster epoch \(status.roster_epoch)", "")
        if let unsaved = status.roster_unsaved_epoch {
            add(.problem, "roster file", "epoch \(unsaved) is in force but could not be saved", "fix the disk or permissions of \(config.dataDirectory); see the node's log")
        }
        for peer in status.peers where !peer.revoked {
            if peer.session == "established" {
                add(.ok, "peer \(peer.campus)", "\(peer.site) at \(peer.address): session established, member \(peer.membership)", "")
            } else {
                add(.warning, "peer \(peer.campus)", "\(peer.site) at \(peer.address): session \(peer.session), member \(peer.membership)",
                    "check that node runs and that \(peer.address) is reachable from here (firewall, address in the roster)")
            }
        }
    }

    static func checkDisk(_ path: String, add: (Severity, String, String, String) -> Void) {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return add(.warning, "disk", "cannot read free space: \(String(cString: strerror(errno)))", "") }
        let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        let gib = String(format: "%.1f GiB", Double(free) / Double(1 << 30))
        if free < freeBytesMin {
            add(.warning, "disk", "\(gib) free", "free space: at least \(freeBytesMin >> 30) GiB for the replica, a rebuild and a backup")
        } else {
            add(.ok, "disk", "\(gib) free", "")
        }
    }

    /// Permission bits of `path` (not following a symlink), nil if it does not exist.
    static func mode(_ path: String) -> UInt32? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o7777
    }
}
