/// Storage — the replica on SQLite through GRDB.
///
/// One `ReplicaStore` owns the database: the batch log, the version vector, the
/// materialised entity tables with their stamps stored beside the values, tombstones,
/// fork evidence, and the state digest. Local writes and remote batches go through the
/// same apply, in one SQLite transaction each. See docs/replication.md.
import Replica
