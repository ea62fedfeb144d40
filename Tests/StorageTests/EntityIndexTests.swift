import Foundation
import GRDB
import Testing
import Replica
import Security
@testable import Storage

/// Local read indexes on materialised columns: created once, refused on columns that
/// are not plain values.
@Suite struct EntityIndexTests {
    let clock = ManualClock()
    let main = TestCluster.identity(1)

    func indexNames(_ store: ReplicaStore) throws -> [String] {
        try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%' ORDER BY name")
        }
    }

    @Test func anIndexIsCreatedOnceAndAskingAgainChangesNothing() throws {
        let store = try TestCluster.store(main, ring: TestCluster.ring([main]), clock: clock)
        try store.ensureIndex(entity: "asset", columns: ["state"])
        let first = try indexNames(store)
        #expect(first.count == 1)
        try store.ensureIndex(entity: "asset", columns: ["state"])
        #expect(try indexNames(store) == first)
    }

    @Test func anUnknownEntityOrColumnIsRefused() throws {
        let store = try TestCluster.store(main, ring: TestCluster.ring([main]), clock: clock)
        #expect(throws: StorageError.unknownEntityName("nope")) { try store.ensureIndex(entity: "nope", columns: ["state"]) }
        #expect(throws: StorageError.unknownFieldName(entity: "asset", field: "nope")) {
            try store.ensureIndex(entity: "asset", columns: ["nope"])
        }
        #expect(try indexNames(store).isEmpty)
    }
}
