import Testing
@testable import Security

/// Drives two handshake state machines against each other, the way a shell would.
struct HandshakePair {
    var initiator: HandshakeStateMachine
    var responder: HandshakeStateMachine
    /// Every message sent, in order (1: hello, 2: hello, 3: auth, 4: accept).
    var transcript: [[UInt8]] = []

    init(cluster: Cluster = Cluster(), initiatorNetwork: NetworkKey, responderNetwork: NetworkKey,
         initiatorAllows: @escaping @Sendable (PublicKey) -> Bool = { _ in true },
         responderAllows: @escaping @Sendable (PublicKey) -> Bool = { _ in true },
         seed: UInt8? = nil) {
        let ephemeral: (UInt8) -> () -> [UInt8] = { tag in
            { seed.map { [UInt8](repeating: $0 &+ tag, count: 32) } ?? HandshakeStateMachine.systemRandomSecret() }
        }
        initiator = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.main,
                                          networkKey: initiatorNetwork, isAllowed: initiatorAllows, ephemeralSecret: ephemeral(1))
        responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: responderNetwork,
                                          isAllowed: responderAllows, ephemeralSecret: ephemeral(2))
    }

    enum Outcome {
        case bothCompleted(initiator: SessionKeys, responder: SessionKeys)
        case initiatorFailed(HandshakeFailure, afterMessages: Int)
        case responderFailed(HandshakeFailure, afterMessages: Int)
    }

    /// Runs the handshake; `tamper` may rewrite message n (1-based) in flight.
    mutating func run(tamper: (Int, [UInt8]) -> [UInt8] = { $1 }) -> Outcome {
        guard case var .send(message) = initiator.start() else { preconditionFailure("start did not send") }
        var initiatorKeys: SessionKeys?
        var toResponder = true
        while true {
            message = tamper(transcript.count + 1, message)
            transcript.append(message)
            let action = toResponder ? responder.receive(message) : initiator.receive(message)
            switch action {
            case let .send(next):
                message = next
                toResponder.toggle()
            case let .failed(reason):
                return toResponder ? .responderFailed(reason, afterMessages: transcript.count)
                                   : .initiatorFailed(reason, afterMessages: transcript.count)
            case let .completed(keys, _, finalMessage?):
                precondition(toResponder, "only the responder completes with a final message")
                let responderKeys = keys
                let accept = tamper(transcript.count + 1, finalMessage)
                transcript.append(accept)
                switch initiator.receive(accept) {
                case let .completed(keys, _, nil): initiatorKeys = keys
                case let .failed(reason): return .initiatorFailed(reason, afterMessages: transcript.count)
                case let other: preconditionFailure("unexpected \(other)")
                }
                return .bothCompleted(initiator: initiatorKeys!, responder: responderKeys)
            case .completed:
                preconditionFailure("responder completed without an accept message")
            }
        }
    }
}

@Suite struct HandshakeTests {
    let cluster = Cluster()
    let network = NetworkKey.generate()

    @Test func twoRosterMembersAgreeOnOneKeyPerDirectionAndLearnEachOther() throws {
        var pair = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        guard case let .bothCompleted(initiator, responder) = pair.run() else { Issue.record("handshake failed"); return }
        #expect(initiator.sendKey.constantTimeEquals(responder.receiveKey))
        #expect(initiator.receiveKey.constantTimeEquals(responder.sendKey))
        #expect(!initiator.sendKey.constantTimeEquals(initiator.receiveKey))
        #expect(initiator.remoteKey == cluster.east.publicKey)
        #expect(responder.remoteKey == cluster.main.publicKey)
        #expect(pair.transcript.map(\.count) == [65, 65, 112, 80])
        #expect(pair.initiator.isFinished && pair.responder.isFinished)
        #expect(pair.initiator.expectedMessageBytes == nil)
    }

    @Test func theSameEphemeralSeedsGiveTheSameTranscriptAndFreshSeedsFreshKeys() throws {
        var first = HandshakePair(initiatorNetwork: network, responderNetwork: network, seed: 40)
        var second = HandshakePair(initiatorNetwork: network, responderNetwork: network, seed: 40)
        var third = HandshakePair(initiatorNetwork: network, responderNetwork: network, seed: 50)
        guard case let .bothCompleted(a, _) = first.run(), case let .bothCompleted(b, _) = second.run(),
              case let .bothCompleted(c, _) = third.run() else { Issue.record("handshake failed"); return }
        #expect(first.transcript == second.transcript)
        #expect(a.sendKey.constantTimeEquals(b.sendKey))
        #expect(!a.sendKey.constantTimeEquals(c.sendKey), "new ephemeral keys, new session keys (forward secrecy)")
    }

