import Foundation
import Logging
import Replica
import Security
import Storage

/// A node's data directory: its identity, its replica, later its config and keys.
///
///     <dir>/identity.key     Ed25519 seed of this node, mode 0600
///     <dir>/replica.sqlite   the replica (WAL files beside it)
public struct DataDirectory: Sendable {
    public let url: URL

    public static let defaultPath = "./data"

    public init(path: String) {
        self.url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var identityURL: URL { url.appendingPathComponent("identity.key") }
    public var replicaURL: URL { url.appendingPathComponent("replica.sqlite") }

    public enum Failure: Error, CustomStringConvertible {
        case unreadableIdentity(path: String, reason: String)
        case identityTooOpen(path: String, mode: Int)

        public var description: String {
            switch self {
            case let .unreadableIdentity(path, reason): "cannot read identity \(path): \(reason)"
            case let .identityTooOpen(path, mode): "identity \(path) has mode \(String(mode, radix: 8)); it must be 600"
            }
        }
    }

    /// Creates the directory and a fresh identity when missing; otherwise loads the
    /// identity, refusing a key file others can read.
    public func prepareIdentity(logger: Logger) throws -> SigningIdentity {
        let fm = FileManager.default
        try fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = identityURL.path
        if !fm.fileExists(atPath: path) {
            let identity = SigningIdentity()
            let text = "meshdesk-identity-v1\n" + identity.seed.map { String(format: "%02x", $0) }.joined() + "\n"
            guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure.unreadableIdentity(path: path, reason: "could not create")
            }
            logger.notice("created node identity", metadata: ["site": "\(identity.site)", "path": "\(path)"])
            return identity
        }
        let mode = (try fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else { throw Failure.identityTooOpen(path: path, mode: mode) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 2, lines[0] == "meshdesk-identity-v1", lines[1].utf8.count == 64 else {
            throw Failure.unreadableIdentity(path: path, reason: "not a meshdesk-identity-v1 file")
        }
        var seed: [UInt8] = []
        var index = lines[1].startIndex
        while index < lines[1].endIndex {
            let next = lines[1].index(index, offsetBy: 2)
            guard let byte = UInt8(lines[1][index..<next], radix: 16) else {
                throw Failure.unreadableIdentity(path: path, reason: "seed is not hex")
            }
            seed.append(byte)
            index = next
        }
        return try SigningIdentity(seed: seed)
    }

    /// Opens the replica of this directory with the node's identity.
    public func openReplica(identity: SigningIdentity, schema: Schema, keyRing: KeyRing, clock: any PhysicalClock,
                            logger: Logger) throws -> ReplicaStore {
        var ring = keyRing
        ring.insert(identity.publicKey)
        return try ReplicaStore.open(path: replicaURL.path, schema: schema, signer: identity, verifier: ring,
                                     hasher: Blake2b(), clock: clock, logger: logger)
    }
}
