import Logging
import NIOCore
import NIOEmbedded
import Security
import Synchronization
@testable import Transport

/// Collects a session's events, for assertions.
final class EventLog: Sendable {
    let events = Mutex<[SessionEvent]>([])
    func record(_ event: SessionEvent) { events.withLock { $0.append(event) } }

    var established: Bool { events.withLock { $0.contains { if case .established = $0 { true } else { false } } } }
    var messages: [[UInt8]] { events.withLock { $0.compactMap { if case let .message(_, m) = $0 { m } else { nil } } } }
    /// `.some(nil)` for a clean close, `.some(error)` for a failure, `nil` when not closed.
    var closed: TransportError?? {
        events.withLock { list in
            for event in list { if case let .closed(_, _, error) = event { return .some(error) } }
            return nil
        }
    }
}

/// Two sessions on EmbeddedChannels, wired by hand: `pump()` moves what each side wrote
/// to the other, so tests can drop, flip, replay or reorder frames in between.
struct SessionPair {
    let initiator: EmbeddedChannel
    let responder: EmbeddedChannel
    let initiatorLog = EventLog()
    let responderLog = EventLog()
    let initiatorIdentity: SigningIdentity
    let responderIdentity: SigningIdentity

    init(responderAllows: Bool = true, sameNetworkKey: Bool = true, config: SessionConfig = SessionConfig()) throws {
        let networkKey = NetworkKey.generate()
        let otherKey = sameNetworkKey ? networkKey : NetworkKey.generate()
        initiatorIdentity = SigningIdentity()
        responderIdentity = SigningIdentity()
        let logger = Logger(label: "test")
        let initiatorHandshake = HandshakeStateMachine(initiatorTo: responderIdentity.publicKey, identity: initiatorIdentity,
                                                       networkKey: networkKey, isAllowed: { _ in true })
        let responderHandshake = HandshakeStateMachine(responderWith: responderIdentity, networkKey: otherKey,
                                                       isAllowed: { _ in responderAllows })
        initiator = EmbeddedChannel()
        responder = EmbeddedChannel()
        let iLog = initiatorLog, rLog = responderLog
        try initiator.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(LengthPrefixedFrameDecoder()),
            SessionHandler(id: 1, handshake: initiatorHandshake, dialledKey: responderIdentity.publicKey, config: config,
                           counters: TransportCounters(), logger: logger, onEvent: { iLog.record($0) }),
        ])
        try responder.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(LengthPrefixedFrameDecoder()),
            SessionHandler(id: 2, handshake: responderHandshake, dialledKey: nil, config: config,
                           counters: TransportCounters(), logger: logger, onEvent: { rLog.record($0) }),
        ])
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        try responder.connect(to: address).wait()
        try initiator.connect(to: address).wait()
    }

    /// Everything `channel` has written so far, one buffer per write.
    static func drain(_ channel: EmbeddedChannel) -> [ByteBuffer] {
        var out: [ByteBuffer] = []
        while let buffer = try? channel.readOutbound(as: ByteBuffer.self) { out.append(buffer) }
        return out
    }

    static func deliver(_ buffers: [ByteBuffer], to channel: EmbeddedChannel) {
        for buffer in buffers where channel.isActive { _ = try? channel.writeInbound(buffer) }
    }

    /// Shuttles bytes both ways until neither side has anything more to say.
    func pump() {
        for _ in 0..<32 {
            let a = Self.drain(initiator), b = Self.drain(responder)
            if a.isEmpty && b.isEmpty { return }
            Self.deliver(a, to: responder)
            Self.deliver(b, to: initiator)
        }
    }

    func send(_ message: [UInt8], from channel: EmbeddedChannel) {
        channel.pipeline.fireUserInboundEventTriggered(())  // no-op, keeps the loop turning
        channel.writeAndFlush(SessionCommand.send(message), promise: nil)
        channel.embeddedEventLoop.run()
    }
}
