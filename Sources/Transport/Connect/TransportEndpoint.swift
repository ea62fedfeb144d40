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
    /// Inbound connections kept and refused (`InboundAdmission`), shared by the loops.
    let admission: Mutex<InboundAdmission>

    public init(group: any EventLoopGroup, identity: SigningIdentity, networkKey: NetworkKey, config: SessionConfig = SessionConfig(),
                counters: TransportCounters = TransportCounters(), admissionLimits: InboundAdmission.Limits = .init(), logger: Logger,
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
        admission = Mutex(InboundAdmission(limits: admissionLimits))
    }

    static func nowMillis() -> UInt64 { NIODeadline.now().uptimeNanoseconds / 1_000_000 }

    /// Inbound connections open now (admitted, not yet closed).
    public var inboundOpen: Int { admission.withLock { $0.open } }

    /// Thrown from the child initializer for a refused connection: NIO's accept handler
    /// then closes the (not yet registered) channel. Logged in the window summary.
    struct InboundRefused: Error {}

    /// Asks `InboundAdmission` about a just-accepted connection; false: refused.
    func admit(_ channel: any Channel) -> Bool {
        let source = channel.remoteAddress?.ipAddress ?? "-"
        let (decision, summary) = admission.withLock { $0.onAccept(source: source, now: Self.nowMillis()) }
        if let summary { log(summary) }
        guard case .admit = decision else { return false }
        channel.closeFuture.whenComplete { [self] _ in admission.withLock { $0.onClose() } }
        return true
    }

    func log(_ summary: InboundAdmission.RefusalSummary) {
        logger.warning("inbound connections refused", metadata: [
            "refused": "\(summary.refused)",
            "reasons": "\(summary.byReason.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
            "sources": "\(summary.distinctSources)",
            "top_sources": "\(summary.topSources.map { "\($0.address)=\($0.refused)" }.joined(separator: ","))",
            "window_ms": "\(summary.windowMillis)",
        ])
    }

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).newValue }

    /// Binds `host:port` (port 0 picks one; read it from the channel's `localAddress`).
    public func listen(host: String, port: Int) async throws -> any Channel {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard admit(channel) else { throw InboundRefused() }
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
        // The last window of a flood is logged even when no connection follows it.
        let window = TimeAmount.milliseconds(Int64(admission.withLock { $0.limits.refusalLogWindowMillis }))
        let tick = server.eventLoop.scheduleRepeatedTask(initialDelay: window, delay: window) { [self] _ in
            if let summary = admission.withLock({ $0.onTick(now: Self.nowMillis()) }) { log(summary) }
        }
        server.closeFuture.whenComplete { _ in tick.cancel() }
        return server
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
