import Foundation
import GRDB
import Synchronization
import Testing
import Replica
import Security
@testable import Storage

/// Opening a replica file: the node and CLI processes open the same file, often at the
/// same moment on a fresh data directory, and sometimes with an older binary.
@Suite struct OpeningTests {
    let clock = ManualClock()
    let main = TestCluster.identity(1)
    var ring: KeyRing { TestCluster.ring([main]) }

    func freshPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-open-\(UUID().uuidString).sqlite").path
    }

    func open(_ path: String) throws -> ReplicaStore {
        try ReplicaStore.open(path: path, schema: TestSchema.v1, signer: main, verifier: ring, hasher: Blake2b(),
                              clock: clock, logger: TestCluster.logger)
    }

    @Test func manyOpenersOfAFreshFileAllSucceed() throws {
        // flock excludes between descriptors, so threads of one process race as processes do.
        for _ in 0..<Self.freshFiles {
            let path = freshPath()
            defer { for suffix in ["", "-wal", "-shm", "-open.lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: Self.openersPerFile) { _ in
                do { _ = try open(path) } catch { failures.withLock { $0.append("\(error)") } }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(try open(path).versionVector() == VersionVector())
        }
    }
    static let freshFiles = 40
    static let openersPerFile = 6

    @Test func aFileMigratedByANewerVersionIsRefusedNotCrashedOn() throws {
        let path = freshPath()
        defer { for suffix in ["", "-wal", "-shm", "-open.lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try open(path)
        try store.write { tx in try tx.assign("asset", RowID(high: 1, low: 1), ["state": "ok"]) }
        let before = try store.stateDigest()
        let pool = try DatabasePool(path: path)
        try pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        #expect {
            _ = try open(path)
        } throws: { error in
            guard case StorageError.database(let reason) = error else { return false }
            return reason.contains("newer MeshDesk") && reason.contains("v99-from-the-future")
        }
        try pool.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v99-from-the-future'") }
        #expect(try open(path).stateDigest() == before)
    }
}
