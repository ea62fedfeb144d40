import Foundation
import GRDB
import Replica

/// A metadata-collection point (回收点), recorded at one compaction round k:
/// - `horizon` H_k: what every member held then;
/// - `join` J_k: the join of every member's acknowledged vector and ours — each
///   member's own head when it acknowledged;
/// - `times`: per origin, the hybrid time of its batch at H_k. An origin's batch times
///   strictly increase with seq, so a stamp of that origin names a batch ≤ H_k exactly
///   when its time is ≤ this.
///
/// Once a later round's collection horizon covers J_k, every operation concurrent with
/// a batch ≤ H_k has been delivered to every member (docs/replication.md), so the
/// bookkeeping those batches made may go.
struct CollectionPoint: Equatable {
    var horizon: VersionVector
    var join: VersionVector
    var times: [Origin: Timestamp]
    var recordedAtMillis: UInt64

    static func load(db: Database) throws -> CollectionPoint? {
        guard let row = try Row.fetchOne(db, sql: "SELECT horizon, join_vector, times, recorded_at FROM collection_point WHERE id = 1")
        else { return nil }
        do {
            var h = ByteReader(Array(row["horizon"] as Data))
            var j = ByteReader(Array(row["join_vector"] as Data))
            var t = ByteReader(Array(row["times"] as Data))
            return CollectionPoint(horizon: try VersionVector.decode(from: &h), join: try VersionVector.decode(from: &j),
                                   times: try decodeTimes(&t), recordedAtMillis: UInt64(max(0, row["recorded_at"] as Int64)))
        } catch {
            // Only this store writes the row; one that does not decode is dropped and a
            // fresh point recorded, which only delays collection.
            try db.execute(sql: "DELETE FROM collection_point")
            return nil
        }
    }

    func save(db: Database) throws {
        var h = ByteWriter(), j = ByteWriter(), t = ByteWriter()
        horizon.encode(into: &h)
        join.encode(into: &j)
        let origins = times.keys.sorted()
        t.varint(UInt64(origins.count))
        for origin in origins {
            t.u64(origin.site.rawValue)
            t.u32(origin.epoch)
            t.u64(times[origin]!.rawValue)
        }
        try db.execute(sql: "INSERT OR REPLACE INTO collection_point(id, horizon, join_vector, times, recorded_at) VALUES (1, ?, ?, ?, ?)",
                       arguments: [Data(h.bytes), Data(j.bytes), Data(t.bytes), Int64(clamping: recordedAtMillis)])
    }

    static func clear(db: Database) throws {
        try db.execute(sql: "DELETE FROM collection_point")
    }

    private static func decodeTimes(_ r: inout ByteReader) throws -> [Origin: Timestamp] {
        let count = try r.count(max: VersionVector.originsMax, of: "origins")
        var out: [Origin: Timestamp] = [:]
        for _ in 0..<count {
            let origin = Origin(site: SiteID(rawValue: try r.u64()), epoch: try r.u32())
            out[origin] = Timestamp(rawValue: try r.u64())
        }
        try r.expectEnd()
        return out
    }

    /// Per origin of `horizon`, the time of its batch at the horizon, read from the log.
    /// An origin whose batch is no longer logged (compacted in an earlier round while a
    /// silent member held collection back) is left out: its metadata waits.
    static func times(of horizon: VersionVector, db: Database) throws -> [Origin: Timestamp] {
        var out: [Origin: Timestamp] = [:]
        for origin in horizon.origins {
            if let batch = try BatchLog.fetch(origin, seq: horizon[origin], db: db) { out[origin] = batch.header.time }
        }
        return out
    }
}

/// Per origin, the time through which metadata has been collected.
enum CollectedThrough {
    static func all(db: Database) throws -> [Origin: Timestamp] {
        var out: [Origin: Timestamp] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, epoch, time FROM collected_through") {
            out[Origin(site: SiteID(database: row["site"]), epoch: Epoch(row["epoch"] as Int64))] =
                Timestamp(rawValue: UInt64(bitPattern: row["time"] as Int64))
        }
        return out
    }

    static func raise(_ origin: Origin, to time: Timestamp, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO collected_through(site, epoch, time) VALUES (?, ?, ?)
            ON CONFLICT(site, epoch) DO UPDATE SET time = max(time, excluded.time)
            """, arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(bitPattern: time.rawValue)])
    }

    static func any(db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM collected_through)") ?? false
    }
}
