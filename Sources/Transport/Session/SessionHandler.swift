import Logging
import NIOCore
import Security

/// Moves bytes between the socket and `SessionStateMachine` and switches on its
/// actions; all decisions are the machine's. Sits after `LengthPrefixedFrameDecoder`
/// (inbound: one frame per read) and takes `SessionCommand`s from the node (outbound).
/// Every failure — a decoder error, a bad frame, a handshake refusal, a timeout — ends
/// in `closeNow(reason)`: one log line, one counter, one `.closed` event.
public final class SessionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = SessionCommand
    public typealias OutboundOut = ByteBuffer

    private var machine: SessionStateMachine
    private let config: SessionConfig
    private let onEvent: @Sendable (SessionEvent) -> Void
    private let counters: TransportCounters
    private var logger: Logger
    private let id: UInt64
    private let dialledKey: PublicKey?
    private var handle: SessionHandle?
    private var remoteKey: PublicKey?
    private var reported = false
    private var timer: Scheduled<Void>?
    private var pendingOutboundBytes = 0

    public init(id: UInt64, handshake: HandshakeStateMachine, dialledKey: PublicKey?, config: SessionConfig,
                counters: TransportCounters, logger: Logger, onEvent: @escaping @Sendable (SessionEvent) -> Void) {
        self.id = id
        self.machine = SessionStateMachine(handshake: handshake, isInitiator: dialledKey != nil, config: config)
        self.dialledKey = dialledKey
        self.config = config
        self.counters = counters
        self.logger = logger
        self.onEvent = onEvent
        self.logger[metadataKey: "session"] = "\(id)"
    }

    static func nowMillis() -> UInt64 { NIODeadline.now().uptimeNanoseconds / 1_000_000 }

    public func handlerAdded(context: ChannelHandlerContext) {
        handle = SessionHandle(id: id, channel: context.channel, isInitiator: dialledKey != nil, dialledKey: dialledKey)
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard timer == nil, !machine.isClosed else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .milliseconds(config.handshakeTimeoutMillis)) {
            let handler = loopBound.value
            if !handler.machine.isOpen { handler.perform(handler.machine.close(.handshakeTimeout), context: contextBound.value) }
        }
        perform(machine.connected(), context: context)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        counters.bytesReceived.add(frame.readableBytes + LengthPrefixedFrameDecoder.lengthPrefixBytes, ordering: .relaxed)
        let bytes = frame.readBytes(length: frame.readableBytes) ?? []
        perform(machine.frameReceived(bytes, nowMillis: Self.nowMillis()), context: context)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case let .send(message):
            counters.messagesSent.add(1, ordering: .relaxed)
            perform(machine.send(message), context: context)
        case let .close(reason):
            perform(machine.close(reason), context: context)
        case let .abort(reason):
            perform(machine.abort(reason), context: context)
        }
        promise?.succeed()
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Decoder errors (oversized/empty frame) and socket errors end up here.
        let reason = (error as? TransportError)
            ?? (error as? ByteToMessageDecoderError).map { _ in TransportError.malformedFragment("decoder: \(error)") }
        if let reason {
            perform(machine.close(reason), context: context)
        } else {
            logger.debug("connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        let error = machine.connectionClosed()
        report(error)
        context.fireChannelInactive()
    }

    private func perform(_ actions: [SessionStateMachine.Action], context: ChannelHandlerContext) {
        guard let handle else { return }
        var lastWrite: EventLoopFuture<Void>?
        for action in actions {
            switch action {
            case let .write(payload):
                let buffer = LengthPrefixedFrameDecoder.encode(payload, allocator: context.channel.allocator)
                let count = buffer.readableBytes
                counters.bytesSent.add(count, ordering: .relaxed)
                pendingOutboundBytes += count
                guard pendingOutboundBytes <= config.outboundBytesMax else {
                    perform(machine.close(.outboundBacklog(bytes: pendingOutboundBytes)), context: context)
                    return
                }
                let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
                let written = context.writeAndFlush(wrapOutboundOut(buffer))
                written.whenComplete { _ in loopBound.value.pendingOutboundBytes -= count }
                lastWrite = written
            case let .established(key):
                remoteKey = key
                logger[metadataKey: "peer"] = "\(key.siteID)"
                counters.sessionsEstablished.add(1, ordering: .relaxed)
                TransportCounters.established()
                timer?.cancel()
                timer = nil
                if handle.isInitiator { scheduleRehandshake(context: context) }
                onEvent(.established(handle, remoteKey: key))
            case let .deliver(message):
                counters.messagesReceived.add(1, ordering: .relaxed)
                onEvent(.message(handle, message))
            case let .close(error):
                report(error)
                // Close after the final frame is on the wire, not before: closing fails
                // writes still queued, and the peer would see a truncated stream.
                if let lastWrite {
                    let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    lastWrite.whenComplete { _ in contextBound.value.close(promise: nil) }
                } else {
                    context.close(promise: nil)
                }
            }
        }
    }

    /// The dialler ends a long-lived session cleanly and redials: a fresh handshake.
    private func scheduleRehandshake(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .milliseconds(config.rehandshakeAfterMillis)) {
            let handler = loopBound.value
            handler.logger.info("session lifetime reached; closing for a fresh handshake")
            handler.perform(handler.machine.close(nil), context: contextBound.value)
        }
    }

    private func report(_ error: TransportError?) {
        guard !reported, let handle else { return }
        reported = true
        if let error {
            counters.sessionsFailed.add(1, ordering: .relaxed)
            TransportCounters.closed(reason: error.metricLabel)
            logger.warning("session closed", metadata: ["reason": "\(error)", "metric": "\(error.metricLabel)"])
        } else {
            TransportCounters.closed(reason: "clean")
            logger.debug("session closed cleanly")
        }
        onEvent(.closed(handle, remoteKey: remoteKey, error: error))
    }
}
