import ArgumentParser
import Foundation

enum FileHandleWriter {
    /// Where standard-error text goes instead of the terminal, while set (in-process command
    /// runs in tests capture what a command says on stderr).
    @TaskLocal static var stderrCapture: TextCapture?

    static func writeStderr(_ string: String) {
        if let capture = stderrCapture { capture.append(string); return }
        FileHandle.standardError.write(Data(string.utf8))
    }

    /// Writes a file atomically (temporary file + rename), so a failure leaves no partial file.
    /// An existing target that is not a regular file (`/dev/stdout`, a pipe, `/dev/full`) cannot
    /// be replaced by a rename: it is written in place, and a failed write or close throws.
    static func writeAtomically(_ text: String, to path: String) throws {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw OutputError(message: "is a directory") }
            try writeInPlace(Data(text.utf8), to: path)
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Writes `data` into an existing non-regular file, checking every write and the close.
    private static func writeInPlace(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw OutputError(errno: errno) }
        var failure: Int32?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure { throw OutputError(errno: failure) }
    }
}

/// A failed write of command output; `localizedDescription` is the reason ("No space left on device").
struct OutputError: LocalizedError {
    let message: String
    init(message: String) { self.message = message }
    init(errno code: Int32) { message = String(cString: strerror(code)) }
    var errorDescription: String? { message }
}

/// Writes `text` to the output file `path` of `option` (atomically where it can); a failure is
/// reported as `error: OPTION PATH: reason` with exit status 74 (`EX_IOERR`), so no failed write
/// ever reads as success.
func writeOutput(_ text: String, to path: String, option: String = "--out") throws {
    do {
        try FileHandleWriter.writeAtomically(text, to: path)
    } catch {
        printError("error: \(option) \(path): cannot write (\(error.localizedDescription))")
        throw ExitCode(SPUSimCommand.outputErrorExitCode)
    }
}

/// Text collected from one or more threads.
public final class TextCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""

    public init() {}

    func append(_ text: String) { lock.withLock { buffer += text } }
    public var text: String { lock.withLock { buffer } }
}
