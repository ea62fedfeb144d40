import GRDB
import Logging
import Replica
import ReplicaSync
import Security
import Storage
import Sync

/// One campus: a real identity, a real in-memory SQLite replica and a real SyncCore.
/// The database queue outlives crashes (it stands for the disk); the store (with its
/// in-memory out-of-order buffer) and the sync core do not.
final class SimulatedNode {
    let index: Int
    let identity: SigningIdentity
    let clock: SimulatedClock
    var disk: DatabaseQueue
    var store: ReplicaStore?
    var core: SyncCore?
    /// Increments on every boot: timers of an earlier boot are stale.
    var boot = 0
    /// This boot's monotonic clock origin: `Instant` = true time + offset.
    var monotonicOffset: UInt64 = 0
    var snapshot: DatabaseQueue?
    /// `--self-test`: how many corruptions the broken merge has injected on this node.
    var corruptions = 0
    var appliedAtBoot = 0

    var isUp: Bool { core != nil }
    var site: SiteID { identity.site }

    init(index: Int, identity: SigningIdentity, clock: SimulatedClock) throws {
        self.index = index
        self.identity = identity
        self.clock = clock
        self.disk = try DatabaseQueue()
    }

    func instant(_ time: SimulatedTime) -> Instant { Instant(millis: time.millis + monotonicOffset) }

    /// The vector on disk, readable while the node is down (a peer's copy counts as held).
    func diskVector() throws -> VersionVector {
        try disk.read { db in
            guard try db.tableExists("origins") else { return VersionVector() }
            var entries: [Origin: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT site, epoch, seq FROM origins WHERE seq > 0") {
                let site = SiteID(rawValue: UInt64(bitPattern: row["site"] as Int64))
                entries[Origin(site: site, epoch: Epoch(row["epoch"] as Int64))] = UInt64(row["seq"] as Int64)
            }
            return VersionVector(entries)
        }
    }

    static let logger = Logger(label: "meshdesk-sim", factory: { _ in SwiftLogNoOpLogHandler() })
}
