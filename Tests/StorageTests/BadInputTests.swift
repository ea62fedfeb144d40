import Foundation
import Testing
import InMemoryLogging
import Logging
import Replica
import Security
@testable import Storage

/// Every kind of bad batch is refused with a typed error, and the store is unchanged.
@Suite struct BadInputTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    let mallory = TestCluster.identity(3)
    var ring: KeyRing { TestCluster.ring([alice, bob]) }
    var row: RowID { RowID(high: 1, low: 1) }

    func receiver() throws -> ReplicaStore { try TestCluster.store(bob, ring: ring, clock: clock) }

    func batch(_ changes: [Change], seq: UInt64 = 1, prev: BatchHash = .zero, signer: SigningIdentity? = nil,
               time: Timestamp? = nil, schemaVersion: UInt16 = 1) -> SealedBatch {
        TestCluster.seal(changes, signer: signer ?? alice, seq: seq, prev: prev,
                         time: time ?? Timestamp(millis: clock.nowMillis()), schemaVersion: schemaVersion)
    }

    /// Refusal leaves digest, vector and conflicts exactly as they were.
    func expectRefused(_ store: ReplicaStore, _ batch: SealedBatch, _ matches: (StorageError) -> Bool) throws {
        let digest = try store.stateDigest(), vector = try store.versionVector()
        do {
            try store.receive(batch)
            Issue.record("batch was accepted")
        } catch let error as StorageError {
            #expect(matches(error), "unexpected error \(error)")
        }
        #expect(try store.stateDigest() == digest)
        #expect(try store.versionVector() == vector)
    }

    @Test func aBatchNamingAnUnknownEntityIsRefused() throws {
        try expectRefused(receiver(), batch([Change(entity: 99, row: row, operation: .delete)])) {
            if case .unknownEntity(99) = $0 { true } else { false }
        }
    }

    @Test func aBatchNamingAnUnknownFieldIsRefused() throws {
        let change = Change(entity: 1, row: row, operation: .assign([FieldAssignment(field: 42, value: "x")]))
        try expectRefused(receiver(), batch([change])) { if case .unknownField = $0 { true } else { false } }
    }

    @Test func aValueOfTheWrongTypeIsRefused() throws {
        let change = Change(entity: 1, row: row, operation: .assign([FieldAssignment(field: 5, value: "high")]))
        try expectRefused(receiver(), batch([change])) { if case .wrongValueType = $0 { true } else { false } }
    }

    @Test func anOperationOfTheWrongKindIsRefused() throws {
        let change = Change(entity: 1, row: row, operation: .increment(field: 1, by: 1))
        try expectRefused(receiver(), batch([change])) { if case .wrongOperation = $0 { true } else { false } }
    }

    @Test func aGroupWrittenOnlyInPartIsRefused() throws {
        let change = Change(entity: 1, row: row, operation: .assign([FieldAssignment(field: 2, value: "ICU")]))
        try expectRefused(receiver(), batch([change])) { if case .incompleteGroup = $0 { true } else { false } }
    }

    @Test func aTimestampBeyondTheFutureBoundIsRefused() throws {
        let future = Timestamp(millis: clock.nowMillis() + HybridLogicalClock.futureDriftMillisMax + 60_000)
        let change = Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))
        try expectRefused(receiver(), batch([change], time: future)) { if case .timestampBeyondBound = $0 { true } else { false } }
    }

    @Test func aBatchWithABadSignatureOrAnUnknownSignerIsRefused() throws {
        let store = try receiver()
        let good = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))])
        var tampered = good.body
        tampered[tampered.count - 1] ^= 1
        try expectRefused(store, SealedBatch(header: good.header, body: tampered, signature: good.signature)) {
            $0 == .signature(origin: good.header.origin, seq: 1, .invalid)
        }
        try expectRefused(store, batch([Change(entity: 1, row: row, operation: .delete)], signer: mallory)) {
            if case .signature(_, _, .unknownSigner) = $0 { true } else { false }
        }
    }

    @Test func malformedBytesAreRefusedWithoutTouchingTheStore() throws {
        let store = try receiver()
        let digest = try store.stateDigest()
        var rng = SplitMix64(seed: 7)
        let good = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))]).encoded()
        for _ in 0..<200 {
            var bytes = good
            switch rng.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 1: bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 + rng.next() % 255)
            default: bytes = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            #expect(throws: StorageError.self) { try store.receive(encoded: bytes) }
        }
        #expect(try store.stateDigest() == digest)
        #expect(try store.versionVector() == VersionVector())
    }

    @Test func aGapThatDoesNotFitTheBufferIsRefused() throws {
        var configuration = ReplicaStore.Configuration()
        configuration.pendingSeqWindowMax = 8
        let store = try TestCluster.store(bob, ring: ring, clock: clock, configuration: configuration)
        let far = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))], seq: 20, prev: .zero)
        try expectRefused(store, far) { if case .gapBeyondBuffer = $0 { true } else { false } }
        let near = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))], seq: 5, prev: .zero)
        #expect(try store.receive(near) == .buffered)
    }

    @Test func aForkIsRecordedAsEvidenceQuarantinesTheOriginAndIsNeverMerged() throws {
        let store = try receiver()
        let first = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))])
        let forked = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 100))])
        #expect(try store.receive(first) == .applied(drained: 0))
        let digest = try store.stateDigest()
        #expect(throws: StorageError.fork(origin: first.header.origin, seq: 1)) { try store.receive(forked) }
        #expect(try store.stateDigest() == digest)
        #expect(try store.quarantinedOrigins() == [first.header.origin])
        #expect(try store.securityEvents().map(\.kind) == ["fork"])
        // The origin's later batches are refused too, even though they chain correctly.
        let second = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))], seq: 2,
                           prev: TestCluster.hash(first))
        #expect(throws: StorageError.quarantined(first.header.origin)) { try store.receive(second) }
        #expect(try store.row("ticket", row)?["spares"] == 1)
    }

    @Test func aBatchThatDoesNotChainToItsPredecessorIsAFork() throws {
        let store = try receiver()
        let first = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))])
        let unchained = batch([Change(entity: 1, row: row, operation: .increment(field: 6, by: 1))], seq: 2, prev: .zero)
        try store.receive(first)
        #expect(throws: StorageError.fork(origin: first.header.origin, seq: 2)) { try store.receive(unchained) }
        #expect(try store.versionVector()[first.header.origin] == 1)
    }

    @Test func aFailureInsideTheApplyTransactionLeavesNoPartialState() throws {
        var configuration = ReplicaStore.Configuration()
        configuration.faultInjection = { point in
            if point == .afterMaterializing(changeIndex: 1) { throw StorageError.injectedFault("\(point)") }
        }
        let store = try TestCluster.store(bob, ring: ring, clock: clock, configuration: configuration)
        let changes = [
            Change(entity: 1, row: row, operation: .assign([FieldAssignment(field: 1, value: "服务器宕机")])),
            Change(entity: 1, row: row, operation: .increment(field: 6, by: 2)),
            Change(entity: 1, row: row, operation: .append(field: 8, entry: "opened")),
        ]
        let digest = try store.stateDigest()
        #expect(throws: StorageError.injectedFault("afterMaterializing(changeIndex: 1)")) { try store.receive(batch(changes)) }
        #expect(try store.stateDigest() == digest)
        #expect(try store.versionVector() == VersionVector())
        #expect(try store.row("ticket", row) == nil)
        // And a local write failing the same way leaves nothing either.
        #expect(throws: StorageError.self) {
            try store.write { tx in try tx.assign("ticket", row, ["title": "x"]); try tx.increment("ticket", row, "spares", by: 1) }
        }
        #expect(try store.stateDigest() == digest)
    }

    @Test func aLocalWriteToADeletedRowIsRefused() throws {
        let store = try receiver()
        let id = try store.write { tx in
            let id = tx.newRowID()
            try tx.assign("asset", id, ["tag": "HX-0001", "state": "in_use"])
            return id
        }.value
        try store.write { tx in try tx.delete("asset", id) }
        #expect(throws: StorageError.rowDeleted(entity: "asset", row: id)) {
            try store.write { tx in try tx.assign("asset", id, ["state": "repair"]) }
        }
    }
}

