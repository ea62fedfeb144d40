import Foundation
import GRDB
import Replica

/// Reading the batch log: what a peer lacks, in bounded chunks, in sequence order.
enum BatchLog {
    static func sealed(from row: Row) throws -> SealedBatch {
        var reader = ByteReader(Array(row["header"] as Data))
        let header: BatchHeader
        do { header = try BatchHeader.decode(from: &reader) } catch { throw StorageError.malformedBatch(error) }
        return SealedBatch(header: header, body: Array(row["body"] as Data), signature: Array(row["signature"] as Data))
    }

    static func fetch(_ origin: Origin, seq: UInt64, db: Database) throws -> SealedBatch? {
        try Row.fetchOne(db, sql: "SELECT header, body, signature FROM batches WHERE site = ? AND epoch = ? AND seq = ?",
                         arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(seq)]).map(sealed)
    }
}

/// Bounds on one chunk of batches served to a peer: flow control starts here.
public struct ChunkLimit: Sendable {
    public var batchesMax: Int
    public var bytesMax: Int

    public init(batchesMax: Int = 256, bytesMax: Int = 4 << 20) {
        precondition(batchesMax > 0 && bytesMax > 0)
        self.batchesMax = batchesMax
        self.bytesMax = bytesMax
    }
}

extension ReplicaStore {
    /// The replica's version vector: per origin, the end of its contiguous prefix.
    public func versionVector() throws -> VersionVector {
        try writer.read { db in try Self.versionVector(db: db) }
    }

    /// The version vector and, per entity, how many batches have touched it, read in
    /// one transaction: what a reader caches views by.
    public func readState() throws -> ReplicaReadState {
        try writer.read { db in
            var touches: [EntityID: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT entity, batches FROM entity_changes") {
                touches[EntityID(row["entity"] as Int64)] = UInt64(row["batches"] as Int64)
            }
            return ReplicaReadState(vector: try Self.versionVector(db: db), touches: touches)
        }
    }

    static func versionVector(db: Database) throws -> VersionVector {
        var entries: [Origin: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, epoch, seq FROM origins WHERE seq > 0") {
            entries[Origin(site: SiteID(database: row["site"]), epoch: Epoch(row["epoch"] as Int64))] = UInt64(row["seq"] as Int64)
        }
        return VersionVector(entries)
    }

    /// Origins refused after a fork.
    public func quarantinedOrigins() throws -> [Origin] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT site, epoch FROM origins WHERE quarantined = 1").map {
                Origin(site: SiteID(database: $0["site"]), epoch: Epoch($0["epoch"] as Int64))
            }.sorted()
        }
    }

    /// Per origin, the highest seq the log no longer holds (see `LogFloor`).
    public func logFloor() throws -> VersionVector {
        try writer.read { db in try LogFloor.all(db: db) }
    }

    /// Batches of `origin` from `fromSeq` on, at most one chunk. At least one batch is
    /// returned when any exists, even if it alone exceeds `bytesMax`. Throws
    /// `StorageError.compacted` when `fromSeq` is at or below the origin's log floor.
    public func batches(of origin: Origin, from fromSeq: UInt64, limit: ChunkLimit = ChunkLimit()) throws -> [SealedBatch] {
        try writer.read { db in
            let floor = try LogFloor.seq(of: origin, db: db)
            if fromSeq <= floor { throw StorageError.compacted(origin: origin, through: floor) }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT header, body, signature FROM batches WHERE site = ? AND epoch = ? AND seq >= ? ORDER BY seq LIMIT ?
                """, arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(fromSeq), limit.batchesMax])
            var out: [SealedBatch] = []
            var bytes = 0
            while let row = try rows.next() {
                let batch = try BatchLog.sealed(from: row)
                bytes += batch.body.count + BatchHeader.byteCount + batch.signature.count
                if !out.isEmpty && bytes > limit.bytesMax { break }
                out.append(batch)
            }
            return out
        }
    }

    /// What a holder of `vector` lacks, oldest first per origin, at most one chunk.
    public func batches(after vector: VersionVector, limit: ChunkLimit = ChunkLimit()) throws -> [SealedBatch] {
        var out: [SealedBatch] = []
        var remaining = limit
        let ours = try versionVector()
        for (origin, from, _) in vector.missing(comparedTo: ours) {
            let chunk = try batches(of: origin, from: from, limit: remaining)
            out += chunk
            remaining.batchesMax -= chunk.count
            remaining.bytesMax -= chunk.reduce(0) { $0 + $1.body.count + BatchHeader.byteCount + $1.signature.count }
            if remaining.batchesMax <= 0 || remaining.bytesMax <= 0 { break }
        }
        return out
    }
}

/// What a reader sees of the replica's state: its version vector, and per entity the
/// number of batches that touched it (entities never touched are absent, count 0).
public struct ReplicaReadState: Sendable, Equatable {
    public let vector: VersionVector
    public let touches: [EntityID: UInt64]

    public init(vector: VersionVector, touches: [EntityID: UInt64]) {
        self.vector = vector
        self.touches = touches
    }

    /// The touch counts of `entities`, in their order: equal for two states exactly when
    /// no batch in between touched any of them.
    public func touches(of entities: [EntityID]) -> [UInt64] { entities.map { touches[$0] ?? 0 } }
}
