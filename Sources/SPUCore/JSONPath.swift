/// A path into a JSON document: `$.compute.mesh.rows` or `$.compute.mac_array.macs_per_cycle["fp8-e4m3"]`.
/// Only object keys are addressed (hardware descriptions have no arrays worth sweeping).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public let keys: [String]
    public let description: String

    public init(parsing text: String) throws(JSONPathError) {
        guard text.hasPrefix("$") else { throw JSONPathError(text: text, rule: "must start with $") }
        var keys: [String] = []
        var rest = Substring(text.dropFirst())
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let key = rest.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { throw JSONPathError(text: text, rule: "empty key") }
                keys.append(String(key))
                rest = rest.dropFirst(key.count)
            } else if rest.hasPrefix("[\"") {
                rest = rest.dropFirst(2)
                guard let end = rest.firstIndex(of: "\"") else { throw JSONPathError(text: text, rule: "unterminated [\"…\"]") }
                keys.append(String(rest[..<end]))
                rest = rest[rest.index(after: end)...]
                guard rest.hasPrefix("]") else { throw JSONPathError(text: text, rule: "expected ] after the quoted key") }
                rest = rest.dropFirst()
            } else {
                throw JSONPathError(text: text, rule: "expected .key or [\"key\"]")
            }
        }
        guard !keys.isEmpty else { throw JSONPathError(text: text, rule: "addresses the whole document") }
        self.keys = keys
        self.description = text
    }

    public func value(in root: JSONValue) -> JSONValue? {
        var current = root
        for key in keys {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// A copy of `root` with the value at this path replaced (the path must exist).
    public func setting(_ value: JSONValue, in root: JSONValue) -> JSONValue {
        func set(_ node: JSONValue, _ index: Int) -> JSONValue {
            guard case let .object(pairs) = node else { return node }
            return .object(pairs.map { pair in
                guard pair.key == keys[index] else { return pair }
                return (pair.key, index == keys.count - 1 ? value : set(pair.value, index + 1))
            })
        }
        return set(root, 0)
    }
}

/// A JSON path that does not parse: the text and the rule it breaks.
public struct JSONPathError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var rule: String

    public init(text: String, rule: String) {
        self.text = text
        self.rule = rule
    }

    public var description: String { "invalid JSON path \"\(text)\": \(rule)" }
}
