import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data directory holds the replica (every ticket, roster and account hash), the
/// node's keys and its status: only the node's own user may read any of it. The
/// directory is 0700 and each regular file in it 0600 — also when the directory was
/// made earlier by hand (`mkdir data` gives 0755) or by an older version.
///
/// SQLite gives `-wal` and `-shm` the mode of the database file, so once
/// `replica.sqlite` is 0600 its companions are created 0600 too; files the node writes
/// itself (`status.json`, `metrics.prom`) go through `writePrivately`.
extension DataDirectory {
    public static let directoryMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    public enum ModeError: Error, CustomStringConvertible, Equatable {
        case chmodFailed(path: String, errno: Int32)
        case cannotCreate(path: String)
        case renameFailed(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .chmodFailed(let path, let code): "cannot set the mode of \(path): \(String(cString: strerror(code)))"
            case .cannotCreate(let path): "cannot create \(path)"
            case .renameFailed(let path, let code): "cannot move a new file to \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Sets the directory to 0700 and every regular file directly in it to 0600.
    /// Symlinks and subdirectories are left alone (`KeyFile` refuses symlinked keys).
    public func enforcePrivateModes() throws {
        try Self.chmod(url.path, Self.directoryMode)
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            let path = url.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }  // removed meanwhile (a -shm closing)
            guard info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o777 != Self.fileMode else { continue }
            try Self.chmod(path, Self.fileMode)
        }
    }

    /// Replaces `url` with `data` atomically, the new file 0600 from its creation.
    public static func writePrivately(_ data: Data, to url: URL) throws {
        let temporary = url.path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: Self.fileMode]) else {
            throw ModeError.cannotCreate(path: temporary)
        }
        guard rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ModeError.renameFailed(path: url.path, errno: code)
        }
    }

    static func chmod(_ path: String, _ mode: mode_t) throws {
        #if canImport(Glibc)
        guard Glibc.chmod(path, mode) == 0 else { throw ModeError.chmodFailed(path: path, errno: errno) }
        #else
        guard Darwin.chmod(path, mode) == 0 else { throw ModeError.chmodFailed(path: path, errno: errno) }
        #endif
    }
}
