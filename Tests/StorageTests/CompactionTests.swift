import Foundation
import GRDB
import Replica
import Security
import Testing
@testable import Storage

/// Compaction on real stores: the log below the horizon goes and the floor rises in the
/// same transaction; the state and its digest do not change; nothing a member lacks is
/// deleted; metadata goes only once no concurrent operation can still arrive.
@Suite struct CompactionTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    let carol = TestCluster.identity(3)
    var ring: KeyRing { TestCluster.ring([alice, bob, carol]) }
    var exact: CompactionPolicy {
        var policy = CompactionPolicy()
        policy.retainedBatchesPerOriginMin = 0
        return policy
    }

    func stores() throws -> (ReplicaStore, ReplicaStore, ReplicaStore) {
        (try TestCluster.store(alice, ring: ring, clock: clock), try TestCluster.store(bob, ring: ring, clock: clock),
         try TestCluster.store(carol, ring: ring, clock: clock))
    }

    /// Delivers every batch `from` holds that `to` lacks, in log order.
    func sync(_ from: ReplicaStore, to: ReplicaStore) throws {
        let missing = try to.versionVector().missing(comparedTo: from.versionVector())
        for (origin, first, _) in missing {
            for batch in try from.batches(of: origin, from: first, limit: ChunkLimit(batchesMax: 100_000)) { try to.receive(batch) }
        }
    }

    /// Each store records what the others hold now, as anti-entropy would.
    func acknowledgeAll(_ stores: [ReplicaStore]) throws {
        for store in stores {
            for other in stores where other.site != store.site {
                try store.recordAcknowledgement(of: other.site, vector: other.versionVector())
            }
        }
    }

    func writeAssets(_ store: ReplicaStore, count: Int) throws {
        for i in 0..<count {
            clock.advance(1)
            try store.write { tx in try tx.assign("asset", tx.newRowID(), ["state": .text("s\(i)")]) }
        }
    }

    func count(_ table: String, _ store: ReplicaStore) throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    // MARK: - The log

    @Test func theLogBelowTheHorizonGoesTheFloorRisesAndTheStateStays() throws {
        let (a, b, c) = try stores()
        try writeAssets(a, count: 10)
        try sync(a, to: b)
        for batch in try a.batches(of: a.currentOrigin(), from: 1, limit: ChunkLimit(batchesMax: 6)) { try c.receive(batch) }
        try acknowledgeAll([a, b, c])
        let origin = try a.currentOrigin()
        let before = try a.stateDigest()

        let report = try a.compact(members: [bob.site, carol.site], policy: exact)

        #expect(report.batchesDeleted == 6)
        #expect(report.bytesDeleted > 0)
        #expect(try a.logFloor() == VersionVector([origin: 6]))
        #expect(try count("batches", a) == 4)
        #expect(try a.stateDigest() == before)
        #expect(throws: StorageError.compacted(origin: origin, through: 6)) { try a.batches(of: origin, from: 6) }
        // Carol lacked 7…10: still served, and she converges from above the floor.
        try sync(a, to: c)
        #expect(try c.versionVector() == a.versionVector())
        #expect(try c.stateDigest() == a.stateDigest())
    }

    @Test func nothingAMemberLacksIsEverDeletedOverSeededRuns() throws {
        let seed: UInt64 = 0xF1004
        print("CompactionTests seed \(seed)")
        var random = SplitMix64(seed: seed)
        for _ in 0..<20 {
            let (a, b, c) = try stores()
            try writeAssets(a, count: Int(random.next() % 30) + 1)
            try writeAssets(b, count: Int(random.next() % 10))
            try sync(b, to: a)
            let held = try a.versionVector()
            // Bob and Carol hold random prefixes of what Alice holds.
            for member in [b, c] {
                for origin in held.origins {
                    let prefix = random.next() % (held[origin] + 1)
                    let has = try member.versionVector()[origin]
                    guard prefix > has else { continue }
                    for batch in try a.batches(of: origin, from: has + 1, limit: ChunkLimit(batchesMax: 100_000))
                    where batch.header.seq <= prefix {
                        try member.receive(batch)
                    }
                }
            }
            try acknowledgeAll([a, b, c])
            var policy = CompactionPolicy()
            policy.retainedBatchesPerOriginMin = random.next() % 4
            _ = try a.compact(members: [bob.site, carol.site], policy: policy)
            let floor = try a.logFloor()
            for member in [b, c] {
                let has = try member.versionVector()
                for origin in held.origins where has[origin] < held[origin] {
                    let next = has[origin] + 1
                    #expect(try a.batches(of: origin, from: next).first?.header.seq == next)
                }
            }
            for origin in held.origins {
                #expect(held[origin] - floor[origin] >= min(policy.retainedBatchesPerOriginMin, held[origin]))
            }
        }
    }

    @Test func theRetainedTailStaysEvenWhenEveryoneHoldsIt() throws {
        let (a, b, _) = try stores()
        try writeAssets(a, count: 10)
        try sync(a, to: b)
        try acknowledgeAll([a, b])
        var policy = CompactionPolicy()
        policy.retainedBatchesPerOriginMin = 3
        _ = try a.compact(members: [bob.site], policy: policy)
        #expect(try a.logFloor()[a.currentOrigin()] == 7)
    }

    @Test func aDryRunChangesNothing() throws {
        let (a, b, _) = try stores()
        try writeAssets(a, count: 10)
        try sync(a, to: b)
        try acknowledgeAll([a, b])
        let report = try a.compact(members: [bob.site], policy: exact, dryRun: true)
        #expect(report.batchesDeleted == 10)
        #expect(report.collection == .pointRecorded)
        #expect(try a.logFloor() == VersionVector())
        #expect(try count("batches", a) == 10)
        #expect(try count("collection_point", a) == 0)
    }

    @Test func aMemberSilentPastTheBoundStopsHoldingTheLogBack() throws {
        let (a, b, c) = try stores()
        try writeAssets(a, count: 10)
        try sync(a, to: b)
        try acknowledgeAll([a, b, c])           // Carol holds nothing
        var policy = exact
        policy.memberSilenceMaxMillis = 60_000
        #expect(try a.compact(members: [bob.site, carol.site], policy: policy).batchesDeleted == 0)
        clock.advance(30_000)
        try a.recordAcknowledgement(of: bob.site, vector: b.versionVector())
        clock.advance(31_000)                   // Carol silent for 61 s, Bob for 31 s
        let report = try a.compact(members: [bob.site, carol.site], policy: policy)
        #expect(report.horizon.silentMembers == [carol.site])
        #expect(report.batchesDeleted == 10)
        // Metadata still waits for her: the collection horizon counts her.
        #expect(report.horizon.collectionHorizon == VersionVector())
    }

    @Test func aRosterMemberNeverHeardFromHoldsTheLogUntilSilentPastTheBound() throws {
        let (a, _, _) = try stores()
        try writeAssets(a, count: 5)
        var policy = exact
        policy.memberSilenceMaxMillis = 60_000
        #expect(try a.compact(members: [bob.site], policy: policy).batchesDeleted == 0)
        clock.advance(60_001)
        #expect(try a.compact(members: [bob.site], policy: policy).batchesDeleted == 5)
    }

    // MARK: - Metadata

    @Test func overwrittenStampsAndRemovedTagsGoAfterTwoRoundsAndTheDigestStaysEqual() throws {
        let (a, b, _) = try stores()
        var row = RowID(high: 0, low: 0)
        clock.advance(1)
        try a.write { tx in
            row = tx.newRowID()
            try tx.assign("ticket", row, ["title": .text("PACS 影像打不开")])
            try tx.assignSurfaced("ticket", row, "assignee", .text("张伟"))
            try tx.add("ticket", row, "tags", .text("PACS"))
        }
        clock.advance(1)
        try a.write { tx in try tx.assignSurfaced("ticket", row, "assignee", .text("李娜")) }
        clock.advance(1)
        try a.write { tx in try tx.remove("ticket", row, "tags", .text("PACS")) }
        try sync(a, to: b)
        #expect(try count("surfaced_overwritten", a) == 1)
        #expect(try count("set_removed", a) == 1)

        try acknowledgeAll([a, b])
        #expect(try a.compact(members: [bob.site], policy: exact).collection == .pointRecorded)
        #expect(try count("surfaced_overwritten", a) == 1)   // recorded, not yet collected
        let second = try a.compact(members: [bob.site], policy: exact)
        #expect(second.collection == .collected(MetadataCollectionCounts(tombstones: 0, overwrittenStamps: 1, removedTags: 1),
                                                newPointRecorded: false))
        #expect(try count("surfaced_overwritten", a) == 0)
        #expect(try count("set_removed", a) == 0)
        // Bob did not compact; the data is the same, so is the digest.
        #expect(try count("surfaced_overwritten", b) == 1)
        #expect(try a.stateDigest() == b.stateDigest())
        // A re-sent overwritten version is a duplicate: it cannot reappear.
        for batch in try b.batches(of: a.currentOrigin(), from: 1) { #expect(try a.receive(batch) == .duplicate) }
        #expect(try a.stateDigest() == b.stateDigest())
    }

    /// The late concurrent edit that is still allowed to arrive: Carol edits a row
    /// before she receives its delete, and her edit is slow to reach Alice. Her
    /// acknowledgement includes her own head, so the join recorded with the collection
    /// point includes the edit, and collection waits until every member holds it. When
    /// it arrives it is absorbed: the row does not come back. The other tombstone of the
    /// same delete batch (a row nobody edited) is then collected, and a later write to
    /// that row is refused, as it was while the tombstone existed.
    @Test func collectionWaitsForAConcurrentEditStillInFlightAndNothingComesBack() throws {
        let (a, b, c) = try stores()
        var edited = RowID(high: 0, low: 0), quiet = RowID(high: 0, low: 0)
        clock.advance(1)
        try a.write { tx in
            edited = tx.newRowID()
            quiet = tx.newRowID()
            try tx.assign("asset", edited, ["tag": .text("HIS-001")])
            try tx.assign("asset", quiet, ["tag": .text("HIS-002")])
        }
        try sync(a, to: b)
        try sync(a, to: c)
        clock.advance(1)
        try a.write { tx in
            try tx.delete("asset", edited)
            try tx.delete("asset", quiet)
        }
        // Carol has not received the delete yet; her edit's stamp is later than it, so
        // the row will be listed as edited after delete.
        clock.advance(1)
        let carolsEdit = try #require(try c.write { tx in try tx.assign("asset", edited, ["state": .text("repaired")]) }.receipt)
        try sync(a, to: b)
        try sync(a, to: c)                      // Carol gets the delete; her edit is still only hers
        #expect(try count("tombstones", a) == 2)

        try acknowledgeAll([a, b, c])
        #expect(try a.compact(members: [bob.site, carol.site], policy: exact).collection == .pointRecorded)
        let carolOrigin = carolsEdit.origin
        #expect(try a.compact(members: [bob.site, carol.site], policy: exact).collection
                == .waiting(lacking: VersionVector([carolOrigin: 1])))
        #expect(try count("tombstones", a) == 2)

        // The late edit arrives: absorbed, the row stays deleted, the conflict is recorded.
        #expect(try a.receive(carolsEdit.batch) == .applied(drained: 0))
        try b.receive(carolsEdit.batch)
        #expect(try a.read { db in try Row.fetchOne(db, sql: "SELECT 1 FROM e_asset WHERE id = ?", arguments: [edited.databaseValue]) } == nil)
        try acknowledgeAll([a, b, c])
        let collected = try a.compact(members: [bob.site, carol.site], policy: exact)
        #expect(collected.collection == .collected(MetadataCollectionCounts(tombstones: 1, overwrittenStamps: 0, removedTags: 0),
                                                   newPointRecorded: true))
        // The edited-after-delete tombstone stays (a human looks at it); the quiet one went.
        let left = try a.read { db in try Data.fetchAll(db, sql: "SELECT row FROM tombstones") }
        #expect(left == [Data(edited.bytes)])
        // Still deleted to a reader, tombstone or not.
        #expect(try a.isDeleted("asset", quiet))
        #expect(try a.isDeleted("asset", edited))
        // Nothing brings the collected row back: a later local write is refused.
        clock.advance(1)
        #expect(throws: StorageError.rowDeleted(entity: "asset", row: quiet)) {
            try a.write { tx in try tx.assign("asset", quiet, ["state": .text("back?")]) }
        }
        // Replicas that compacted and ones that did not agree on the state.
        try sync(a, to: c)
        #expect(try a.stateDigest() == b.stateDigest())
        #expect(try a.stateDigest() == c.stateDigest())
    }

    /// The concurrent edit stamped before the delete: absorbed when it arrives (no
    /// conflict, the delete is later), and only then is the tombstone collected.
    @Test func anEarlierStampedConcurrentEditIsAbsorbedBeforeItsTombstoneGoes() throws {
        let (a, b, c) = try stores()
        var row = RowID(high: 0, low: 0)
        clock.advance(1)
        try a.write { tx in row = tx.newRowID(); try tx.assign("asset", row, ["tag": .text("CT-01")]) }
        try sync(a, to: b)
        try sync(a, to: c)
        clock.advance(1)
        let edit = try #require(try c.write { tx in try tx.assign("asset", row, ["state": .text("calibrated")]) }.receipt)
        clock.advance(1)
        try a.write { tx in try tx.delete("asset", row) }
        try sync(a, to: b)
        try sync(a, to: c)
        try acknowledgeAll([a, b, c])
        _ = try a.compact(members: [bob.site, carol.site], policy: exact)
        #expect(try a.compact(members: [bob.site, carol.site], policy: exact).collection
                == .waiting(lacking: VersionVector([edit.origin: 1])))
        #expect(try a.receive(edit.batch) == .applied(drained: 0))
        try b.receive(edit.batch)
        try acknowledgeAll([a, b, c])
        let round = try a.compact(members: [bob.site, carol.site], policy: exact)
        #expect(round.collection == .collected(MetadataCollectionCounts(tombstones: 1, overwrittenStamps: 0, removedTags: 0),
                                               newPointRecorded: true))
        #expect(try count("tombstones", a) == 0)
        #expect(try count("e_asset", a) == 0)
        #expect(try a.stateDigest() == b.stateDigest())
        #expect(try a.stateDigest() == c.stateDigest())
    }

    /// Delivery is FIFO per origin only, so a replica may hold Bob's delete of a row before
    /// Alice's batch that created it (soak seeds 9006349113248551909, 11128692779830560616,
    /// 1956352362058070431). A collection point recorded then covers the delete but not the
    /// creation. Collecting the tombstone at that point left nothing that said the row was
    /// deleted: `collected_through` covered the delete's origin, not the creator's, so the
    /// row read as never deleted and a local write re-created it here while every replica
    /// still holding the tombstone absorbed that write — a divergence at equal vectors. The
    /// tombstone must wait until a point covers its creating batch too.
    @Test func aTombstoneWaitsUntilThePointCoversTheRowsCreationToo() throws {
        let (a, b, c) = try stores()
        var row = RowID(high: 0, low: 0)
        clock.advance(1)
        let created = try #require(try a.write { tx in
            row = tx.newRowID()
            try tx.assign("asset", row, ["tag": .text("PACS-01")])
        }.receipt)
        try sync(a, to: b)
        clock.advance(1)
        let deleted = try #require(try b.write { tx in try tx.delete("asset", row) }.receipt)
        try sync(b, to: a)
        // Carol gets Bob's delete before Alice's create.
        try c.receive(deleted.batch)
        #expect(try c.isDeleted("asset", row))

        try acknowledgeAll([a, b, c])
        #expect(try c.compact(members: [alice.site, bob.site], policy: exact).collection == .pointRecorded)
        // The create arrives; the tombstone absorbs it.
        try c.receive(created.batch)
        #expect(try count("e_asset", c) == 0)
        try acknowledgeAll([a, b, c])
        // The first point covered Bob's delete but not Alice's create: the tombstone stays.
        let second = try c.compact(members: [alice.site, bob.site], policy: exact)
        #expect(second.collection == .collected(MetadataCollectionCounts(tombstones: 0, overwrittenStamps: 0, removedTags: 0),
                                                newPointRecorded: true))
        #expect(try count("tombstones", c) == 1)
        #expect(try c.isDeleted("asset", row))
        clock.advance(1)
        #expect(throws: StorageError.rowDeleted(entity: "asset", row: row)) {
            try c.write { tx in try tx.assign("asset", row, ["state": .text("back?")]) }
        }
        // The next point covers both batches: now it goes, and the row stays deleted.
        try acknowledgeAll([a, b, c])
        let third = try c.compact(members: [alice.site, bob.site], policy: exact)
        #expect(third.collection == .collected(MetadataCollectionCounts(tombstones: 1, overwrittenStamps: 0, removedTags: 0),
                                               newPointRecorded: false))
        #expect(try count("tombstones", c) == 0)
        #expect(try c.isDeleted("asset", row))
        clock.advance(1)
        #expect(throws: StorageError.rowDeleted(entity: "asset", row: row)) {
            try c.write { tx in try tx.assign("asset", row, ["state": .text("back?")]) }
        }
        #expect(try c.stateDigest() == a.stateDigest())
        #expect(try c.stateDigest() == b.stateDigest())
    }

    /// A row Alice created and deleted, Bob holds, and two compaction rounds at Alice collected.
    func collectedRow(at a: ReplicaStore, seenBy b: ReplicaStore) throws -> RowID {
        var gone = RowID(high: 0, low: 0)
        clock.advance(1)
        try a.write { tx in gone = tx.newRowID(); try tx.assign("asset", gone, ["tag": .text("X")]) }
        clock.advance(1)
        try a.write { tx in try tx.delete("asset", gone) }
        try sync(a, to: b)
        try acknowledgeAll([a, b])
        _ = try a.compact(members: [bob.site], policy: exact)
        _ = try a.compact(members: [bob.site], policy: exact)
        #expect(try count("tombstones", a) == 0)
        return gone
    }

    @Test func aNewRowIsStillWritableAfterCollection() throws {
        let (a, b, _) = try stores()
        _ = try collectedRow(at: a, seenBy: b)
        clock.advance(1)
        var fresh = RowID(high: 0, low: 0)
        try a.write { tx in fresh = tx.newRowID(); try tx.assign("asset", fresh, ["tag": .text("Y")]) }
        clock.advance(1)
        try a.write { tx in try tx.assign("asset", fresh, ["state": .text("in use")]) }
        try sync(a, to: b)
        #expect(try a.stateDigest() == b.stateDigest())
    }

    @Test func aReplicaInstalledFromASnapshotRefusesWritesToCollectedRowsToo() throws {
        let (a, b, c) = try stores()
        let gone = try collectedRow(at: a, seenBy: b)
        var parts: [[UInt8]] = []
        try a.exportSnapshot { parts.append($0) }
        var iterator = parts.makeIterator()
        try c.installSnapshot(expectedSource: alice.site) { iterator.next() }
        #expect(try c.isDeleted("asset", gone))
        clock.advance(1)
        #expect(throws: StorageError.rowDeleted(entity: "asset", row: gone)) {
            try c.write { tx in try tx.assign("asset", gone, ["state": .text("back?")]) }
        }
    }

    @Test func acknowledgementsAreStoredWithTheTimeTheyWereLearned() throws {
        let (a, _, _) = try stores()
        let vector = VersionVector([Origin(site: bob.site, epoch: 1): 4])
        try a.recordAcknowledgement(of: bob.site, vector: vector)
        #expect(try a.memberAcknowledgements()[bob.site] == MemberAcknowledgement(vector: vector, learnedAtMillis: clock.nowMillis()))
    }
}
