/// Security — MeshDesk's cryptography, all of it libsodium through `CSodium`.
///
/// Node identities (Ed25519) and the site ids derived from them, batch signatures and
/// content hashes (BLAKE2b), and the seams `Storage` and `Sync` use to sign and verify
/// without importing this layer. Nothing above this module imports `CSodium`.
import CSodium

/// libsodium must be initialised once per process before any other call; every entry
/// point of this module goes through `Sodium.ready`.
enum Sodium {
    static let ready: Void = {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }()
}

/// A typed error for every way key material or signatures can be bad input.
public enum SecurityError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKeyLength(expected: Int, got: Int)
    case invalidKeyFile(String)

    public var description: String {
        switch self {
        case let .invalidKeyLength(expected, got): "key of \(got) bytes, expected \(expected)"
        case let .invalidKeyFile(reason): "invalid key file: \(reason)"
        }
    }
}
