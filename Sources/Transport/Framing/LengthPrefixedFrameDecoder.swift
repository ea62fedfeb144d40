import NIOCore
import Security

/// Splits the TCP byte stream into frames: a 4-byte big-endian length, then that many
/// bytes. The length is checked against a named maximum *before* anything is buffered
/// for it, so a peer cannot make us hold more than one maximal frame.
///
/// The first `openingFrames` frames of a connection (the peer's two handshake messages
/// and its secretstream header) are tiny, so they get a tight bound of their own: an
/// unauthenticated peer can make us buffer at most `openingFrameBytesMax` bytes.
public struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public static let lengthPrefixBytes = 4
    /// Two handshake messages and one stream header arrive before the first sealed frame.
    public static let openingFrames = 3
    /// The largest handshake message, rounded up; the stream header (24 B) fits too.
    public static let openingFrameBytesMax = 128
    /// One sealed secretstream frame: `SecretStream.frameBytesMax` plaintext plus overhead.
    public static let frameBytesMax = SecretStream.ciphertextBytesMax

    private var framesDecoded = 0

    public init() {}

    var currentMax: Int { WireFrames.frameBytesMax(afterFrames: framesDecoded) }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        let max = currentMax
        guard Int(length) <= max else { throw TransportError.frameTooLarge(bytes: Int(length), max: max) }
        guard length > 0 else { throw TransportError.emptyFrame }
        guard buffer.readableBytes >= Self.lengthPrefixBytes + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: Self.lengthPrefixBytes)
        let frame = buffer.readSlice(length: Int(length))!
        framesDecoded += 1
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // Leftover bytes at EOF are a cut frame; the session notices the missing final tag.
        return .needMoreData
    }

    /// The wire form of one frame.
    public static func encode(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        precondition(payload.count <= frameBytesMax, "frame of \(payload.count) bytes exceeds frameBytesMax")
        var buffer = allocator.buffer(capacity: lengthPrefixBytes + payload.count)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }
}
