import CSodium

/// The session handshake as a pure state machine: bytes in, an action out, no I/O, no
/// clock, no hidden randomness (the one random input, the ephemeral secret, is drawn
/// once at init from an injectable source). The shell reads `expectedMessageBytes`
/// from the connection, calls `receive`, and switches on the action.
///
/// The initiator must know the responder's key beforehand (it dials a roster member);
/// the responder learns the initiator's key from message 3 and asks `isAllowed`.
/// See `SecretHandshake` for the messages and docs/security.md for the reasoning.
public struct HandshakeStateMachine: Sendable {
    public static let helloBytes = SecretHandshake.helloBytes
    public static let authBytes = SecretHandshake.authBytes
    public static let acceptBytes = SecretHandshake.acceptBytes
    public static let messageBytesMax = SecretHandshake.messageBytesMax
    public static let ephemeralSecretBytes = Int(crypto_scalarmult_SCALARBYTES)

    public enum Action: Sendable {
        /// Write these bytes to the peer and wait for its next message.
        case send([UInt8])
        /// Done. If `finalMessage` is set (the responder's accept), write it before
        /// anything else; then start the secret streams with `keys`.
        case completed(keys: SessionKeys, remoteKey: PublicKey, finalMessage: [UInt8]?)
        /// Close the connection; log and count the reason.
        case failed(HandshakeFailure)
    }

    enum State {
        case initiatorReady(responderKey: PublicKey)
        case initiatorAwaitingHello(responderKey: PublicKey)
        case initiatorAwaitingAccept(responderKey: PublicKey, Secrets, clientSignature: [UInt8])
        case responderAwaitingHello
        case responderAwaitingAuth(remoteEphemeral: [UInt8], ab: SecretBytes, aB: SecretBytes)
        case completed
        case failed(HandshakeFailure)
    }

    /// The three Diffie–Hellman results both sides share by message 3.
    struct Secrets {
        let ab: SecretBytes
        let aB: SecretBytes
        let Ab: SecretBytes
    }

    /// Internal (not private) so tests can put a machine where no honest peer goes.
    var state: State
    private let suite: SessionSuite
    private let identity: SigningIdentity
    let networkKey: NetworkKey
    private let ephemeralSecret: SecretBytes
    let ephemeralPublic: [UInt8]
    private let isAllowed: @Sendable (PublicKey) -> Bool

    /// A node dialling `responderKey`. `ephemeralSecret` is called once and must return
    /// 32 fresh random bytes (the simulator passes a seeded source).
    public init(initiatorTo responderKey: PublicKey, identity: SigningIdentity, networkKey: NetworkKey,
                isAllowed: @escaping @Sendable (PublicKey) -> Bool,
                ephemeralSecret: () -> [UInt8] = HandshakeStateMachine.systemRandomSecret) {
        self.init(state: .initiatorReady(responderKey: responderKey), identity: identity, networkKey: networkKey,
                  isAllowed: isAllowed, ephemeralSecret: ephemeralSecret)
    }

    /// A node accepting a connection.
    public init(responderWith identity: SigningIdentity, networkKey: NetworkKey,
                isAllowed: @escaping @Sendable (PublicKey) -> Bool,
                ephemeralSecret: () -> [UInt8] = HandshakeStateMachine.systemRandomSecret) {
        self.init(state: .responderAwaitingHello, identity: identity, networkKey: networkKey,
                  isAllowed: isAllowed, ephemeralSecret: ephemeralSecret)
    }

    private init(state: State, identity: SigningIdentity, networkKey: NetworkKey,
                 isAllowed: @escaping @Sendable (PublicKey) -> Bool, ephemeralSecret: () -> [UInt8]) {
        var secret = ephemeralSecret()
        precondition(secret.count == Self.ephemeralSecretBytes, "the ephemeral source must give 32 bytes")
        self.ephemeralSecret = SecretBytes(wiping: &secret)
        self.ephemeralPublic = SecretHandshake.ephemeralPublic(self.ephemeralSecret)
        self.state = state
        self.suite = .shsSecretStream
        self.identity = identity
        self.networkKey = networkKey
        self.isAllowed = isAllowed
    }

    /// libsodium's system randomness (`randombytes_buf`).
    public static func systemRandomSecret() -> [UInt8] {
        _ = Sodium.ready
        var bytes = [UInt8](repeating: 0, count: ephemeralSecretBytes)
        randombytes_buf(&bytes, bytes.count)
        return bytes
    }

