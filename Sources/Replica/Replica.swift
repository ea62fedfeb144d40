/// Replica — the pure CRDT core of MeshDesk.
///
/// Sites, epochs and origins; the hybrid logical clock; changes, batches and their
/// canonical encoding; version vectors; the schema of replicated entities and the
/// field kinds that decide how concurrent writes merge. No I/O, no SQLite, no wall
/// clock, no global randomness: time and cryptography come in through the seams in
/// `Seams/`, so the simulator can replay any run. See docs/replication.md.
public enum ReplicaModule {
    /// Version of the canonical batch encoding; the first byte of every encoded header.
    public static let encodingVersion: UInt8 = 1
}
