import Replica
@testable import ReplicaSync
import Storage
import Sync
import Testing

@Suite struct SyncCoreConvergenceTests {
    static func writeTicket(_ cluster: LoopbackCluster, at index: Int, title: String) throws {
        try cluster.write(at: index) { tx in
            let row = tx.newRowID()
            try tx.assign("ticket", row, ["title": .text(title)])
            try tx.assignSurfaced("ticket", row, "assignee", .text("张伟"))
            try tx.increment("ticket", row, "spares", by: 3)
            try tx.add("ticket", row, "tags", .text("net"))
            try tx.append("ticket", row, "timeline", .text("opened at \(index)"))
        }
    }

    static func digests(_ cluster: LoopbackCluster, count: Int) throws -> [BatchHash] {
        try (0..<count).map { try cluster.core($0).store.stateDigest().total }
    }

    @Test func twoCoresConvergeAfterWritesOnEach() throws {
        let cluster = try LoopbackCluster(count: 2, seed: 11)
        cluster.run(forMillis: 3_000)
        try Self.writeTicket(cluster, at: 0, title: "printer jam")
        try Self.writeTicket(cluster, at: 1, title: "HIS slow")
        cluster.run(forMillis: 10_000)
        let digests = try Self.digests(cluster, count: 2)
        #expect(digests[0] == digests[1])
        #expect(try cluster.core(0).store.versionVector().batchCount == 2)
        #expect(try cluster.core(0).store.versionVector() == cluster.core(1).store.versionVector())
    }

    @Test func threeCoresConvergeThroughAntiEntropyWhenPushCannotReach() throws {
        let cluster = try LoopbackCluster(count: 3, seed: 12)
        cluster.run(forMillis: 3_000)
        // Node 0 cannot reach node 2 directly: its batches must travel through node 1.
        cluster.cut = [[cluster.sites[0], cluster.sites[2]], [cluster.sites[2], cluster.sites[0]]]
        for round in 0..<5 {
            for index in 0..<3 { try Self.writeTicket(cluster, at: index, title: "ticket \(round)-\(index)") }
            cluster.run(forMillis: 500)
        }
        cluster.run(forMillis: 60_000)
        let digests = try Self.digests(cluster, count: 3)
        #expect(Set(digests).count == 1)
        let vectors = try (0..<3).map { try cluster.core($0).store.versionVector() }
        #expect(Set(vectors).count == 1)
        #expect(vectors[0].batchCount == 15)
        #expect(cluster.divergences == 0)
        #expect(cluster.refusedBatches == 0)
    }

    @Test func aForgedPushIsRefusedAndCountedNotApplied() throws {
        let cluster = try LoopbackCluster(count: 2, seed: 13)
        cluster.run(forMillis: 3_000)
        let writer = cluster.core(0)
        let receipt = try #require(try writer.store.write { tx in
            try tx.assign("ticket", tx.newRowID(), ["title": "real"])
        }.receipt)
        var body = receipt.batch.body
        body[body.count - 1] ^= 0x01
        let forged = SealedBatch(header: receipt.batch.header, body: body, signature: receipt.batch.signature)
        let victim = cluster.core(1)
        let outputs = victim.onMessage(.push(forged), from: writer.site, now: cluster.now)
        #expect(outputs.contains { if case .batchRefused(_, _, _, .signature) = $0 { true } else { false } })
        #expect(victim.stats.refusals[.signature] == 1)
        #expect(try victim.store.versionVector().batchCount == 0)
    }

    @Test func theSameSeedGivesTheSameOutputs() throws {
        func trace(seed: UInt64) throws -> [BatchHash] {
            let cluster = try LoopbackCluster(count: 3, seed: seed)
            cluster.run(forMillis: 2_000)
            try Self.writeTicket(cluster, at: 1, title: "x")
            cluster.run(forMillis: 5_000)
            return try Self.digests(cluster, count: 3)
        }
        #expect(try trace(seed: 5) == trace(seed: 5))
    }
}

/// What anti-entropy tells a core about its peers ends up in the store, for the
/// compaction horizon.
@Suite struct HorizonAcknowledgementTests {
    @Test func convergedCoresRecordWhatEachPeerHolds() throws {
        let cluster = try LoopbackCluster(count: 3, seed: 21)
        cluster.run(forMillis: 3_000)
        try SyncCoreConvergenceTests.writeTicket(cluster, at: 0, title: "监护仪报警")
        try SyncCoreConvergenceTests.writeTicket(cluster, at: 2, title: "HIS slow")
        cluster.run(forMillis: 15_000)
        let vector = try cluster.core(0).store.versionVector()
        #expect(vector.batchCount == 2)
        for index in 0..<3 {
            let core = cluster.core(index)
            let acknowledgements = try core.store.memberAcknowledgements()
            #expect(Set(acknowledgements.keys) == Set(cluster.sites.filter { $0 != core.site }))
            for (_, acknowledgement) in acknowledgements { #expect(acknowledgement.vector == vector) }
            #expect(core.stats.acknowledgementWriteFailures == 0)
        }
        // And compaction then drops the whole log everywhere (no retained tail), state unchanged.
        var policy = CompactionPolicy()
        policy.retainedBatchesPerOriginMin = 0
        let before = try SyncCoreConvergenceTests.digests(cluster, count: 3)
        for index in 0..<3 {
            let core = cluster.core(index)
            let report = try core.store.compact(members: Set(cluster.sites), policy: policy)
            #expect(report.batchesDeleted == 2)
        }
        #expect(try SyncCoreConvergenceTests.digests(cluster, count: 3) == before)
    }

    @Test func aDigestThatDiffersFromOursSaysNothingAboutThePeer() {
        let ours = VersionVector([Origin(site: SiteID(rawValue: 1), epoch: 1): 3])
        let other = VersionVector([Origin(site: SiteID(rawValue: 1), epoch: 1): 2])
        #expect(HorizonAcknowledgements.acknowledgedVector(in: .vectorDigest(VectorDigest(digest: VectorDigest.of(other))),
                                                          ourVector: ours) == nil)
        #expect(HorizonAcknowledgements.acknowledgedVector(in: .vectorDigest(VectorDigest(digest: VectorDigest.of(ours))),
                                                          ourVector: ours) == ours)
        #expect(HorizonAcknowledgements.acknowledgedVector(in: .vector(other), ourVector: ours) == other)
        #expect(HorizonAcknowledgements.acknowledgedVector(in: .stateDigestRequest, ourVector: ours) == nil)
    }
}
