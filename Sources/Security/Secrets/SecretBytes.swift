import CSodium

/// A buffer of secret key material that is wiped (`sodium_memzero`) when released.
///
/// A class on purpose: a value type cannot run code when its last copy dies, and every
/// copy of a secret `[UInt8]` is one more place it lingers. Contents are fixed at
/// init, so sharing across isolation domains is safe. Best effort only: Swift may still
/// have copied bytes we handed it (e.g. a caller's own array).
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: `storage` is written only in init and deinit.
    private var storage: [UInt8]

    /// Fills `count` bytes with `fill`, e.g. a libsodium call writing the secret.
    init(count: Int, fill: (inout [UInt8]) -> Void) {
        _ = Sodium.ready
        storage = [UInt8](repeating: 0, count: count)
        fill(&storage)
        precondition(storage.count == count, "SecretBytes fill changed the length")
    }

    /// Takes the bytes of `source` and wipes `source`, so only this copy remains.
    public init(wiping source: inout [UInt8]) {
        _ = Sodium.ready
        storage = Array(source)
        sodium_memzero(&source, source.count)
    }

    /// Copies `bytes`, leaving the caller's buffer as it is (for a secret lent by
    /// `withBytes`, whose owner wipes it).
    init(copying bytes: [UInt8]) {
        _ = Sodium.ready
        storage = Array(bytes)
    }

    /// `count` bytes of libsodium's system randomness (`randombytes_buf`).
    public static func random(count: Int) -> SecretBytes {
        SecretBytes(count: count) { randombytes_buf(&$0, $0.count) }
    }

    deinit { sodium_memzero(&storage, storage.count) }

    public var count: Int { storage.count }

    /// Lends the secret to `body`; do not let it escape.
    public func withBytes<R, E: Error>(_ body: ([UInt8]) throws(E) -> R) throws(E) -> R {
        try body(storage)
    }

    /// Constant-time comparison (`sodium_memcmp`).
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(storage, other.storage, count) == 0
    }

    /// Never prints the secret.
    public var description: String { "SecretBytes(\(count) bytes)" }
}
