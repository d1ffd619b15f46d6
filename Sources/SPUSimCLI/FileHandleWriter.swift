import Foundation

enum FileHandleWriter {
    static func writeStderr(_ string: String) {
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
