/// An invalid input file: names the file, the JSON path inside it and the rule that was broken.
///
/// Rendered as `FILE: $.json.path: rule` so that users can jump straight to the mistake.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let path: String
    public let message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }
}
