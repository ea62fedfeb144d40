import Replica

/// Why bytes from a peer are not a `SyncMessage`. The shell closes the session with
/// this as the logged reason; it never crashes the node and never reaches the store.
public enum SyncMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first byte names a wire version this node does not speak.
    case unsupportedWireVersion(UInt8)
    /// A message type from a newer (or hostile) peer.
    case unknownMessageType(UInt8)
    /// Truncated, oversized, non-canonical or out-of-range content.
    case malformed(DecodingError)

    public var description: String {
        switch self {
        case let .unsupportedWireVersion(v): "unsupported sync wire version \(v)"
        case let .unknownMessageType(t): "unknown sync message type \(t)"
        case let .malformed(e): "malformed sync message: \(e)"
        }
    }
}
