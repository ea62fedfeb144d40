import CSodium

/// HMAC-SHA256 (`crypto_auth_hmacsha256`, RFC 2104) with a key of any length: the
/// signature of outgoing webhooks (DingTalk's signed robots, the generic webhook).
public enum HMACSHA256 {
    public static let byteCount = 32

    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        _ = Sodium.ready
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: byteCount)
        // An empty array has no base address; libsodium reads no byte of a zero length.
        let keyBytes = key.isEmpty ? [0] : key, messageBytes = message.isEmpty ? [0] : message
        let rc = keyBytes.withUnsafeBufferPointer { k in crypto_auth_hmacsha256_init(&state, k.baseAddress!, key.count) }
        precondition(rc == 0, "crypto_auth_hmacsha256_init failed")
        _ = messageBytes.withUnsafeBufferPointer { m in crypto_auth_hmacsha256_update(&state, m.baseAddress!, UInt64(message.count)) }
        _ = crypto_auth_hmacsha256_final(&state, &out)
        return out
    }
}
