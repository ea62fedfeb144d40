import Foundation
import Testing
import Replica
import Security
@testable import Storage

/// The log floor: batches dropped from the log are reported as compacted, never as
/// missing, and re-sent copies of them are duplicates, never forks.
@Suite struct LogFloorTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    var ring: KeyRing { TestCluster.ring([alice, bob]) }

    /// Alice writes `count` batches; Bob receives them all, then drops the first `dropped` from his log.
    func bobWithFloor(count: Int, dropped: UInt64) throws -> (alice: ReplicaStore, bob: ReplicaStore, origin: Origin) {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        for i in 0..<count {
            clock.advance(1)
            try a.write { tx in try tx.assign("asset", RowID(high: 1, low: UInt64(i)), ["state": .text("s\(i)")]) }
        }
        for batch in try a.batches(after: VersionVector()) { try b.receive(batch) }
        let origin = Origin(site: alice.site, epoch: 1)
        try b.writer.write { db in
            try LogFloor.raise(origin, to: dropped, db: db)
            try db.execute(sql: "DELETE FROM batches WHERE site = ? AND epoch = 1 AND seq <= ?",
                           arguments: [origin.site.databaseValue, Int64(dropped)])
        }
        return (a, b, origin)
    }

    @Test func readingBelowTheFloorSaysCompacted() throws {
        let (_, bob, origin) = try bobWithFloor(count: 6, dropped: 4)
        #expect(try bob.logFloor() == VersionVector([origin: 4]))
        #expect(throws: StorageError.compacted(origin: origin, through: 4)) { try bob.batches(of: origin, from: 1) }
        #expect(throws: StorageError.compacted(origin: origin, through: 4)) { try bob.batches(of: origin, from: 4) }
        #expect(try bob.batches(of: origin, from: 5).map(\.header.seq) == [5, 6])
    }

    @Test func aResentBatchBelowTheFloorIsADuplicateNotAFork() throws {
        let (alice, bob, origin) = try bobWithFloor(count: 6, dropped: 4)
        let before = try bob.stateDigest()
        for batch in try alice.batches(of: origin, from: 1) {
            #expect(try bob.receive(batch) == .duplicate)
        }
        #expect(try bob.quarantinedOrigins() == [])
        #expect(try bob.securityEvents().isEmpty)
        #expect(try bob.stateDigest() == before)
    }

    @Test func theFloorNeverGoesDown() throws {
        let (_, bob, origin) = try bobWithFloor(count: 6, dropped: 4)
        try bob.writer.write { db in try LogFloor.raise(origin, to: 2, db: db) }
        #expect(try bob.logFloor() == VersionVector([origin: 4]))
    }
}
