import CSodium

/// Limits and sizes shared by both ends of a session stream.
public enum SecretStream {
    /// Largest plaintext in one frame: a gossip chunk of batches fits with room to spare,
    /// and a receiver never buffers more than this per frame.
    public static let frameBytesMax = 1 << 20
    /// Authentication tag plus the encrypted tag byte added to every frame.
    public static let overheadBytes = Int(crypto_secretstream_xchacha20poly1305_ABYTES)
    public static let ciphertextBytesMax = frameBytesMax + overheadBytes
    /// The stream header each sender transmits once, before its first frame.
    public static let headerBytes = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    /// The sender marks every this-many-th frame with TAG_REKEY, so both ends replace the
    /// key with one derived from it and the old key cannot decrypt what follows.
    public static let framesPerRekey = 1 << 12
}

/// The sending half of one session direction: `crypto_secretstream_xchacha20poly1305`
/// keyed by the handshake's send key. Each frame advances an internal nonce, so the
/// receiver detects any frame that is modified, replayed, dropped or reordered.
///
/// A class, not a struct, on purpose: a copy of the stream state would encrypt two
/// different frames under the same key and nonce.
public final class SecretStreamSender {
    /// Send this to the peer, once, before the first frame.
    public let header: [UInt8]
    private var state = crypto_secretstream_xchacha20poly1305_state()
    private var closed = false
    private var framesSinceRekey = 0

    public convenience init(keys: SessionKeys) { self.init(key: keys.sendKey) }

    /// The header's randomness comes from libsodium (`init_push` draws it); the session
    /// key is already fresh per handshake, so a deterministic header would be as safe.
    public init(key: SecretBytes) {
        _ = Sodium.ready
        precondition(key.count == Int(crypto_secretstream_xchacha20poly1305_KEYBYTES), "stream keys are 32 bytes")
        var header = [UInt8](repeating: 0, count: SecretStream.headerBytes)
        var initial = crypto_secretstream_xchacha20poly1305_state()
        key.withBytes { k in precondition(crypto_secretstream_xchacha20poly1305_init_push(&initial, &header, k) == 0) }
        self.header = header
        self.state = initial
        sodium_memzero(&initial, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
    }

    deinit { sodium_memzero(&state, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size) }

    /// Encrypts one frame. `rekey` forces a key ratchet after this frame (both ends).
    public func seal(_ plaintext: [UInt8], rekey: Bool = false) throws(SecurityError) -> [UInt8] {
        guard !closed else { throw .streamClosed }
        guard plaintext.count <= SecretStream.frameBytesMax else {
            throw .frameSize(bytes: plaintext.count, min: 0, max: SecretStream.frameBytesMax)
        }
        framesSinceRekey += 1
        let ratchet = rekey || framesSinceRekey >= SecretStream.framesPerRekey
        if ratchet { framesSinceRekey = 0 }
        return push(plaintext, tag: ratchet ? crypto_secretstream_xchacha20poly1305_tag_rekey()
                                            : crypto_secretstream_xchacha20poly1305_tag_message())
    }

    /// The final frame (TAG_FINAL, no payload). Without it the receiver reports the
    /// stream as truncated; after it, nothing more can be sealed.
    public func close() throws(SecurityError) -> [UInt8] {
        guard !closed else { throw .streamClosed }
        closed = true
        return push([], tag: crypto_secretstream_xchacha20poly1305_tag_final())
    }

    private func push(_ plaintext: [UInt8], tag: UInt8) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + SecretStream.overheadBytes)
        var written: UInt64 = 0
        let rc = crypto_secretstream_xchacha20poly1305_push(&state, &out, &written, plaintext, UInt64(plaintext.count), nil, 0, tag)
        precondition(rc == 0 && Int(written) == out.count, "secretstream push failed")
        return out
    }
}
