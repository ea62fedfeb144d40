import Security
import Testing
@testable import Transport

/// Two `SessionWire`s joined by hand, with no channel: the bytes between them are the
/// real wire bytes, so corruption, replay and cut streams meet the real AEAD.
@Suite("Sessions as pure wire functions")
struct SessionWireTests {
    struct Pair {
        var initiator: SessionWire
        var responder: SessionWire
        let initiatorKey: PublicKey
        let responderKey: PublicKey

        init() {
            let networkKey = NetworkKey.generate()
            let i = SigningIdentity(), r = SigningIdentity()
            initiatorKey = i.publicKey
            responderKey = r.publicKey
            initiator = SessionWire(SessionStateMachine(
                handshake: HandshakeStateMachine(initiatorTo: r.publicKey, identity: i, networkKey: networkKey, isAllowed: { _ in true }),
                isInitiator: true, config: SessionConfig()))
            responder = SessionWire(SessionStateMachine(
                handshake: HandshakeStateMachine(responderWith: r, networkKey: networkKey, isAllowed: { _ in true }),
                isInitiator: false, config: SessionConfig()))
        }

        static func bytes(_ out: [SessionWire.Output]) -> [UInt8] {
            var bytes: [UInt8] = []
            for case let .bytes(b) in out { bytes += b }
            return bytes
        }

        static func delivered(_ out: [SessionWire.Output]) -> [[UInt8]] {
            out.compactMap { if case let .deliver(m) = $0 { m } else { nil } }
        }

        static func closed(_ out: [SessionWire.Output]) -> TransportError?? {
            for o in out { if case let .close(e) = o { return .some(e) } }
            return nil
        }

        /// Runs the handshake to the end; returns what each side reported.
        mutating func open() -> (initiator: [SessionWire.Output], responder: [SessionWire.Output]) {
            var toResponder = Self.bytes(initiator.connected())
            var seenI: [SessionWire.Output] = [], seenR: [SessionWire.Output] = []
            for _ in 0..<8 where !toResponder.isEmpty {
                let r = responder.received(toResponder, nowMillis: 0)
                seenR += r
                let i = initiator.received(Self.bytes(r), nowMillis: 0)
                seenI += i
                toResponder = Self.bytes(i)
            }
            return (seenI, seenR)
        }
    }

    @Test func theHandshakeAndMessagesRunOnBytesAlone() {
        var pair = Pair()
        let (i, r) = pair.open()
        #expect(i.contains { if case let .established(k) = $0 { k == pair.responderKey } else { false } })
        #expect(r.contains { if case let .established(k) = $0 { k == pair.initiatorKey } else { false } })
        let wire = Pair.bytes(pair.initiator.send([1, 2, 3]) + pair.initiator.send([4]))
        // Any split of the byte stream gives the same messages.
        var got: [[UInt8]] = []
        for chunk in stride(from: 0, to: wire.count, by: 7).map({ Array(wire[$0..<min($0 + 7, wire.count)]) }) {
            got += Pair.delivered(pair.responder.received(chunk, nowMillis: 1))
        }
        #expect(got == [[1, 2, 3], [4]])
        let end = Pair.bytes(pair.initiator.close())
        let answer = pair.responder.received(end, nowMillis: 2)
        #expect(Pair.closed(answer) == .some(nil), "a clean close")
        #expect(!Pair.bytes(answer).isEmpty, "answered with the responder's final frame")
    }

    @Test func aFlippedBitUnderTheAEADClosesTheSession() {
        var pair = Pair()
        _ = pair.open()
        var wire = Pair.bytes(pair.initiator.send([9, 9, 9, 9]))
        wire[LengthPrefixedFrameDecoder.lengthPrefixBytes + 2] ^= 0x10
        let out = pair.responder.received(wire, nowMillis: 1)
        #expect(Pair.delivered(out).isEmpty)
        #expect(Pair.closed(out) == .some(.stream(.frameAuthenticationFailed)))
    }

    @Test func aReplayedFrameClosesTheSession() {
        var pair = Pair()
        _ = pair.open()
        let wire = Pair.bytes(pair.initiator.send([5]))
        let out = pair.responder.received(wire + wire, nowMillis: 1)
        #expect(Pair.delivered(out) == [[5]])
        #expect(Pair.closed(out) == .some(.stream(.frameAuthenticationFailed)))
    }

    @Test func anOversizedOrEmptyLengthIsRefusedBeforeBuffering() {
        var splitter = WireFrameSplitter()
        #expect(throws: TransportError.frameTooLarge(bytes: 129, max: 128)) { try splitter.append([0, 0, 0, 129]) }
        var other = WireFrameSplitter()
        #expect(throws: TransportError.emptyFrame) { try other.append([0, 0, 0, 0]) }
        var cut = Pair()
        _ = cut.open()
        _ = cut.responder.received(Array(Pair.bytes(cut.initiator.send([1, 2])).prefix(5)), nowMillis: 1)
        #expect(cut.responder.connectionClosed() == .truncated, "a cut stream is not a complete one")
    }
}
