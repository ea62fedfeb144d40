import CSodium
import Replica

/// An Ed25519 public key and the site id derived from it.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = Int(crypto_sign_PUBLICKEYBYTES)
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(SecurityError) {
        guard bytes.count == Self.byteCount else { throw .invalidKeyLength(expected: Self.byteCount, got: bytes.count) }
        self.bytes = bytes
    }

    /// The first eight bytes of BLAKE2b(public key), big-endian.
    public var siteID: SiteID {
        let digest = Blake2b.digest(bytes, length: 8)
        return SiteID(rawValue: digest.reduce(0) { $0 << 8 | UInt64($1) })
    }

    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        _ = Sodium.ready
        guard signature.count == Int(crypto_sign_BYTES) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), bytes) == 0
    }

    /// This key as a Curve25519 public key for X25519; `nil` if it is not a valid
    /// Ed25519 point (libsodium refuses small-order and non-canonical keys).
    var curve25519: [UInt8]? {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        return crypto_sign_ed25519_pk_to_curve25519(&out, bytes) == 0 ? out : nil
    }

    public var description: String { bytes.map { String($0, radix: 16).leftPad2 }.joined() }
}

/// A node's Ed25519 key pair. The secret key is wiped when the identity is released.
public final class SigningIdentity: BatchSigner, @unchecked Sendable {
    // @unchecked: `secretKey` is written only in init and deinit; signing reads it.
    public let publicKey: PublicKey
    private var secretKey: [UInt8]

    public static let seedByteCount = Int(crypto_sign_SEEDBYTES)

    /// A fresh identity from libsodium's system randomness.
    public convenience init() {
        _ = Sodium.ready
        var seed = [UInt8](repeating: 0, count: Self.seedByteCount)
        randombytes_buf(&seed, seed.count)
        try! self.init(seed: seed)
        sodium_memzero(&seed, seed.count)
    }

    /// A deterministic identity from a 32-byte seed (key files, the simulator).
    public init(seed: [UInt8]) throws(SecurityError) {
        _ = Sodium.ready
        guard seed.count == Self.seedByteCount else {
            throw .invalidKeyLength(expected: Self.seedByteCount, got: seed.count)
        }
        var pk = [UInt8](repeating: 0, count: PublicKey.byteCount)
        var sk = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        precondition(crypto_sign_seed_keypair(&pk, &sk, seed) == 0, "crypto_sign_seed_keypair failed")
        self.publicKey = try PublicKey(bytes: pk)
        self.secretKey = sk
    }

    deinit { sodium_memzero(&secretKey, secretKey.count) }

    /// The 32-byte seed the key pair derives from (libsodium keeps it in the secret key).
    public var seed: [UInt8] {
        var seed = [UInt8](repeating: 0, count: Self.seedByteCount)
        precondition(crypto_sign_ed25519_sk_to_seed(&seed, secretKey) == 0)
        return seed
    }

    /// X25519 between this identity's key (converted Ed25519 → Curve25519) and a remote
    /// Curve25519 public key: the handshake's static-key terms. The converted secret never
    /// leaves this type. `nil` when the result is all zeros (a low-order remote key).
    func curve25519SharedSecret(with remoteCurvePublicKey: [UInt8]) -> SecretBytes? {
        precondition(remoteCurvePublicKey.count == Int(crypto_scalarmult_BYTES), "Curve25519 public keys are 32 bytes")
        var curveSecret = [UInt8](repeating: 0, count: Int(crypto_scalarmult_SCALARBYTES))
        defer { sodium_memzero(&curveSecret, curveSecret.count) }
        precondition(crypto_sign_ed25519_sk_to_curve25519(&curveSecret, secretKey) == 0)
        var rc: Int32 = 0
        let shared = SecretBytes(count: Int(crypto_scalarmult_BYTES)) { rc = crypto_scalarmult(&$0, curveSecret, remoteCurvePublicKey) }
        return rc == 0 ? shared : nil
    }

    public var site: SiteID { publicKey.siteID }
    public var suite: CryptoSuite { .ed25519Blake2b }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        precondition(crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey) == 0)
        return signature
    }
}

/// The public keys a node trusts, by site: the batch verifier `Storage` is handed.
/// Built from the membership roster; a revoked key is simply absent.
public struct KeyRing: BatchVerifier {
    public private(set) var keys: [SiteID: PublicKey]

    public init(_ keys: [PublicKey] = []) {
        self.keys = Dictionary(keys.map { ($0.siteID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public mutating func insert(_ key: PublicKey) { keys[key.siteID] = key }
    public mutating func remove(_ site: SiteID) { keys[site] = nil }

    public func verify(signature: [UInt8], message: [UInt8], site: SiteID, suite: CryptoSuite) -> SignatureCheck {
        switch suite {
        case .ed25519Blake2b:
            guard let key = keys[site] else { return .unknownSigner }
            return key.verify(signature: signature, message: message) ? .valid : .invalid
        }
    }
}

extension String {
    var leftPad2: String { count >= 2 ? self : "0" + self }
}
