import Security
import Sync

/// The knobs of one session, each a named bound.
public struct SessionConfig: Sendable {
    /// A handshake must finish within this, or the connection is dropped.
    public var handshakeTimeoutMillis: Int64 = 5_000
    /// A session is closed cleanly (final frame) after this long, and the dialler
    /// reconnects: a fresh handshake gives fresh ephemeral keys (forward secrecy over
    /// time, on top of secretstream's in-stream rekey every `SecretStream.framesPerRekey`).
    public var rehandshakeAfterMillis: Int64 = 15 * 60_000
    /// Largest reassembled message: the sync codec's own bound.
    public var messageBytesMax = SyncMessage.encodedBytesMax
    /// Inbound messages per second a peer may send on average…
    public var inboundMessagesPerSecondMax = 20_000
    /// …and in one burst.
    public var inboundMessagesBurstMax = 40_000
    /// Bytes queued for a slow socket before the session is dropped (the sync protocol's
    /// credit keeps honest traffic far below this).
    public var outboundBytesMax = 64 << 20

    public init() {}
}
