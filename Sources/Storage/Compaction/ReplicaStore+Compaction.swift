import Foundation
import GRDB
import Replica

/// How far compaction may go. Every bound is named; the defaults suit a hospital's
/// handful of campuses.
public struct CompactionPolicy: Sendable, Equatable {
    /// `horizonMemberSilenceMax`: a member not heard from for longer stops holding the
    /// log horizon back (it resyncs from a snapshot); it still holds metadata back.
    public var memberSilenceMaxMillis: UInt64 = CompactionHorizon.memberSilenceMaxDefaultMillis
    /// Batches kept per origin below its head even when every member holds them: a peer
    /// restored from a slightly old backup, or one just past the silence bound, can
    /// still catch up by deltas instead of a snapshot.
    public var retainedBatchesPerOriginMin: UInt64 = 128
    /// Batches deleted per origin in one round, at most: one round is one transaction,
    /// and the node's sync waits for it.
    public var batchesPerRoundMax: UInt64 = 50_000

    public init() {}
}

/// What one compaction round did (or, dry, would do).
public struct CompactionReport: Sendable, Equatable {
    public enum Collection: Sendable, Equatable {
        /// A point was recorded this round; a later round collects once every member
        /// has acknowledged its join.
        case pointRecorded
        /// The pending point's join is not yet held by every member.
        case waiting(lacking: VersionVector)
        /// The pending point was collected (and, when there was more, a new one recorded).
        case collected(MetadataCollectionCounts, newPointRecorded: Bool)
        /// Nothing new below the collection horizon.
        case nothingToRecord
    }

    public var horizon: CompactionHorizon
    public var dryRun: Bool
    /// Per origin, the floor after the round.
    public var floor: VersionVector
    public var batchesDeleted: Int
    public var bytesDeleted: Int
    public var collection: Collection
}

public struct MetadataCollectionCounts: Sendable, Equatable {
    public var tombstones: Int
    public var overwrittenStamps: Int
    public var removedTags: Int
}

extension ReplicaStore {
    /// One compaction round, in one transaction: delete the log batches at or below
    /// the log horizon (keeping `retainedBatchesPerOriginMin` per origin) and raise the
    /// floor with them; collect the metadata of a pending collection point once every
    /// member holds its join; record the next point. `members` are the other roster
    /// members (revoked keys removed); time is the store's clock.
    public func compact(members: Set<SiteID>, policy: CompactionPolicy = CompactionPolicy(),
                        dryRun: Bool = false) throws -> CompactionReport {
        let others = members.subtracting([site])
        return try writer.writeWithoutTransaction { db in
            var report: CompactionReport?
            try db.inTransaction(.immediate) {
                let now = clock.nowMillis()
                if !dryRun { try MemberAcknowledgementTable.noteMembers(others, nowMillis: now, db: db) }
                let horizon = CompactionHorizon(ownVector: try Self.versionVector(db: db), members: others,
                                                acknowledgements: try MemberAcknowledgementTable.all(db: db),
                                                nowMillis: now, memberSilenceMaxMillis: policy.memberSilenceMaxMillis)
                // Metadata first: the collection point reads batch times from the log.
                let collection = try collectMetadata(horizon: horizon, nowMillis: now, dryRun: dryRun, db: db)
                let (deleted, bytes, floor) = try compactLog(below: horizon.logHorizon, policy: policy, dryRun: dryRun, db: db)
                report = CompactionReport(horizon: horizon, dryRun: dryRun, floor: floor, batchesDeleted: deleted,
                                          bytesDeleted: bytes, collection: collection)
                return dryRun ? .rollback : .commit
            }
            let done = report!
            if !dryRun && (done.batchesDeleted > 0 || done.collection != .nothingToRecord) {
                logger.notice("compacted", metadata: ["batches": "\(done.batchesDeleted)", "bytes": "\(done.bytesDeleted)",
                                                      "collection": "\(done.collection)",
                                                      "silent_members": "\(done.horizon.silentMembers)"])
            }
            return done
        }
    }

    private func compactLog(below horizon: VersionVector, policy: CompactionPolicy, dryRun: Bool,
                            db: Database) throws -> (Int, Int, VersionVector) {
        var deleted = 0
        var bytes = 0
        var floors = try LogFloor.all(db: db)
        let own = try Self.versionVector(db: db)
        for origin in horizon.origins {
            let held = own[origin]
            let keep = held > policy.retainedBatchesPerOriginMin ? held - policy.retainedBatchesPerOriginMin : 0
            let floor = floors[origin]
            let target = min(horizon[origin], keep, floor + policy.batchesPerRoundMax)
            guard target > floor else { continue }
            precondition(target <= held, "compaction never drops a batch beyond what the replica holds")
            let arguments: StatementArguments = [origin.site.databaseValue, Int64(origin.epoch), Int64(floor), Int64(target)]
            let range = "site = ? AND epoch = ? AND seq > ? AND seq <= ?"
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(length(header) + length(body) + length(signature)), 0) AS b
                FROM batches WHERE \(range)
                """, arguments: arguments)!
            deleted += row["n"] as Int
            bytes += row["b"] as Int
            if !dryRun {
                try db.execute(sql: "DELETE FROM batches WHERE \(range)", arguments: arguments)
                try LogFloor.raise(origin, to: target, db: db)
            }
            floors[origin] = target
        }
        return (deleted, bytes, floors)
    }

    private func collectMetadata(horizon: CompactionHorizon, nowMillis: UInt64, dryRun: Bool,
                                 db: Database) throws -> CompactionReport.Collection {
        var counts: MetadataCollectionCounts?
        if let pending = try CollectionPoint.load(db: db) {
            guard horizon.collectionHorizon.covers(pending.join) else {
                var lacking: [Origin: UInt64] = [:]
                for origin in pending.join.origins where horizon.collectionHorizon[origin] < pending.join[origin] {
                    lacking[origin] = pending.join[origin]
                }
                return .waiting(lacking: VersionVector(lacking))
            }
            let done = try MetadataCollection.collect(through: pending.times, dryRun: dryRun, db: db)
            counts = MetadataCollectionCounts(tombstones: done.tombstones, overwrittenStamps: done.overwrittenStamps,
                                              removedTags: done.removedTags)
            if !dryRun {
                for (origin, time) in pending.times { try CollectedThrough.raise(origin, to: time, db: db) }
                try CollectionPoint.clear(db: db)
            }
        }
        let recorded = try recordPoint(horizon: horizon, nowMillis: nowMillis, dryRun: dryRun, db: db)
        if let counts { return .collected(counts, newPointRecorded: recorded) }
        return recorded ? .pointRecorded : .nothingToRecord
    }

    /// Records H_k and J_k when the collection horizon reaches batches not yet collected.
    private func recordPoint(horizon: CompactionHorizon, nowMillis: UInt64, dryRun: Bool, db: Database) throws -> Bool {
        let collected = try CollectedThrough.all(db: db)
        let times = try CollectionPoint.times(of: horizon.collectionHorizon, db: db)
        guard times.contains(where: { origin, time in time > (collected[origin] ?? .zero) }) else { return false }
        if !dryRun {
            try CollectionPoint(horizon: horizon.collectionHorizon, join: horizon.join, times: times,
                                recordedAtMillis: nowMillis).save(db: db)
        }
        return true
    }
}
