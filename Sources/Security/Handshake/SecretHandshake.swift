import CSodium

/// The messages and key schedule of Secure Scuttlebutt's secret handshake (SHS,
/// Tarr 2015, "Designing a Secret Handshake"), with one addition: each hello starts with
/// a suite id byte, covered by that hello's HMAC. Everything is a libsodium primitive,
/// exactly the ones SHS names, so the protocol stays the analysed one:
///
///     K = network key, A/B = initiator/responder Ed25519, a/b = their ephemeral X25519
///     1 → hello     suite ‖ HMAC_K(suite ‖ a_pub) ‖ a_pub                         65 bytes
///     2 ← hello     suite ‖ HMAC_K(suite ‖ b_pub) ‖ b_pub                         65 bytes
///     3 → auth      box[sha256(K‖ab‖aB)](sig_A(K‖B‖sha256(ab)) ‖ A)              112 bytes
///     4 ← accept    box[sha256(K‖ab‖aB‖Ab)](sig_B(K‖sig_A‖A‖sha256(ab)))          80 bytes
///     ss = sha256(sha256(K‖ab‖aB‖Ab)); key(→B) = sha256(ss‖B), key(→A) = sha256(ss‖A)
///
/// HMAC is `crypto_auth` (HMAC-SHA-512-256), box is `crypto_secretbox` with a zero nonce
/// (each box key is used exactly once), DH is `crypto_scalarmult` (X25519), static keys
/// are converted with `crypto_sign_ed25519_{pk,sk}_to_curve25519`.
enum SecretHandshake {
    static let helloBytes = 1 + Int(crypto_auth_BYTES) + Int(crypto_scalarmult_BYTES)
    static let authPlainBytes = Int(crypto_sign_BYTES) + PublicKey.byteCount
    static let authBytes = Int(crypto_secretbox_MACBYTES) + authPlainBytes
    static let acceptBytes = Int(crypto_secretbox_MACBYTES) + Int(crypto_sign_BYTES)
    /// No handshake message is larger; the shell may refuse to buffer more.
    static let messageBytesMax = max(helloBytes, authBytes, acceptBytes)

    static func hello(suite: SessionSuite, ephemeralPublic: [UInt8], networkKey: NetworkKey) -> [UInt8] {
        hello(suiteByte: suite.rawValue, ephemeralPublic: ephemeralPublic, networkKey: networkKey)
    }

    /// Any suite byte: tests use it to forge hellos an insider could send.
    static func hello(suiteByte: UInt8, ephemeralPublic: [UInt8], networkKey: NetworkKey) -> [UInt8] {
        let covered = [suiteByte] + ephemeralPublic
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_BYTES))
        networkKey.secret.withBytes { k in precondition(crypto_auth(&mac, covered, UInt64(covered.count), k) == 0) }
        return [suiteByte] + mac + ephemeralPublic
    }

    /// The remote ephemeral key of an authentic hello.
    static func openHello(_ message: [UInt8], networkKey: NetworkKey) -> Result<[UInt8], HandshakeFailure> {
        guard message.count == helloBytes else { return .failure(.wrongMessageLength(expected: helloBytes, got: message.count)) }
        let macBytes = Int(crypto_auth_BYTES)
        let mac = Array(message[1...macBytes])
        let ephemeral = Array(message[(1 + macBytes)...])
        let covered = [message[0]] + ephemeral
        let authentic = networkKey.secret.withBytes { k in crypto_auth_verify(mac, covered, UInt64(covered.count), k) == 0 }
        // Checked after the MAC, so an outsider learns nothing from the error either way.
        guard authentic else { return .failure(.helloNotAuthenticated) }
        guard SessionSuite(rawValue: message[0]) != nil else { return .failure(.unsupportedSuite(message[0])) }
        return .success(ephemeral)
    }

    /// X25519 of an ephemeral secret and a remote public key; `nil` for a low-order point.
    static func scalarmult(_ secret: SecretBytes, _ remotePublic: [UInt8]) -> SecretBytes? {
        var rc: Int32 = 0
        let shared = SecretBytes(count: Int(crypto_scalarmult_BYTES)) { out in
            secret.withBytes { s in rc = crypto_scalarmult(&out, s, remotePublic) }
        }
        return rc == 0 ? shared : nil
    }

    static func ephemeralPublic(_ secret: SecretBytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(crypto_scalarmult_BYTES))
        secret.withBytes { s in precondition(crypto_scalarmult_base(&out, s) == 0) }
        return out
    }

    /// SHA-256 of the concatenation of `parts`, streamed so secrets are not concatenated
    /// into temporary arrays first.
    static func sha256(_ parts: [[UInt8]]) -> SecretBytes {
        SecretBytes(count: Int(crypto_hash_sha256_BYTES)) { out in
            var state = crypto_hash_sha256_state()
            defer { sodium_memzero(&state, MemoryLayout<crypto_hash_sha256_state>.size) }
            crypto_hash_sha256_init(&state)
            for part in parts { crypto_hash_sha256_update(&state, part, UInt64(part.count)) }
            crypto_hash_sha256_final(&state, &out)
        }
    }

    static func sha256(_ parts: [SecretBytes]) -> SecretBytes {
        // Lend each secret in turn; nesting keeps every borrow scoped.
        func collect(_ index: Int, _ lent: [[UInt8]]) -> SecretBytes {
            index == parts.count ? sha256(lent) : parts[index].withBytes { collect(index + 1, lent + [$0]) }
        }
        return collect(0, [])
    }

    static func seal(_ plaintext: [UInt8], key: SecretBytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + Int(crypto_secretbox_MACBYTES))
        let nonce = [UInt8](repeating: 0, count: Int(crypto_secretbox_NONCEBYTES))
        key.withBytes { k in precondition(crypto_secretbox_easy(&out, plaintext, UInt64(plaintext.count), nonce, k) == 0) }
        return out
    }

    static func open(_ box: [UInt8], key: SecretBytes) -> [UInt8]? {
        guard box.count >= Int(crypto_secretbox_MACBYTES) else { return nil }
        var out = [UInt8](repeating: 0, count: box.count - Int(crypto_secretbox_MACBYTES))
        let nonce = [UInt8](repeating: 0, count: Int(crypto_secretbox_NONCEBYTES))
        let rc = key.withBytes { k in crypto_secretbox_open_easy(&out, box, UInt64(box.count), nonce, k) }
        return rc == 0 ? out : nil
    }

    static func sign(_ identity: SigningIdentity, _ parts: [[UInt8]]) -> [UInt8] {
        var message = parts.flatMap { $0 }
        defer { sodium_memzero(&message, message.count) }
        return identity.sign(message)
    }

    static func verify(_ key: PublicKey, signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        var message = parts.flatMap { $0 }
        defer { sodium_memzero(&message, message.count) }
        return key.verify(signature: signature, message: message)
    }
}
