import Foundation
import Logging
import Replica
import Security
import Storage

/// What a backup says about itself, signed by the node that took it.
public struct BackupManifest: Codable, Equatable, Sendable {
    public var format = BackupArchive.formatVersion
    public var site: String
    public var publicKey: String
    public var epoch: UInt32
    /// "site/epoch" → seq: the batches the backup holds.
    public var versionVector: [String: UInt64]
    public var createdAt: String
    public var replicaBytes: UInt64
    public var payloadBytes: UInt64
    public var replicaBlake2b: String
    public var payloadBlake2b: String
    /// Which backup key sealed the file key (the public half, hex).
    public var backupPublicKey: String

    enum CodingKeys: String, CodingKey {
        case format, site, epoch
        case publicKey = "public_key", versionVector = "version_vector", createdAt = "created_at"
        case replicaBytes = "replica_bytes", payloadBytes = "payload_bytes", replicaBlake2b = "replica_blake2b"
        case payloadBlake2b = "payload_blake2b", backupPublicKey = "backup_public_key"
    }
}

/// Why a backup or restore was refused. Each is logged; a refused restore has not
/// touched the data directory.
public enum BackupError: Error, Equatable, Sendable, CustomStringConvertible {
    case notABackup(String)
    case corruptManifest(String)
    case signatureInvalid
    case wrongNode(backup: String, node: String)
    case payloadMismatch(String)
    case wrongKey
    case decryption(String)
    case truncated
    case replicaMismatch(String)
    case replicaExists(String)
    case io(String)

    public var description: String {
        switch self {
        case let .notABackup(reason): "not a MeshDesk backup: \(reason)"
        case let .corruptManifest(reason): "backup manifest corrupt: \(reason)"
        case .signatureInvalid: "backup manifest signature does not verify under this node's key"
        case let .wrongNode(backup, node): "backup of site \(backup), this node is \(node)"
        case let .payloadMismatch(reason): "backup payload altered: \(reason)"
        case .wrongKey: "the backup key does not open this backup (wrong key, or the sealed key was altered)"
        case let .decryption(reason): "backup decryption failed: \(reason)"
        case .truncated: "backup stream ends without its final frame (truncated)"
        case let .replicaMismatch(reason): "restored replica refused: \(reason)"
        case let .replicaExists(path): "\(path) exists; move it aside first (restore never overwrites a replica)"
        case let .io(reason): "backup I/O: \(reason)"
        }
    }
}

/// An encrypted, signed backup file (备份文件):
///
///     magic (16) ‖ payload ‖ manifest (JSON) ‖ u32 manifest length ‖ Ed25519 signature (64)
///     payload = sealed file key (80) ‖ secretstream header (24) ‖ frames: u32 length ‖ ciphertext
///
/// The replica file (an online SQLite backup, batch log included) is encrypted with a
/// fresh file key in libsodium secretstream frames of 1 MiB, the last one TAG_FINAL;
/// the file key is sealed to the cluster's backup public key. The node signs
/// `magic ‖ manifest`, and the manifest carries the payload's BLAKE2b, so a restore
/// checks signature, payload hash, key, every frame and the final tag before it writes.
public enum BackupArchive {
    public static let formatVersion = 1
    static let magic: [UInt8] = Array("MESHDESK-BACKUP1".utf8)
    public static let manifestBytesMax = 1 << 20
    static let signatureBytes = 64
    static let trailerBytes = 4 + signatureBytes
    static let frameLengthBytes = 4
    static let sealedKeyBytes = BackupPublicKey.sealedFileKeyBytes
    /// Largest backup read: SQLite's own page limit is far beyond any campus replica.
    public static let payloadBytesMax: UInt64 = 1 << 42

    // MARK: - Writing

