import Foundation
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Node

/// Backup and restore: a restore verifies everything before it writes, refuses each kind
/// of bad input with a typed error, and starts a new epoch.
@Suite struct BackupRestoreTests {
    static let logger = Logger(label: "backup-test")
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("backup-test-\(UUID())")
    let backupKey = BackupSecretKey.generate()

    /// A node directory with an identity and a replica of `notes` notes.
    func node(_ name: String, notes: Int) throws -> (DataDirectory, SigningIdentity) {
        let directory = DataDirectory(path: root.appendingPathComponent(name).path)
        let identity = try directory.prepareIdentity(logger: Self.logger)
        if notes > 0 {
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: SystemClock(), logger: Self.logger)
            _ = try DutyLogLoad.write(into: store, campus: "MAIN", count: notes, text: { "note \($0)" })
        }
        return (directory, identity)
    }

    /// The same identity in a new, empty directory (the node's disk replaced).
    func emptyDirectory(for identity: SigningIdentity, _ name: String) throws -> DataDirectory {
        let directory = DataDirectory(path: root.appendingPathComponent(name).path)
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try identity.save(to: directory.identityURL.path)
        return directory
    }

    func listing(_ directory: DataDirectory) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.url.path) {
            out[name] = FileManager.default.contents(atPath: directory.url.appendingPathComponent(name).path)
        }
        return out
    }

    func takeBackup(_ directory: DataDirectory, _ identity: SigningIdentity, omitFinalFrame: Bool = false) throws -> String {
        let output = root.appendingPathComponent("backup-\(UUID()).mdbk").path
        if omitFinalFrame {
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                                  clock: SystemClock(), logger: Self.logger)
            let copy = root.appendingPathComponent("copy-\(UUID()).sqlite").path
            let info = try store.copyConsistently(to: copy)
            _ = try BackupArchive.write(replicaPath: copy, info: info, identity: identity, backupKey: backupKey.publicKey,
                                        output: output, createdAt: Date(), omitFinalFrame: true)
        } else {
            _ = try NodeRecovery.backup(directory: directory, identity: identity, backupKey: backupKey.publicKey, output: output,
                                        clock: SystemClock(), logger: Self.logger)
        }
        return output
    }

    @Test func aBackupRestoresTheSameStateUnderANewEpoch() throws {
        let (source, identity) = try node("source", notes: 300)
        let backup = try takeBackup(source, identity)
        let target = try emptyDirectory(for: identity, "target")
        let report = try NodeRecovery.restore(input: backup, directory: target, identity: identity, backupKey: backupKey,
                                              clock: SystemClock(), logger: Self.logger)
        let original = try source.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: Self.logger)
        let restored = try target.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: Self.logger)
        #expect(try restored.stateDigest() == original.stateDigest())
        #expect(try restored.versionVector() == original.versionVector())
        #expect(report.epoch > 1)
        #expect(try restored.currentOrigin().epoch == report.epoch)
        // The next write opens a fresh sequence: never a number the old epoch used.
        _ = try DutyLogLoad.write(into: restored, campus: "MAIN", count: 1, text: { "after \($0)" })
        #expect(try restored.versionVector()[Origin(site: identity.site, epoch: report.epoch)] == 1)
    }

    /// A restore leaves only the replica beside the identity: no `restore-….tmp`, no
    /// `-wal`/`-shm` of the temporary file it inspected, and every file 0600.
    @Test func aRestoreLeavesNoTemporariesBehind() throws {
        let (source, identity) = try node("source", notes: 20)
        let backup = try takeBackup(source, identity)
        let target = try emptyDirectory(for: identity, "target")
        _ = try NodeRecovery.restore(input: backup, directory: target, identity: identity, backupKey: backupKey,
                                     clock: SystemClock(), logger: Self.logger)
        let names = try FileManager.default.contentsOfDirectory(atPath: target.url.path).sorted()
        #expect(names.filter { $0.hasPrefix("restore-") || $0.hasSuffix(".tmp") } == [], "left behind: \(names)")
        #expect(names.filter { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }.allSatisfy { $0.hasPrefix("replica.sqlite") },
                "left behind: \(names)")
        for name in names {
            let mode = try FileManager.default.attributesOfItem(atPath: target.url.appendingPathComponent(name).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    /// Runs a restore that must fail with `expected`, and checks the directory is as it was.
    func expectRefused(_ input: String, into target: DataDirectory, identity: SigningIdentity, key: BackupSecretKey? = nil,
                       _ matches: (BackupError) -> Bool) throws {
        let before = try listing(target)
        do {
            _ = try NodeRecovery.restore(input: input, directory: target, identity: identity, backupKey: key ?? backupKey,
                                         clock: SystemClock(), logger: Self.logger)
            Issue.record("restore accepted bad input")
        } catch let error as BackupError {
            #expect(matches(error), "unexpected \(error)")
        }
        #expect(try listing(target) == before, "the data directory must be untouched")
    }

    func modified(_ path: String, _ change: (inout [UInt8]) -> Void) throws -> String {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        let out = path + ".bad-\(UUID())"
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        return out
    }

    @Test func badBackupsAreRefusedBeforeAnythingIsWritten() throws {
        let (source, identity) = try node("source", notes: 50)
        let backup = try takeBackup(source, identity)
        let target = try emptyDirectory(for: identity, "target")
        let size = try Data(contentsOf: URL(fileURLWithPath: backup)).count
        // A flipped byte inside the encrypted payload.
        try expectRefused(try modified(backup) { $0[200] ^= 0x01 }, into: target, identity: identity) {
            if case .payloadMismatch = $0 { true } else { false }
        }
        // A flipped byte in the manifest (the JSON sits just before the 68-byte trailer).
        try expectRefused(try modified(backup) { $0[size - 80] ^= 0x20 }, into: target, identity: identity) {
            $0 == .signatureInvalid || { if case .corruptManifest = $0 { true } else { false } }($0)
        }
        // A corrupt manifest length.
        try expectRefused(try modified(backup) { $0[size - 68] = 0xFF }, into: target, identity: identity) {
            if case .corruptManifest = $0 { true } else { false }
        }
        // Truncated: the last kilobyte gone, then nearly everything gone.
        try expectRefused(try modified(backup) { $0.removeLast(1_000) }, into: target, identity: identity) { _ in true }
        try expectRefused(try modified(backup) { $0.removeLast($0.count - 10) }, into: target, identity: identity) {
            if case .notABackup = $0 { true } else { false }
        }
        // Another backup key.
        try expectRefused(backup, into: target, identity: identity, key: BackupSecretKey.generate()) { $0 == .wrongKey }
        // Another node's backup.
        let (otherSource, other) = try node("other", notes: 5)
        try expectRefused(try takeBackup(otherSource, other), into: target, identity: identity) {
            if case .wrongNode = $0 { true } else { false }
        }
        // Signed and hashed correctly, but the stream lacks its final frame.
        try expectRefused(try takeBackup(source, identity, omitFinalFrame: true), into: target, identity: identity) { $0 == .truncated }
        // Never over an existing replica.
        try expectRefused(backup, into: source, identity: identity) { if case .replicaExists = $0 { true } else { false } }
    }

    @Test func theBackupKeyFileRoundTripsAndOpensOnlyItsOwnSeal() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root.appendingPathComponent("backup.key").path
        try backupKey.save(to: path)
        let loaded = try BackupSecretKey.load(from: path)
        #expect(loaded.publicKey == backupKey.publicKey)
        let fileKey = BackupFileKey.generate()
        let sealed = backupKey.publicKey.seal(fileKey)
        #expect(try loaded.open(sealed).secret.constantTimeEquals(fileKey.secret))
        #expect(throws: SecurityError.backupKeyMismatch) { try BackupSecretKey.generate().open(sealed) }
        #expect(throws: SecurityError.self) { try SigningIdentity.load(from: path) }
    }
}
