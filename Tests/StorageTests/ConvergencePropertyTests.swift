import Foundation
import Testing
import Replica
import Security
@testable import Storage

/// Random workloads over every field kind at several replicas, random partial
/// delivery while they write, then every batch to every replica in a random order with
/// duplicates and restarts. The replicas must agree exactly. Each case prints nothing
/// unless it fails; then its seed replays it: `MESHDESK_SEED=<seed> swift test --filter Convergence`.
@Suite struct ConvergencePropertyTests {
    static let cases = 200

    static var seeds: [UInt64] {
        if let fixed = ProcessInfo.processInfo.environment["MESHDESK_SEED"].flatMap(UInt64.init) { return [fixed] }
        var base = SplitMix64(seed: 0x4D65_7368_4465_736B)
        return (0..<cases).map { _ in base.next() }
    }

    @Test(arguments: seeds)
    func replicasConvergeUnderAnyDeliveryOrderWithDuplicatesAndRestarts(seed: UInt64) throws {
        try Self.runCase(seed: seed)
    }

    static func runCase(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let clock = ManualClock()
        let identities = (1...3).map { TestCluster.identity(UInt8($0)) }
        let ring = TestCluster.ring(identities)
        var sites = try identities.map { identity in
            let writer = try GRDB.DatabaseQueue(configuration: ReplicaStore.databaseConfiguration())
            return TestSite(identity: identity, store: try TestCluster.store(identity, ring: ring, clock: clock, writer: writer), writer: writer)
        }
        let rows = (0..<6).map { RowID(high: UInt64($0) + 1, low: 7) }
        var written: [SealedBatch] = []
        var incrementsByBatch: [BatchHash: [RowID: Int64]] = [:]

        for _ in 0..<40 {
            clock.advance(UInt64.random(in: 0...3, using: &rng))
            if Bool.random(using: &rng) || written.isEmpty {
                let i = Int.random(in: 0..<sites.count, using: &rng)
                var increments: [RowID: Int64] = [:]
                let receipt = try? sites[i].store.write { tx in
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let row = rows.randomElement(using: &rng)!
                        try randomOperation(tx, row: row, increments: &increments, rng: &rng)
                    }
                }.receipt
                if let receipt {
                    written.append(receipt.batch)
                    incrementsByBatch[receipt.hash] = increments
                }
            } else {
                let batch = written.randomElement(using: &rng)!
                let i = Int.random(in: 0..<sites.count, using: &rng)
                _ = try? sites[i].store.receive(batch)
            }
            if Int.random(in: 0..<20, using: &rng) == 0 {
                let i = Int.random(in: 0..<sites.count, using: &rng)
                sites[i].store = try TestCluster.store(sites[i].identity, ring: ring, clock: clock, writer: sites[i].writer)
            }
        }

        // Heal: everything to everyone, shuffled, twice over (duplicates), until vectors agree.
        for round in 0..<6 {
            for i in sites.indices {
                for batch in (written + written).shuffled(using: &rng) { _ = try? sites[i].store.receive(batch) }
            }
            let vectors = try sites.map { try $0.store.versionVector() }
            if Set(vectors).count == 1 { break }
            #expect(round < 5, "vectors did not converge, seed \(seed)")
        }

        let digests = try sites.map { try $0.store.stateDigest().total }
        let conflicts = try sites.map { try $0.store.conflicts() }
        #expect(Set(digests).count == 1, "digests differ, seed \(seed)")
        #expect(conflicts.allSatisfy { $0 == conflicts[0] }, "conflict sets differ, seed \(seed)")
        #expect(try sites[0].store.versionVector().batchCount == UInt64(written.count), "seed \(seed)")

        // No batch applied twice: every live counter equals the sum of its increments.
        let store = sites[0].store
        for row in rows where try !store.isDeleted("ticket", row) {
            let expected = incrementsByBatch.values.reduce(Int64(0)) { $0 + ($1[row] ?? 0) }
            let actual = try store.row("ticket", row)?["spares"].integerValue ?? 0
            #expect(actual == expected, "counter of \(row): \(actual) ≠ \(expected), seed \(seed)")
        }
    }

    static func randomOperation(_ tx: WriteTransaction, row: RowID, increments: inout [RowID: Int64],
                                rng: inout SplitMix64) throws {
        let names = ["张伟", "王芳", "李娜", "刘洋"]
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<4: try tx.assign("ticket", row, ["title": .text("t\(Int.random(in: 0..<5, using: &rng))")])
        case 4..<6: try tx.assign("ticket", row, ["department": .text(names.randomElement(using: &rng)!), "location": .text("\(Int.random(in: 1...9, using: &rng))F")])
        case 6..<9: try tx.assignSurfaced("ticket", row, "assignee", .text(names.randomElement(using: &rng)!))
        case 9..<12:
            let delta = Int64.random(in: -3...5, using: &rng)
            try tx.increment("ticket", row, "spares", by: delta)
            increments[row, default: 0] += delta
        case 12..<14: try tx.add("ticket", row, "tags", .text(["net", "his", "printer"].randomElement(using: &rng)!))
        case 14..<16: try tx.remove("ticket", row, "tags", .text(["net", "his", "printer"].randomElement(using: &rng)!))
        case 16..<19: try tx.append("ticket", row, "timeline", .text("note \(rng.next() % 100)"))
        default: try tx.delete("ticket", row)
        }
    }
}

import GRDB