    /// The exact size of the next message to read from the peer; `nil` when none is
    /// expected (not started, completed or failed).
    public var expectedMessageBytes: Int? {
        switch state {
        case .initiatorAwaitingHello, .responderAwaitingHello: Self.helloBytes
        case .initiatorAwaitingAccept: Self.acceptBytes
        case .responderAwaitingAuth: Self.authBytes
        case .initiatorReady, .completed, .failed: nil
        }
    }

    public var isFinished: Bool {
        switch state {
        case .completed, .failed: true
        default: false
        }
    }

    /// The initiator's first message. Calling it on a responder, or twice, is a
    /// programmer error.
    public mutating func start() -> Action {
        guard case let .initiatorReady(responderKey) = state else { preconditionFailure("start() in state \(state)") }
        guard responderKey != identity.publicKey else { return fail(.remoteIsSelf) }
        // The roster may have changed since the shell chose whom to dial: ask again.
        guard isAllowed(responderKey) else { return fail(.remoteNotAllowed(responderKey)) }
        state = .initiatorAwaitingHello(responderKey: responderKey)
        return .send(SecretHandshake.hello(suite: suite, ephemeralPublic: ephemeralPublic, networkKey: networkKey))
    }

    /// One complete handshake message from the peer (exactly `expectedMessageBytes`).
    public mutating func receive(_ message: [UInt8]) -> Action {
        switch state {
        case let .initiatorAwaitingHello(responderKey):
            return onServerHello(message, responderKey: responderKey)
        case let .initiatorAwaitingAccept(responderKey, secrets, clientSignature):
            return onServerAccept(message, responderKey: responderKey, secrets: secrets, clientSignature: clientSignature)
        case .responderAwaitingHello:
            return onClientHello(message)
        case let .responderAwaitingAuth(remoteEphemeral, ab, aB):
            return onClientAuth(message, remoteEphemeral: remoteEphemeral, ab: ab, aB: aB)
        case .initiatorReady:
            return fail(.unexpectedMessage)
        case .completed, .failed:
            // Stays as it is: a completed session is not undone by a stray message.
            return .failed(.unexpectedMessage)
        }
    }

    private mutating func fail(_ failure: HandshakeFailure) -> Action {
        state = .failed(failure)
        return .failed(failure)
    }

    // MARK: Initiator

    private mutating func onServerHello(_ message: [UInt8], responderKey: PublicKey) -> Action {
        let remoteEphemeral: [UInt8]
        switch SecretHandshake.openHello(message, networkKey: networkKey) {
        case let .success(ephemeral): remoteEphemeral = ephemeral
        case let .failure(failure): return fail(failure)
        }
        guard let responderCurve = responderKey.curve25519 else { return fail(.remoteKeyInvalid) }
        guard let ab = SecretHandshake.scalarmult(ephemeralSecret, remoteEphemeral),
              let aB = SecretHandshake.scalarmult(ephemeralSecret, responderCurve),
              let Ab = identity.curve25519SharedSecret(with: remoteEphemeral) else { return fail(.weakKey) }
        let hashAB = SecretHandshake.sha256([ab])
        let clientSignature = networkKey.secret.withBytes { k in
            hashAB.withBytes { h in SecretHandshake.sign(identity, [k, responderKey.bytes, h]) }
        }
        let boxKey = networkKey.secret.withBytes { k in SecretHandshake.sha256([SecretBytes(copying: k), ab, aB]) }
        let auth = SecretHandshake.seal(clientSignature + identity.publicKey.bytes, key: boxKey)
        state = .initiatorAwaitingAccept(responderKey: responderKey, Secrets(ab: ab, aB: aB, Ab: Ab), clientSignature: clientSignature)
        return .send(auth)
    }

    private mutating func onServerAccept(_ message: [UInt8], responderKey: PublicKey, secrets: Secrets,
                                         clientSignature: [UInt8]) -> Action {
        guard message.count == Self.acceptBytes else {
            return fail(.wrongMessageLength(expected: Self.acceptBytes, got: message.count))
        }
        let boxKey = acceptBoxKey(secrets)
        guard let serverSignature = SecretHandshake.open(message, key: boxKey) else { return fail(.authenticationFailed) }
        let hashAB = SecretHandshake.sha256([secrets.ab])
        let valid = networkKey.secret.withBytes { k in
            hashAB.withBytes { h in
                SecretHandshake.verify(responderKey, signature: serverSignature, [k, clientSignature, identity.publicKey.bytes, h])
            }
        }
        guard valid else { return fail(.signatureInvalid) }
        let (toResponder, toInitiator) = sessionKeys(secrets, initiator: identity.publicKey, responder: responderKey)
        state = .completed
        return .completed(keys: SessionKeys(suite: suite, sendKey: toResponder, receiveKey: toInitiator, remoteKey: responderKey),
                          remoteKey: responderKey, finalMessage: nil)
    }

