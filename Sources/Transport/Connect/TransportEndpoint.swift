import Logging
import NIOCore
import NIOPosix
import Security
import Synchronization

/// Listens and dials over TCP with NIO and installs the session pipeline on every
/// connection: `LengthPrefixedFrameDecoder` → `SessionHandler`. Who may connect is the
/// `isAllowed` closure (the node's current roster), asked during every handshake; as
/// responder the endpoint asks `responderAdmits` instead, which may be wider: the node
/// lets a key it does not know yet (but has not revoked) finish the handshake so that it
/// can present a newer roster before being judged (`NodeRuntime`, docs/security.md).
public final class TransportEndpoint: Sendable {
    public let group: any EventLoopGroup
    let identity: SigningIdentity
    let networkKey: NetworkKey
    let isAllowed: @Sendable (PublicKey) -> Bool
    let responderAdmits: @Sendable (PublicKey) -> Bool
    let config: SessionConfig
    public let counters: TransportCounters
    let logger: Logger
    let onEvent: @Sendable (SessionEvent) -> Void
    private let nextID = Atomic<UInt64>(1)

    public init(group: any EventLoopGroup, identity: SigningIdentity, networkKey: NetworkKey, config: SessionConfig = SessionConfig(),
                counters: TransportCounters = TransportCounters(), logger: Logger,
                isAllowed: @escaping @Sendable (PublicKey) -> Bool,
                responderAdmits: (@Sendable (PublicKey) -> Bool)? = nil,
                onEvent: @escaping @Sendable (SessionEvent) -> Void) {
        self.group = group
        self.identity = identity
        self.networkKey = networkKey
        self.isAllowed = isAllowed
        self.responderAdmits = responderAdmits ?? isAllowed
        self.config = config
        self.counters = counters
        self.logger = logger
        self.onEvent = onEvent
    }

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).newValue }

    /// Binds `host:port` (port 0 picks one; read it from the channel's `localAddress`).
    public func listen(host: String, port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = HandshakeStateMachine(responderWith: identity, networkKey: networkKey, isAllowed: responderAdmits)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LengthPrefixedFrameDecoder()),
                        SessionHandler(id: makeID(), handshake: handshake, dialledKey: nil, config: config,
                                       counters: counters, logger: logger, onEvent: onEvent),
                    ])
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// Dials `remoteKey` at `host:port`. Success means connected, not authenticated:
    /// the session reports `.established` or `.closed` through `onEvent`.
    public func dial(host: String, port: Int, remoteKey: PublicKey) -> EventLoopFuture<any Channel> {
        let id = makeID()
        return ClientBootstrap(group: group)
            .connectTimeout(.seconds(3))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = HandshakeStateMachine(initiatorTo: remoteKey, identity: identity, networkKey: networkKey,
                                                          isAllowed: isAllowed)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LengthPrefixedFrameDecoder()),
                        SessionHandler(id: id, handshake: handshake, dialledKey: remoteKey, config: config,
                                       counters: counters, logger: logger, onEvent: onEvent),
                    ])
                }
            }
            .connect(host: host, port: port)
    }
}

/// "host:port" → (host, port), for addresses in the roster and the config.
public func splitAddress(_ address: String) -> (host: String, port: Int)? {
    guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
          (1...65535).contains(port) else { return nil }
    let host = String(address[..<colon])
    return host.isEmpty ? nil : (host, port)
}
