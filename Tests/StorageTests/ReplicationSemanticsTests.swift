import Foundation
import Testing
import Replica
import Security
import GRDB
@testable import Storage

/// The merge rule of each field kind, shown on two replicas that wrote concurrently.
@Suite struct ReplicationSemanticsTests {
    let clock = ManualClock()
    let main = TestCluster.identity(1)
    let east = TestCluster.identity(2)
    var ring: KeyRing { TestCluster.ring([main, east]) }

    func pair() throws -> (ReplicaStore, ReplicaStore) {
        (try TestCluster.store(main, ring: ring, clock: clock), try TestCluster.store(east, ring: ring, clock: clock))
    }

    func exchange(_ a: ReplicaStore, _ b: ReplicaStore) throws {
        for batch in try a.batches(after: b.versionVector()) { try b.receive(batch) }
        for batch in try b.batches(after: a.versionVector()) { try a.receive(batch) }
    }

    func shared(_ a: ReplicaStore, _ b: ReplicaStore, _ body: (WriteTransaction, RowID) throws -> Void) throws -> RowID {
        let id = try a.write { tx in
            let id = tx.newRowID()
            try body(tx, id)
            return id
        }.value
        try exchange(a, b)
        return id
    }

    @Test func concurrentAssigneesBecomeSiblingsUntilAHumanChooses() throws {
        let (a, b) = try pair()
        let id = try shared(a, b) { tx, id in try tx.assignSurfaced("ticket", id, "assignee", "张伟") }
        try a.write { tx in try tx.assignSurfaced("ticket", id, "assignee", "王芳") }
        clock.advance(1)
        try b.write { tx in try tx.assignSurfaced("ticket", id, "assignee", "李娜") }
        try exchange(a, b)
        let conflicts = try a.conflicts()
        #expect(conflicts == (try b.conflicts()))
        guard case let .siblings(_, _, field, versions) = try #require(conflicts.first) else { Issue.record("no siblings"); return }
        #expect(field == "assignee")
        #expect(Set(versions.map(\.value)) == ["王芳", "李娜"])
        // The chief picks one: a write that overwrites both siblings resolves it everywhere.
        try b.write { tx in try tx.assignSurfaced("ticket", id, "assignee", "王芳") }
        try exchange(a, b)
        #expect(try a.conflicts().isEmpty && b.conflicts().isEmpty)
        #expect(try a.row("ticket", id)?["assignee"] == "王芳")
    }

    @Test func aGroupWinsWholeSoDepartmentAndLocationNeverMix() throws {
        let (a, b) = try pair()
        let id = try shared(a, b) { tx, id in try tx.assign("ticket", id, ["department": "心内科", "location": "3F"]) }
        try a.write { tx in try tx.assign("ticket", id, ["department": "急诊科", "location": "1F"]) }
        try b.write { tx in try tx.assign("ticket", id, ["department": "放射科", "location": "B1"]) }
        try exchange(a, b)
        let row = try #require(try a.row("ticket", id))
        let pair = [row["department"], row["location"]]
        #expect(pair == ["急诊科", "1F"] || pair == ["放射科", "B1"])
        #expect(try a.stateDigest() == b.stateDigest())
    }

    @Test func aConcurrentAddSurvivesARemoveThatDidNotSeeIt() throws {
        let (a, b) = try pair()
        let id = try shared(a, b) { tx, id in try tx.add("ticket", id, "tags", "network") }
        try a.write { tx in try tx.remove("ticket", id, "tags", "network") }
        try b.write { tx in try tx.add("ticket", id, "tags", "network") }
        try exchange(a, b)
        #expect(try a.row("ticket", id)?.sets["tags"] == ["network"])
        #expect(try a.stateDigest() == b.stateDigest())
    }

    @Test func countersSumEveryCampusIncrementsAndLogsKeepEveryEntry() throws {
        let (a, b) = try pair()
        let id = try shared(a, b) { tx, id in try tx.increment("ticket", id, "spares", by: 10) }
        try a.write { tx in try tx.increment("ticket", id, "spares", by: -3); try tx.append("ticket", id, "timeline", "领用 3") }
        try b.write { tx in try tx.increment("ticket", id, "spares", by: -2); try tx.append("ticket", id, "timeline", "领用 2") }
        try exchange(a, b)
        let row = try #require(try b.row("ticket", id))
        #expect(row["spares"] == 5)
        #expect(Set(row.logs["timeline"]!.map(\.value)) == ["领用 3", "领用 2"])
    }

