import Foundation
import Logging
import Replica
import Security
import Storage

/// Backup, restore and the epoch rule they share (docs/operations.md, runbook).
public enum NodeRecovery {
    /// The file in a node's data directory holding the cluster's backup public key.
    public static let backupPublicKeyFile = "backup.pub"

    /// The epoch a restored or rebuilt node writes under: past its current one and past
    /// the wall-clock second. The restored file only knows the epoch of the backup; the
    /// node may have started later epochs since (an earlier restore, a rebuild) that
    /// peers hold. Seconds since 1970 grow across those events, so no epoch is reused
    /// without asking anyone (UInt32 seconds last until 2106).
    public static func freshEpoch(after current: Epoch, nowMillis: UInt64) -> Epoch {
        max(current + 1, Epoch(clamping: nowMillis / 1000))
    }

    public struct BackupReport: Codable, Sendable {
        public let output: String
        public let manifest: BackupManifest
        public let seconds: Double
    }

    /// An online backup of the node at `directory` while it serves: a consistent copy
    /// through SQLite's backup API into the data directory (already private), encrypted
    /// to `output`, the copy removed.
    public static func backup(directory: DataDirectory, identity: SigningIdentity, backupKey: BackupPublicKey, output: String,
                              clock: any PhysicalClock, logger: Logger) throws -> BackupReport {
        let started = Date()
        let copy = directory.url.appendingPathComponent("backup-\(getpid()).sqlite.tmp").path
        try? FileManager.default.removeItem(atPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: clock, logger: logger)
        let info = try store.copyConsistently(to: copy)
        guard info.site == identity.site else {
            throw BackupError.replicaMismatch("replica of \(info.site), identity \(identity.site)")
        }
        let manifest = try BackupArchive.write(replicaPath: copy, info: info, identity: identity, backupKey: backupKey,
                                               output: output, createdAt: Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000))
        logger.notice("backup written", metadata: ["output": "\(output)", "site": "\(manifest.site)", "epoch": "\(manifest.epoch)",
                                                   "batches": "\(info.vector.batchCount)", "bytes": "\(manifest.payloadBytes)"])
        return BackupReport(output: output, manifest: manifest, seconds: Date().timeIntervalSince(started))
    }

    public struct RestoreReport: Codable, Sendable {
        public let manifest: BackupManifest
        public let site: String
        public let epoch: UInt32
        public let batches: UInt64
    }

    /// Verifies the whole backup BEFORE touching `directory`, then decrypts into a
    /// temporary file there, checks it (integrity, site), moves it into place and starts
    /// a new epoch. Refuses when the directory already holds a replica.
    public static func restore(input: String, directory: DataDirectory, identity: SigningIdentity, backupKey: BackupSecretKey,
                               clock: any PhysicalClock, logger: Logger) throws -> RestoreReport {
        let replica = directory.replicaURL.path
        do {
            guard !FileManager.default.fileExists(atPath: replica) else { throw BackupError.replicaExists(replica) }
            let manifest = try BackupArchive.verify(input: input, identity: identity, backupKey: backupKey)
            let (_, range) = try BackupArchive.readManifest(input: input, identity: identity)
            let temporary = directory.url.appendingPathComponent("restore-\(getpid()).sqlite.tmp").path
            try removeIfPresent(temporary)
            guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw BackupError.io("cannot create \(temporary)")
            }
            do {
                let out = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
                try BackupArchive.decrypt(input: input, range: range, manifest: manifest, backupKey: backupKey, into: out)
                try out.synchronize()
                try out.close()
                let info = try ReplicaFileInfo.inspect(path: temporary)
                // Opening the temporary file to inspect it left its own -wal/-shm beside it.
                try removeCompanions(of: temporary)
                guard info.site == identity.site else { throw BackupError.replicaMismatch("replica of \(info.site)") }
                // A wiped directory may still hold the old WAL: SQLite would replay it into the restored file.
                try removeCompanions(of: replica)
                guard rename(temporary, replica) == 0 else { throw BackupError.io("rename into \(replica): errno \(errno)") }
            } catch {
                do {
                    try removeIfPresent(temporary)
                    try removeCompanions(of: temporary)
                } catch let cleanup {
                    logger.error("restore could not remove its temporary file", metadata: ["path": "\(temporary)", "reason": "\(cleanup)"])
                }
                throw error
            }
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: clock, logger: logger)
            let current = try store.currentOrigin()
            let origin = try store.beginNewEpoch(atLeast: freshEpoch(after: current.epoch, nowMillis: clock.nowMillis()))
            let batches = try store.versionVector().batchCount
            logger.notice("restored from backup", metadata: ["input": "\(input)", "created_at": "\(manifest.createdAt)",
                                                             "origin": "\(origin)", "batches": "\(batches)"])
            return RestoreReport(manifest: manifest, site: identity.site.description, epoch: origin.epoch, batches: batches)
        } catch {
            logger.error("restore refused", metadata: ["input": "\(input)", "reason": "\(error)"])
            throw error
        }
    }

    /// Removes the `-wal` and `-shm` files SQLite keeps beside `path`, when present.
    static func removeCompanions(of path: String) throws {
        for suffix in ["-wal", "-shm"] { try removeIfPresent(path + suffix) }
    }

    /// Removes `path`; a file that is not there is not an error, any other failure is.
    static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw BackupError.io("cannot remove \(path): errno \(errno)") }
    }

    /// The cluster's backup public key as installed in a data directory.
    public static func loadBackupPublicKey(_ path: String) throws -> BackupPublicKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ClusterFiles.Failure.missing(path) }
        guard let bytes = hexBytes(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == BackupPublicKey.byteCount else {
            throw ClusterFiles.Failure.invalid(path: path, reason: "not 64 hex digits")
        }
        return try BackupPublicKey(bytes: bytes)
    }

    public static func writeBackupPublicKey(_ key: BackupPublicKey, to path: String) throws {
        try Data((key.description + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
