import NIOCore
import Security

/// A session as the node sees it: which connection, which direction, and (for an
/// outbound one) whom we dialled. Sendable, so it can travel to the node's loop.
public struct SessionHandle: Hashable, Sendable, CustomStringConvertible {
    public let id: UInt64
    public let channel: any Channel
    public let isInitiator: Bool
    /// The key we dialled (initiator only); the responder learns the key at `.established`.
    public let dialledKey: PublicKey?

    public static func == (a: SessionHandle, b: SessionHandle) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { "session#\(id)\(isInitiator ? "→" : "←")" }

    /// Sends one encoded sync message (the handler seals and fragments it).
    public func send(_ message: [UInt8]) {
        channel.writeAndFlush(SessionCommand.send(message), promise: nil)
    }

    /// Ends the session with a final frame; `reason` is logged and counted if given.
    public func close(_ reason: TransportError? = nil) {
        channel.writeAndFlush(SessionCommand.close(reason), promise: nil)
    }

    /// Drops the connection without a final frame, as a failed handshake does: the peer
    /// sees a cut stream and backs off before redialling (a clean close would invite an
    /// immediate redial). `reason` is logged and counted.
    public func abort(_ reason: TransportError) {
        channel.writeAndFlush(SessionCommand.abort(reason), promise: nil)
    }
}

/// What the node asks of a session handler (the handler's outbound type).
public enum SessionCommand: Sendable {
    case send([UInt8])
    case close(TransportError?)
    /// Close without the final frame (see `SessionHandle.abort`).
    case abort(TransportError)
}

/// What a session handler tells the node. Delivered on the channel's event loop; the
/// node hops to its own.
public enum SessionEvent: Sendable {
    case established(SessionHandle, remoteKey: PublicKey)
    case message(SessionHandle, [UInt8])
    /// The session ended; `error` is nil for a clean close. `remoteKey` is set if the
    /// handshake had completed.
    case closed(SessionHandle, remoteKey: PublicKey?, error: TransportError?)
}
