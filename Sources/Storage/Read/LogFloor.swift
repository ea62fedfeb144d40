import GRDB
import Replica

/// The log floor (日志下限) of each origin: the log holds none of its batches at or
/// below this seq. Compaction raises it; installing a snapshot sets it to the
/// snapshot's version vector. The state those batches made lives on in the
/// materialised tables; only a replica that lacks them needs a snapshot.
enum LogFloor {
    static func seq(of origin: Origin, db: Database) throws -> UInt64 {
        let statement = try db.cachedStatement(sql: "SELECT seq FROM log_floor WHERE site = ? AND epoch = ?")
        return try Int64.fetchOne(statement, arguments: [origin.site.databaseValue, Int64(origin.epoch)]).map(UInt64.init) ?? 0
    }

    static func all(db: Database) throws -> VersionVector {
        var entries: [Origin: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, epoch, seq FROM log_floor WHERE seq > 0") {
            entries[Origin(site: SiteID(database: row["site"]), epoch: Epoch(row["epoch"] as Int64))] = UInt64(row["seq"] as Int64)
        }
        return VersionVector(entries)
    }

    /// Raises the floor of `origin` to `seq` (never lowers it). The caller deletes the
    /// batches, in the same transaction.
    static func raise(_ origin: Origin, to seq: UInt64, db: Database) throws {
        precondition(seq > 0, "a floor of 0 means nothing was dropped")
        try db.execute(sql: """
            INSERT INTO log_floor(site, epoch, seq) VALUES (?, ?, ?)
            ON CONFLICT(site, epoch) DO UPDATE SET seq = max(seq, excluded.seq)
            """, arguments: [origin.site.databaseValue, Int64(origin.epoch), Int64(seq)])
    }
}
