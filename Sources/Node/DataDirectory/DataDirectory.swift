import Foundation
import Logging
import Replica
import Security
import Storage

/// A node's data directory: its identity, its replica, later its config and keys.
///
///     <dir>/identity.key     Ed25519 seed of this node (`KeyFile`, mode 0600)
///     <dir>/identity.pub     its public key, hex (for `meshdesk cluster add`)
///     <dir>/meshdesk.toml    the node's configuration (`NodeConfig`)
///     <dir>/network.key      the cluster network key (0600), from `cluster add`
///     <dir>/admin.pub        the pinned cluster admin public key, hex
///     <dir>/roster.signed    the current signed membership roster
///     <dir>/replica.sqlite   the replica (WAL files beside it)
///     <dir>/status.json      written by the running node, read by `meshdesk status`
public struct DataDirectory: Sendable {
    public let url: URL

    public static let defaultPath = "./data"

    public init(path: String) {
        self.url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var identityURL: URL { url.appendingPathComponent("identity.key") }
    public var replicaURL: URL { url.appendingPathComponent("replica.sqlite") }

    public var statusURL: URL { url.appendingPathComponent("status.json") }
    public var configURL: URL { url.appendingPathComponent(NodeConfig.fileName) }

    /// Creates the directory (0700) and a fresh identity key file (0600, through
    /// `KeyFile`) when missing; otherwise loads it. `KeyFile` refuses a file group or
    /// others can read, a symlink, or one owned by another user.
    public func prepareIdentity(logger: Logger, keyPath: String? = nil) throws -> SigningIdentity {
        let fm = FileManager.default
        try fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try enforcePrivateModes()
        let path = keyPath ?? identityURL.path
        if !fm.fileExists(atPath: path) {
            let identity = SigningIdentity()
            try identity.save(to: path)
            logger.notice("created node identity", metadata: ["site": "\(identity.site)", "path": "\(path)"])
            return identity
        }
        return try SigningIdentity.load(from: path)
    }

    /// Loads the identity without creating one (`status`, the domain commands).
    public func loadIdentity(keyPath: String? = nil) throws -> SigningIdentity {
        try SigningIdentity.load(from: keyPath ?? identityURL.path)
    }

    /// Opens the replica of this directory with the node's identity.
    public func openReplica(identity: SigningIdentity, schema: Schema, keyRing: KeyRing, clock: any PhysicalClock,
                            logger: Logger) throws -> ReplicaStore {
        var ring = keyRing
        ring.insert(identity.publicKey)
        let store = try ReplicaStore.open(path: replicaURL.path, schema: schema, signer: identity, verifier: ring,
                                          hasher: Blake2b(), clock: clock, logger: logger)
        try enforcePrivateModes()
        return store
    }
}
