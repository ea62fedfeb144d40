import Foundation
import Replica
import Storage

/// What `meshdesk status` and `serve` report about a node's replica.
public struct NodeStatus: Codable, Sendable {
    public struct OriginEntry: Codable, Sendable {
        public let site: String
        public let epoch: UInt32
        public let seq: UInt64
    }

    public let dataDirectory: String
    public let site: String
    public let epoch: UInt32
    public let schemaVersion: UInt16
    public let versionVector: [OriginEntry]
    public let batches: UInt64
    public let materialisedRows: Int
    public let stateDigest: String
    public let conflicts: Int
    public let quarantinedOrigins: [String]

    public init(store: ReplicaStore, directory: DataDirectory) throws {
        let origin = try store.currentOrigin()
        let vector = try store.versionVector()
        let digest = try store.stateDigest()
        dataDirectory = directory.url.path
        site = origin.site.description
        epoch = origin.epoch
        schemaVersion = store.schema.version
        versionVector = vector.origins.map { OriginEntry(site: $0.site.description, epoch: $0.epoch, seq: vector[$0]) }
        batches = vector.batchCount
        materialisedRows = digest.rowCount
        stateDigest = digest.total.description
        conflicts = try store.conflicts().count
        quarantinedOrigins = try store.quarantinedOrigins().map(\.description)
    }

    public var text: String {
        var lines = [
            "data directory   \(dataDirectory)",
            "site             \(site) (epoch \(epoch))",
            "schema version   \(schemaVersion)",
            "batches held     \(batches)",
            "rows             \(materialisedRows)",
            "state digest     \(stateDigest)",
            "conflicts        \(conflicts)",
            "quarantined      \(quarantinedOrigins.isEmpty ? "none" : quarantinedOrigins.joined(separator: ", "))",
            "version vector",
        ]
        lines += versionVector.isEmpty ? ["  (empty)"] : versionVector.map { "  \($0.site)/\($0.epoch)  #\($0.seq)" }
        return lines.joined(separator: "\n")
    }
}
