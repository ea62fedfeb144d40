import NIOCore
import NIOEmbedded
import Security
import Testing
@testable import Transport

@Suite("Sessions over EmbeddedChannel")
struct SessionTests {
    @Test func handshakeThenMessagesBothWaysThenCleanClose() throws {
        let pair = try SessionPair()
        pair.pump()
        #expect(pair.initiatorLog.established && pair.responderLog.established)
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }  // three fragments
        pair.send([1, 2, 3], from: pair.initiator)
        pair.send(big, from: pair.responder)
        pair.pump()
        #expect(pair.responderLog.messages == [[1, 2, 3]])
        #expect(pair.initiatorLog.messages == [big])
        pair.initiator.writeAndFlush(SessionCommand.close(nil), promise: nil)
        pair.pump()
        #expect(pair.initiatorLog.closed == .some(nil))
        #expect(pair.responderLog.closed == .some(nil))
    }

    @Test func garbageBytesOnThePortCloseTheSession() throws {
        let pair = try SessionPair()
        _ = SessionPair.drain(pair.initiator)
        var buffer = ByteBuffer()
        buffer.writeBytes((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) })
        _ = try? pair.responder.writeInbound(buffer)
        // The first four bytes read as a length far over the opening bound.
        #expect(pair.responderLog.closed??.metricLabel == "frame_too_large")
        #expect(!pair.responder.isActive)
        #expect(!pair.responderLog.established)
    }

    @Test func garbageHelloOfTheRightSizeFailsAuthentication() throws {
        let pair = try SessionPair()
        _ = SessionPair.drain(pair.initiator)
        let garbage = [UInt8](repeating: 0x41, count: HandshakeStateMachine.helloBytes)
        _ = try? pair.responder.writeInbound(LengthPrefixedFrameDecoder.encode(garbage, allocator: .init()))
        #expect(pair.responderLog.closed == .some(.handshake(.helloNotAuthenticated)))
    }

    @Test func oversizedFrameClosesTheSession() throws {
        let pair = try SessionPair()
        pair.pump()
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(LengthPrefixedFrameDecoder.frameBytesMax + 1))
        _ = try? pair.responder.writeInbound(buffer)
        #expect(pair.responderLog.closed == .some(.frameTooLarge(bytes: LengthPrefixedFrameDecoder.frameBytesMax + 1,
                                                                 max: LengthPrefixedFrameDecoder.frameBytesMax)))
    }

    @Test func truncatedStreamIsDetected() throws {
        let pair = try SessionPair()
        pair.pump()
        pair.send([9], from: pair.initiator)
        let frames = SessionPair.drain(pair.initiator)
        // Half of a frame, then the connection drops: no final tag.
        var half = frames[0]
        let cut = half.readSlice(length: half.readableBytes / 2)!
        _ = try? pair.responder.writeInbound(cut)
        _ = try? pair.responder.close().wait()
        #expect(pair.responderLog.closed == .some(.truncated))
        #expect(pair.responderLog.messages.isEmpty)
    }

    @Test func bitFlippedFrameClosesTheSession() throws {
        let pair = try SessionPair()
        pair.pump()
        pair.send([1, 2, 3, 4], from: pair.initiator)
        var frame = SessionPair.drain(pair.initiator)[0]
        let at = frame.readerIndex + 6
        frame.setInteger(frame.getInteger(at: at, as: UInt8.self)! ^ 0x01, at: at)
        SessionPair.deliver([frame], to: pair.responder)
        #expect(pair.responderLog.closed == .some(.stream(.frameAuthenticationFailed)))
        #expect(pair.responderLog.messages.isEmpty)
    }

    @Test func replayedFrameClosesTheSession() throws {
        let pair = try SessionPair()
        pair.pump()
        pair.send([1], from: pair.initiator)
        let frame = SessionPair.drain(pair.initiator)[0]
        SessionPair.deliver([frame, frame], to: pair.responder)
        #expect(pair.responderLog.messages == [[1]])
        #expect(pair.responderLog.closed == .some(.stream(.frameAuthenticationFailed)))
    }

    @Test func reorderedFramesCloseTheSession() throws {
        let pair = try SessionPair()
        pair.pump()
        pair.send([1], from: pair.initiator)
        pair.send([2], from: pair.initiator)
        let frames = SessionPair.drain(pair.initiator)
        SessionPair.deliver([frames[1], frames[0]], to: pair.responder)
        #expect(pair.responderLog.messages.isEmpty)
        #expect(pair.responderLog.closed == .some(.stream(.frameAuthenticationFailed)))
    }

    @Test func handshakeWithAnUnknownKeyIsRefused() throws {
        let pair = try SessionPair(responderAllows: false)
        pair.pump()
        #expect(!pair.responderLog.established && !pair.initiatorLog.established)
        guard case let .some(.some(.handshake(.remoteNotAllowed(key)))) = pair.responderLog.closed else {
            Issue.record("expected remoteNotAllowed, got \(String(describing: pair.responderLog.closed))")
            return
        }
        #expect(key == pair.initiatorIdentity.publicKey)
        // The responder hung up; the initiator sees its connection end mid-handshake.
        _ = try? pair.initiator.close().wait()
        #expect(pair.initiatorLog.closed == .some(.truncated))
    }

    @Test func handshakeWithTheWrongNetworkKeyIsRefused() throws {
        let pair = try SessionPair(sameNetworkKey: false)
        pair.pump()
        #expect(pair.responderLog.closed == .some(.handshake(.helloNotAuthenticated)))
        #expect(!pair.initiatorLog.established)
        #expect(pair.responderLog.closed?.map(\.metricLabel) == .some("handshake_network_key"))
    }

    @Test func floodOfMessagesFromOnePeerClosesTheSession() throws {
        var config = SessionConfig()
        config.inboundMessagesPerSecondMax = 10
        config.inboundMessagesBurstMax = 20
        let pair = try SessionPair(config: config)
        pair.pump()
        for i in 0..<100 { pair.send([UInt8(i)], from: pair.initiator) }
        pair.pump()
        #expect(pair.responderLog.messages.count == 20)
        #expect(pair.responderLog.closed == .some(.flood(messagesPerSecondMax: 10)))
    }

    @Test func handshakeTimesOut() throws {
        let pair = try SessionPair()
        _ = SessionPair.drain(pair.initiator)  // the hello never arrives
        pair.responder.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(pair.responderLog.closed == .some(.handshakeTimeout))
    }
}
