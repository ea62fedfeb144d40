import Security

/// The session's wire form as pure functions over byte arrays: the length prefix and
/// its bounds (the same ones `LengthPrefixedFrameDecoder` applies on a channel), and a
/// `SessionWire` that seals messages into wire bytes and opens wire bytes into messages
/// with a `SessionStateMachine`. No channel, no clock (time is passed in): a simulator
/// can carry the real bytes, so a flipped bit meets the AEAD as it would on a socket.
public enum WireFrames {
    /// The wire form of one frame: a 4-byte big-endian length, then the payload.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= LengthPrefixedFrameDecoder.frameBytesMax, "frame of \(payload.count) bytes exceeds frameBytesMax")
        let n = UInt32(payload.count)
        return [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + payload
    }

    /// The largest frame accepted after `framesDecoded` frames of a connection.
    public static func frameBytesMax(afterFrames framesDecoded: Int) -> Int {
        framesDecoded < LengthPrefixedFrameDecoder.openingFrames ? LengthPrefixedFrameDecoder.openingFrameBytesMax
                                                                 : LengthPrefixedFrameDecoder.frameBytesMax
    }
}

/// Splits a byte stream into frames, checking each length before buffering for it.
/// Holds at most one partial frame (`prefix + frameBytesMax`).
public struct WireFrameSplitter: Sendable {
    private var buffered: [UInt8] = []
    private var framesDecoded = 0

    public init() {}

    public mutating func append(_ bytes: [UInt8]) throws(TransportError) -> [[UInt8]] {
        buffered += bytes
        var frames: [[UInt8]] = []
        var start = 0
        let prefix = LengthPrefixedFrameDecoder.lengthPrefixBytes
        while buffered.count - start >= prefix {
            let length = buffered[start..<(start + prefix)].reduce(0) { $0 << 8 | Int($1) }
            let max = WireFrames.frameBytesMax(afterFrames: framesDecoded)
            guard length <= max else { throw .frameTooLarge(bytes: length, max: max) }
            guard length > 0 else { throw .emptyFrame }
            guard buffered.count - start >= prefix + length else { break }
            frames.append(Array(buffered[(start + prefix)..<(start + prefix + length)]))
            framesDecoded += 1
            start += prefix + length
        }
        buffered.removeFirst(start)
        return frames
    }
}

/// One end of a session as wire bytes in, wire bytes and events out.
public struct SessionWire {
    public enum Output {
        /// Bytes for the peer, length prefixes included.
        case bytes([UInt8])
        case established(remoteKey: PublicKey)
        case deliver([UInt8])
        case close(TransportError?)
    }

    private var machine: SessionStateMachine
    private var splitter = WireFrameSplitter()

    public init(_ machine: SessionStateMachine) { self.machine = machine }

    public var isOpen: Bool { machine.isOpen }
    public var isClosed: Bool { machine.isClosed }

    /// The connection is up (the initiator's hello).
    public mutating func connected() -> [Output] { Self.wire(machine.connected()) }

    public mutating func received(_ bytes: [UInt8], nowMillis: UInt64) -> [Output] {
        let frames: [[UInt8]]
        do { frames = try splitter.append(bytes) } catch {
            _ = machine.abort(error)
            return [.close(error)]
        }
        var out: [Output] = []
        for frame in frames where !machine.isClosed { out += Self.wire(machine.frameReceived(frame, nowMillis: nowMillis)) }
        return out
    }

    /// Seals `message` (in as many frames as it needs).
    public mutating func send(_ message: [UInt8]) -> [Output] { Self.wire(machine.send(message)) }

    /// A clean close: the final frame, then close.
    public mutating func close(_ reason: TransportError? = nil) -> [Output] { Self.wire(machine.close(reason)) }

    /// The connection went away; the error says whether the stream was cut.
    public mutating func connectionClosed() -> TransportError? { machine.connectionClosed() }

    static func wire(_ actions: [SessionStateMachine.Action]) -> [Output] {
        actions.map { action in
            switch action {
            case let .write(payload): .bytes(WireFrames.encode(payload))
            case let .established(key): .established(remoteKey: key)
            case let .deliver(message): .deliver(message)
            case let .close(error): .close(error)
            }
        }
    }
}
