import GRDB

/// The store's own tables. Named and append-only: a shipped migration is never
/// edited; a change of layout is a new migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica-system-tables") { db in
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID;
                CREATE TABLE origins(
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL,
                    seq INTEGER NOT NULL, hash BLOB NOT NULL,
                    quarantined INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY(site, epoch)) WITHOUT ROWID;
                -- Bodies are large: an ordinary rowid table keeps them out of the key B-tree.
                CREATE TABLE batches(
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
                    hash BLOB NOT NULL, header BLOB NOT NULL, body BLOB NOT NULL, signature BLOB NOT NULL,
                    PRIMARY KEY(site, epoch, seq));
                CREATE TABLE deferred_batches(
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
                    schema_version INTEGER NOT NULL, batch BLOB NOT NULL,
                    PRIMARY KEY(site, epoch, seq));
                CREATE TABLE security_events(
                    id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
                    detail TEXT NOT NULL, evidence_a BLOB, evidence_b BLOB);
                CREATE TABLE declared_fields(
                    entity INTEGER NOT NULL, entity_name TEXT NOT NULL, field INTEGER NOT NULL,
                    name TEXT NOT NULL, kind INTEGER NOT NULL, type INTEGER NOT NULL, grp TEXT,
                    PRIMARY KEY(entity, field)) WITHOUT ROWID;
                CREATE TABLE tombstones(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, stamp BLOB NOT NULL, max_edit BLOB NOT NULL,
                    PRIMARY KEY(entity, row)) WITHOUT ROWID;
                CREATE TABLE surfaced_versions(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, field INTEGER NOT NULL, stamp BLOB NOT NULL, value,
                    PRIMARY KEY(entity, row, field, stamp)) WITHOUT ROWID;
                CREATE TABLE surfaced_overwritten(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, field INTEGER NOT NULL, stamp BLOB NOT NULL,
                    PRIMARY KEY(entity, row, field, stamp)) WITHOUT ROWID;
                CREATE TABLE set_elements(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, field INTEGER NOT NULL, element NOT NULL, stamp BLOB NOT NULL,
                    PRIMARY KEY(entity, row, field, element, stamp)) WITHOUT ROWID;
                CREATE TABLE set_removed(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, field INTEGER NOT NULL, element NOT NULL, stamp BLOB NOT NULL,
                    PRIMARY KEY(entity, row, field, element, stamp)) WITHOUT ROWID;
                CREATE TABLE log_entries(
                    entity INTEGER NOT NULL, row BLOB NOT NULL, field INTEGER NOT NULL, stamp BLOB NOT NULL,
                    idx INTEGER NOT NULL, entry NOT NULL,
                    PRIMARY KEY(entity, row, field, stamp, idx)) WITHOUT ROWID;
                """)
        }
        // The log keeps no batch of an origin at or below its floor: compaction dropped
        // them, or the replica was installed from a snapshot that never held them. The
        // origin's head (seq, hash) stays in `origins`, so the chain continues above it.
        migrator.registerMigration("v2-log-floor") { db in
            try db.execute(sql: """
                CREATE TABLE log_floor(
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY(site, epoch)) WITHOUT ROWID;
                """)
        }
        // Compaction's memory (docs/replication.md, "Compaction"): what each member last
        // acknowledged holding and when we learned it; the pending metadata-collection
        // point (horizon H_k, join J_k and, per origin, the hybrid time of the batch at
        // H_k); and per origin the time through which metadata was already collected.
        migrator.registerMigration("v3-compaction") { db in
            try db.execute(sql: """
                CREATE TABLE member_acknowledgements(
                    site INTEGER PRIMARY KEY NOT NULL, vector BLOB NOT NULL, learned_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE collection_point(
                    id INTEGER PRIMARY KEY CHECK (id = 1), horizon BLOB NOT NULL, join_vector BLOB NOT NULL,
                    times BLOB NOT NULL, recorded_at INTEGER NOT NULL);
                CREATE TABLE collected_through(
                    site INTEGER NOT NULL, epoch INTEGER NOT NULL, time INTEGER NOT NULL,
                    PRIMARY KEY(site, epoch)) WITHOUT ROWID;
                """)
        }
        // Per entity, how many batches have touched it: a reader caches a view by the
        // counts of the entities it reads (`ReplicaStore.readState`), so a ticket written
        // does not recompute the roster. Bookkeeping of this file only: not in snapshots
        // or digests; a rebuilt file counts afresh (and is served by a fresh process).
        migrator.registerMigration("v4-entity-changes") { db in
            try db.execute(sql: """
                CREATE TABLE entity_changes(entity INTEGER PRIMARY KEY NOT NULL, batches INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// Runs the unapplied migrations. A file migrated by a newer MeshDesk is refused with
    /// a typed error: GRDB would stop the process on it, and an operator who rolled back
    /// a binary needs to read why, not a crash.
    static func migrate(_ writer: any DatabaseWriter) throws {
        let migrator = self.migrator
        let known = Set(migrator.migrations)
        let applied = try writer.read { db in
            try migrator.appliedIdentifiers(db)
        }
        if let unknown = applied.subtracting(known).sorted().first {
            throw StorageError.database("the replica was written by a newer MeshDesk (migration \(unknown)); "
                                        + "run that version or newer")
        }
        try migrator.migrate(writer)
    }
}
