/// The cluster's 32-byte network key (SHS calls it the network identifier): every
/// node holds the same one, and a peer without it cannot get past the first handshake
/// message. It separates MeshDesk clusters (production, training, a test bed) from one
/// another and keeps outsiders from even learning a node's identity.
public struct NetworkKey: Sendable {
    public static let byteCount = 32
    let secret: SecretBytes

    public init(_ secret: SecretBytes) throws(SecurityError) {
        guard secret.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, got: secret.count)
        }
        self.secret = secret
    }

    /// A fresh key from libsodium's system randomness.
    public static func generate() -> NetworkKey {
        try! NetworkKey(SecretBytes.random(count: byteCount))
    }

    public func save(to path: String, overwrite: Bool = false) throws(SecurityError) {
        try KeyFile.save(secret, kind: .networkKey, to: path, overwrite: overwrite)
    }

    public static func load(from path: String) throws(SecurityError) -> NetworkKey {
        try NetworkKey(KeyFile.load(kind: .networkKey, from: path))
    }
}
