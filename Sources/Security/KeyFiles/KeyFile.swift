import CSodium
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Secrets at rest: one secret per file, mode `0600`, in a small versioned text format
///
///     meshdesk-identity-v1\n
///     <secret as lowercase hex>\n
///
/// The first line is the kind tag, so a network key can never be loaded as an identity
/// (or the other way round), and a future format gets a new tag rather than a guess.
/// POSIX calls rather than Foundation, because the mode must be set when the file is
/// created (no window where the secret is world-readable) and checked on the open file
/// descriptor (no race between checking and reading).
public enum KeyFile {
    public enum Kind: String, Sendable, CaseIterable {
        /// A node's Ed25519 seed (`SigningIdentity`).
        case identity = "meshdesk-identity-v1"
        /// The cluster admin's Ed25519 seed, which signs membership rosters. Kept apart
        /// from node identities so one cannot be mistaken for the other.
        case adminIdentity = "meshdesk-admin-identity-v1"
        /// The 32-byte cluster network key that gates the handshake.
        case networkKey = "meshdesk-network-key-v1"
        /// The secret half of the cluster's X25519 backup key (`BackupSecretKey`): opens
        /// backups. Kept offline by the admin, never on a node.
        case backupKey = "meshdesk-backup-key-v1"

        /// Every kind holds a 32-byte secret today; the tag fixes the length.
        public var secretByteCount: Int { 32 }
    }

    /// A key file is a tag line and a hex line; anything larger is not one of ours.
    public static let fileBytesMax = 256
    /// Permissions a key file is created with, and the only ones it may have.
    public static let fileMode: mode_t = 0o600

