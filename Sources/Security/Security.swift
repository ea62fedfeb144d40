/// Security — MeshDesk's cryptography, all of it libsodium through `CSodium`.
///
/// Node identities (Ed25519) and the site ids derived from them, batch signatures and
/// content hashes (BLAKE2b), key files, the signed membership roster, the session
/// handshake (Secure Scuttlebutt's secret handshake), encrypted framing
/// (`crypto_secretstream_xchacha20poly1305`) and password hashing (Argon2id), plus the
/// seams `Storage` and `Sync` use to sign and verify without importing this layer.
/// Nothing above this module imports `CSodium`. See docs/security.md.
import CSodium

/// libsodium must be initialised once per process before any other call; every entry
/// point of this module goes through `Sodium.ready`.
enum Sodium {
    static let ready: Void = {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }()
}

/// A typed error for every way key material, files, rosters, frames or password hashes
/// can be bad input. Handshake failures are reported as `HandshakeFailure` in the state
/// machine's action instead, because a failed handshake is an outcome, not an exception.
public enum SecurityError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKeyLength(expected: Int, got: Int)
    /// The key file's contents are not in the expected format (wrong kind tag, bad hex,
    /// wrong length, trailing bytes).
    case invalidKeyFile(String)
    /// The key file can be read or written by group or others, or is not a regular file
    /// owned by this user: the secret may already have leaked, so it is not used.
    case insecureKeyFile(path: String, reason: String)
    /// A system call on a key file failed (`errno` is kept for the log).
    case keyFileIO(path: String, operation: String, errno: Int32)
    /// Saving would replace an existing key file and the caller did not ask for that.
    case keyFileExists(path: String)

    /// Roster bytes that do not decode, or decode to a roster that breaks its rules.
    case malformedRoster(String)
    /// The roster's signature does not verify under the pinned admin key.
    case rosterSignatureInvalid

    /// A plaintext or ciphertext frame outside the named bounds.
    case frameSize(bytes: Int, min: Int, max: Int)
    /// A frame failed authentication: modified, replayed, reordered or from another stream.
    case frameAuthenticationFailed
    /// The peer's stream ended (the caller called `finish()`) without the final tag.
    case streamTruncated
    /// A frame arrived after the final frame, or a frame was sealed after `close()`.
    case streamClosed
    /// An earlier frame failed; the stream refuses all further use.
    case streamFailed
    /// A secretstream header of the wrong length.
    case invalidStreamHeader
    /// A backup's sealed file key does not open with this backup key (wrong key, or altered).
    case backupKeyMismatch

    /// A password longer than `PasswordHasher.passwordBytesMax`.
    case passwordTooLong(bytes: Int, max: Int)
    /// libsodium could not compute the hash (usually: out of memory for the limits).
    case passwordHashingFailed

    public var description: String {
        switch self {
        case let .invalidKeyLength(expected, got): "key of \(got) bytes, expected \(expected)"
        case let .invalidKeyFile(reason): "invalid key file: \(reason)"
        case let .insecureKeyFile(path, reason): "refusing key file \(path): \(reason)"
        case let .keyFileIO(path, operation, errno): "key file \(path): \(operation) failed (errno \(errno))"
        case let .keyFileExists(path): "key file \(path) already exists; not overwriting it"
        case let .malformedRoster(reason): "malformed membership roster: \(reason)"
        case .rosterSignatureInvalid: "membership roster signature does not verify under the admin key"
        case let .frameSize(bytes, min, max): "frame of \(bytes) bytes, must be \(min)...\(max)"
        case .frameAuthenticationFailed: "frame failed authentication (modified, replayed, reordered or foreign)"
        case .streamTruncated: "stream ended without its final frame (truncated)"
        case .streamClosed: "stream already closed by its final frame"
        case .streamFailed: "stream refused: an earlier frame failed"
        case .invalidStreamHeader: "secretstream header has the wrong length"
        case .backupKeyMismatch: "the backup's file key does not open with this backup key (wrong key or altered file)"
        case let .passwordTooLong(bytes, max): "password of \(bytes) bytes, at most \(max)"
        case .passwordHashingFailed: "password hashing failed (out of memory for the chosen limits?)"
        }
    }
}
