import ArgumentParser
import Foundation
import Logging
import Node
import Security

/// `meshdesk backup`: an online, consistent, encrypted and signed copy of the replica.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up this node's replica while it serves: encrypted to the cluster's backup key, manifest signed by the node."
    )

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "The backup file to write.") var output: String
    @Option(help: "The cluster's backup public key (default: <data-dir>/backup.pub, from `meshdesk cluster add`).")
    var backupPublicKey: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let logger = makeLogger("meshdesk.backup")
        let directory = data.directory
        let identity = try directory.loadIdentity()
        let key = try NodeRecovery.loadBackupPublicKey(
            backupPublicKey ?? directory.url.appendingPathComponent(NodeRecovery.backupPublicKeyFile).path)
        guard !FileManager.default.fileExists(atPath: output) else { throw ValidationError("\(output) exists; not overwriting it") }
        let report = try NodeRecovery.backup(directory: directory, identity: identity, backupKey: key, output: output,
                                             clock: SystemClock(), logger: logger)
        if json { print(try jsonString(report)) } else {
            let m = report.manifest
            print("backup \(report.output): site \(m.site) epoch \(m.epoch), \(m.versionVector.values.reduce(0, +)) batches, "
                  + "\(m.payloadBytes) bytes, \(fmt(report.seconds, 2)) s")
        }
    }
}

/// `meshdesk restore`: verify everything, then install the backup and start a new epoch.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a node's replica from a backup (node stopped, no replica in the data directory); starts a new epoch."
    )

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "The backup file.") var input: String
    @Option(help: "The cluster's backup secret key (the admin's offline backup.key).") var backupKey: String
    @Flag(help: "Only verify the backup (signature, hashes, key, final tag); change nothing.") var verifyOnly = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let logger = makeLogger("meshdesk.restore")
        let directory = data.directory
        let identity = try directory.loadIdentity()
        let key = try BackupSecretKey.load(from: backupKey)
        if verifyOnly {
            let manifest = try BackupArchive.verify(input: input, identity: identity, backupKey: key)
            if json { print(try jsonString(manifest)) } else { print("backup \(input) verifies: site \(manifest.site), created \(manifest.createdAt)") }
            return
        }
        let report = try NodeRecovery.restore(input: input, directory: directory, identity: identity, backupKey: key,
                                              clock: SystemClock(), logger: logger)
        if json { print(try jsonString(report)) } else {
            print("restored \(report.batches) batches of backup \(report.manifest.createdAt); now writing under epoch \(report.epoch). "
                  + "Start `meshdesk serve`: what changed since the backup comes from peers.")
        }
    }
}
