/// Which cryptography a session uses, sent as the first byte of each handshake hello so
/// a national-standard suite (SM2 signatures, SM3 hashing, SM4 encryption) can be added
/// later beside this one and negotiated per connection. An unknown suite byte fails the
/// handshake with `HandshakeFailure.unsupportedSuite`.
public enum SessionSuite: UInt8, Sendable, Hashable {
    /// Secret handshake (Ed25519, X25519, HMAC-SHA-512-256, SHA-256, XSalsa20-Poly1305),
    /// then one `crypto_secretstream_xchacha20poly1305` stream per direction.
    case shsSecretStream = 1
}
