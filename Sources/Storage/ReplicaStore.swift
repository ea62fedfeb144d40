import Foundation
import GRDB
import Logging
import Replica
import Synchronization

/// The replica of one node on SQLite. Owns the database writer and the migrator; each
/// public method is one invariant-preserving transaction.
///
/// Invariants it keeps, checked where they must hold:
/// - per origin, the batch log holds exactly the gap-free prefix `1…vector[origin]`;
/// - a batch's changes are materialised in the same transaction that logs it, so
///   the tables are always the merge of exactly the logged batches;
/// - a sequence number is allocated inside the write transaction, so no crash and no
///   second process can reuse one;
/// - two different batches under one `(origin, seq)` are never merged: the origin is
///   quarantined and both are kept as evidence.
public final class ReplicaStore: Sendable {
    public struct Configuration: Sendable {
        public var futureDriftMillis: UInt64 = HybridLogicalClock.futureDriftMillisMax
        /// Largest number of out-of-order batches held in memory, all origins together.
        public var pendingBatchesMax = 4_096
        /// Furthest ahead of its origin's contiguous point a batch may be buffered.
        public var pendingSeqWindowMax: UInt64 = 4_096
        /// Largest number of batches kept while waiting for a schema upgrade.
        public var deferredBatchesMax = 10_000
        public var faultInjection: (@Sendable (FaultPoint) throws -> Void)?

        public init() {}
    }

    public let schema: Schema
    public let site: SiteID
    let writer: any DatabaseWriter
    let signer: any BatchSigner
    let verifier: any BatchVerifier
    let hasher: any ContentHasher
    let clock: any PhysicalClock
    let logger: Logger
    let configuration: Configuration
    let materializer: Materializer
    let validation: ChangeValidation
    let pending: Mutex<PendingBuffer>
    private let commitCounter = Atomic<UInt64>(0)

    /// Write transactions this process committed to the replica (local writes, batches
    /// taken in, snapshots installed), counted after each commit. A reader that reads this
    /// count before a state knows the state is no older than that count: readers that
    /// share a state between requests (the web's read path) re-read when it moved.
    /// Other processes' writes (a CLI on the same file) are not counted.
    public var commitsInProcess: UInt64 { commitCounter.load(ordering: .acquiring) }

    func noteCommitted() { commitCounter.add(1, ordering: .releasing) }

    /// Opens (creating if needed) the replica in a SQLite file: WAL, `synchronous=FULL`,
    /// a busy timeout so a CLI and the node can write the same file.
    public static func open(path: String, schema: Schema, signer: any BatchSigner, verifier: any BatchVerifier,
                            hasher: any ContentHasher, clock: any PhysicalClock, logger: Logger,
                            configuration: Configuration = Configuration()) throws -> ReplicaStore {
        try MigrationLock.holding(databasePath: path) {
            let pool = try DatabasePool(path: path, configuration: databaseConfiguration())
            return try ReplicaStore(writer: pool, schema: schema, signer: signer, verifier: verifier, hasher: hasher,
                                    clock: clock, logger: logger, configuration: configuration)
        }
    }

    /// An in-memory replica (tests, the simulator).
    public static func inMemory(schema: Schema, signer: any BatchSigner, verifier: any BatchVerifier,
                                hasher: any ContentHasher, clock: any PhysicalClock, logger: Logger,
                                configuration: Configuration = Configuration()) throws -> ReplicaStore {
        let queue = try DatabaseQueue(configuration: databaseConfiguration())
        return try ReplicaStore(writer: queue, schema: schema, signer: signer, verifier: verifier, hasher: hasher,
                                clock: clock, logger: logger, configuration: configuration)
    }

    static func databaseConfiguration() -> GRDB.Configuration {
        var config = GRDB.Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON")
        }
        return config
    }

    public init(writer: any DatabaseWriter, schema: Schema, signer: any BatchSigner, verifier: any BatchVerifier,
                hasher: any ContentHasher, clock: any PhysicalClock, logger: Logger,
                configuration: Configuration = Configuration()) throws {
        self.writer = writer
        self.schema = schema
        self.site = signer.site
        self.signer = signer
        self.verifier = verifier
        self.hasher = hasher
        self.clock = clock
        self.logger = logger
        self.configuration = configuration
        let tables = Dictionary(uniqueKeysWithValues: schema.entities.map { ($0.id, EntityTable(schema: $0)) })
        self.materializer = Materializer(schema: schema, tables: tables)
        self.validation = ChangeValidation(schema: schema)
        self.pending = Mutex(PendingBuffer(batchesMax: configuration.pendingBatchesMax,
                                           seqWindowMax: configuration.pendingSeqWindowMax))
        try Migrations.migrate(writer)
        let site = signer.site
        try writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try Self.claimSite(site, db: db)
                try SchemaDeclaration.declare(schema, tables: tables, db: db)
                return .commit
            }
        }
        try retryDeferred()
    }

    private static func claimSite(_ site: SiteID, db: Database) throws {
        if let stored = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'site'") {
            let storedSite = SiteID(database: stored)
            if storedSite != site { throw StorageError.siteMismatch(stored: storedSite, signer: site) }
        } else {
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('site', ?), ('epoch', 1), ('clock', 0)",
                           arguments: [site.databaseValue])
        }
    }

    // MARK: - Meta

    /// The epoch this node currently writes under.
    public func currentOrigin() throws -> Origin {
        try writer.read { db in try Self.localOrigin(site: site, db: db) }
    }

    static func localOrigin(site: SiteID, db: Database) throws -> Origin {
        let epoch = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'epoch'")) ?? 1
        return Origin(site: site, epoch: Epoch(epoch))
    }

    /// Starts a new epoch (after a restore or a rebuild): later local batches can never
    /// collide with sequence numbers the old epoch may already have issued elsewhere.
    @discardableResult
    public func beginNewEpoch(atLeast minimum: Epoch = 0) throws -> Origin {
        try writer.writeWithoutTransaction { db in
            var origin = Origin(site: site, epoch: 0)
            try db.inTransaction(.immediate) {
                let current = try Self.localOrigin(site: site, db: db)
                origin = Origin(site: site, epoch: max(current.epoch + 1, minimum))
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'epoch'", arguments: [Int64(origin.epoch)])
                return .commit
            }
            logger.notice("new epoch", metadata: ["origin": "\(origin)"])
            return origin
        }
    }

    static func storedClock(db: Database) throws -> Timestamp {
        Timestamp(rawValue: UInt64(bitPattern: try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'clock'")) ?? 0))
    }

    static func raiseClock(to time: Timestamp, db: Database) throws {
        let statement = try db.cachedStatement(sql: "UPDATE meta SET value = max(value, ?) WHERE key = 'clock'")
        try statement.execute(arguments: [Int64(bitPattern: time.rawValue)])
    }
}
