import CSodium

/// Unguessable tokens for web sessions and CSRF (libsodium's `randombytes_buf`, the
/// operating system's CSPRNG), and a comparison whose time does not depend on where two
/// tokens first differ.
public enum RandomToken {
    /// 32 bytes = 256 bits: far beyond guessing, even for every session a node ever issues.
    public static let defaultBytes = 32
    public static let bytesMax = 1024

    /// `bytes` random bytes as lowercase hex (cookie- and header-safe).
    public static func hex(bytes: Int = defaultBytes) -> String {
        precondition(bytes > 0 && bytes <= bytesMax, "token length out of range")
        _ = Sodium.ready
        var raw = [UInt8](repeating: 0, count: bytes)
        defer { sodium_memzero(&raw, raw.count) }
        randombytes_buf(&raw, bytes)
        var out = [CChar](repeating: 0, count: bytes * 2 + 1)
        _ = sodium_bin2hex(&out, out.count, raw, bytes)
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether two tokens are equal, in time independent of their contents (`sodium_memcmp`).
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        _ = Sodium.ready
        return sodium_memcmp(x, y, x.count) == 0
    }
}
