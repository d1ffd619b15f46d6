import SPUCore

/// Errors in a sweep specification or its execution, with the file and JSON path.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    case config(ConfigError)
    case invalidPath(String, String)
    case message(String)

    /// A sweep axis whose path does not parse.
    public init(_ error: JSONPathError) { self = .invalidPath(error.text, error.rule) }

    public var description: String {
        switch self {
        case let .config(error): return error.description
        case let .invalidPath(path, rule): return "invalid JSON path \"\(path)\": \(rule)"
        case let .message(text): return text
        }
    }
}
