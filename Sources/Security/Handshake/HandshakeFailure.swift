/// Why a handshake failed. The shell closes the connection, logs this and counts it;
/// nothing about a failure is retried inside the state machine.
public enum HandshakeFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// A handshake message of the wrong size (each step has one fixed size).
    case wrongMessageLength(expected: Int, got: Int)
    /// The hello's HMAC does not verify: the peer lacks our network key, or the hello was
    /// modified in transit.
    case helloNotAuthenticated
    /// An authentic hello naming a suite this build does not implement.
    case unsupportedSuite(UInt8)
    /// A Diffie–Hellman result was all zeros: the peer sent a low-order point.
    case weakKey
    /// A boxed message did not open: modified, or the peer does not hold the static key
    /// we expected (an impostor without the responder's secret key fails here).
    case authenticationFailed
    /// The box opened but the Ed25519 signature inside does not verify.
    case signatureInvalid
    /// The peer's static key is not a valid Ed25519 public key.
    case remoteKeyInvalid
    /// The peer authenticated, but its key is not allowed (not on the roster, revoked,
    /// outside its validity).
    case remoteNotAllowed(PublicKey)
    /// The peer holds our own identity: a dial to ourselves, or a cloned node (a copied
    /// key file) — worth an operator's attention, never a session.
    case remoteIsSelf
    /// A message arrived when none was expected (before `start`, after the end).
    case unexpectedMessage

    public var description: String {
        switch self {
        case let .wrongMessageLength(expected, got): "handshake message of \(got) bytes, expected \(expected)"
        case .helloNotAuthenticated: "hello not authenticated (wrong network key or tampered)"
        case let .unsupportedSuite(suite): "unsupported crypto suite \(suite)"
        case .weakKey: "peer sent a low-order Diffie-Hellman key"
        case .authenticationFailed: "handshake box did not open (tampered, or peer lacks the expected static key)"
        case .signatureInvalid: "handshake signature invalid"
        case .remoteKeyInvalid: "peer's static key is not a valid Ed25519 key"
        case let .remoteNotAllowed(key): "peer \(key.siteID) authenticated but is not allowed"
        case .remoteIsSelf: "peer presents this node's own identity (self-dial or cloned key)"
        case .unexpectedMessage: "handshake message not expected in this state"
        }
    }
}