    @Test func aPeerWithoutTheNetworkKeyIsStoppedAtTheFirstMessage() {
        var outsider = HandshakePair(initiatorNetwork: NetworkKey.generate(), responderNetwork: network)
        guard case .responderFailed(.helloNotAuthenticated, afterMessages: 1) = outsider.run() else {
            Issue.record("an outsider got past the first hello"); return
        }
        // And a node will not answer an outsider's server: it stops at the second message.
        var wrongServer = HandshakePair(initiatorNetwork: network, responderNetwork: NetworkKey.generate())
        guard case .responderFailed(.helloNotAuthenticated, afterMessages: 1) = wrongServer.run() else {
            Issue.record("expected the first hello to fail"); return
        }
    }

    @Test func theInitiatorRefusesAServerHelloMadeWithAnotherNetworkKey() {
        var initiator = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.main,
                                              networkKey: network, isAllowed: { _ in true })
        var outsider = HandshakeStateMachine(responderWith: cluster.east, networkKey: NetworkKey.generate(), isAllowed: { _ in true })
        _ = initiator.start()
        // The outsider answers with a hello of its own, authenticated under its own key.
        var probe = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.west,
                                          networkKey: outsider.networkKeyForTests, isAllowed: { _ in true })
        guard case let .send(hello) = probe.start(), case let .send(outsiderHello) = outsider.receive(hello) else {
            Issue.record("setup failed"); return
        }
        guard case .failed(.helloNotAuthenticated) = initiator.receive(outsiderHello) else {
            Issue.record("initiator accepted a foreign hello"); return
        }
    }

    @Test func aResponderRefusesAnAuthenticatedButNotAllowedKey() {
        let revoked = cluster.main.publicKey
        var pair = HandshakePair(initiatorNetwork: network, responderNetwork: network, responderAllows: { $0 != revoked })
        guard case .responderFailed(.remoteNotAllowed(revoked), afterMessages: 3) = pair.run() else {
            Issue.record("a not-allowed key completed"); return
        }
    }

    @Test func aResponderFedByTheRosterRefusesARevokedMember() throws {
        let roster = try cluster.roster(epoch: 2, revoking: [cluster.main])
        var pair = HandshakePair(initiatorNetwork: network, responderNetwork: network,
                                 responderAllows: { roster.allowsSession(with: $0, atMillis: 1) })
        guard case .responderFailed(.remoteNotAllowed, afterMessages: 3) = pair.run() else {
            Issue.record("a revoked member completed a handshake"); return
        }
    }

    @Test func anInitiatorRefusesToDialAKeyItDoesNotAllow() {
        var initiator = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.main,
                                              networkKey: network, isAllowed: { _ in false })
        guard case .failed(.remoteNotAllowed) = initiator.start() else { Issue.record("dialled anyway"); return }
        var selfDial = HandshakeStateMachine(initiatorTo: cluster.main.publicKey, identity: cluster.main,
                                             networkKey: network, isAllowed: { _ in true })
        guard case .failed(.remoteIsSelf) = selfDial.start() else { Issue.record("dialled itself"); return }
    }

    @Test func aResponderRefusesAPeerPresentingItsOwnIdentity() {
        var cloned = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.east,
                                           networkKey: network, isAllowed: { _ in true })
        var responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: network, isAllowed: { _ in true })
        // A clone would not run our start() check; skip it the way it would.
        cloned.state = .initiatorAwaitingHello(responderKey: cluster.east.publicKey)
        let m1 = SecretHandshake.hello(suite: .shsSecretStream, ephemeralPublic: cloned.ephemeralPublicForTests, networkKey: network)
        guard case let .send(m2) = responder.receive(m1),
              case let .send(m3) = cloned.receive(m2) else { Issue.record("setup failed"); return }
        guard case .failed(.remoteIsSelf) = responder.receive(m3) else { Issue.record("accepted its own clone"); return }
    }

    @Test func anImpostorWithTheNetworkKeyButNotTheResponderSecretCannotFinish() {
        // The initiator dials east; west answers, holding the network key but not east's key.
        var initiator = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.main,
                                              networkKey: network, isAllowed: { _ in true })
        var impostor = HandshakeStateMachine(responderWith: cluster.west, networkKey: network, isAllowed: { _ in true })
        guard case let .send(m1) = initiator.start(), case let .send(m2) = impostor.receive(m1),
              case let .send(m3) = initiator.receive(m2) else { Issue.record("setup failed"); return }
        guard case .failed(.authenticationFailed) = impostor.receive(m3) else { Issue.record("impostor read the auth"); return }
    }

    @Test func everyBitFlipInEveryHandshakeMessageFailsTheHandshake() {
        for message in 1...4 {
            for bit in stride(from: 0, to: 8 * 112, by: 7) {
                var pair = HandshakePair(initiatorNetwork: network, responderNetwork: network, seed: 9)
                var flipped = false
                let outcome = pair.run { index, bytes in
                    guard index == message, bit / 8 < bytes.count else { return bytes }
                    flipped = true
                    var copy = bytes
                    copy[bit / 8] ^= 1 << UInt8(bit % 8)
                    return copy
                }
                if case .bothCompleted = outcome, flipped {
                    Issue.record("flipping bit \(bit) of message \(message) went unnoticed")
                }
            }
        }
    }

    @Test(arguments: [0, 1, 64, 66, 200])
    func aHelloOfTheWrongLengthFails(length: Int) {
        var responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: network, isAllowed: { _ in true })
        guard case .failed(.wrongMessageLength(expected: 65, got: length)) = responder.receive([UInt8](repeating: 0x5A, count: length)) else {
            Issue.record("garbage of \(length) bytes accepted"); return
        }
        // And the machine stays failed.
        guard case .failed(.unexpectedMessage) = responder.receive([]) else { Issue.record("failed machine woke up"); return }
        #expect(responder.isFinished)
    }

    @Test func truncatedAuthAndAcceptMessagesFail() {
        var shortAuth = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        guard case .responderFailed(.wrongMessageLength(expected: 112, got: 111), 3) = shortAuth.run(tamper: { $0 == 3 ? Array($1.dropLast()) : $1 }) else {
            Issue.record("short auth accepted"); return
        }
        var shortAccept = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        guard case .initiatorFailed(.wrongMessageLength(expected: 80, got: 40), 4) = shortAccept.run(tamper: { $0 == 4 ? Array($1.prefix(40)) : $1 }) else {
            Issue.record("short accept accepted"); return
        }
    }

    @Test func anAuthenticHelloNamingAnUnknownSuiteFails() {
        var responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: network, isAllowed: { _ in true })
        let hello = SecretHandshake.hello(suiteByte: 9, ephemeralPublic: [UInt8](repeating: 9, count: 32), networkKey: network)
        guard case .failed(.unsupportedSuite(9)) = responder.receive(hello) else { Issue.record("unknown suite accepted"); return }
    }

    @Test func aLowOrderEphemeralKeyFromAnInsiderFails() {
        var responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: network, isAllowed: { _ in true })
        let hello = SecretHandshake.hello(suite: .shsSecretStream, ephemeralPublic: [UInt8](repeating: 0, count: 32), networkKey: network)
        guard case .failed(.weakKey) = responder.receive(hello) else { Issue.record("low-order key accepted"); return }
    }

    @Test func aReplayedAuthFromAnEarlierSessionFails() {
        var recorded = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        _ = recorded.run()
        var responder = HandshakeStateMachine(responderWith: cluster.east, networkKey: network, isAllowed: { _ in true })
        guard case .send = responder.receive(recorded.transcript[0]) else { Issue.record("replayed hello refused"); return }
        guard case .failed(.authenticationFailed) = responder.receive(recorded.transcript[2]) else {
            Issue.record("a replayed auth was accepted by a fresh responder"); return
        }
    }

    @Test func aMessageBeforeStartOrAfterCompletionIsUnexpected() {
        var initiator = HandshakeStateMachine(initiatorTo: cluster.east.publicKey, identity: cluster.main,
                                              networkKey: network, isAllowed: { _ in true })
        #expect(initiator.expectedMessageBytes == nil)
        guard case .failed(.unexpectedMessage) = initiator.receive([1]) else { Issue.record("accepted before start"); return }
        var pair = HandshakePair(initiatorNetwork: network, responderNetwork: network)
        _ = pair.run()
        guard case .failed(.unexpectedMessage) = pair.responder.receive(pair.transcript[0]) else { Issue.record("reopened"); return }
    }
}

extension HandshakeStateMachine {
    var networkKeyForTests: NetworkKey { networkKey }
    var ephemeralPublicForTests: [UInt8] { ephemeralPublic }
}
