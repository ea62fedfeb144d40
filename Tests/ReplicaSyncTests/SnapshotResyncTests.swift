import Logging
import Replica
import ReplicaSync
import Security
@testable import Storage
import Sync
import Testing

/// A node away longer than the horizon: its peers compacted the history it lacks, so
/// they answer "snapshot needed" instead of silently sending nothing, and the node
/// resyncs from a snapshot, keeping its own writes no peer had yet.
@Suite struct SnapshotResyncTests {
    /// What compaction will do: drop `origin`'s log through `seq` and raise the floor.
    static func compact(_ store: ReplicaStore, origin: Origin, through seq: UInt64) throws {
        try store.writer.write { db in
            try LogFloor.raise(origin, to: seq, db: db)
            try db.execute(sql: "DELETE FROM batches WHERE site = ? AND epoch = ? AND seq <= ?",
                           arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(seq)])
        }
    }

    static func writeTicket(_ cluster: LoopbackCluster, at index: Int, title: String) throws {
        try cluster.write(at: index) { tx in
            let row = tx.newRowID()
            try tx.assign("ticket", row, ["title": .text(title)])
            try tx.add("ticket", row, "tags", .text("t\(index)"))
            try tx.append("ticket", row, "timeline", .text("opened at \(index)"))
        }
    }

    @Test func aNodeBeyondTheHorizonIsToldAndResyncsFromASnapshot() throws {
        let seed: UInt64 = 0x5EED_0008
        print("seed \(seed)")
        let cluster = try LoopbackCluster(count: 3, seed: seed)
        cluster.run(forMillis: 3_000)
        let (s0, s1, s2) = (cluster.sites[0], cluster.sites[1], cluster.sites[2])
        // Node 2 is away: cut both ways from both peers.
        cluster.cut = [[s0, s2], [s2, s0], [s1, s2], [s2, s1]]
        for i in 0..<30 { try Self.writeTicket(cluster, at: 0, title: "ward \(i)") }
        for i in 0..<3 { try Self.writeTicket(cluster, at: 2, title: "away \(i)") }
        cluster.run(forMillis: 10_000)
        let origin0 = try cluster.core(0).store.currentOrigin()
        #expect(try cluster.core(1).store.versionVector()[origin0] == 30)
        // The horizon passes: nodes 0 and 1 compact node 0's first 20 batches.
        try Self.compact(cluster.core(0).store, origin: origin0, through: 20)
        try Self.compact(cluster.core(1).store, origin: origin0, through: 20)

        cluster.cut = []
        cluster.run(forMillis: 10_000)
        let told = cluster.snapshotsNeeded.filter { $0.site == s2 && $0.origin == origin0 }
        #expect(!told.isEmpty, "node 2 must hear that a snapshot is needed")
        #expect(told.allSatisfy { $0.floor == 20 })
        #expect(cluster.core(0).stats.compactedLoads + cluster.core(1).stats.compactedLoads >= told.count)
        #expect(cluster.core(2).stats.snapshotsNeeded == told.count)
        #expect(try cluster.core(2).store.versionVector()[origin0] == 0, "deltas cannot cross the floor")

        // Node 2 writes more before it resyncs: those exist only in its own replica.
        for i in 3..<5 { try Self.writeTicket(cluster, at: 2, title: "away \(i)") }
        let old = cluster.core(2).store
        var parts: [[UInt8]] = []
        try cluster.core(0).store.exportSnapshot { parts.append($0) }
        // The cluster made identities from seeds 1…3 and sorted the sites.
        let identity2 = try (1...3).map { try SigningIdentity(seed: [UInt8](repeating: UInt8($0), count: 32)) }.first { $0.site == s2 }!
        let ring = KeyRing((1...3).map { try! SigningIdentity(seed: [UInt8](repeating: UInt8($0), count: 32)).publicKey })
        let fresh = try ReplicaStore.inMemory(schema: LoopbackSchema.v1, signer: identity2, verifier: ring, hasher: Blake2b(),
                                              clock: cluster.clock, logger: Logger(label: "resync"))
        var iterator = parts.makeIterator()
        let install = try fresh.installSnapshot(expectedSource: s0) { iterator.next() }
        let reapplied = try fresh.reapplyUncovered(from: old)
        #expect(reapplied.ownApplied == 2, "the two writes no peer had yet come back from the old log")
        #expect(reapplied.refused == 0)
        #expect(install.origin.epoch == 2, "the snapshot held node 2's epoch 1: the resynced node writes under a new one")
        #expect(try fresh.versionVector().covers(old.versionVector()))

        // Let node 0 receive node 2's last writes; then the resynced replica equals it.
        cluster.run(forMillis: 10_000)
        #expect(try fresh.versionVector() == cluster.core(0).store.versionVector())
        #expect(try fresh.stateDigest() == cluster.core(0).store.stateDigest())
        #expect(try fresh.quarantinedOrigins().isEmpty)
    }
}
