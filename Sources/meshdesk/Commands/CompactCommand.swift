import ArgumentParser
import Foundation
import Node
import Replica
import Security
import Storage

/// `meshdesk compact`: one compaction round on a node's replica (docs/replication.md,
/// "Compaction"). Safe while the node runs: the round is one SQLite transaction.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Drop log batches every roster member holds and collect settled tombstones/overwritten stamps/removed tags."
    )

    @Option(help: "Config file (TOML).") var config: String?
    @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
    @Flag(name: .customLong("dry-run"), help: "Report what a round would do; change nothing.") var dryRun = false
    @Flag(help: "Print JSON.") var json = false

    struct Report: Codable {
        let dry_run: Bool
        let log_horizon: [String: UInt64]
        let collection_horizon: [String: UInt64]
        let silent_members: [String]
        let floor: [String: UInt64]
        let batches_deleted: Int
        let bytes_deleted: Int
        let collection: String
    }

    func run() throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let logger = makeLogger("meshdesk.compact", level: .warning)
        let directory = DataDirectory(path: nodeConfig.dataDirectory)
        let keyPath = nodeConfig.path(nodeConfig.identityKey)
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw ValidationError("no node in \(directory.url.path): run `meshdesk init --data-dir \(directory.url.path)` first")
        }
        let identity = try directory.loadIdentity(keyPath: keyPath)
        // Without a readable roster the only member is this node: refuse rather than
        // compact as if no peer needed anything.
        let roster: MembershipRoster
        do { roster = try ClusterFiles.load(nodeConfig).roster } catch {
            throw ValidationError("cannot read the roster (\(error)); compaction needs to know every member")
        }
        let members = Set(roster.members.filter { $0.site != identity.site && !roster.isRevoked($0.publicKey) }.map(\.site))
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let result = try store.compact(members: members, policy: nodeConfig.compactionPolicy, dryRun: dryRun)
        let report = Report(dry_run: dryRun, log_horizon: Self.strings(result.horizon.logHorizon),
                            collection_horizon: Self.strings(result.horizon.collectionHorizon),
                            silent_members: result.horizon.silentMembers.map { "\($0)" }, floor: Self.strings(result.floor),
                            batches_deleted: result.batchesDeleted, bytes_deleted: result.bytesDeleted,
                            collection: Self.describe(result.collection))
        if json { print(try jsonString(report)); return }
        print(dryRun ? "dry run: nothing changed" : "compacted")
        print("members          \(members.count) besides this node; silent past the bound: \(report.silent_members.isEmpty ? "none" : report.silent_members.joined(separator: ", "))")
        print("batches deleted  \(report.batches_deleted) (\(report.bytes_deleted) bytes)")
        print("metadata         \(report.collection)")
        print("log floor")
        for (origin, seq) in report.floor.sorted(by: { $0.key < $1.key }) { print("  \(origin)\t#\(seq)") }
    }

    static func strings(_ vector: VersionVector) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: vector.origins.map { ("\($0)", vector[$0]) })
    }

    static func describe(_ collection: CompactionReport.Collection) -> String {
        switch collection {
        case .pointRecorded: "collection point recorded; collected once every member holds its join"
        case let .waiting(lacking): "waiting for every member to hold \(lacking)"
        case let .collected(counts, recorded):
            "collected \(counts.tombstones) tombstones, \(counts.overwrittenStamps) overwritten stamps, \(counts.removedTags) removed tags"
                + (recorded ? "; next point recorded" : "")
        case .nothingToRecord: "nothing new to collect"
        }
    }
}
