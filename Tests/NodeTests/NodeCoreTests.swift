import Foundation
import Logging
import Replica
import ReplicaSync
import Security
import Sync
import Testing
@testable import Node

/// `NodeCore` driven by events with explicit times, no sockets and no event loop: what
/// it decides to dial, hold, send, close and serve.
@Suite("Node core decisions")
struct NodeCoreTests {
    /// Four campuses on one roster, this node MAIN; sessions are numbered by the test.
    struct Campuses {
        let admin = SigningIdentity()
        let main = SigningIdentity()
        let east = SigningIdentity()
        let west = SigningIdentity()
        let north = SigningIdentity()
        let roster: MembershipRoster
        let signed: SignedRoster
        static let logger = Logger(label: "node-core-test", factory: { _ in SwiftLogNoOpLogHandler() })

        init() throws {
            roster = try MembershipRoster(epoch: 1, clusterName: "t",
                                          members: [main, east, west, north].enumerated().map { Self.member($1, $0) })
            signed = SignedRoster(signing: roster, admin: admin)
        }

        static func member(_ id: SigningIdentity, _ index: Int) -> MembershipRoster.Member {
            let code = ["MAIN", "EAST", "WEST", "NORTH"][index]
            return .init(campusCode: code, campusName: code, publicKey: id.publicKey,
                         addresses: ["10.0.0.\(index + 1):700\(index + 1)"], validity: .always)
        }

        func core(seed: UInt64 = 42, limits: NodeCore.Limits = NodeCore.Limits()) -> NodeCore {
            NodeCore(site: main.site, signedRoster: signed, roster: roster, adminKey: admin.publicKey,
                     lastLocalSeq: 0, seed: seed, limits: limits, logger: Self.logger)
        }

        /// A roster of `epoch` signed by `signer` (the admin unless told otherwise).
        func roster(epoch: UInt64, without: [SigningIdentity] = [], revoking: [SigningIdentity] = [],
                    signedBy signer: SigningIdentity? = nil) throws -> SignedRoster {
            let gone = Set((without + revoking).map(\.publicKey))
            let next = try MembershipRoster(epoch: epoch, clusterName: "t", members: roster.members.filter { !gone.contains($0.publicKey) },
                                            revokedKeys: revoking.map(\.publicKey))
            return SignedRoster(signing: next, admin: signer ?? admin)
        }
    }

    static func at(_ millis: UInt64) -> NodeTime { NodeTime(instant: Instant(millis: millis), wallMillis: 1_790_000_000_000 + millis) }

    /// The sync core asking to send `n` to a peer (the content does not matter here).
    static func syncSend(to peer: SigningIdentity, _ n: Int = 0) -> SyncOutput {
        let vector = VersionVector([Origin(site: peer.site, epoch: 1): UInt64(n + 1)])
        return .send(.vector(vector), to: peer.site, address: "ignored:1")
    }

    static func dials(_ directives: [NodeDirective]) -> [SiteID] {
        directives.compactMap { if case let .dial(site, _, _, _) = $0 { site } else { nil } }
    }

    static func sends(_ directives: [NodeDirective], on session: SessionID) -> [[UInt8]] {
        directives.compactMap { if case let .send(bytes, s) = $0, s == session { bytes } else { nil } }
    }

    static func envelopes(_ directives: [NodeDirective], on session: SessionID) throws -> [NodeEnvelope] {
        try sends(directives, on: session).map { try NodeEnvelope.decode($0) }
    }

    static func backoffMillis(_ core: NodeCore, _ peer: SigningIdentity, after now: NodeTime) -> UInt64? {
        guard case let .backoff(until) = core.dialing[peer.site] else { return nil }
        return until.millis - now.instant.millis
    }

    // MARK: - Dialling

