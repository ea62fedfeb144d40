import CSodium

/// User passwords (登录密码) hashed with Argon2id (`crypto_pwhash_str_alg`), stored as
/// libsodium's self-describing string ("$argon2id$v=19$m=…,t=…,p=1$salt$hash"), so the
/// limits a hash was made with travel with it and `needsRehash` can upgrade old ones at
/// the next successful login.
public struct PasswordHasher: Sendable {
    /// Longer input is refused rather than hashed: it bounds the work one request costs.
    public static let passwordBytesMax = 1024
    /// libsodium's string form, including its terminating NUL.
    static let hashStringBytes = Int(crypto_pwhash_STRBYTES)

    /// Argon2id cost: passes over memory, and memory in bytes.
    public struct Limits: Hashable, Sendable {
        public let opsLimit: UInt64
        public let memLimitBytes: Int

        public init(opsLimit: UInt64, memLimitBytes: Int) {
            precondition(opsLimit >= UInt64(crypto_pwhash_argon2id_OPSLIMIT_MIN), "opsLimit below libsodium's minimum")
            precondition(memLimitBytes >= Int(crypto_pwhash_argon2id_MEMLIMIT_MIN), "memLimit below libsodium's minimum")
            self.opsLimit = opsLimit
            self.memLimitBytes = memLimitBytes
        }

        /// libsodium's interactive limits (2 passes, 64 MiB): the default for logins.
        public static let interactive = Limits(opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_interactive()),
                                               memLimitBytes: crypto_pwhash_argon2id_memlimit_interactive())
        /// libsodium's moderate limits (3 passes, 256 MiB), e.g. for administrator accounts.
        public static let moderate = Limits(opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_moderate()),
                                            memLimitBytes: crypto_pwhash_argon2id_memlimit_moderate())
        /// The cheapest limits libsodium allows. For tests only: far too weak for real use.
        public static let testingOnly = Limits(opsLimit: UInt64(crypto_pwhash_argon2id_OPSLIMIT_MIN),
                                               memLimitBytes: Int(crypto_pwhash_argon2id_MEMLIMIT_MIN))
    }

    public let limits: Limits

    public init(limits: Limits = .interactive) {
        _ = Sodium.ready
        self.limits = limits
    }

    /// A new hash with a fresh random salt.
    public func hash(_ password: String) throws(SecurityError) -> String {
        var chars = try Self.chars(of: password)
        defer { sodium_memzero(&chars, chars.count) }
        var out = [CChar](repeating: 0, count: Self.hashStringBytes)
        let rc = crypto_pwhash_str_alg(&out, chars, UInt64(chars.count - 1), limits.opsLimit, limits.memLimitBytes,
                                       crypto_pwhash_ALG_ARGON2ID13)
        guard rc == 0 else { throw .passwordHashingFailed }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `storedHash`. A malformed or foreign hash string is
    /// simply not a match; an over-long password is never one.
    public func verify(_ password: String, against storedHash: String) -> Bool {
        guard var chars = try? Self.chars(of: password), let stored = Self.cString(storedHash) else { return false }
        defer { sodium_memzero(&chars, chars.count) }
        return crypto_pwhash_str_verify(stored, chars, UInt64(chars.count - 1)) == 0
    }

    /// Whether `storedHash` should be replaced (after a successful `verify`) because it is
    /// not Argon2id with exactly this hasher's limits. A malformed string needs it too.
    public func needsRehash(_ storedHash: String) -> Bool {
        guard let stored = Self.cString(storedHash) else { return true }
        return crypto_pwhash_argon2id_str_needs_rehash(stored, limits.opsLimit, limits.memLimitBytes) != 0
    }

    /// The password's UTF-8 bytes plus a NUL, so even an empty password has an address.
    private static func chars(of password: String) throws(SecurityError) -> [CChar] {
        let count = password.utf8.count
        guard count <= passwordBytesMax else { throw .passwordTooLong(bytes: count, max: passwordBytesMax) }
        return password.utf8.map { CChar(bitPattern: $0) } + [0]
    }

    /// A NUL-terminated copy, or `nil` if it cannot be one of libsodium's hash strings.
    private static func cString(_ text: String) -> [CChar]? {
        let utf8 = Array(text.utf8)
        guard utf8.count < hashStringBytes, !utf8.contains(0) else { return nil }
        return utf8.map { CChar(bitPattern: $0) } + [0]
    }
}
