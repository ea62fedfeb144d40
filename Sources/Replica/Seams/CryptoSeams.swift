/// Seals the local origin's batches at commit. Implemented by `Security` with the
/// node's Ed25519 identity; declared here so the storage layer can sign without
/// importing the cryptography layer.
public protocol BatchSigner: Sendable {
    var site: SiteID { get }
    var suite: CryptoSuite { get }
    func sign(_ message: [UInt8]) -> [UInt8]
}

/// The outcome of checking a batch's signature against the membership roster.
public enum SignatureCheck: Sendable, Equatable {
    case valid
    /// No current key for this site: not on the roster, or revoked.
    case unknownSigner
    /// A key is known and the signature does not verify with it.
    case invalid
}

/// Checks that a batch was signed by the key the roster gives its claimed site.
public protocol BatchVerifier: Sendable {
    func verify(signature: [UInt8], message: [UInt8], site: SiteID, suite: CryptoSuite) -> SignatureCheck
}

/// The content hash behind batch chains and state digests (BLAKE2b-256 by default).
public protocol ContentHasher: Sendable {
    func hash(_ bytes: [UInt8]) -> BatchHash
}
