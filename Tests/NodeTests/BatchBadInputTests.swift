import Replica
import Security
import Storage
import Sync
import Testing
@testable import Node

/// Bad batches from an authenticated peer: each is refused with a counted reason (and a
/// log line, see NodeCore.onSyncOutputs), never crashes the node, never writes the store.
@Suite("Node refuses bad batches", .serialized)
struct BatchBadInputTests {
    @Test func anHonestPushIsApplied() throws {
        let node = try NodeHarness()
        let batch = try NodeHarness.batches(by: node.peer, count: 1)[0]
        try node.push(batch, from: node.peer.site)
        #expect(node.vector[batch.header.origin] == 1)
        #expect(node.rows == 2, "the duty log row and its one entry")
    }

    @Test func aBatchWhoseSignatureFailsIsRefused() throws {
        let node = try NodeHarness()
        let batch = try NodeHarness.batches(by: node.peer, count: 1)[0]
        var signature = batch.signature
        signature[5] ^= 0x40
        try node.push(SealedBatch(header: batch.header, body: batch.body, signature: signature), from: node.peer.site)
        #expect(node.refusals["batch_refused_signature"] == 1)
        #expect(node.vector.batchCount == 0 && node.rows == 0)
    }

    @Test func aBatchSignedByOneSiteButClaimingAnotherIsRefused() throws {
        let node = try NodeHarness()
        // `other` (a roster member) signs a batch that claims to be `peer`'s.
        let forged = try NodeHarness.batches(by: ImpostorSigner(site: node.peer.site, key: node.other), count: 1)[0]
        #expect(forged.header.origin.site == node.peer.site)
        try node.push(forged, from: node.other.site)
        #expect(node.refusals["batch_refused_signature"] == 1)
        #expect(node.vector.batchCount == 0 && node.rows == 0)
    }

    @Test func aForkQuarantinesTheOriginAndIsNotMerged() throws {
        let node = try NodeHarness()
        let first = try NodeHarness.batches(by: node.peer, count: 2, text: "one")
        let second = try NodeHarness.batches(by: node.peer, count: 2, text: "two")  // same origin and seqs, other content
        try node.push(first[0], from: node.peer.site)
        let rowsBefore = node.rows
        // A push of seq 1 again is covered by the vector and ignored before the store;
        // seq 2 of the other history chains to a different #1: the store sees the fork.
        try node.push(second[1], from: node.peer.site)
        #expect(node.refusals["batch_refused_fork"] == 1)
        #expect(try node.runtime.store.quarantinedOrigins() == [first[0].header.origin])
        try node.push(first[1], from: node.peer.site)
        #expect(node.refusals["batch_refused_quarantined"] == 1)
        #expect(node.rows == rowsBefore)
        #expect(node.vector[first[0].header.origin] == 1)
    }

    @Test func aFloodOfBatchesFromOnePeerIsBoundedAndRefused() throws {
        let node = try NodeHarness()
        // Batch 1 withheld: everything else is out of order. The store buffers within its
        // bounds and refuses the rest; nothing is applied, nothing crashes.
        let batches = try NodeHarness.batches(by: node.peer, count: 4_200)
        for batch in batches.dropFirst() { try node.push(batch, from: node.peer.site) }
        let refused = node.refusals.filter { $0.key.hasPrefix("batch_refused_") }.values.reduce(0, +)
        #expect(refused >= 4_199 - 4_096)
        #expect(node.vector.batchCount == 0 && node.rows == 0)
    }

    @Test func aMalformedMessageIsCountedAndChangesNothing() throws {
        let node = try NodeHarness()
        try node.deliverRaw([NodeEnvelope.syncKind, 0xFF, 0x00, 0x13], from: node.peer.site)
        try node.deliverRaw([0x77], from: node.peer.site)
        #expect(node.refusals["malformed_message"] == 2)
        #expect(node.vector.batchCount == 0)
    }

    @Test func aNewerRosterRevokingAPeerRefusesItsLaterBatches() throws {
        let node = try NodeHarness()
        let batches = try NodeHarness.batches(by: node.peer, count: 2)
        try node.push(batches[0], from: node.peer.site)
        let revoked = try MembershipRoster(epoch: 2, clusterName: "t", members: node.roster.members.filter { $0.site != node.peer.site },
                                           revokedKeys: [node.peer.publicKey])
        try node.deliverRaw(NodeEnvelopeBytes.roster(SignedRoster(signing: revoked, admin: node.admin)), from: node.other.site)
        #expect(node.runtime.roster.epoch == 2)
        // Relayed by a member still on the roster: refused all the same.
        try node.push(batches[1], from: node.other.site)
        #expect(node.vector[batches[0].header.origin] == 1)
        #expect(node.refusals.keys.contains { $0.hasPrefix("batch_refused_") || $0.hasPrefix("sync_refused") })
    }

    @Test func aRosterNotSignedByTheAdminIsRefused() throws {
        let node = try NodeHarness()
        let forged = try MembershipRoster(epoch: 9, clusterName: "t", members: [])
        try node.deliverRaw(NodeEnvelopeBytes.roster(SignedRoster(signing: forged, admin: SigningIdentity())), from: node.peer.site)
        #expect(node.runtime.roster.epoch == 1)
        #expect(node.refusals["roster_refused"] == 1)
    }
}

enum NodeEnvelopeBytes {
    static func roster(_ signed: SignedRoster) -> [UInt8] { NodeEnvelope.roster(signed).encoded() }
}
