import Foundation

/// Reads input files, turning I/O failures into `ConfigError`s that name the file.
public enum InputFile {
    public static func readText(_ path: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw ConfigError(file: path, path: "$", message: exists ? (isDirectory.boolValue ? "is a directory" : "cannot be read") : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, path: "$", message: "is not valid UTF-8 text")
        }
        return text
    }

    /// Parses a JSON file into a strict reader on its root object.
    public static func readJSONObject(_ path: String) throws(ConfigError) -> JSONObjectReader {
        try JSONObjectReader.document(file: path, text: try readText(path))
    }
}

extension InputFile {
    /// `.json` files directly in a directory, sorted by name (empty if it does not exist).
    public static func jsonFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
    }
}