    /// Encrypts the replica copy at `replicaPath` into `output` (created 0600, written to a
    /// temporary name and renamed, so a crash leaves no half file under the real name).
    static func write(replicaPath: String, info: ReplicaFileInfo, identity: SigningIdentity, backupKey: BackupPublicKey,
                      output: String, createdAt: Date, omitFinalFrame: Bool = false) throws -> BackupManifest {
        let temporary = output + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError.io("cannot create \(temporary)")
        }
        do {
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? out.close() }
            let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: replicaPath))
            defer { try? input.close() }
            try out.write(contentsOf: magic)
            let payloadHash = Blake2bStream()
            let replicaHash = Blake2bStream()
            var payloadBytes: UInt64 = 0
            var replicaBytes: UInt64 = 0
            func emit(_ bytes: [UInt8]) throws {
                payloadHash.update(bytes)
                payloadBytes += UInt64(bytes.count)
                try out.write(contentsOf: bytes)
            }
            let fileKey = BackupFileKey.generate()
            try emit(backupKey.seal(fileKey))
            let sender = SecretStreamSender(key: fileKey.secret)
            try emit(sender.header)
            while let chunk = try input.read(upToCount: SecretStream.frameBytesMax), !chunk.isEmpty {
                let plaintext = Array(chunk)
                replicaHash.update(plaintext)
                replicaBytes += UInt64(plaintext.count)
                let frame = try sender.seal(plaintext)
                try emit(lengthPrefix(frame.count) + frame)
            }
            if !omitFinalFrame {
                let final = try sender.close()
                try emit(lengthPrefix(final.count) + final)
            }
            let manifest = BackupManifest(
                site: identity.site.description, publicKey: identity.publicKey.description, epoch: info.epoch,
                versionVector: Dictionary(uniqueKeysWithValues: info.vector.origins.map { ("\($0.site)/\($0.epoch)", info.vector[$0]) }),
                createdAt: ISO8601DateFormatter().string(from: createdAt), replicaBytes: replicaBytes, payloadBytes: payloadBytes,
                replicaBlake2b: hex(replicaHash.finish()), payloadBlake2b: hex(payloadHash.finish()),
                backupPublicKey: backupKey.description)
            let manifestBytes = try encodeManifest(manifest)
            try out.write(contentsOf: manifestBytes + lengthPrefix(manifestBytes.count) + identity.sign(magic + manifestBytes))
            try out.synchronize()
            guard rename(temporary, output) == 0 else { throw BackupError.io("rename to \(output): errno \(errno)") }
            return manifest
        } catch {
            unlink(temporary)
            throw error
        }
    }

    static func encodeManifest(_ manifest: BackupManifest) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(manifest))
    }

    // MARK: - Verifying

    /// Every check that needs no write: structure, manifest, signature (by `identity`,
    /// which must be the backup's node), payload size and hash, the sealed key, every
    /// frame and the final tag, and the decrypted replica's hash. Reads the file twice
    /// over (hash, then decrypt), writes nothing.
    public static func verify(input: String, identity: SigningIdentity, backupKey: BackupSecretKey) throws -> BackupManifest {
        let (manifest, payloadRange) = try readManifest(input: input, identity: identity)
        try checkPayloadHash(input: input, range: payloadRange, manifest: manifest)
        try decrypt(input: input, range: payloadRange, manifest: manifest, backupKey: backupKey, into: nil)
        return manifest
    }

    static func readManifest(input: String, identity: SigningIdentity) throws -> (BackupManifest, Range<UInt64>) {
        guard let handle = FileHandle(forReadingAtPath: input) else { throw BackupError.io("cannot open \(input)") }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size >= UInt64(magic.count + trailerBytes) else { throw BackupError.notABackup("\(size) bytes is too short") }
        try handle.seek(toOffset: 0)
        guard Array(try handle.read(upToCount: magic.count) ?? Data()) == magic else { throw BackupError.notABackup("wrong magic") }
        try handle.seek(toOffset: size - UInt64(trailerBytes))
        let trailer = Array(try handle.read(upToCount: trailerBytes) ?? Data())
        guard trailer.count == trailerBytes else { throw BackupError.notABackup("short trailer") }
        let manifestLength = UInt64(trailer[0]) << 24 | UInt64(trailer[1]) << 16 | UInt64(trailer[2]) << 8 | UInt64(trailer[3])
        guard manifestLength > 0, manifestLength <= UInt64(manifestBytesMax),
              manifestLength + UInt64(magic.count + trailerBytes) <= size else {
            throw BackupError.corruptManifest("manifest length \(manifestLength) does not fit the file")
        }
        let manifestStart = size - UInt64(trailerBytes) - manifestLength
        try handle.seek(toOffset: manifestStart)
        let manifestBytes = Array(try handle.read(upToCount: Int(manifestLength)) ?? Data())
        let signature = Array(trailer[4...])
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(manifestBytes)) } catch {
            // An altered manifest is first of all an unsigned one: say which.
            guard identity.publicKey.verify(signature: signature, message: magic + manifestBytes) else { throw BackupError.signatureInvalid }
            throw BackupError.corruptManifest("\(error)")
        }
        guard manifest.format == formatVersion else { throw BackupError.corruptManifest("format \(manifest.format)") }
        guard manifest.site == identity.site.description else {
            throw BackupError.wrongNode(backup: manifest.site, node: identity.site.description)
        }
        guard identity.publicKey.verify(signature: signature, message: magic + manifestBytes) else { throw BackupError.signatureInvalid }
        let payload = UInt64(magic.count)..<manifestStart
        guard manifest.payloadBytes == UInt64(payload.count), manifest.payloadBytes <= payloadBytesMax else {
            throw BackupError.payloadMismatch("\(payload.count) payload bytes, manifest says \(manifest.payloadBytes)")
        }
        return (manifest, payload)
    }

    static func checkPayloadHash(input: String, range: Range<UInt64>, manifest: BackupManifest) throws {
        guard let handle = FileHandle(forReadingAtPath: input) else { throw BackupError.io("cannot open \(input)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: range.lowerBound)
        let hash = Blake2bStream()
        var left = range.count
        while left > 0 {
            guard let data = try handle.read(upToCount: min(Int(left), 1 << 20)), !data.isEmpty else {
                throw BackupError.payloadMismatch("file ended early")
            }
            hash.update(data)
            left -= data.count
        }
        guard hex(hash.finish()) == manifest.payloadBlake2b else { throw BackupError.payloadMismatch("BLAKE2b differs from the manifest's") }
    }

    /// Decrypts the payload, frame by frame; writes the plaintext to `output` when given.
    static func decrypt(input: String, range: Range<UInt64>, manifest: BackupManifest, backupKey: BackupSecretKey,
                        into output: FileHandle?) throws {
        guard let handle = FileHandle(forReadingAtPath: input) else { throw BackupError.io("cannot open \(input)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: range.lowerBound)
        var position = range.lowerBound
        func read(_ count: Int) throws -> [UInt8] {
            guard position + UInt64(count) <= range.upperBound else { throw BackupError.truncated }
            let bytes = Array(try handle.read(upToCount: count) ?? Data())
            guard bytes.count == count else { throw BackupError.truncated }
            position += UInt64(count)
            return bytes
        }
        let fileKey: BackupFileKey
        do { fileKey = try backupKey.open(try read(sealedKeyBytes)) } catch is SecurityError { throw BackupError.wrongKey }
        let receiver: SecretStreamReceiver
        do { receiver = try SecretStreamReceiver(key: fileKey.secret, header: try read(SecretStream.headerBytes)) } catch let error as SecurityError {
            throw BackupError.decryption("\(error)")
        }
        let replicaHash = Blake2bStream()
        var replicaBytes: UInt64 = 0
        while position < range.upperBound {
            let prefix = try read(frameLengthBytes)
            let length = Int(prefix[0]) << 24 | Int(prefix[1]) << 16 | Int(prefix[2]) << 8 | Int(prefix[3])
            guard length <= SecretStream.ciphertextBytesMax else { throw BackupError.decryption("frame of \(length) bytes") }
            let opened: SecretStreamReceiver.Opened
            do { opened = try receiver.open(try read(length)) } catch let error as SecurityError { throw BackupError.decryption("\(error)") }
            switch opened {
            case let .message(plaintext):
                replicaHash.update(plaintext)
                replicaBytes += UInt64(plaintext.count)
                try output?.write(contentsOf: plaintext)
            case .end:
                guard position == range.upperBound else { throw BackupError.decryption("data after the final frame") }
            }
        }
        guard receiver.hasEnded else { throw BackupError.truncated }
        guard replicaBytes == manifest.replicaBytes, hex(replicaHash.finish()) == manifest.replicaBlake2b else {
            throw BackupError.replicaMismatch("decrypted replica differs from the manifest's hash or size")
        }
    }

    static func lengthPrefix(_ count: Int) -> [UInt8] {
        precondition(count <= UInt32.max)
        return [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
