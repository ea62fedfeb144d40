import Foundation
import GRDB
import Replica

/// What a replica file says about itself: whose it is and what it holds.
public struct ReplicaFileInfo: Hashable, Sendable {
    public let site: SiteID
    public let epoch: Epoch
    public let vector: VersionVector
    public let bytes: UInt64
}

public enum ReplicaFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAReplica(String)
    case integrity(String)

    public var description: String {
        switch self {
        case let .notAReplica(reason): "not a MeshDesk replica: \(reason)"
        case let .integrity(report): "replica file fails PRAGMA integrity_check: \(report)"
        }
    }
}

extension ReplicaStore {
    /// A consistent copy of the whole replica file (batch log included) at `path`, taken
    /// with SQLite's online backup API inside one read transaction: the node keeps
    /// serving and writing meanwhile, and the copy is exactly one committed state.
    @discardableResult
    public func copyConsistently(to path: String) throws -> ReplicaFileInfo {
        precondition(!FileManager.default.fileExists(atPath: path), "copy target \(path) exists")
        let target = try DatabaseQueue(path: path)
        try writer.backup(to: target)
        try target.close()
        return try ReplicaFileInfo.inspect(path: path)
    }
}

extension ReplicaFileInfo {
    /// Opens `path` read-only, checks its integrity and reads site, epoch and vector.
    public static func inspect(path: String) throws -> ReplicaFileInfo {
        var config = Configuration()
        config.readonly = true
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch { throw ReplicaFileError.notAReplica("\(error)") }
        defer { try? queue.close() }
        return try queue.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else { throw ReplicaFileError.integrity(check.prefix(5).joined(separator: "; ")) }
            guard try db.tableExists("meta"), try db.tableExists("origins") else { throw ReplicaFileError.notAReplica("no meta/origins tables") }
            guard let site = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'site'") else {
                throw ReplicaFileError.notAReplica("no site in meta")
            }
            let epoch = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") ?? 1
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
            return ReplicaFileInfo(site: SiteID(database: site), epoch: Epoch(epoch), vector: try ReplicaStore.versionVector(db: db),
                                   bytes: size)
        }
    }
}
