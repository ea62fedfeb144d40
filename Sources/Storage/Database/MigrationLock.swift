#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises opening one replica file between processes. A node and a CLI started at
/// the same moment on a fresh data directory would otherwise both read "no migration
/// applied" and both run the first one; the loser fails on `CREATE TABLE`. SQLite's own
/// locks cannot cover this: GRDB reads the applied migrations outside the transaction
/// that runs them.
///
/// The lock is `flock` on a file beside the database, never the database itself:
/// closing any descriptor of the database file would drop the POSIX locks SQLite holds.
enum MigrationLock {
    static func holding<T>(databasePath: String, _ body: () throws -> T) throws -> T {
        let lockPath = databasePath + "-open.lock"
        let fd = Glibc.open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StorageError.database("cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw StorageError.database("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
