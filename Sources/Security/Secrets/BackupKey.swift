import CSodium

/// The cluster's backup key (备份密钥): an X25519 key pair made by `meshdesk cluster
/// create`. Nodes hold only the public half (`backup.pub`) and seal each backup's fresh
/// file key to it (`crypto_box_seal`); the secret half (`backup.key`) stays with the
/// admin, offline. So a backup is restorable when its node has burned — and a stolen
/// node cannot read another node's backups, nor its own old ones.
public struct BackupPublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = Int(crypto_box_publickeybytes())
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(SecurityError) {
        guard bytes.count == Self.byteCount else { throw .invalidKeyLength(expected: Self.byteCount, got: bytes.count) }
        self.bytes = bytes
    }

    /// Bytes a sealed file key takes: the key plus the box's ephemeral key and tag.
    public static let sealedFileKeyBytes = BackupFileKey.byteCount + Int(crypto_box_sealbytes())

    /// Seals `fileKey` so only the secret half opens it (anonymous sender).
    public func seal(_ fileKey: BackupFileKey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.sealedFileKeyBytes)
        let rc = fileKey.secret.withBytes { key in crypto_box_seal(&out, key, UInt64(key.count), bytes) }
        precondition(rc == 0, "crypto_box_seal failed")
        return out
    }

    public var description: String { bytes.map { String($0, radix: 16).leftPad2 }.joined() }
}

public struct BackupSecretKey: Sendable {
    let secret: SecretBytes
    public let publicKey: BackupPublicKey

    public init(_ secret: SecretBytes) throws(SecurityError) {
        _ = Sodium.ready
        guard secret.count == Int(crypto_box_secretkeybytes()) else {
            throw .invalidKeyLength(expected: Int(crypto_box_secretkeybytes()), got: secret.count)
        }
        var pk = [UInt8](repeating: 0, count: BackupPublicKey.byteCount)
        let rc = secret.withBytes { sk in crypto_scalarmult_base(&pk, sk) }
        precondition(rc == 0, "crypto_scalarmult_base failed")
        self.secret = secret
        self.publicKey = try BackupPublicKey(bytes: pk)
    }

    public static func generate() -> BackupSecretKey {
        try! BackupSecretKey(SecretBytes.random(count: Int(crypto_box_secretkeybytes())))
    }

    public func save(to path: String, overwrite: Bool = false) throws(SecurityError) {
        try KeyFile.save(secret, kind: .backupKey, to: path, overwrite: overwrite)
    }

    public static func load(from path: String) throws(SecurityError) -> BackupSecretKey {
        try BackupSecretKey(KeyFile.load(kind: .backupKey, from: path))
    }

    /// Opens a sealed file key; a wrong key or an altered box is `.backupKeyMismatch`.
    public func open(_ sealed: [UInt8]) throws(SecurityError) -> BackupFileKey {
        guard sealed.count == BackupPublicKey.sealedFileKeyBytes else { throw .backupKeyMismatch }
        var key = [UInt8](repeating: 0, count: BackupFileKey.byteCount)
        let rc = secret.withBytes { sk in crypto_box_seal_open(&key, sealed, UInt64(sealed.count), publicKey.bytes, sk) }
        guard rc == 0 else {
            sodium_memzero(&key, key.count)
            throw .backupKeyMismatch
        }
        return BackupFileKey(SecretBytes(wiping: &key))
    }
}

/// The fresh secretstream key of one backup file.
public struct BackupFileKey: Sendable {
    public static let byteCount = Int(crypto_secretstream_xchacha20poly1305_KEYBYTES)
    public let secret: SecretBytes

    init(_ secret: SecretBytes) { self.secret = secret }

    public static func generate() -> BackupFileKey { BackupFileKey(SecretBytes.random(count: byteCount)) }
}
