import Foundation
import GRDB
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Node

/// `meshdesk verify` finds what a crash or a tampered file leaves, and changes nothing.
@Suite("Replica audit (meshdesk verify)")
struct ReplicaAuditTests {
    /// A file replica with `count` local batches and `remote` batches received from a peer.
    struct Fixture {
        let dir: URL
        let directory: DataDirectory
        let identity = SigningIdentity()
        let peer = SigningIdentity()
        let store: ReplicaStore
        var ring: KeyRing { KeyRing([identity.publicKey, peer.publicKey]) }

        init(local: Int = 6, remote: Int = 4) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("audit-test-\(UUID())")
            directory = DataDirectory(path: dir.path)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            store = try ReplicaStore.open(path: directory.replicaURL.path, schema: NodeSchema.current, signer: identity,
                                          verifier: KeyRing([identity.publicKey, peer.publicKey]), hasher: Blake2b(),
                                          clock: SystemClock(), logger: NodeHarness.logger)
            _ = try DutyLogLoad.write(into: store, campus: "MAIN", count: local, perBatch: 1)
            for batch in try NodeHarness.batches(by: peer, count: remote) { _ = try store.receive(batch) }
        }

        func audit() throws -> ReplicaAudit {
            try ReplicaAudit.run(path: directory.replicaURL.path, store: store, verifier: ring, logger: NodeHarness.logger)
        }

        /// Raw SQL on the file, as a torn write or a hand edit would leave it.
        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: directory.replicaURL.path)
            try queue.write { try $0.execute(sql: sql) }
        }

        var local: Origin { Origin(site: identity.site, epoch: 1) }
        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func aHealthyReplicaPasses() throws {
        let f = try Fixture()
        defer { f.remove() }
        let audit = try f.audit()
        #expect(audit.ok, "\(audit.problems)")
        #expect(audit.integrity == ["ok"])
        #expect(audit.replayedBatches == 10)
        #expect(audit.storedDigest == audit.replayedDigest)
        #expect(audit.origins.allSatisfy { $0.problem == nil && $0.logged == $0.seq })
    }

    @Test func aLogAboveAFloorIsCheckedFromTheFloorUpAndNotReplayed() throws {
        let f = try Fixture()
        defer { f.remove() }
        let site = Int64(bitPattern: f.identity.site.rawValue)
        // As a snapshot install or compaction leaves it: batches 1…3 gone, the floor at 3.
        try f.tamper("INSERT INTO log_floor(site, epoch, seq) VALUES (\(site), 1, 3); DELETE FROM batches WHERE site = \(site) AND epoch = 1 AND seq <= 3")
        let audit = try f.audit()
        #expect(audit.ok, "\(audit.problems)")
        #expect(!audit.replayChecked)
        #expect(audit.origins.first { $0.origin == f.local.description }?.logged == 3)
        // A gap above the floor is still a gap.
        try f.tamper("DELETE FROM batches WHERE site = \(site) AND epoch = 1 AND seq = 5")
        let gapped = try f.audit()
        #expect(!gapped.ok)
        #expect(gapped.problems.contains { $0.contains("gap: #5 missing") })
    }

    @Test func aMaterialisedRowWithoutItsBatchIsAHalfAppliedState() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.tamper("DELETE FROM e_duty_log WHERE id = (SELECT id FROM e_duty_log LIMIT 1)")
        let audit = try f.audit()
        #expect(!audit.ok)
        #expect(audit.problems.contains { $0.contains("materialised state differs from a replay") })
    }

    @Test func aMissingBatchInTheLogIsAGap() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.tamper("DELETE FROM batches WHERE site = \(Int64(bitPattern: f.local.site.rawValue)) AND seq = 3")
        let audit = try f.audit()
        let chain = try #require(audit.origins.first { $0.origin == f.local.description })
        #expect(chain.problem?.contains("gap") == true)
        #expect(!audit.ok)
    }

    @Test func aBatchThatDoesNotChainToItsPredecessorIsFound() throws {
        let f = try Fixture()
        defer { f.remove() }
        // Batch #4 replaced by batch #4 of another chain (same origin, other content):
        // what a reused sequence number after a lost write would look like.
        let other = try NodeHarness.batches(by: f.identity, count: 4)[3]
        try f.tamper("""
            UPDATE batches SET header = x'\(hex(other.encodedHeader))', body = x'\(hex(other.body))', signature = x'\(hex(other.signature))'
            WHERE site = \(Int64(bitPattern: f.local.site.rawValue)) AND seq = 4
            """)
        let audit = try f.audit()
        let chain = try #require(audit.origins.first { $0.origin == f.local.description })
        #expect(chain.problem?.contains("does not chain") == true)
    }

    @Test func theAuditChangesNothing() throws {
        let f = try Fixture()
        defer { f.remove() }
        let before = try Data(contentsOf: f.directory.replicaURL)
        let vector = try f.store.versionVector()
        _ = try f.audit()
        #expect(try f.store.versionVector() == vector)
        #expect(try f.store.stateDigest().total.description == (try f.audit()).storedDigest)
        #expect(try Data(contentsOf: f.directory.replicaURL).count == before.count)
    }

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

extension SealedBatch {
    var encodedHeader: [UInt8] {
        var w = ByteWriter()
        header.encode(into: &w)
        return w.bytes
    }
}