    @Test func aDeleteWinsAndAConcurrentEditIsSurfacedNotResurrected() throws {
        let (a, b) = try pair()
        let id = try shared(a, b) { tx, id in try tx.assign("asset", id, ["tag": "HX-9", "state": "in_use"]) }
        try a.write { tx in try tx.delete("asset", id) }
        clock.advance(5)
        try b.write { tx in try tx.assign("asset", id, ["state": "repair"]) }
        try exchange(a, b)
        #expect(try a.row("asset", id) == nil && b.row("asset", id) == nil)
        #expect(try a.conflicts() == b.conflicts())
        guard case .editedAfterDelete = try #require(try a.conflicts().first) else { Issue.record("not surfaced"); return }
    }

    @Test func twoWritersOnOneFileAllocateGapFreeSequencesAndNeverReuseOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let node = try ReplicaStore.open(path: path, schema: TestSchema.v1, signer: main, verifier: ring, hasher: Blake2b(),
                                         clock: clock, logger: TestCluster.logger)
        let cli = try ReplicaStore.open(path: path, schema: TestSchema.v1, signer: main, verifier: ring, hasher: Blake2b(),
                                        clock: clock, logger: TestCluster.logger)
        let id = RowID(high: 9, low: 9)
        let writesPerWriter = 100
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            let store = w == 0 ? node : cli
            for _ in 0..<writesPerWriter {
                _ = try! store.write { tx in try tx.increment("ticket", id, "spares", by: 1) }
            }
        }
        let origin = Origin(site: main.site, epoch: 1)
        #expect(try node.versionVector()[origin] == UInt64(2 * writesPerWriter))
        let batches = try node.batches(of: origin, from: 1, limit: ChunkLimit(batchesMax: 1_000))
        #expect(batches.map(\.header.seq) == Array(1...UInt64(2 * writesPerWriter)))
        #expect(try cli.row("ticket", id)?["spares"] == .integer(Int64(2 * writesPerWriter)))
        // Every batch chains to its predecessor and verifies: a peer accepts the whole history.
        let peer = try TestCluster.store(east, ring: ring, clock: clock)
        for batch in batches { try peer.receive(batch) }
        #expect(try peer.stateDigest() == node.stateDigest())
    }

    @Test func aBatchOfANewerSchemaWaitsAndAppliesAfterTheUpgrade() throws {
        let v2 = Schema(version: 2, entities: [TestSchema.ticket, EntitySchema(id: 2, name: "asset", fields: TestSchema.asset.fields + [
            FieldSchema(id: 3, name: "warranty_until", kind: .register, type: .integer),
        ])])
        let writer = try DatabaseQueue(configuration: ReplicaStore.databaseConfiguration())
        let old = try TestCluster.store(east, ring: ring, clock: clock, writer: writer)
        let upgraded = try TestCluster.store(main, ring: ring, clock: clock, schema: v2)
        let receipt = try upgraded.write { tx in
            try tx.assign("asset", tx.newRowID(), ["tag": "HX-1", "state": "in_stock", "warranty_until": 20_281_231])
        }.receipt!
        #expect(try old.receive(receipt.batch) == .awaitingUpgrade(schemaVersion: 2))
        #expect(try old.rows("asset").isEmpty)
        let reopened = try TestCluster.store(east, ring: ring, clock: clock, schema: v2, writer: writer)
        #expect(try reopened.rows("asset").first?["warranty_until"] == 20_281_231)
        #expect(try reopened.stateDigest() == upgraded.stateDigest())
    }

    @Test func aDeferredBatchThatStillDoesNotApplyAfterTheUpgradeIsKeptNotDeleted() throws {
        let v2 = Schema(version: 2, entities: [TestSchema.ticket, EntitySchema(id: 2, name: "asset", fields: TestSchema.asset.fields + [
            FieldSchema(id: 3, name: "warranty_until", kind: .register, type: .integer),
        ])])
        let writer = try DatabaseQueue(configuration: ReplicaStore.databaseConfiguration())
        let old = try TestCluster.store(east, ring: ring, clock: clock, writer: writer)
        let upgraded = try TestCluster.store(main, ring: ring, clock: clock, schema: v2)
        let receipt = try upgraded.write { tx in
            try tx.assign("asset", tx.newRowID(), ["tag": "HX-2", "state": "in_stock", "warranty_until": 20_300_101])
        }.receipt!
        #expect(try old.receive(receipt.batch) == .awaitingUpgrade(schemaVersion: 2))
        // Upgraded, but opened with a verifier that no longer knows MAIN's key: the retry
        // is refused, and the batch must stay in the table rather than vanish.
        let strict = try TestCluster.store(east, ring: TestCluster.ring([east]), clock: clock, schema: v2, writer: writer)
        #expect(try strict.rows("asset").isEmpty)
        #expect(try strict.deferredBatchCount() == 1)
        let reopened = try TestCluster.store(east, ring: ring, clock: clock, schema: v2, writer: writer)
        #expect(try reopened.rows("asset").first?["warranty_until"] == 20_300_101)
        #expect(try reopened.deferredBatchCount() == 0)
    }
}