    @Test func aMessageForAPeerWithoutASessionDialsItOnceAndWaitsInTheOutbox() throws {
        let c = try Campuses()
        var core = c.core()
        let first = core.onSyncOutputs([Self.syncSend(to: c.east)], now: Self.at(0))
        #expect(first == [.dial(c.east.site, host: "10.0.0.2", port: 7002, key: c.east.publicKey)],
                "dialled at the roster's address, not the one gossip gave")
        let second = core.onSyncOutputs([Self.syncSend(to: c.east, 1)], now: Self.at(5))
        #expect(second.isEmpty, "one dial at a time")
        #expect(core.outboxCount(for: c.east.site) == 2)
        #expect(core.sessionState(of: c.east.site) == .connecting)

        let opened = core.onSessionOpened(7, remoteKey: c.east.publicKey, isInitiator: true, now: Self.at(30))
        let envelopes = try Self.envelopes(opened, on: 7)
        #expect(envelopes.count == 3)
        guard case .roster = envelopes[0] else { Issue.record("our roster goes first, got \(envelopes[0])"); return }
        #expect(Array(Self.sends(opened, on: 7).dropFirst()) == [0, 1].map {
            guard case let .send(message, _, _) = Self.syncSend(to: c.east, $0) else { fatalError() }
            return NodeEnvelope.sync(message).encoded()
        }, "then what waited, in order")
        #expect(core.outboxCount(for: c.east.site) == 0 && core.sessionState(of: c.east.site) == .established)
        #expect(core.onSyncOutputs([Self.syncSend(to: c.east, 2)], now: Self.at(31)).count == 1, "sent on the session at once")
    }

    @Test func aFailedDialBacksOffWithGrowingJitteredDelaysAndASessionResetsThem() throws {
        let c = try Campuses()
        var core = c.core()
        _ = core.onSyncOutputs([Self.syncSend(to: c.east)], now: Self.at(0))
        _ = core.onDialFailed(c.east.site, reason: "connection refused", now: Self.at(10))
        let firstDelay = try #require(Self.backoffMillis(core, c.east, after: Self.at(10)))
        #expect((50...100).contains(firstDelay), "base 100 ms, equal jitter: \(firstDelay)")
        #expect(core.outboxCount(for: c.east.site) == 0, "what waited is dropped; sync retries")
        #expect(core.refusals["dial_failed"] == 1)

        let during = core.onSyncOutputs([Self.syncSend(to: c.east)], now: Self.at(10 + firstDelay - 1))
        #expect(Self.dials(during).isEmpty && core.outboxCount(for: c.east.site) == 0, "no dial inside the backoff")
        let after = core.onSyncOutputs([Self.syncSend(to: c.east)], now: Self.at(10 + firstDelay))
        #expect(Self.dials(after) == [c.east.site])

        let failedAt = Self.at(10 + firstDelay + 5)
        _ = core.onDialFailed(c.east.site, reason: "connection refused", now: failedAt)
        let secondDelay = try #require(Self.backoffMillis(core, c.east, after: failedAt))
        #expect((100...200).contains(secondDelay), "the step doubles: \(secondDelay)")

        // A session that comes up (the peer dialled us) resets the backoff; a failure of
        // our next outbound session starts again from the base.
        _ = core.onSessionOpened(3, remoteKey: c.east.publicKey, isInitiator: false, now: Self.at(1_000))
        _ = core.onSessionClosed(3, remoteKey: c.east.publicKey, dialledKey: nil, isInitiator: false,
                                 failure: "truncated", now: Self.at(1_100))
        #expect(core.dialing[c.east.site] == nil, "an inbound session's end does not back off our dials")
        _ = core.onSyncOutputs([Self.syncSend(to: c.east)], now: Self.at(1_200))
        _ = core.onSessionOpened(4, remoteKey: c.east.publicKey, isInitiator: true, now: Self.at(1_210))
        _ = core.onSessionClosed(4, remoteKey: c.east.publicKey, dialledKey: c.east.publicKey, isInitiator: true,
                                 failure: "truncated", now: Self.at(1_300))
        let reset = try #require(Self.backoffMillis(core, c.east, after: Self.at(1_300)))
        #expect((50...100).contains(reset), "reset to the base: \(reset)")
        #expect(core.refusals["session_truncated"] == 2)
    }

    @Test func aCleanCloseOfOurSessionRedialsAtOnce() throws {
        let c = try Campuses()
        var core = c.core()
        _ = core.onSyncOutputs([Self.syncSend(to: c.west)], now: Self.at(0))
        _ = core.onSessionOpened(1, remoteKey: c.west.publicKey, isInitiator: true, now: Self.at(10))
        _ = core.onSessionClosed(1, remoteKey: c.west.publicKey, dialledKey: c.west.publicKey, isInitiator: true,
                                 failure: nil, now: Self.at(20))
        #expect(core.sessionState(of: c.west.site) == .idle)
        #expect(Self.dials(core.onSyncOutputs([Self.syncSend(to: c.west)], now: Self.at(21))) == [c.west.site])
    }

    @Test func theOutboxHoldsAtMostItsBoundAndDropsTheOldest() throws {
        let c = try Campuses()
        var limits = NodeCore.Limits()
        limits.outboxMessagesMax = 3
        var core = c.core(limits: limits)
        for n in 0..<5 { _ = core.onSyncOutputs([Self.syncSend(to: c.north, n)], now: Self.at(UInt64(n))) }
        #expect(core.outboxCount(for: c.north.site) == 3)
        #expect(core.refusals["outbox_dropped"] == 2)
        let opened = core.onSessionOpened(9, remoteKey: c.north.publicKey, isInitiator: true, now: Self.at(50))
        let held = try Self.envelopes(opened, on: 9).dropFirst().map { envelope -> UInt64 in
            guard case let .sync(.vector(v)) = envelope else { return 0 }
            return v[Origin(site: c.north.site, epoch: 1)]
        }
        #expect(held == [3, 4, 5], "the newest three, in order")
    }

    // MARK: - Roster

    @Test func aNewerRosterSpreadsToEveryOtherSessionAndClosesTheRevokedPeers() throws {
        let c = try Campuses()
        var core = c.core()
        for (session, peer) in [(1, c.east), (2, c.west), (3, c.north)] {
            _ = core.onSessionOpened(SessionID(session), remoteKey: peer.publicKey, isInitiator: false, now: Self.at(0))
        }
        let revoking = try c.roster(epoch: 2, revoking: [c.west])
        let out = core.onEnvelope(NodeEnvelope.roster(revoking).encoded(), session: 1, now: Self.at(100))
        let installed = out.contains { if case let .installRoster(s, r) = $0 { s == revoking && r.epoch == 2 } else { false } }
        #expect(installed)
        #expect(out.contains(.persistRoster(revoking)))
        #expect(out.contains(.close(2, .revoked)), "the revoked campus's session ends")
        #expect(Self.sends(out, on: 3) == [NodeEnvelope.roster(revoking).encoded()], "passed on to the others")
        #expect(Self.sends(out, on: 1).isEmpty, "not back to the sender")
        #expect(core.rosterEpoch == 2 && core.refusals["session_revoked"] == 1)
        _ = core.onSessionClosed(2, remoteKey: c.west.publicKey, dialledKey: nil, isInitiator: false, failure: "revoked", now: Self.at(101))

        // The revoked campus is nobody to talk to now: no dial, no seed, no horizon vote.
        #expect(!core.isMember(c.west.site))
        #expect(core.onSyncOutputs([Self.syncSend(to: c.west)], now: Self.at(200)).isEmpty)
        #expect(core.outboxCount(for: c.west.site) == 0)
        #expect(!core.seedPeers(configured: []).contains { $0.site == c.west.site })
        #expect(core.compactionMembers() == [c.east.site, c.north.site])
        #expect(core.peerStatuses().contains { $0.site == c.west.site.description && $0.revoked && $0.session == "closed" })

        // If it reaches us again and shows the roster that still had it, it is refused.
        let back = core.onSessionOpened(4, remoteKey: c.west.publicKey, isInitiator: false, now: Self.at(300))
        #expect(back == [.schedule(.probationDeadline(4), at: Instant(millis: 5_300))])
        let refused = core.onEnvelope(NodeEnvelope.roster(c.signed).encoded(), session: 4, now: Self.at(310))
        #expect(refused.contains(.abort(4, .notAllowed(c.west.publicKey))))
        #expect(core.rosterEpoch == 2 && core.probationCount == 0)
        #expect(core.onEnvelope(NodeEnvelope.sync(.vector(VersionVector())).encoded(), session: 4, now: Self.at(320)).isEmpty,
                "nothing it sends after is listened to")
    }

    @Test func olderForgedOrUnrevokingRostersAreRefused() throws {
        let c = try Campuses()
        var core = c.core()
        _ = core.onSessionOpened(1, remoteKey: c.east.publicKey, isInitiator: false, now: Self.at(0))
        let second = try c.roster(epoch: 2, revoking: [c.north])
        _ = core.onEnvelope(NodeEnvelope.roster(second).encoded(), session: 1, now: Self.at(1))

        let older = core.onEnvelope(NodeEnvelope.roster(c.signed).encoded(), session: 1, now: Self.at(2))
        #expect(older == [.send(NodeEnvelope.roster(second).encoded(), session: 1)], "an older roster gets ours back")
        let forged = core.onEnvelope(NodeEnvelope.roster(try c.roster(epoch: 3, signedBy: c.east)).encoded(), session: 1, now: Self.at(3))
        #expect(forged == [.metric(.event("roster_refused"))])
        let unrevoking = core.onEnvelope(NodeEnvelope.roster(try c.roster(epoch: 4)).encoded(), session: 1, now: Self.at(4))
        #expect(unrevoking == [.metric(.event("roster_refused"))], "a revocation is permanent")
        #expect(core.rosterEpoch == 2 && core.refusals["roster_refused"] == 2)
    }

    @Test func aPeerOnProbationIsAdmittedByTheNewerRosterItPresentsOrDroppedAtItsDeadline() throws {
        let c = try Campuses()
        var core = NodeCore(site: c.main.site, signedRoster: try c.roster(epoch: 1, without: [c.north]),
                            roster: try c.roster(epoch: 1, without: [c.north]).verify(adminKey: c.admin.publicKey),
                            adminKey: c.admin.publicKey, lastLocalSeq: 0, seed: 1, logger: Campuses.logger)
        #expect(core.onSessionOpened(5, remoteKey: c.north.publicKey, isInitiator: false, now: Self.at(0))
                == [.schedule(.probationDeadline(5), at: Instant(millis: 5_000))])
        let newer = try c.roster(epoch: 2)
        let admitted = core.onEnvelope(NodeEnvelope.roster(newer).encoded(), session: 5, now: Self.at(10))
        #expect(admitted.contains(.persistRoster(newer)))
        #expect(Self.sends(admitted, on: 5) == [NodeEnvelope.roster(newer).encoded()], "an ordinary session now")
        #expect(core.sessionState(of: c.north.site) == .established)
        #expect(core.onTimer(.probationDeadline(5), now: Self.at(5_000)).isEmpty, "a stale deadline is a no-op")

        // An outbound session to a key we do not allow (any more) is dropped at once.
        #expect(core.onSessionOpened(6, remoteKey: SigningIdentity().publicKey, isInitiator: true, now: Self.at(20))
                == [.abort(6, .revoked)])
        let stranger = SigningIdentity()
        _ = core.onSessionOpened(7, remoteKey: stranger.publicKey, isInitiator: false, now: Self.at(30))
        #expect(core.onTimer(.probationDeadline(7), now: Self.at(5_030)) == [.abort(7, .notAllowed(stranger.publicKey))])
    }

    @Test func probationsAreBounded() throws {
        let c = try Campuses()
        var limits = NodeCore.Limits()
        limits.rosterProbationsMax = 2
        var core = c.core(limits: limits)
        let strangers = (0..<3).map { _ in SigningIdentity() }
        for (i, s) in strangers.enumerated() {
            let out = core.onSessionOpened(SessionID(i), remoteKey: s.publicKey, isInitiator: false, now: Self.at(0))
            if i == 2 { #expect(out == [.metric(.event("roster_probation_full")), .abort(2, .notAllowed(s.publicKey))]) }
        }
        #expect(core.probationCount == 2)
    }

    @Test func aRosterFileIsOfferedOnceAndAFailedWriteIsRetriedEveryTickAndCountedOnce() throws {
        let c = try Campuses()
        var core = c.core()
        let newer = try c.roster(epoch: 2)
        #expect(core.onRosterFile(c.signed.encoded(), now: Self.at(0)).isEmpty, "the roster in force")
        let out = core.onRosterFile(newer.encoded(), now: Self.at(1_000))
        #expect(out.contains(.persistRoster(newer)))
        #expect(core.onRosterFile(newer.encoded(), now: Self.at(2_000)).isEmpty, "unchanged file, not verified again")
        #expect(core.onRosterFile([0xFF, 1, 2], now: Self.at(3_000)) == [.metric(.event("roster_refused"))])

        #expect(core.onRosterPersisted(newer, failure: "disk full", now: Self.at(1_001)) == [.metric(.event("roster_write_failed"))])
        #expect(core.onTick(now: Self.at(2_001)) == [.persistRoster(newer)])
        #expect(core.onRosterPersisted(newer, failure: "disk full", now: Self.at(2_002)).isEmpty, "counted once")
        #expect(core.rosterUnsaved == newer)
        #expect(core.onRosterPersisted(newer, failure: nil, now: Self.at(3_001)).isEmpty)
        #expect(core.rosterUnsaved == nil && core.onTick(now: Self.at(4_000)).isEmpty)
    }

    // MARK: - Snapshots

    @Test func oneSnapshotIsServedAtATimeAndItsCreditFollowsItsSession() throws {
        let c = try Campuses()
        var core = c.core()
        _ = core.onSessionOpened(1, remoteKey: c.east.publicKey, isInitiator: false, now: Self.at(0))
        _ = core.onSessionOpened(2, remoteKey: c.west.publicKey, isInitiator: false, now: Self.at(0))
        let request = NodeEnvelope.snapshotRequest(credit: 4).encoded()
        #expect(core.onEnvelope(request, session: 1, now: Self.at(1)) == [.metric(.event("snapshot_served")), .serveSnapshot(1, credit: 4)])
        #expect(core.onEnvelope(request, session: 1, now: Self.at(2)).isEmpty, "a second request on the same session is ignored")
        let busy = try Self.envelopes(core.onEnvelope(request, session: 2, now: Self.at(3)), on: 2)
        guard case .snapshotRefused = busy.first else { Issue.record("busy refusal expected, got \(busy)"); return }
        #expect(core.refusals["snapshot_refused_busy"] == 1)

        #expect(core.onEnvelope(NodeEnvelope.snapshotCredit(8).encoded(), session: 1, now: Self.at(4)) == [.grantSnapshotCredit(1, parts: 8)])
        #expect(core.onEnvelope(NodeEnvelope.snapshotCredit(8).encoded(), session: 2, now: Self.at(5)).isEmpty, "no serve there")

        let closed = core.onSessionClosed(1, remoteKey: c.east.publicKey, dialledKey: nil, isInitiator: false, failure: nil, now: Self.at(6))
        #expect(closed == [.cancelSnapshotServe(1)])
        #expect(core.onSnapshotServeEnded(1, outcome: .endedEarly("cancelled"), now: Self.at(7)) == [.metric(.event("snapshot_serve_failed"))])
        #expect(core.onEnvelope(request, session: 2, now: Self.at(8)).contains(.serveSnapshot(2, credit: 4)), "free again")
        #expect(core.onSnapshotServeEnded(2, outcome: .served(parts: 3, bytes: 1_000, batches: 9), now: Self.at(9)).isEmpty)
        #expect(core.snapshotServeCount == 0)

        let unasked = core.onEnvelope(NodeEnvelope.snapshotPart([1, 2, 3]).encoded(), session: 2, now: Self.at(10))
        #expect(unasked.contains(.close(2, .protocolViolation("unrequested snapshot message"))))
    }

    // MARK: - Local commits

    @Test func localCommitsAreAnnouncedOnceInOrderAndAGapAsksForThePoll() throws {
        let c = try Campuses()
        var core = c.core()
        let batches = try NodeHarness.batches(by: c.main, count: 3)
        #expect(core.onLocalCommit(batches[1], now: Self.at(0)) == [.pollCommits], "another process committed #1 in between")
        #expect(core.onLocalCommit(batches[0], now: Self.at(1)) == [.sync(.localCommit(batches[0]))])
        #expect(core.onCommitPolled(batches, now: Self.at(2)) == batches.dropFirst().map { .sync(.localCommit($0)) },
                "the poll announces what was not announced yet, in order")
        #expect(core.lastLocalSeq == 3)
        #expect(core.onLocalCommit(batches[2], now: Self.at(3)).isEmpty, "never twice")
        _ = core.onCommitsCompacted(through: 9, now: Self.at(4))
        #expect(core.lastLocalSeq == 9, "compacted before the poll saw them: announced already")
    }

    // MARK: - Bad input and replay

    @Test func aMalformedEnvelopeClosesItsSessionAndIsCounted() throws {
        let c = try Campuses()
        var core = c.core()
        _ = core.onSessionOpened(1, remoteKey: c.east.publicKey, isInitiator: false, now: Self.at(0))
        for bytes: [UInt8] in [[], [99, 1, 2], [NodeEnvelope.syncKind, 0xFF, 0xFF], [NodeEnvelope.snapshotCreditKind, 1]] {
            let out = core.onEnvelope(bytes, session: 1, now: Self.at(1))
            #expect(out.contains { if case .close(1, .protocolViolation) = $0 { true } else { false } }, "\(bytes)")
        }
        #expect(core.refusals["malformed_message"] == 4)
    }

    @Test func theSameEventsGiveTheSameDirectives() throws {
        let c = try Campuses()
        func script(_ core: inout NodeCore) throws -> [NodeDirective] {
            var out: [NodeDirective] = []
            for (i, peer) in [c.east, c.west, c.north].enumerated() {
                out += core.onSyncOutputs([Self.syncSend(to: peer, i)], now: Self.at(UInt64(i)))
                out += core.onDialFailed(peer.site, reason: "refused", now: Self.at(UInt64(10 + i)))
            }
            out += core.onSessionOpened(1, remoteKey: c.east.publicKey, isInitiator: false, now: Self.at(50))
            out += core.onSessionOpened(2, remoteKey: c.north.publicKey, isInitiator: false, now: Self.at(51))
            out += core.onEnvelope(NodeEnvelope.roster(try c.roster(epoch: 2, revoking: [c.west])).encoded(), session: 1, now: Self.at(60))
            out += core.onSessionClosed(2, remoteKey: c.north.publicKey, dialledKey: nil, isInitiator: false, failure: "truncated",
                                        now: Self.at(70))
            out += core.onSyncOutputs([Self.syncSend(to: c.north)], now: Self.at(80))
            out += core.onDialFailed(c.north.site, reason: "refused", now: Self.at(81))
            return out
        }
        var a = c.core(seed: 9), b = c.core(seed: 9)
        // Roster signatures are deterministic (Ed25519), so the two scripts sign alike.
        #expect(try script(&a) == script(&b))
        #expect(a.refusals == b.refusals && a.dialing == b.dialing)
    }
}

/// Keeps docs/architecture.md true: the core's files name no clock, socket, file or NIO.
@Suite("Node core stays I/O-free")
struct NodeCoreSourceTests {
    static let forbidden = ["import NIO", "import Foundation", "SystemClock", "Date()", "NIODeadline", "ContinuousClock",
                            "FileManager", "Thread", ".random(", "ReplicaStore"]

    @Test func theCoreFilesNameNoClockSocketFileOrStore() throws {
        let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Node/Core").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: core.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 5, "found \(files) in \(core.path)")
        for file in files {
            let text = try String(contentsOf: core.appendingPathComponent(file), encoding: .utf8)
            for word in Self.forbidden {
                #expect(!text.contains(word), "\(file) mentions \(word)")
            }
        }
    }
}
