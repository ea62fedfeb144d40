import NIOCore
import NIOEmbedded
import Testing
@testable import Transport

@Suite("Framing, fragments and backoff")
struct FramingTests {
    @Test func openingFramesHaveATighterBound() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LengthPrefixedFrameDecoder()))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(LengthPrefixedFrameDecoder.openingFrameBytesMax + 1))
        #expect(throws: TransportError.frameTooLarge(bytes: LengthPrefixedFrameDecoder.openingFrameBytesMax + 1,
                                                     max: LengthPrefixedFrameDecoder.openingFrameBytesMax)) {
            try channel.writeInbound(buffer)
        }
    }

    @Test func framesReassembleFromArbitraryChunks() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LengthPrefixedFrameDecoder()))
        let payloads: [[UInt8]] = [[1], [2, 3], Array(repeating: 4, count: 100)]
        var wire = ByteBuffer()
        for p in payloads { var b = LengthPrefixedFrameDecoder.encode(p, allocator: .init()); wire.writeBuffer(&b) }
        while wire.readableBytes > 0 {
            try channel.writeInbound(wire.readSlice(length: min(3, wire.readableBytes))!)
        }
        var got: [[UInt8]] = []
        while var frame = try channel.readInbound(as: ByteBuffer.self) { got.append(frame.readBytes(length: frame.readableBytes)!) }
        #expect(got == payloads)
    }

    @Test func emptyFrameIsRefused() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LengthPrefixedFrameDecoder()))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(0))
        #expect(throws: TransportError.emptyFrame) { try channel.writeInbound(buffer) }
    }

    @Test func fragmentsRoundTripAndAreBounded() throws {
        let message = (0..<(MessageFragments.payloadBytesMax * 2 + 5)).map { UInt8(truncatingIfNeeded: $0) }
        let fragments = MessageFragments.split(message)
        #expect(fragments.count == 3)
        var reassembler = FragmentReassembler(messageBytesMax: message.count)
        let first = try reassembler.append(fragments[0])
        let second = try reassembler.append(fragments[1])
        let third = try reassembler.append(fragments[2])
        #expect(first == nil && second == nil && third == message)
        var small = FragmentReassembler(messageBytesMax: 10)
        var tooLarge: TransportError?
        do { _ = try small.append([MessageFragments.last] + Array(repeating: 0, count: 11)) } catch { tooLarge = error }
        #expect(tooLarge != nil)
        var badFlag: TransportError?
        do { _ = try small.append([7, 1]) } catch { badFlag = error }
        #expect(badFlag == .malformedFragment("fragment flag 7"))
    }

    @Test func backoffGrowsToTheCapWithSeededJitter() {
        var a = ReconnectBackoff(seed: 42, baseMillis: 100, capMillis: 5_000)
        var b = ReconnectBackoff(seed: 42, baseMillis: 100, capMillis: 5_000)
        let delays = (0..<12).map { _ in a.nextDelayMillis() }
        #expect(delays == (0..<12).map { _ in b.nextDelayMillis() })
        #expect((50...100).contains(delays[0]))
        #expect(delays.allSatisfy { $0 <= 5_000 })
        #expect(delays.suffix(4).allSatisfy { $0 >= 2_500 })
        a.reset()
        let afterReset = a.nextDelayMillis()
        #expect(afterReset <= 100)
    }

    @Test func rateLimitRefills() {
        var limit = InboundRateLimit(perSecond: 10, burst: 2)
        let admitted = [limit.admit(nowMillis: 0), limit.admit(nowMillis: 0), limit.admit(nowMillis: 0), limit.admit(nowMillis: 100)]
        #expect(admitted == [true, true, false, true])
    }
}
