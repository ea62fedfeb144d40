import Foundation
import GRDB
import Testing
import Replica
import Security
@testable import Storage

@Suite struct ReplicaStoreTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    var ring: KeyRing { TestCluster.ring([alice, bob]) }

    @Test func aLocalWriteCommitsOneSignedBatchAndMaterialisesEveryFieldKind() throws {
        let store = try TestCluster.store(alice, ring: ring, clock: clock)
        let (row, receipt) = try store.write { tx in
            let id = tx.newRowID()
            try tx.assign("ticket", id, ["title": "打印机卡纸", "department": "心内科", "location": "3F", "priority": 2])
            try tx.assignSurfaced("ticket", id, "assignee", "张伟")
            try tx.increment("ticket", id, "spares", by: 3)
            try tx.add("ticket", id, "tags", "printer")
            try tx.append("ticket", id, "timeline", "opened")
            return id
        }
        let batch = try #require(receipt).batch
        #expect(batch.header.seq == 1)
        #expect(batch.header.prevHash == .zero)
        #expect(ring.verify(signature: batch.signature, message: batch.signedMessage, site: alice.site, suite: .ed25519Blake2b) == .valid)
        let materialised = try #require(try store.row("ticket", row))
        #expect(materialised["title"] == "打印机卡纸")
        #expect(materialised["department"] == "心内科")
        #expect(materialised["assignee"] == "张伟")
        #expect(materialised["priority"] == 2)
        #expect(materialised["spares"] == 3)
        #expect(materialised.sets["tags"] == ["printer"])
        #expect(materialised.logs["timeline"]?.map(\.value) == ["opened"])
        #expect(try store.versionVector()[Origin(site: alice.site, epoch: 1)] == 1)
    }

    @Test func aRemoteBatchAppliesOnceAndItsReplayIsADuplicate() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        let (_, receipt) = try a.write { tx in
            try tx.increment("ticket", tx.newRowID(), "spares", by: 5)
        }
        let batch = try #require(receipt).batch
        #expect(try b.receive(batch) == .applied(drained: 0))
        #expect(try b.receive(batch) == .duplicate)
        #expect(try b.stateDigest() == a.stateDigest())
        #expect(try b.rows("ticket").first?["spares"] == 5)
    }
}

@Suite struct StampEncodingTests {
    @Test func aStampBoundOnTheHotPathIsTheSameBlobAsItsCanonicalBytes() throws {
        let clock = ManualClock()
        let alice = TestCluster.identity(1)
        let store = try TestCluster.store(alice, ring: TestCluster.ring([alice]), clock: clock)
        try store.beginNewEpoch(atLeast: 0x0102_0304)
        let (row, receipt) = try store.write { tx in
            let id = tx.newRowID()
            try tx.assign("ticket", id, ["title": "x"])   // FastBinding path
            try tx.append("ticket", id, "timeline", "y")  // GRDB arguments path
            return id
        }
        let stamp = try #require(receipt).stamp
        #expect(stamp.epoch == 0x0102_0304)
        let stored = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT _c, (SELECT stamp FROM log_entries LIMIT 1) AS logged FROM e_ticket WHERE id = ?",
                             arguments: [Data(row.bytes)])
        }
        #expect((stored?["_c"] as Data?).map(Array.init) == stamp.bytes)
        #expect((stored?["logged"] as Data?).map(Array.init) == stamp.bytes)
        #expect(Stamp(bytes: stamp.bytes) == stamp)
    }

    @Test func stampsOfOneSiteInTwoEpochsAtTheSameTimeAreDistinctAndSoAreTheirRowIDs() {
        let site = SiteID(rawValue: 0xD452_6277_AB1F_5033)
        let time = Timestamp(millis: 1_780_000_000_000)
        let old = Stamp(time: time, site: site, epoch: 1), restored = Stamp(time: time, site: site, epoch: 2)
        #expect(old != restored && old < restored)
        #expect(old.bytes.lexicographicallyPrecedes(restored.bytes))
        let ids = Set((0..<UInt16(64)).flatMap { [RowID(stamp: old, index: $0), RowID(stamp: restored, index: $0)] })
        #expect(ids.count == 128)
    }
}