@Suite struct ChunkIntakeTests {
    let clock = ManualClock()
    let alice = TestCluster.identity(1)
    let bob = TestCluster.identity(2)
    var ring: KeyRing { TestCluster.ring([alice, bob]) }

    func history(_ count: Int) throws -> [SealedBatch] {
        let source = try TestCluster.store(alice, ring: ring, clock: clock)
        for i in 0..<count {
            try source.write { tx in try tx.increment("ticket", RowID(high: 1, low: 1), "spares", by: Int64(i + 1)) }
        }
        return try source.batches(after: VersionVector())
    }

    @Test func aRefusedBatchInAChunkDoesNotUndoTheOthers() throws {
        let batches = try history(3)
        var tampered = batches[1].body
        tampered[tampered.count - 1] ^= 0x40
        let chunk = [batches[0], SealedBatch(header: batches[1].header, body: tampered, signature: batches[1].signature), batches[2]]
        let store = try TestCluster.store(bob, ring: ring, clock: clock)
        let results = store.receive(chunk)
        #expect(try results[0].get() == .applied(drained: 0))
        #expect(throws: StorageError.self) { try results[1].get() }
        #expect(try results[2].get() == .buffered)
        #expect(try store.versionVector()[batches[0].header.origin] == 1)
        // The genuine batch 2 later fills the gap and drains batch 3.
        #expect(try store.receive(batches[1]) == .applied(drained: 1))
        #expect(try store.row("ticket", RowID(high: 1, low: 1))?["spares"] == 6)
    }

    @Test func aChunkInReverseOrderAppliesWholeByDraining() throws {
        let batches = try history(5)
        let store = try TestCluster.store(bob, ring: ring, clock: clock)
        let results = store.receive(batches.reversed())
        #expect(try results.map { try $0.get() } == [.buffered, .buffered, .buffered, .buffered, .applied(drained: 4)])
        #expect(try store.row("ticket", RowID(high: 1, low: 1))?["spares"] == 15)
    }
}

@Suite struct RefusalLoggingTests {
    @Test func everyRefusedBatchLeavesAWarningWithItsOriginAndReason() throws {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "refusals", factory: { _ in handler })
        let clock = ManualClock()
        let alice = TestCluster.identity(1), bob = TestCluster.identity(2)
        let store = try ReplicaStore.inMemory(schema: TestSchema.v1, signer: bob, verifier: TestCluster.ring([alice, bob]),
                                              hasher: Blake2b(), clock: clock, logger: logger)
        let bad = TestCluster.seal([Change(entity: 99, row: RowID(high: 1, low: 1), operation: .delete)], signer: alice,
                                   seq: 1, prev: .zero, time: Timestamp(millis: clock.nowMillis()))
        #expect(throws: StorageError.unknownEntity(99)) { try store.receive(bad) }
        let warning = try #require(handler.entries.first { $0.level == .warning })
        #expect(warning.message.description == "batch refused")
        #expect(warning.metadata["origin"]?.description == bad.header.origin.description)
        #expect(warning.metadata["reason"]?.description == StorageError.unknownEntity(99).description)
    }
}
