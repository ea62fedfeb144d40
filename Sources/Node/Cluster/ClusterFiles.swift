import Foundation
import Security

/// The cluster material a node reads: the network key, the pinned admin public key
/// and the signed roster. `meshdesk cluster create/add/revoke` write them.
public struct ClusterFiles: Sendable {
    public let networkKey: NetworkKey
    public let adminKey: PublicKey
    public let signedRoster: SignedRoster
    public let roster: MembershipRoster

    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case invalid(path: String, reason: String)
        public var description: String {
            switch self {
            case let .missing(path): "missing cluster file \(path) (see `meshdesk cluster add`)"
            case let .invalid(path, reason): "cluster file \(path): \(reason)"
            }
        }
    }

    /// Whether a node has been added to a cluster (all three files exist).
    public static func present(_ config: NodeConfig) -> Bool {
        [config.networkKey, config.adminPublicKey, config.roster].allSatisfy { FileManager.default.fileExists(atPath: config.path($0)) }
    }

    public static func load(_ config: NodeConfig) throws -> ClusterFiles {
        let networkKey = try NetworkKey.load(from: config.path(config.networkKey))
        let adminKey = try loadPublicKey(config.path(config.adminPublicKey))
        let signed = try loadRoster(config.path(config.roster))
        let roster = try signed.verify(adminKey: adminKey)
        return ClusterFiles(networkKey: networkKey, adminKey: adminKey, signedRoster: signed, roster: roster)
    }

    public static func loadPublicKey(_ path: String) throws -> PublicKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure.missing(path) }
        guard let bytes = hexBytes(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == PublicKey.byteCount else {
            throw Failure.invalid(path: path, reason: "not 64 hex digits")
        }
        return try PublicKey(bytes: bytes)
    }

    public static func loadRoster(_ path: String) throws -> SignedRoster {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.missing(path) }
        guard data.count <= MembershipRoster.encodedBytesMax + 256 else { throw Failure.invalid(path: path, reason: "too large") }
        return try SignedRoster(decoding: Array(data))
    }

    /// Atomically replaces `path` (write a temporary file, rename).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func writePublicKey(_ key: PublicKey, to path: String) throws {
        try Data((key.description + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

func hexBytes(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    for i in stride(from: 0, to: utf8.count, by: 2) {
        guard let byte = UInt8(String(decoding: utf8[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        out.append(byte)
    }
    return out
}
