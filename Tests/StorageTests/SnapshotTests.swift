import Foundation
import Testing
import Replica
import Security
@testable import Storage

/// Snapshots: an installed replica has the source's exact state, continues the chain
/// above the snapshot's vector, and a bad stream leaves the target empty.
@Suite struct SnapshotTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    let carol = TestCluster.identity(3)
    var ring: KeyRing { TestCluster.ring([alice, bob, carol]) }

    /// Writes `count` batches of every field kind at `store`, seeded.
    func writeMix(_ store: ReplicaStore, count: Int, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for i in 0..<count {
            clock.advance(1)
            let row = RowID(high: UInt64.random(in: 1...8, using: &rng), low: 7)
            try store.write { tx in
                switch Int.random(in: 0..<7, using: &rng) {
                case 0: try tx.assign("ticket", row, ["title": .text("t\(i)"), "priority": .integer(Int64(i))])
                case 1: try tx.assignSurfaced("ticket", row, "assignee", .text("p\(i % 3)"))
                case 2: try tx.increment("ticket", row, "spares", by: Int64(i % 5) - 2)
                case 3: try tx.add("ticket", row, "tags", .text("tag\(i % 4)"))
                case 4: try tx.remove("ticket", row, "tags", .text("tag\(i % 4)"))
                case 5: try tx.append("ticket", row, "timeline", .text("entry \(i)"))
                default: try tx.assign("asset", RowID(high: 100, low: UInt64(i)), ["state": .text("s\(i)")])
                }
            }
        }
        // A row created and deleted: the tombstone travels too.
        let doomed = RowID(high: 10_000 &+ seed, low: 1)
        try store.write { tx in try tx.assign("ticket", doomed, ["title": .text("duplicate")]) }
        try store.write { tx in try tx.delete("ticket", doomed) }
    }

    func parts(of store: ReplicaStore) throws -> [[UInt8]] {
        var parts: [[UInt8]] = []
        try store.exportSnapshot { parts.append($0) }
        return parts
    }

    @discardableResult
    func install(_ parts: [[UInt8]], into store: ReplicaStore, expecting source: SiteID?) throws -> SnapshotInstallReport {
        var iterator = parts.makeIterator()
        return try store.installSnapshot(expectedSource: source) { iterator.next() }
    }

    func deliverAll(from source: ReplicaStore, to target: ReplicaStore) throws {
        for origin in try source.versionVector().origins {
            let from = try target.versionVector()[origin] + 1
            for batch in try source.batches(of: origin, from: from, limit: ChunkLimit(batchesMax: 100_000, bytesMax: 1 << 30)) {
                try target.receive(batch)
            }
        }
    }

    @Test func anInstalledReplicaHasTheSourcesDigestVectorAndFloor() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        let c = try TestCluster.store(carol, ring: ring, clock: clock)
        try writeMix(a, count: 119, seed: 11)
        try writeMix(c, count: 40, seed: 12)
        try deliverAll(from: c, to: a)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        let report = try install(try parts(of: a), into: b, expecting: alice.site)
        #expect(report.vector == (try a.versionVector()))
        #expect(try b.versionVector() == (try a.versionVector()))
        #expect(try b.stateDigest() == (try a.stateDigest()))
        #expect(try b.logFloor() == (try a.versionVector()))
        #expect(report.origin == Origin(site: bob.site, epoch: 1))
        let origin = Origin(site: alice.site, epoch: 1)
        let head = try a.versionVector()[origin]
        #expect(head > 100)
        #expect(throws: StorageError.compacted(origin: origin, through: head)) { try b.batches(of: origin, from: 1) }
    }

    @Test func anInstalledReplicaContinuesSyncWithTheSourceAndAThirdNode() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        let c = try TestCluster.store(carol, ring: ring, clock: clock)
        try writeMix(a, count: 60, seed: 21)
        try writeMix(c, count: 30, seed: 22)
        try deliverAll(from: c, to: a)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        try install(try parts(of: a), into: b, expecting: alice.site)
        // Later writes everywhere, then everything to everyone.
        try writeMix(a, count: 30, seed: 23)
        try writeMix(c, count: 30, seed: 24)
        try writeMix(b, count: 20, seed: 25)
        // b's log starts above the snapshot: what a and c lack below it, they take from each other.
        for (source, target) in [(a, c), (c, a), (a, b), (c, b), (b, a), (b, c)] { try deliverAll(from: source, to: target) }
        // And asking b for history below its floor is answered "compacted", never silence.
        let alice1 = Origin(site: alice.site, epoch: 1)
        #expect(throws: StorageError.self) { try b.batches(of: alice1, from: 1) }
        let digests = try [a, b, c].map { try $0.stateDigest() }
        #expect(digests[0] == digests[1] && digests[1] == digests[2])
        #expect(try b.quarantinedOrigins().isEmpty && a.quarantinedOrigins().isEmpty && c.quarantinedOrigins().isEmpty)
    }

    @Test func aSnapshotHoldingThisSitesBatchesMovesItToANewEpoch() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        let oldBob = try TestCluster.store(bob, ring: ring, clock: clock)
        try writeMix(oldBob, count: 10, seed: 31)
        try deliverAll(from: oldBob, to: a)
        // Bob's disk is lost; a fresh replica of the same identity takes Alice's snapshot.
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        let report = try install(try parts(of: a), into: b, expecting: alice.site)
        #expect(report.origin == Origin(site: bob.site, epoch: 2))
        let receipt = try b.write { tx in try tx.assign("asset", RowID(high: 9, low: 9), ["state": .text("after")]) }.receipt!
        #expect(receipt.batch.header.origin.epoch == 2 && receipt.batch.header.seq == 1)
        #expect(try a.receive(receipt.batch) == .applied(drained: 0))
        #expect(try a.stateDigest() == (try b.stateDigest()))
    }

    // MARK: - Bad input: typed error, target left empty

    func expectRefused(_ parts: [[UInt8]], into b: ReplicaStore, source: SiteID? = nil, _ check: (SnapshotError) -> Bool) throws {
        let empty = try b.stateDigest()
        do {
            _ = try install(parts, into: b, expecting: source)
            Issue.record("install accepted a bad snapshot")
        } catch let error as SnapshotError {
            #expect(check(error), "unexpected \(error)")
        }
        #expect(try b.versionVector() == VersionVector())
        #expect(try b.logFloor() == VersionVector())
        #expect(try b.stateDigest() == empty)
    }

    @Test func badSnapshotsAreRefusedAndLeaveTheReplicaEmpty() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        try writeMix(a, count: 50, seed: 41)
        let good = try parts(of: a)
        #expect(good.count >= 4)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        var seed = SplitMix64(seed: 42)
        // A flipped byte in a rows part.
        var tampered = good
        let victim = 1 + Int.random(in: 0..<(good.count - 2), using: &seed)
        tampered[victim][tampered[victim].count - 1] ^= 0x01
        try expectRefused(tampered, into: b) { $0 == .contentHashMismatch || { if case .malformed = $0 { true } else { false } }($0) }
        // Truncated: the trailer never arrives.
        try expectRefused(Array(good.dropLast()), into: b) { if case .malformed = $0 { true } else { false } }
        // Truncated in the middle of the rows.
        try expectRefused(Array(good.prefix(2)) + [good.last!], into: b) { $0 == .contentHashMismatch }
        // Two parts swapped.
        var swapped = good
        swapped.swapAt(1, 2)
        try expectRefused(swapped, into: b) { $0 == .contentHashMismatch }
        // From another node than the one asked.
        try expectRefused(good, into: b, source: carol.site) { $0 == .unexpectedSource(expected: carol.site, got: alice.site) }
        // Garbage.
        try expectRefused([[0xFF, 1, 2]], into: b) { if case .malformed = $0 { true } else { false } }
        try expectRefused([], into: b) { if case .malformed = $0 { true } else { false } }
    }

    @Test func aSnapshotOfANewerSchemaIsRefused() throws {
        let newer = Schema(version: 2, entities: TestSchema.v1.entities)
        let a = try TestCluster.store(alice, ring: ring, clock: clock, schema: newer)
        try a.write { tx in try tx.assign("asset", RowID(high: 1, low: 1), ["state": .text("x")]) }
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        try expectRefused(try parts(of: a), into: b) { if case .incompatibleSchema = $0 { true } else { false } }
    }

    @Test func aSnapshotInstallsOnlyIntoAnEmptyReplica() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        try writeMix(a, count: 5, seed: 51)
        let b = try TestCluster.store(bob, ring: ring, clock: clock)
        try b.write { tx in try tx.assign("asset", RowID(high: 1, low: 1), ["state": .text("mine")]) }
        let before = try b.stateDigest()
        #expect(throws: SnapshotError.replicaNotEmpty("batches")) { try install(try parts(of: a), into: b, expecting: nil) }
        #expect(try b.stateDigest() == before)
    }

    @Test func theStandaloneCheckAgreesWithTheInstaller() throws {
        let a = try TestCluster.store(alice, ring: ring, clock: clock)
        try writeMix(a, count: 20, seed: 61)
        let good = try parts(of: a)
        var iterator = good.makeIterator()
        let (header, trailer) = try SnapshotCheck.verify(hasher: Blake2b()) { iterator.next() }
        #expect(header.vector == (try a.versionVector()))
        #expect(trailer.rowsParts == UInt64(good.count - 2))
        var bad = good
        bad[1][5] ^= 0x40
        var badIterator = bad.makeIterator()
        #expect(throws: SnapshotError.self) { try SnapshotCheck.verify(hasher: Blake2b()) { badIterator.next() } }
    }
}
