import Security

/// Why a connection was refused or a session closed. Every case is something a peer
/// (or the network) did, so each is logged and counted, never a crash. `metricLabel`
/// is the `reason` dimension of `meshdesk_sessions_closed_total`.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A length prefix over the bound in force (opening frames have a tighter one).
    case frameTooLarge(bytes: Int, max: Int)
    /// A zero-length frame: never sent by an honest peer.
    case emptyFrame
    /// The secret handshake failed (wrong network key, unknown or revoked key, tampering).
    case handshake(HandshakeFailure)
    /// The handshake did not finish within `SessionConfig.handshakeTimeoutMillis`.
    case handshakeTimeout
    /// A sealed frame did not open: modified, replayed, reordered, truncated stream.
    case stream(SecurityError)
    /// The fragment layer inside the stream is malformed (bad flag, message too large).
    case malformedFragment(String)
    /// More inbound messages than the session's rate allows (`SessionConfig`).
    case flood(messagesPerSecondMax: Int)
    /// The connection closed without the peer's final frame.
    case truncated
    /// The peer's key was revoked by a newer roster (or fell off the roster).
    case revoked
    /// The node's sync core found the peer broke the protocol.
    case protocolViolation(String)
    /// Writes waiting for the socket exceeded `SessionConfig.outboundBytesMax`.
    case outboundBacklog(bytes: Int)

    public var description: String {
        switch self {
        case let .frameTooLarge(bytes, max): "frame length \(bytes) exceeds \(max)"
        case .emptyFrame: "empty frame"
        case let .handshake(failure): "handshake failed: \(failure)"
        case .handshakeTimeout: "handshake timed out"
        case let .stream(error): "stream: \(error)"
        case let .malformedFragment(reason): "malformed fragment: \(reason)"
        case let .flood(max): "peer exceeded \(max) messages/s"
        case .truncated: "connection closed without the final frame (truncated)"
        case .revoked: "peer no longer allowed by the roster"
        case let .protocolViolation(reason): "protocol violation: \(reason)"
        case let .outboundBacklog(bytes): "outbound backlog of \(bytes) bytes"
        }
    }

    public var metricLabel: String {
        switch self {
        case .frameTooLarge: "frame_too_large"
        case .emptyFrame: "empty_frame"
        case let .handshake(failure):
            switch failure {
            case .helloNotAuthenticated: "handshake_network_key"
            case .remoteNotAllowed: "handshake_not_allowed"
            case .wrongMessageLength: "handshake_length"
            default: "handshake_failed"
            }
        case .handshakeTimeout: "handshake_timeout"
        case let .stream(error):
            switch error {
            case .frameAuthenticationFailed: "frame_authentication"
            case .frameSize: "frame_size"
            case .streamTruncated: "truncated"
            default: "stream_failed"
            }
        case .malformedFragment: "malformed_fragment"
        case .flood: "flood"
        case .truncated: "truncated"
        case .revoked: "revoked"
        case .protocolViolation: "protocol_violation"
        case .outboundBacklog: "outbound_backlog"
        }
    }
}
