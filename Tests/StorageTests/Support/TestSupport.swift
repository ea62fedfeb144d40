import Foundation
import Logging
import Replica
import Security
@testable import Storage

/// A schema with one field of every kind, the entity the property tests write.
enum TestSchema {
    static let ticket = EntitySchema(id: 1, name: "ticket", fields: [
        FieldSchema(id: 1, name: "title", kind: .register, type: .text),
        FieldSchema(id: 2, name: "department", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 3, name: "location", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 4, name: "assignee", kind: .surfacedRegister, type: .text),
        FieldSchema(id: 5, name: "priority", kind: .register, type: .integer),
        FieldSchema(id: 6, name: "spares", kind: .counter, type: .integer),
        FieldSchema(id: 7, name: "tags", kind: .addWinsSet, type: .text),
        FieldSchema(id: 8, name: "timeline", kind: .log, type: .text),
    ])
    static let asset = EntitySchema(id: 2, name: "asset", fields: [
        FieldSchema(id: 1, name: "tag", kind: .register, type: .text),
        FieldSchema(id: 2, name: "state", kind: .register, type: .text),
    ])
    static let v1 = Schema(version: 1, entities: [ticket, asset])
}

/// Test time: advanced by hand, never read from the wall.
final class ManualClock: PhysicalClock, @unchecked Sendable {
    private let lock = NSLock()
    private var millis: UInt64

    init(_ millis: UInt64 = 1_780_000_000_000) { self.millis = millis }

    func nowMillis() -> UInt64 { lock.withLock { millis } }
    func advance(_ delta: UInt64) { lock.withLock { millis += delta } }
    func set(_ value: UInt64) { lock.withLock { millis = value } }
}

/// A site of a test cluster: an identity from a seed and an in-memory replica.
struct TestSite {
    let identity: SigningIdentity
    var store: ReplicaStore
    let writer: any GRDB.DatabaseWriter
}

import GRDB

enum TestCluster {
    static func identity(_ n: UInt8) -> SigningIdentity {
        try! SigningIdentity(seed: [UInt8](repeating: n, count: 32))
    }

    static func ring(_ identities: [SigningIdentity]) -> KeyRing {
        KeyRing(identities.map(\.publicKey))
    }

    static let logger = Logger(label: "test")

    static func store(_ identity: SigningIdentity, ring: KeyRing, clock: ManualClock, schema: Schema = TestSchema.v1,
                      writer: (any DatabaseWriter)? = nil,
                      configuration: ReplicaStore.Configuration = .init()) throws -> ReplicaStore {
        let writer = try writer ?? DatabaseQueue(configuration: ReplicaStore.databaseConfiguration())
        return try ReplicaStore(writer: writer, schema: schema, signer: identity, verifier: ring, hasher: Blake2b(),
                                clock: clock, logger: logger, configuration: configuration)
    }

    /// A batch signed by `signer` with arbitrary content — the tool for forging bad input.
    static func seal(_ changes: [Change], signer: SigningIdentity, epoch: Epoch = 1, seq: UInt64,
                     prev: BatchHash, time: Timestamp, schemaVersion: UInt16 = 1) -> SealedBatch {
        let header = BatchHeader(origin: Origin(site: signer.site, epoch: epoch), seq: seq, prevHash: prev,
                                 time: time, schemaVersion: schemaVersion)
        let body = ChangeCodec.encodeBody(changes)
        var w = ByteWriter()
        header.encode(into: &w)
        w.raw(body)
        return SealedBatch(header: header, body: body, signature: signer.sign(w.bytes))
    }

    static func hash(_ batch: SealedBatch) -> BatchHash { Blake2b().hash(batch.signedMessage) }
}