    // MARK: Responder

    private mutating func onClientHello(_ message: [UInt8]) -> Action {
        let remoteEphemeral: [UInt8]
        switch SecretHandshake.openHello(message, networkKey: networkKey) {
        case let .success(ephemeral): remoteEphemeral = ephemeral
        case let .failure(failure): return fail(failure)
        }
        guard let ab = SecretHandshake.scalarmult(ephemeralSecret, remoteEphemeral),
              let aB = identity.curve25519SharedSecret(with: remoteEphemeral) else { return fail(.weakKey) }
        state = .responderAwaitingAuth(remoteEphemeral: remoteEphemeral, ab: ab, aB: aB)
        return .send(SecretHandshake.hello(suite: suite, ephemeralPublic: ephemeralPublic, networkKey: networkKey))
    }

    private mutating func onClientAuth(_ message: [UInt8], remoteEphemeral: [UInt8], ab: SecretBytes, aB: SecretBytes) -> Action {
        guard message.count == Self.authBytes else {
            return fail(.wrongMessageLength(expected: Self.authBytes, got: message.count))
        }
        let boxKey = networkKey.secret.withBytes { k in SecretHandshake.sha256([SecretBytes(copying: k), ab, aB]) }
        guard var plain = SecretHandshake.open(message, key: boxKey) else { return fail(.authenticationFailed) }
        defer { sodium_memzero(&plain, plain.count) }
        let signatureBytes = Int(crypto_sign_BYTES)
        let clientSignature = Array(plain[..<signatureBytes])
        guard let initiatorKey = try? PublicKey(bytes: Array(plain[signatureBytes...])),
              let initiatorCurve = initiatorKey.curve25519 else { return fail(.remoteKeyInvalid) }
        guard initiatorKey != identity.publicKey else { return fail(.remoteIsSelf) }
        let hashAB = SecretHandshake.sha256([ab])
        let valid = networkKey.secret.withBytes { k in
            hashAB.withBytes { h in
                SecretHandshake.verify(initiatorKey, signature: clientSignature, [k, identity.publicKey.bytes, h])
            }
        }
        guard valid else { return fail(.signatureInvalid) }
        // Only an authenticated key is judged, so the log never names a key nobody proved.
        guard isAllowed(initiatorKey) else { return fail(.remoteNotAllowed(initiatorKey)) }
        guard let Ab = SecretHandshake.scalarmult(ephemeralSecret, initiatorCurve) else { return fail(.weakKey) }
        let secrets = Secrets(ab: ab, aB: aB, Ab: Ab)
        let serverSignature = networkKey.secret.withBytes { k in
            hashAB.withBytes { h in SecretHandshake.sign(identity, [k, clientSignature, initiatorKey.bytes, h]) }
        }
        let accept = SecretHandshake.seal(serverSignature, key: acceptBoxKey(secrets))
        let (toResponder, toInitiator) = sessionKeys(secrets, initiator: initiatorKey, responder: identity.publicKey)
        state = .completed
        return .completed(keys: SessionKeys(suite: suite, sendKey: toInitiator, receiveKey: toResponder, remoteKey: initiatorKey),
                          remoteKey: initiatorKey, finalMessage: accept)
    }

    // MARK: Key schedule

    private func acceptBoxKey(_ s: Secrets) -> SecretBytes {
        networkKey.secret.withBytes { k in SecretHandshake.sha256([SecretBytes(copying: k), s.ab, s.aB, s.Ab]) }
    }

    /// (initiator → responder, responder → initiator).
    private func sessionKeys(_ s: Secrets, initiator: PublicKey, responder: PublicKey) -> (SecretBytes, SecretBytes) {
        let shared = SecretHandshake.sha256([acceptBoxKey(s)])
        let toResponder = shared.withBytes { ss in SecretHandshake.sha256([ss, responder.bytes]) }
        let toInitiator = shared.withBytes { ss in SecretHandshake.sha256([ss, initiator.bytes]) }
        return (toResponder, toInitiator)
    }
}
