import Testing
@testable import Security

@Suite struct SecretStreamTests {
    let key = SecretBytes.random(count: 32)

    func pair() throws -> (SecretStreamSender, SecretStreamReceiver) {
        let sender = SecretStreamSender(key: key)
        return (sender, try SecretStreamReceiver(key: key, header: sender.header))
    }

    @Test func framesOpenInOrderAndTheFinalFrameEndsTheStream() throws {
        let (sender, receiver) = try pair()
        for n in 0..<5 { #expect(try receiver.open(sender.seal([UInt8](repeating: UInt8(n), count: n * 100))) == .message([UInt8](repeating: UInt8(n), count: n * 100))) }
        #expect(try receiver.open(sender.close()) == .end)
        try receiver.finish()
        #expect(throws: SecurityError.streamClosed) { try sender.seal([1]) }
    }

    @Test func handshakeKeysDriveOneStreamPerDirection() throws {
        let network = NetworkKey.generate()
        var handshake = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        guard case let .bothCompleted(initiator, responder) = handshake.run() else { Issue.record("handshake failed"); return }
        let toResponder = SecretStreamSender(keys: initiator)
        let toInitiator = SecretStreamSender(keys: responder)
        let atResponder = try SecretStreamReceiver(keys: responder, header: toResponder.header)
        let atInitiator = try SecretStreamReceiver(keys: initiator, header: toInitiator.header)
        #expect(try atResponder.open(toResponder.seal(Array("ping".utf8))) == .message(Array("ping".utf8)))
        #expect(try atInitiator.open(toInitiator.seal(Array("pong".utf8))) == .message(Array("pong".utf8)))
        // A frame sent one way does not open the other way.
        #expect(throws: SecurityError.frameAuthenticationFailed) { try atInitiator.open(toResponder.seal([1])) }
    }

    @Test func everyBitFlipOfAFrameIsDetectedAndFailsTheStream() throws {
        let frameLength = 40 + SecretStream.overheadBytes
        for bit in 0..<(8 * frameLength) {
            let (sender, receiver) = try pair()
            var frame = try sender.seal([UInt8](repeating: 0xAB, count: 40))
            frame[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: SecurityError.frameAuthenticationFailed) { try receiver.open(frame) }
            #expect(throws: SecurityError.streamFailed) { try receiver.open(try sender.seal([1])) }
        }
    }

    @Test func aReplayedFrameIsDetected() throws {
        let (sender, receiver) = try pair()
        let frame = try sender.seal([1, 2, 3])
        _ = try receiver.open(frame)
        #expect(throws: SecurityError.frameAuthenticationFailed) { try receiver.open(frame) }
    }

    @Test func reorderedAndDroppedFramesAreDetected() throws {
        let (sender, receiver) = try pair()
        let first = try sender.seal([1]), second = try sender.seal([2])
        #expect(throws: SecurityError.frameAuthenticationFailed) { try receiver.open(second) }
        #expect(throws: SecurityError.streamFailed) { try receiver.open(first) }
        let (sender2, receiver2) = try pair()
        _ = try sender2.seal([1])  // dropped in transit
        #expect(throws: SecurityError.frameAuthenticationFailed) { try receiver2.open(try sender2.seal([2])) }
    }

    @Test func aStreamThatStopsWithoutTheFinalFrameIsReportedTruncated() throws {
        let (sender, receiver) = try pair()
        _ = try receiver.open(sender.seal([1]))
        #expect(throws: SecurityError.streamTruncated) { try receiver.finish() }
    }

    @Test func aFrameAfterTheFinalFrameIsRefused() throws {
        let (sender, receiver) = try pair()
        #expect(try receiver.open(sender.close()) == .end)
        #expect(throws: SecurityError.streamClosed) { try receiver.open([UInt8](repeating: 0, count: 30)) }
    }

    @Test func oversizedAndUndersizedFramesAreRefusedWithoutDecrypting() throws {
        let (sender, receiver) = try pair()
        #expect(throws: SecurityError.frameSize(bytes: SecretStream.frameBytesMax + 1, min: 0, max: SecretStream.frameBytesMax)) {
            try sender.seal([UInt8](repeating: 0, count: SecretStream.frameBytesMax + 1))
        }
        let biggest = try sender.seal([UInt8](repeating: 7, count: SecretStream.frameBytesMax))
        #expect(try receiver.open(biggest) == .message([UInt8](repeating: 7, count: SecretStream.frameBytesMax)))
        #expect(throws: SecurityError.self) { try receiver.open([UInt8](repeating: 0, count: SecretStream.ciphertextBytesMax + 1)) }
        let (_, fresh) = try pair()
        #expect(throws: SecurityError.self) { try fresh.open([1, 2, 3]) }
    }

    @Test func aWrongKeyOrWrongHeaderOpensNothing() throws {
        let sender = SecretStreamSender(key: key)
        let wrongKey = try SecretStreamReceiver(key: SecretBytes.random(count: 32), header: sender.header)
        #expect(throws: SecurityError.frameAuthenticationFailed) { try wrongKey.open(sender.seal([1])) }
        #expect(throws: SecurityError.invalidStreamHeader) { try SecretStreamReceiver(key: key, header: [1, 2]) }
        let wrongHeader = try SecretStreamReceiver(key: key, header: SecretStreamSender(key: key).header)
        #expect(throws: SecurityError.frameAuthenticationFailed) { try wrongHeader.open(sender.seal([1])) }
    }

    @Test func rekeyingOnRequestAndOnScheduleKeepsBothEndsInStep() throws {
        let (sender, receiver) = try pair()
        for n in 0..<(SecretStream.framesPerRekey + 10) {
            #expect(try receiver.open(sender.seal([UInt8(truncatingIfNeeded: n)], rekey: n == 3)) == .message([UInt8(truncatingIfNeeded: n)]))
        }
        #expect(try receiver.open(sender.close()) == .end)
    }

    @Test func theFrameDecoderSplitsAByteStreamAndRefusesAnOversizedLength() throws {
        let (sender, receiver) = try pair()
        let wire = try (0..<3).flatMap { try FrameDecoder.encode(sender.seal([UInt8]($0..<10))) } + FrameDecoder.encode(sender.close())
        var decoder = FrameDecoder()
        var opened: [SecretStreamReceiver.Opened] = []
        for byte in wire {  // one byte at a time, the worst case a socket can give
            try decoder.append([byte])
            while let frame = try decoder.next() { opened.append(try receiver.open(frame)) }
        }
        #expect(opened == [.message(Array(0..<10)), .message(Array(1..<10)), .message(Array(2..<10)), .end])
        #expect(decoder.bufferedBytes == 0)
        var hostile = FrameDecoder()
        try hostile.append([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: SecurityError.self) { try hostile.next() }
        #expect(throws: SecurityError.self) { try FrameDecoder().appendingTooMuch() }
    }
}

extension FrameDecoder {
    fileprivate func appendingTooMuch() throws(SecurityError) {
        var copy = self
        try copy.append([UInt8](repeating: 0, count: FrameDecoder.bufferedBytesMax + 1))
    }
}
