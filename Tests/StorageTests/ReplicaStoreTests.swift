import Foundation
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
