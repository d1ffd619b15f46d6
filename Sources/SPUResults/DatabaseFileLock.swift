import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on `<database>.lock`, held while a results database's
/// schema is created or upgraded, so processes that open a new database at the same moment
/// migrate it one after another instead of racing (`table "runs" already exists`).
///
/// The lock is on a file of its own, never on the database: closing any descriptor of the
/// database file would drop the POSIX locks SQLite holds on it in this process. The lock file
/// is left in place (removing it would let a third process lock a different inode).
struct DatabaseFileLock {
    private let descriptor: Int32

    /// Opens (creating if needed) `<databasePath>.lock` and blocks until the lock is held.
    init(databasePath: String) throws {
        let path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw ResultsToolError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ResultsToolError("\(path): cannot lock for the schema upgrade (\(reason))")
            }
        }
        descriptor = fd
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
