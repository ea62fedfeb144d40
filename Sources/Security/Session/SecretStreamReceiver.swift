import CSodium

/// The receiving half of one session direction. Any bad frame — wrong size, modified,
/// replayed, reordered, from another stream — throws, and the receiver then refuses
/// everything (`streamFailed`): the shell closes the session, it never resynchronises.
public final class SecretStreamReceiver {
    public enum Opened: Equatable, Sendable {
        case message([UInt8])
        /// The peer's final frame: the stream ended cleanly.
        case end
    }

    enum Phase { case open, ended, failed }

    private var state = crypto_secretstream_xchacha20poly1305_state()
    private var phase = Phase.open

    public convenience init(keys: SessionKeys, header: [UInt8]) throws(SecurityError) {
        try self.init(key: keys.receiveKey, header: header)
    }

    public init(key: SecretBytes, header: [UInt8]) throws(SecurityError) {
        _ = Sodium.ready
        precondition(key.count == Int(crypto_secretstream_xchacha20poly1305_KEYBYTES), "stream keys are 32 bytes")
        guard header.count == SecretStream.headerBytes else { throw .invalidStreamHeader }
        var initial = crypto_secretstream_xchacha20poly1305_state()
        let rc = key.withBytes { k in crypto_secretstream_xchacha20poly1305_init_pull(&initial, header, k) }
        state = initial
        sodium_memzero(&initial, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
        guard rc == 0 else { throw .invalidStreamHeader }
    }

    deinit { sodium_memzero(&state, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size) }

    public var hasEnded: Bool { phase == .ended }

    /// Decrypts the next frame, which must be exactly the next one the sender sealed.
    public func open(_ frame: [UInt8]) throws(SecurityError) -> Opened {
        switch phase {
        case .open: break
        case .ended: throw fail(.streamClosed)
        case .failed: throw .streamFailed
        }
        guard (SecretStream.overheadBytes...SecretStream.ciphertextBytesMax).contains(frame.count) else {
            throw fail(.frameSize(bytes: frame.count, min: SecretStream.overheadBytes, max: SecretStream.ciphertextBytesMax))
        }
        var plaintext = [UInt8](repeating: 0, count: frame.count - SecretStream.overheadBytes)
        var length: UInt64 = 0
        var tag: UInt8 = 0
        let rc = crypto_secretstream_xchacha20poly1305_pull(&state, &plaintext, &length, &tag, frame, UInt64(frame.count), nil, 0)
        guard rc == 0 else { throw fail(.frameAuthenticationFailed) }
        precondition(Int(length) == plaintext.count, "secretstream pull length")
        guard tag == crypto_secretstream_xchacha20poly1305_tag_final() else { return .message(plaintext) }
        // Our senders close with an empty final frame; a payload there would be data the
        // caller might drop without noticing, so it is refused.
        guard plaintext.isEmpty else { throw fail(.frameSize(bytes: plaintext.count, min: 0, max: 0)) }
        phase = .ended
        return .end
    }

    /// Call when the connection closes: throws `streamTruncated` unless the final frame
    /// arrived, so a cut connection is never mistaken for a complete stream.
    public func finish() throws(SecurityError) {
        switch phase {
        case .ended: return
        case .open: throw fail(.streamTruncated)
        case .failed: throw .streamFailed
        }
    }

    private func fail(_ error: SecurityError) -> SecurityError {
        phase = .failed
        return error
    }
}