    /// Writes `secret` to `path` as a new file of mode 0600 (via a temporary file in the
    /// same directory, fsynced, then linked or renamed into place).
    public static func save(_ secret: SecretBytes, kind: Kind, to path: String, overwrite: Bool = false) throws(SecurityError) {
        precondition(secret.count == kind.secretByteCount, "a \(kind.rawValue) secret is \(kind.secretByteCount) bytes")
        var contents = encode(secret, kind: kind)
        defer { sodium_memzero(&contents, contents.count) }
        let temporary = path + ".tmp-\(getpid())"
        do {
            try writeNewFile(temporary, contents: contents)
            try moveIntoPlace(temporary, path, overwrite: overwrite)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Reads a secret of `kind` from `path`, refusing a file that group or others can
    /// access, that is not a regular file owned by this user, or that is malformed.
    public static func load(kind: Kind, from path: String) throws(SecurityError) -> SecretBytes {
        var contents = try readPrivateFile(path)
        defer { sodium_memzero(&contents, contents.count) }
        return try decode(contents, kind: kind)
    }

    // MARK: Format

    static func encode(_ secret: SecretBytes, kind: Kind) -> [UInt8] {
        var hex = [CChar](repeating: 0, count: secret.count * 2 + 1)
        defer { sodium_memzero(&hex, hex.count) }
        secret.withBytes { bytes in _ = sodium_bin2hex(&hex, hex.count, bytes, bytes.count) }
        var out = Array(kind.rawValue.utf8) + [0x0A]
        out.reserveCapacity(out.count + hex.count)
        for c in hex.dropLast() { out.append(UInt8(bitPattern: c)) }
        out.append(0x0A)
        return out
    }

    static func decode(_ contents: [UInt8], kind: Kind) throws(SecurityError) -> SecretBytes {
        let tag = Array(kind.rawValue.utf8) + [0x0A]
        guard contents.count >= tag.count, Array(contents.prefix(tag.count)) == tag else {
            let firstLine = contents.prefix(64).split(separator: 0x0A, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw .invalidKeyFile("expected kind \(kind.rawValue), found \"\(firstLine)\"")
        }
        let hexCount = kind.secretByteCount * 2
        guard contents.count == tag.count + hexCount + 1, contents.last == 0x0A else {
            throw .invalidKeyFile("expected \(hexCount) hex digits and a newline after the kind tag")
        }
        var hex = [CChar](repeating: 0, count: hexCount)
        defer { sodium_memzero(&hex, hex.count) }
        for i in 0..<hexCount { hex[i] = CChar(bitPattern: contents[tag.count + i]) }
        var binaryCount = 0
        var hexEnd: UnsafePointer<CChar>? = nil
        var decoded = [UInt8](repeating: 0, count: kind.secretByteCount)
        let rc = hex.withUnsafeBufferPointer { hexBuffer in
            let rc = sodium_hex2bin(&decoded, decoded.count, hexBuffer.baseAddress, hexCount, nil, &binaryCount, &hexEnd)
            let consumed = hexEnd.map { hexBuffer.baseAddress!.distance(to: $0) } ?? -1
            return rc == 0 && consumed == hexCount ? 0 : -1
        }
        guard rc == 0, binaryCount == kind.secretByteCount else {
            sodium_memzero(&decoded, decoded.count)
            throw .invalidKeyFile("the secret is not \(hexCount) hex digits")
        }
        return SecretBytes(wiping: &decoded)
    }

    // MARK: POSIX

    private static func writeNewFile(_ path: String, contents: [UInt8]) throws(SecurityError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw .keyFileIO(path: path, operation: "create", errno: errno) }
        defer { close(fd) }
        // The umask can only clear bits; fchmod makes the mode exactly 0600 regardless.
        guard fchmod(fd, fileMode) == 0 else { throw .keyFileIO(path: path, operation: "fchmod", errno: errno) }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { write(fd, $0.baseAddress! + written, contents.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .keyFileIO(path: path, operation: "write", errno: errno) }
            written += n
        }
        guard fsync(fd) == 0 else { throw .keyFileIO(path: path, operation: "fsync", errno: errno) }
    }

    private static func moveIntoPlace(_ temporary: String, _ path: String, overwrite: Bool) throws(SecurityError) {
        if overwrite {
            guard rename(temporary, path) == 0 else { throw .keyFileIO(path: path, operation: "rename", errno: errno) }
        } else {
            // link(2) fails atomically with EEXIST, so two savers cannot both win.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw .keyFileExists(path: path) }
                throw .keyFileIO(path: path, operation: "link", errno: errno)
            }
            unlink(temporary)
        }
    }

    private static func readPrivateFile(_ path: String) throws(SecurityError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .keyFileIO(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .keyFileIO(path: path, operation: "fstat", errno: errno) }
        let mode = info.st_mode
        guard mode & 0o170000 == 0o100000 else { throw .insecureKeyFile(path: path, reason: "not a regular file") }
        guard mode & 0o077 == 0 else {
            throw .insecureKeyFile(path: path, reason: "mode \(String(mode & 0o777, radix: 8)) gives group/others access; chmod 600 it")
        }
        guard info.st_uid == geteuid() else {
            throw .insecureKeyFile(path: path, reason: "owned by uid \(info.st_uid), not by this user (uid \(geteuid()))")
        }
        guard Int(info.st_size) <= fileBytesMax else {
            throw .invalidKeyFile("\(info.st_size) bytes, a key file is at most \(fileBytesMax)")
        }
        var buffer = [UInt8](repeating: 0, count: fileBytesMax + 1)
        defer { sodium_memzero(&buffer, buffer.count) }
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .keyFileIO(path: path, operation: "read", errno: errno) }
            if n == 0 { break }
            filled += n
        }
        guard filled <= fileBytesMax else { throw .invalidKeyFile("larger than \(fileBytesMax) bytes") }
        return Array(buffer.prefix(filled))
    }
}

extension SigningIdentity {
    /// Saves this identity's seed (not the expanded secret key) as a key file.
    public func save(to path: String, kind: KeyFile.Kind = .identity, overwrite: Bool = false) throws(SecurityError) {
        precondition(kind == .identity || kind == .adminIdentity, "an identity is saved as .identity or .adminIdentity")
        var seed = self.seed
        let secret = SecretBytes(wiping: &seed)
        try KeyFile.save(secret, kind: kind, to: path, overwrite: overwrite)
    }

    /// Loads an identity saved by `save(to:kind:)`.
    public static func load(from path: String, kind: KeyFile.Kind = .identity) throws(SecurityError) -> SigningIdentity {
        precondition(kind == .identity || kind == .adminIdentity, "an identity is loaded as .identity or .adminIdentity")
        let secret = try KeyFile.load(kind: kind, from: path)
        return try secret.withBytes { seed throws(SecurityError) in try SigningIdentity(seed: seed) }
    }
}
