import Foundation
import GRDB
import Logging
import Replica
import Security
import Storage

/// `meshdesk verify`: checks a replica for what a crash, a torn disk or a bad restore
/// could leave behind, without changing it.
///
/// 1. SQLite's own `PRAGMA integrity_check` (a read-only connection of its own);
/// 2. per origin, the batch log is the gap-free prefix `1…vector[origin]`, each header's
///    `prevHash` is the hash of the batch before it, each stored hash is the hash of its
///    batch, and the origin's recorded head hash is the last batch's (no sequence number
///    reused, no batch torn);
/// 3. the materialised state equals a replay of the log: every logged batch is received by
///    a fresh in-memory replica, origin by origin in sequence order, and the two state
///    digests must be equal (no batch half-applied, none applied without its log entry).
///
/// A replica whose log starts above a floor (installed from a snapshot, or compacted)
/// is checked from the floor up: the first batch above it cannot be chained to one the
/// log no longer holds, and there is no whole log to replay, so check 3 is reported as
/// not applicable rather than passed.
///
/// Run it on a stopped node or one nobody writes to: the three reads are not one snapshot.
public struct ReplicaAudit: Codable, Sendable {
    public struct OriginChain: Codable, Sendable {
        public let origin: String
        /// The version vector's entry: the end of the contiguous prefix.
        public let seq: UInt64
        /// Batches of this origin in the log.
        public let logged: UInt64
        public let problem: String?
    }

    public var integrity: [String]
    public var origins: [OriginChain]
    public var storedDigest: String
    public var replayedDigest: String
    public var storedRows: Int
    public var replayedRows: Int
    public var replayedBatches: UInt64
    /// False when some origin's log starts above a floor: no replay was compared.
    public var replayChecked: Bool
    public var problems: [String]
    public var ok: Bool { problems.isEmpty }

    /// Lines of `integrity_check` kept in the report (SQLite stops at 100 by default).
    public static let integrityLinesMax = 100
    /// Batches read from the log per step of the chain check and the replay.
    static let chunkBatchesMax = ReplicaStore.intakeChunkBatchesMax

    /// Audits the replica at `path`, opened as `store`. `verifier` must know every origin's
    /// key (the roster's key ring): the replay verifies signatures like any intake.
    public static func run(path: String, store: ReplicaStore, verifier: any BatchVerifier, logger: Logger) throws -> ReplicaAudit {
        var problems: [String] = []
        let file = try readOnly(path: path)
        let integrity = try integrityCheck(file)
        if integrity != ["ok"] { problems.append("integrity_check: " + integrity.prefix(5).joined(separator: "; ")) }

        let hasher = Blake2b()
        let vector = try store.versionVector()
        let floor = try store.logFloor()
        let replayChecked = floor.origins.isEmpty
        let logged = try loggedCounts(file)
        let heads = try headHashes(file)
        let replay = try ReplicaStore.inMemory(schema: store.schema, signer: SigningIdentity(), verifier: verifier,
                                               hasher: hasher, clock: SystemClock(), logger: logger)
        var chains: [OriginChain] = []
        var replayed: UInt64 = 0
        for origin in vector.origins.sorted() {
            let seq = vector[origin]
            var problem: String?
            var expected: UInt64 = floor[origin] + 1
            // Below a floor the hash the first batch chains to is gone with its batch.
            var previous: BatchHash? = floor[origin] == 0 ? BatchHash.zero : nil
            while expected <= seq, problem == nil {
                let chunk = try store.batches(of: origin, from: expected,
                                              limit: ChunkLimit(batchesMax: chunkBatchesMax, bytesMax: 64 << 20))
                if chunk.isEmpty { problem = "log ends at #\(expected - 1), vector says #\(seq)"; break }
                var toReplay: [SealedBatch] = []
                for batch in chunk where batch.header.seq <= seq {
                    if batch.header.seq != expected { problem = "gap: #\(expected) missing, next is #\(batch.header.seq)"; break }
                    if let previous, batch.header.prevHash != previous { problem = "#\(expected) does not chain to #\(expected - 1)"; break }
                    previous = hasher.hash(batch.signedMessage)
                    toReplay.append(batch)
                    expected += 1
                }
                if !replayChecked { continue }
                for (index, result) in replay.receive(toReplay).enumerated() {
                    switch result {
                    case .success(.applied): replayed += 1
                    case let .success(other):
                        problem = problem ?? "replay of #\(toReplay[index].header.seq): \(other)"
                    case let .failure(error):
                        problem = problem ?? "replay of #\(toReplay[index].header.seq) refused: \(error)"
                    }
                }
            }
            if problem == nil, let head = heads[origin], let previous, head != previous { problem = "head hash is not the hash of #\(seq)" }
            let count = logged[origin] ?? 0
            if problem == nil, count != seq - min(floor[origin], seq) {
                problem = "\(count) batches logged, vector says #\(seq) above floor #\(floor[origin])"
            }
            if let problem { problems.append("\(origin): \(problem)") }
            chains.append(OriginChain(origin: origin.description, seq: seq, logged: count, problem: problem))
        }
        for (origin, count) in logged where vector[origin] == 0 && count > 0 {
            problems.append("\(origin): \(count) batches logged but absent from the version vector")
        }

        let stored = try store.stateDigest()
        let fresh = try replay.stateDigest()
        if replayChecked, stored.total != fresh.total {
            let differing = Set(stored.sections.keys).union(fresh.sections.keys).filter { stored.sections[$0] != fresh.sections[$0] }
            problems.append("materialised state differs from a replay of the log (sections: \(differing.sorted().joined(separator: ", ")))")
        }
        return ReplicaAudit(integrity: integrity, origins: chains, storedDigest: stored.total.description,
                            replayedDigest: fresh.total.description, storedRows: stored.rowCount, replayedRows: fresh.rowCount,
                            replayedBatches: replayed, replayChecked: replayChecked, problems: problems)
    }

    static func readOnly(path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        return try DatabaseQueue(path: path, configuration: config)
    }

    static func integrityCheck(_ file: DatabaseQueue) throws -> [String] {
        try file.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check(\(integrityLinesMax))")
        }
    }

    static func loggedCounts(_ file: DatabaseQueue) throws -> [Origin: UInt64] {
        try file.read { db in
            var out: [Origin: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT site, epoch, COUNT(*) AS n FROM batches GROUP BY site, epoch") {
                out[origin(row)] = UInt64(row["n"] as Int64)
            }
            return out
        }
    }

    static func headHashes(_ file: DatabaseQueue) throws -> [Origin: BatchHash] {
        try file.read { db in
            var out: [Origin: BatchHash] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT site, epoch, hash FROM origins WHERE seq > 0") {
                out[origin(row)] = BatchHash(bytes: Array(row["hash"] as Data))
            }
            return out
        }
    }

    static func origin(_ row: Row) -> Origin {
        Origin(site: SiteID(rawValue: UInt64(bitPattern: row["site"] as Int64)), epoch: Epoch(row["epoch"] as Int64))
    }

    public var text: String {
        var lines = ["integrity_check  \(integrity.joined(separator: "; "))"]
        for chain in origins {
            lines.append("  \(chain.origin)  #\(chain.seq)  logged \(chain.logged)  \(chain.problem ?? "gap-free, chained")")
        }
        lines.append("state digest     \(storedDigest) (\(storedRows) rows)")
        lines.append(replayChecked ? "replayed digest  \(replayedDigest) (\(replayedRows) rows from \(replayedBatches) batches)"
                                   : "replay           not applicable: the log starts above a floor (snapshot install or compaction)")
        lines.append(ok ? "verify: ok" : "verify: FAILED\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
