import Foundation
import GRDB
import Replica

/// What each member last acknowledged holding (成员确认向量), persisted so the horizon
/// survives a restart. Anti-entropy tells it us for free: every round carries either a
/// peer's whole vector or a digest equal to ours (then it holds exactly what we hold).
extension ReplicaStore {
    /// Records that `member` holds `vector` now (the store's physical clock). A lower
    /// vector than before replaces the higher one: a member restored from a backup
    /// really holds less, and holding the horizon back is the safe error.
    public func recordAcknowledgement(of member: SiteID, vector: VersionVector) throws {
        let now = clock.nowMillis()
        var bytes = ByteWriter()
        vector.encode(into: &bytes)
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO member_acknowledgements(site, vector, learned_at) VALUES (?, ?, ?)
                ON CONFLICT(site) DO UPDATE SET vector = excluded.vector, learned_at = max(learned_at, excluded.learned_at)
                """, arguments: [member.databaseValue, Data(bytes.bytes), Int64(clamping: now)])
        }
    }

    /// Every member's latest acknowledgement.
    public func memberAcknowledgements() throws -> [SiteID: MemberAcknowledgement] {
        try writer.read { db in try MemberAcknowledgementTable.all(db: db) }
    }
}

enum MemberAcknowledgementTable {
    static func all(db: Database) throws -> [SiteID: MemberAcknowledgement] {
        var out: [SiteID: MemberAcknowledgement] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, vector, learned_at FROM member_acknowledgements") {
            var reader = ByteReader(Array(row["vector"] as Data))
            // Written by this store alone; a row that does not decode holds nothing,
            // which holds the horizon back instead of letting it run ahead.
            let vector = (try? VersionVector.decode(from: &reader)) ?? VersionVector()
            out[SiteID(database: row["site"])] = MemberAcknowledgement(vector: vector,
                                                                       learnedAtMillis: UInt64(max(0, row["learned_at"] as Int64)))
        }
        return out
    }

    /// A member on the roster we have not heard from yet starts its silence now.
    static func noteMembers(_ members: Set<SiteID>, nowMillis: UInt64, db: Database) throws {
        var empty = ByteWriter()
        VersionVector().encode(into: &empty)
        for member in members {
            try db.execute(sql: "INSERT OR IGNORE INTO member_acknowledgements(site, vector, learned_at) VALUES (?, ?, ?)",
                           arguments: [member.databaseValue, Data(empty.bytes), Int64(clamping: nowMillis)])
        }
    }
}
