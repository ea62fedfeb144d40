import ArgumentParser
import Foundation
import Node
import Security

/// `meshdesk cluster …`: the admin's side. The cluster directory holds the admin key;
/// it belongs on the admin's machine, not on a campus node.
///
///     <cluster>/admin.key      the admin's Ed25519 seed (0600): signs rosters
///     <cluster>/admin.pub      its public key: pinned by every node
///     <cluster>/network.key    the cluster network key (0600)
///     <cluster>/roster.signed  the latest signed roster
///     <cluster>/backup.key     the backup key's secret half (0600): opens backups; keep offline
///     <cluster>/backup.pub     its public half: nodes seal backups to it
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Create a cluster, add and revoke nodes (each change is a new signed roster epoch).",
        subcommands: [Create.self, Add.self, Revoke.self, Show.self]
    )

    struct ClusterDirectoryOption: ParsableArguments {
        @Option(name: .customLong("cluster-dir"), help: "The admin's cluster directory.") var path = "./cluster"
        var url: URL { URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL }
        func file(_ name: String) -> String { url.appendingPathComponent(name).path }

        func load() throws -> (admin: SigningIdentity, roster: MembershipRoster) {
            let admin = try SigningIdentity.load(from: file("admin.key"), kind: .adminIdentity)
            let roster = try ClusterFiles.loadRoster(file("roster.signed")).verify(adminKey: admin.publicKey)
            return (admin, roster)
        }

        func publish(_ roster: MembershipRoster, admin: SigningIdentity) throws -> SignedRoster {
            let signed = SignedRoster(signing: roster, admin: admin)
            try ClusterFiles.write(signed.encoded(), to: file("roster.signed"))
            return signed
        }

        /// Copies the files a node needs into its data directory. The roster spreads by
        /// itself once one node holds it; the network key and admin key do not.
        func install(into dataDir: String, signed: SignedRoster, withKeys: Bool) throws {
            let dir = DataDirectory(path: dataDir).url
            if withKeys {
                let networkTarget = dir.appendingPathComponent("network.key").path
                if !FileManager.default.fileExists(atPath: networkTarget) {
                    try NetworkKey.load(from: file("network.key")).save(to: networkTarget)
                }
                try ClusterFiles.writePublicKey(try ClusterFiles.loadPublicKey(file("admin.pub")),
                                                to: dir.appendingPathComponent("admin.pub").path)
                if FileManager.default.fileExists(atPath: file(NodeRecovery.backupPublicKeyFile)) {
                    try NodeRecovery.writeBackupPublicKey(try NodeRecovery.loadBackupPublicKey(file(NodeRecovery.backupPublicKeyFile)),
                                                          to: dir.appendingPathComponent(NodeRecovery.backupPublicKeyFile).path)
                }
            }
            try ClusterFiles.write(signed.encoded(), to: dir.appendingPathComponent("roster.signed").path)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Admin key, network key and the first (empty) signed roster.")
        @OptionGroup var cluster: ClusterDirectoryOption
        @Option(help: "Cluster name.") var name = "meshdesk"
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try FileManager.default.createDirectory(at: cluster.url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard !FileManager.default.fileExists(atPath: cluster.file("admin.key")) else {
                throw ValidationError("\(cluster.url.path) already holds a cluster; not overwriting it")
            }
            let admin = SigningIdentity()
            try admin.save(to: cluster.file("admin.key"), kind: .adminIdentity)
            try ClusterFiles.writePublicKey(admin.publicKey, to: cluster.file("admin.pub"))
            try NetworkKey.generate().save(to: cluster.file("network.key"))
            let backupKey = BackupSecretKey.generate()
            try backupKey.save(to: cluster.file("backup.key"))
            try NodeRecovery.writeBackupPublicKey(backupKey.publicKey, to: cluster.file(NodeRecovery.backupPublicKeyFile))
            let signed = try cluster.publish(MembershipRoster(epoch: 1, clusterName: name, members: []), admin: admin)
            _ = signed
            let report = RosterReport(try cluster.load().roster, dir: cluster.url.path)
            if json { print(try jsonString(report)) } else {
                print("cluster \(name) created in \(cluster.url.path) (roster epoch 1, no members)\nadmin key \(admin.publicKey)")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a node to the roster (new epoch). With --data-dir, reads the node's key and config and installs the cluster files there."
        )
        @OptionGroup var cluster: ClusterDirectoryOption
        @Option(name: .customLong("data-dir"), help: "A local node's data directory (from `meshdesk init`).") var dataDir: String?
        @Option(help: "The node's public key (hex), for a node on another machine.") var publicKey: String?
        @Option(help: "Campus code (default: from the node's config).") var campus: String?
        @Option(help: "Campus name (default: from the node's config).") var name: String?
        @Option(help: "Address peers dial (default: the node's listen address).") var address: String?
        @Option(name: .customLong("install"), help: "Also write the new roster into this node data directory (repeatable).")
        var installInto: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (admin, current) = try cluster.load()
            var config = NodeConfig()
            var key: PublicKey
            if let dataDir {
                let dir = DataDirectory(path: dataDir)
                if FileManager.default.fileExists(atPath: dir.configURL.path) { config = try NodeConfig.load(path: dir.configURL.path) }
                key = try ClusterFiles.loadPublicKey(dir.url.appendingPathComponent("identity.pub").path)
            } else if let publicKey, let bytes = hexBytes(publicKey) {
                key = try PublicKey(bytes: bytes)
            } else {
                throw ValidationError("give --data-dir or --public-key")
            }
            let member = MembershipRoster.Member(campusCode: campus ?? config.campusCode, campusName: name ?? config.campusName,
                                                 publicKey: key, addresses: [address ?? config.listen], validity: .always)
            let others = current.members.filter { $0.publicKey != key }
            let roster = try MembershipRoster(epoch: current.epoch + 1, clusterName: current.clusterName,
                                              members: others + [member], revokedKeys: current.revokedKeys)
            let signed = try cluster.publish(roster, admin: admin)
            if let dataDir { try cluster.install(into: dataDir, signed: signed, withKeys: true) }
            for dir in installInto { try cluster.install(into: dir, signed: signed, withKeys: false) }
            let report = RosterReport(roster, dir: cluster.url.path)
            if json { print(try jsonString(report)) } else {
                print("added \(member.campusCode) \(member.site) at \(member.addresses[0]); roster epoch \(roster.epoch)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a node's key (new epoch). Running nodes that receive the roster close its sessions and refuse its later batches."
        )
        @OptionGroup var cluster: ClusterDirectoryOption
        @Option(help: "The site id to revoke (16 hex digits).") var site: String?
        @Option(help: "Or the public key to revoke (hex).") var publicKey: String?
        @Option(name: .customLong("install"), help: "Also write the new roster into this node data directory (repeatable).")
        var installInto: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (admin, current) = try cluster.load()
            let key: PublicKey
            if let site, let member = current.members.first(where: { $0.site.description == site.lowercased() }) {
                key = member.publicKey
            } else if let publicKey, let bytes = hexBytes(publicKey) {
                key = try PublicKey(bytes: bytes)
            } else {
                throw ValidationError("give --site of a current member, or --public-key")
            }
            let roster = try MembershipRoster(epoch: current.epoch + 1, clusterName: current.clusterName,
                                              members: current.members.filter { $0.publicKey != key },
                                              revokedKeys: current.revokedKeys.filter { $0 != key } + [key])
            let signed = try cluster.publish(roster, admin: admin)
            for dir in installInto { try cluster.install(into: dir, signed: signed, withKeys: false) }
            let report = RosterReport(roster, dir: cluster.url.path)
            if json { print(try jsonString(report)) } else { print("revoked \(key.siteID); roster epoch \(roster.epoch)") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the cluster's current roster.")
        @OptionGroup var cluster: ClusterDirectoryOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let report = RosterReport(try cluster.load().roster, dir: cluster.url.path)
            if json { print(try jsonString(report)) } else {
                print("cluster \(report.cluster) epoch \(report.epoch)")
                for m in report.members { print("  \(m.campus_code)\t\(m.site)\t\(m.addresses.joined(separator: ","))\t\(m.campus_name)") }
                for r in report.revoked_sites { print("  revoked\t\(r)") }
            }
        }
    }
}

struct RosterReport: Codable {
    struct MemberEntry: Codable { let site, campus_code, campus_name, public_key: String; let addresses: [String] }
    let cluster_dir: String
    let cluster: String
    let epoch: UInt64
    let members: [MemberEntry]
    let revoked_sites: [String]

    init(_ roster: MembershipRoster, dir: String) {
        cluster_dir = dir
        cluster = roster.clusterName
        epoch = roster.epoch
        members = roster.members.map {
            MemberEntry(site: $0.site.description, campus_code: $0.campusCode, campus_name: $0.campusName,
                        public_key: $0.publicKey.description, addresses: $0.addresses)
        }
        revoked_sites = roster.revokedKeys.map { $0.siteID.description }
    }
}

func hexBytes(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    for i in stride(from: 0, to: utf8.count, by: 2) {
        guard let byte = UInt8(String(decoding: utf8[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        out.append(byte)
    }
    return out
}
