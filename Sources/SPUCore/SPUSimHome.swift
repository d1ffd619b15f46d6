import Foundation

/// Where SPUSim's bundled inputs (`configs/tech`, `configs/tco/default.json`) are found when the
/// user names none, so a command works from any directory.
///
/// A default path is resolved, in order, against: `$SPUSIM_HOME`; the current directory; the
/// directory of the running executable and each directory above it (a checkout's
/// `.build/debug/spusim` finds the checkout; an install in `PREFIX/bin` finds `PREFIX`, then
/// `PREFIX/share/spusim`). The first directory holding the path wins.
public enum SPUSimHome {
    /// Environment variable naming the directory that holds `configs/`.
    public static let environmentVariable = "SPUSIM_HOME"

    /// Directories searched for a default path, in order (see the type's description).
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         currentDirectory: String = FileManager.default.currentDirectoryPath,
                                         executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first) -> [String] {
        var directories: [String] = []
        if let home = environment[environmentVariable], !home.isEmpty { directories.append(home) }
        directories.append(currentDirectory)
        if let executablePath {
            var url = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
                .standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
            while true {
                directories.append(url.path)
                directories.append(url.appendingPathComponent("share/spusim").path)
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path || url.path == "/" { break }
                url = parent
            }
        }
        var seen = Set<String>()
        return directories.filter { seen.insert($0).inserted }
    }

    /// `path` itself when the user gave it (`isDefault` false) or it is absolute; otherwise the
    /// first search directory holding it. Throws a `DefaultPathNotFound` that names the places
    /// looked in and the option to pass when a default is found nowhere.
    public static func resolve(_ path: String, isDefault: Bool, what: String, option: String,
                               directories: [String] = searchDirectories()) throws(DefaultPathNotFound) -> String {
        guard isDefault, !path.hasPrefix("/") else { return path }
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let looked = directories.prefix(4).joined(separator: ", ") + (directories.count > 4 ? ", …" : "")
        throw DefaultPathNotFound(description: "default \(what) \(path) not found (looked in \(looked); or set \(environmentVariable) to the directory holding configs/); pass \(option)")
    }
}

/// A default input path found in none of the search directories of `SPUSimHome`.
public struct DefaultPathNotFound: Error, Sendable, CustomStringConvertible {
    public let description: String
}
