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
    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try Data(text.utf8).write(to: url, options: .atomic)
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
