import Security

/// One connection's protocol, from first byte to final frame, as a state machine: a
/// frame (or a local request) in, a list of actions out. No I/O and no clock (time is
/// passed in). The SHS handshake and the secretstream halves come from `Security`.
///
///     handshaking ─► awaitingHeader ─► open ─► closed
///
/// It holds the stream halves, which are classes on purpose (a copied stream state
/// would reuse nonces); the machine itself is used by one handler on one event loop.
public struct SessionStateMachine {
    public enum Action {
        /// Write this frame payload (the handler adds the length prefix).
        case write([UInt8])
        /// The peer proved `remoteKey` and both streams are up.
        case established(remoteKey: PublicKey)
        /// A complete inbound message.
        case deliver([UInt8])
        /// Close the connection. `nil` is a clean close (both final frames or a local
        /// close); otherwise log and count the error.
        case close(TransportError?)
    }

    enum State {
        case handshaking(HandshakeStateMachine)
        case awaitingHeader(sender: SecretStreamSender, keys: SessionKeys, remoteKey: PublicKey)
        case open(sender: SecretStreamSender, receiver: SecretStreamReceiver, remoteKey: PublicKey)
        case closed
    }

    private var state: State
    private var reassembler: FragmentReassembler
    private var rateLimit: InboundRateLimit
    public let isInitiator: Bool

    public init(handshake: HandshakeStateMachine, isInitiator: Bool, config: SessionConfig) {
        state = .handshaking(handshake)
        reassembler = FragmentReassembler(messageBytesMax: config.messageBytesMax)
        rateLimit = InboundRateLimit(perSecond: config.inboundMessagesPerSecondMax, burst: config.inboundMessagesBurstMax)
        self.isInitiator = isInitiator
    }

    public var isOpen: Bool { if case .open = state { true } else { false } }
    public var isClosed: Bool { if case .closed = state { true } else { false } }

    /// The connection is up: the initiator sends its hello.
    public mutating func connected() -> [Action] {
        guard isInitiator, case var .handshaking(machine) = state else { return [] }
        let action = machine.start()
        state = .handshaking(machine)
        switch action {
        case let .send(bytes): return [.write(bytes)]
        case let .failed(failure): return fail(.handshake(failure))
        case .completed: preconditionFailure("a handshake cannot complete at start")
        }
    }

    public mutating func frameReceived(_ frame: [UInt8], nowMillis: UInt64) -> [Action] {
        switch state {
        case var .handshaking(machine):
            let action = machine.receive(frame)
            state = .handshaking(machine)
            switch action {
            case let .send(bytes):
                return [.write(bytes)]
            case let .completed(keys, remoteKey, finalMessage):
                let sender = SecretStreamSender(keys: keys)
                state = .awaitingHeader(sender: sender, keys: keys, remoteKey: remoteKey)
                return (finalMessage.map { [.write($0)] } ?? []) + [.write(sender.header)]
            case let .failed(failure):
                return fail(.handshake(failure))
            }
        case let .awaitingHeader(sender, keys, remoteKey):
            do {
                let receiver = try SecretStreamReceiver(keys: keys, header: frame)
                state = .open(sender: sender, receiver: receiver, remoteKey: remoteKey)
                return [.established(remoteKey: remoteKey)]
            } catch {
                return fail(.stream(error))
            }
        case let .open(sender, receiver, _):
            let opened: SecretStreamReceiver.Opened
            do { opened = try receiver.open(frame) } catch { return fail(.stream(error)) }
            switch opened {
            case .end:
                // The peer finished cleanly; answer with our own final frame.
                state = .closed
                return ((try? sender.close()).map { [.write($0)] } ?? []) + [.close(nil)]
            case let .message(fragment):
                do {
                    guard let message = try reassembler.append(fragment) else { return [] }
                    guard rateLimit.admit(nowMillis: nowMillis) else { return fail(.flood(messagesPerSecondMax: rateLimit.perSecond)) }
                    return [.deliver(message)]
                } catch {
                    return fail(error)
                }
            }
        case .closed:
            return []
        }
    }

    /// Seals one message (in as many frames as it needs). Dropped unless open: the sync
    /// core treats an unsent message like a lost one.
    public mutating func send(_ message: [UInt8]) -> [Action] {
        guard case let .open(sender, _, _) = state else { return [] }
        precondition(message.count <= SyncMessageBound.bytesMax, "message beyond the codec bound")
        var out: [Action] = []
        for fragment in MessageFragments.split(message) {
            do { out.append(.write(try sender.seal(fragment))) } catch { return fail(.stream(error)) }
        }
        return out
    }

    /// A local close: the final frame if the stream is open (so the peer can tell this
    /// from a cut connection), then close. `reason` is logged and counted if given.
    public mutating func close(_ reason: TransportError? = nil) -> [Action] {
        switch state {
        case let .open(sender, _, _), let .awaitingHeader(sender, _, _):
            state = .closed
            return ((try? sender.close()).map { [.write($0)] } ?? []) + [.close(reason)]
        case .handshaking:
            state = .closed
            return [.close(reason)]
        case .closed:
            return []
        }
    }

    /// A local close without the final frame: the peer sees a truncated stream, as after
    /// a refused handshake (used to refuse a peer after a roster probation).
    public mutating func abort(_ reason: TransportError) -> [Action] {
        guard !isClosed else { return [] }
        state = .closed
        return [.close(reason)]
    }

    /// The connection went away. Without the peer's final frame the stream was cut.
    public mutating func connectionClosed() -> TransportError? {
        defer { state = .closed }
        switch state {
        case let .open(_, receiver, _):
            do { try receiver.finish() } catch { return .truncated }
            return nil
        case .handshaking, .awaitingHeader:
            return .truncated
        case .closed:
            return nil
        }
    }

    private mutating func fail(_ error: TransportError) -> [Action] {
        state = .closed
        return [.close(error)]
    }
}

import Sync

enum SyncMessageBound {
    static let bytesMax = SyncMessage.encodedBytesMax
}
