import Foundation
import GRDB

/// Checks made on a results database path before SQLite opens it.
enum DatabaseFileCheck {
    /// Throws unless `path` is a regular file, or absent when `allowAbsent` (a writer creates it).
    /// A FIFO would block the open forever, a device or directory is no database: all are
    /// refused by name before SQLite sees them. Returns the file's size in bytes (nil when absent).
    @discardableResult
    static func requireRegularFile(_ path: String, allowAbsent: Bool) throws -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT {
                if allowAbsent { return nil }
                throw ResultsToolError("\(path): no such results database")
            }
            throw ResultsToolError("\(path): cannot be read (\(String(cString: strerror(errno))))")
        }
        let kind: String
        switch status.st_mode & S_IFMT {
        case S_IFREG: return Int(status.st_size)
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw ResultsToolError("\(path): is \(kind), not a results database file; give the path of a database file")
    }

    /// Throws unless SQLite's `PRAGMA quick_check` passes: a damaged file (torn pages, a broken
    /// index) is refused before anything reads or writes it. quick_check reads every page once
    /// (no index cross-check), about 1 ms per MB.
    static func requireIntact(_ db: Database, path: String) throws {
        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
        guard problems == ["ok"] else {
            let detail = problems.joined(separator: "; ").split(whereSeparator: \.isNewline).joined(separator: "; ")
            throw ResultsToolError(corruptedMessage(path: path, detail: detail))
        }
    }

    /// Readers run `quick_check` on open for files up to this size (≈ 0.2 s for a 40 MB file of
    /// 10 k results and 160 k op rows, so ≤ about 1 s); a larger file is not scanned on every
    /// query, and SQLite reports damage in the pages a query reads (`damageMessage`).
    static let readerQuickCheckBytes = 256 << 20

    static func corruptedMessage(path: String, detail: String) -> String {
        "\(path): the database file is corrupted (\(detail)); it is neither read nor written. "
            + "Restore it from a copy, or recover its rows with: sqlite3 \(path) .recover | sqlite3 RECOVERED.sqlite"
    }

    /// The message for a database error that means a damaged or non-SQLite file, else nil.
    static func damageMessage(_ error: Error, path: String) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_CORRUPT: return corruptedMessage(path: path, detail: error.message ?? "database disk image is malformed")
        case .SQLITE_NOTADB: return "\(path): not an SQLite database (\(error.message ?? "file is not a database")); choose another --db"
        default: return nil
        }
    }
}
