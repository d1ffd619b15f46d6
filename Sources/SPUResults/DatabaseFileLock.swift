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

    /// Opens (creating if needed) `<databasePath>.lock` and blocks until the lock is held:
    /// exclusively (creating, converting to WAL, migrating) or shared (reading the file while no
    /// one creates or upgrades it).
    init(databasePath: String, shared: Bool = false) throws {
        let path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultsToolError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        while flock(fd, shared ? LOCK_SH : LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ResultsToolError("\(path): cannot lock for the schema upgrade (\(reason))")
            }
        }
        descriptor = fd
    }

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// The outcome of a non-blocking attempt.
    enum Attempt {
        case locked(DatabaseFileLock)
        /// Another process (or another open file in this one) holds it; `holder` is the pid the
        /// holder wrote into the file, when readable.
        case held(holder: Int32?)
    }

    /// Tries once, without waiting, to lock `path` (created if needed); on success writes this
    /// process's id into the file so a refused process can name the holder. The lock goes with
    /// the process: the system drops it when the process exits or is killed.
    static func tryLock(path: String) throws -> Attempt {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultsToolError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let failure = errno
            defer { close(fd) }
            guard failure == EWOULDBLOCK else {
                throw ResultsToolError("\(path): cannot lock (\(String(cString: strerror(failure))))")
            }
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
            return .held(holder: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return .locked(DatabaseFileLock(descriptor: fd))
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
