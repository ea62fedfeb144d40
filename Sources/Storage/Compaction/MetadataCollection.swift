import Foundation
import GRDB
import Replica

/// Removes the bookkeeping that only exists to resolve operations that may still
/// arrive, for the stamps a completed collection point covers (docs/replication.md,
/// "Collecting metadata"):
/// - `surfaced_overwritten` entries: they stop a late copy of an overwritten version
///   from reappearing; once that version's batch is applied here it never arrives again
///   (a re-sent copy is a duplicate, also below the log floor);
/// - `set_removed` entries: the same for a removed add tag;
/// - tombstones without an edited-after-delete conflict, of rows whose id says which
///   origin created them (`RowID(stamp:index:)`) and whose creating batch is covered
///   as well as the delete. Conflict tombstones are what a
///   human resolves and stay; tombstones of natural-key rows stay, because nothing but
///   the tombstone stops a later local write from re-creating such a row.
enum MetadataCollection {
    struct Counts: Equatable, Sendable {
        var tombstones = 0
        var overwrittenStamps = 0
        var removedTags = 0
    }

    /// The 12 bytes after a stamp's time: its origin, as stored in stamp blobs.
    static func originKey(_ origin: Origin) -> Data {
        var w = ByteWriter()
        w.u64(origin.site.rawValue)
        w.u32(origin.epoch)
        return Data(w.bytes)
    }

    static func timeKey(_ time: Timestamp) -> Data {
        var w = ByteWriter()
        w.u64(time.rawValue)
        return Data(w.bytes)
    }

    static func collect(through times: [Origin: Timestamp], dryRun: Bool, db: Database) throws -> Counts {
        var counts = Counts()
        let origins = try knownOrigins(db: db)
        // Covered: by this point, or by an earlier completed collection. A tombstone's
        // creating batch must be covered too: only then does `collected_through` still
        // say "deleted" once the tombstone is gone (`CollectedRowGuard`). Delivery is FIFO
        // per origin, not causal, so a point may cover a delete and not yet the create it
        // deletes; such a tombstone goes at a later point, whose origins may no longer
        // include the delete's (its batch compacted from the log), hence the union.
        var coveredThrough = try CollectedThrough.all(db: db)
        for (origin, time) in times where time > (coveredThrough[origin] ?? .zero) { coveredThrough[origin] = time }
        for origin in coveredThrough.keys.sorted() {
            let arguments: StatementArguments = [originKey(origin), timeKey(coveredThrough[origin]!)]
            let covered = "substr(stamp, 9) = ? AND substr(stamp, 1, 8) <= ?"
            if dryRun {
                counts.overwrittenStamps += try Int.fetchOne(db, sql: "SELECT count(*) FROM surfaced_overwritten WHERE \(covered)", arguments: arguments) ?? 0
                counts.removedTags += try Int.fetchOne(db, sql: "SELECT count(*) FROM set_removed WHERE \(covered)", arguments: arguments) ?? 0
            } else {
                try db.execute(sql: "DELETE FROM surfaced_overwritten WHERE \(covered)", arguments: arguments)
                counts.overwrittenStamps += db.changesCount
                try db.execute(sql: "DELETE FROM set_removed WHERE \(covered)", arguments: arguments)
                counts.removedTags += db.changesCount
            }
            let candidates = try Row.fetchAll(db, sql: "SELECT entity, row FROM tombstones WHERE \(covered) AND max_edit <= stamp",
                                              arguments: arguments)
            for candidate in candidates {
                guard let row = RowID(bytes: Array(candidate["row"] as Data)),
                      let creator = creator(of: row, among: origins),
                      let created = coveredThrough[creator], row.high <= created.rawValue else { continue }
                counts.tombstones += 1
                if !dryRun {
                    try db.execute(sql: "DELETE FROM tombstones WHERE entity = ? AND row = ?",
                                   arguments: [candidate["entity"] as Int64, candidate["row"] as Data])
                }
            }
        }
        return counts
    }

    static func knownOrigins(db: Database) throws -> [Origin] {
        try Row.fetchAll(db, sql: "SELECT site, epoch FROM origins").map {
            Origin(site: SiteID(database: $0["site"]), epoch: Epoch($0["epoch"] as Int64))
        }
    }

    /// The origin whose batch made `row` with `RowID(stamp:index:)`, if any known one
    /// did. A natural-key id (a hash) matches one by chance with odds about 2⁻⁴⁸ per
    /// origin; such a false match only means its tombstone is collected like any other.
    static func creator(of row: RowID, among origins: [Origin]) -> Origin? {
        origins.first { origin in
            (row.low ^ origin.site.rawValue) & 0x0000_FFFF_FFFF_FFFF == UInt64(origin.epoch & 0xFFFF) << 32
        }
    }
}
