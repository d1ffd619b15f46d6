/// A JSON document stored as a base document plus the values some paths take: how a sweep
/// stores a design point (the sweep's base design and the point's axis values and name) instead of
/// the whole design, whose cited sources make it ~8 KB. The overrides document is
/// `{"name": NAME, "set": [[PATH, VALUE], …]}` with `JSONPath` spellings, applied in order and
/// then `name` set at `$.name`; applying it to the base gives back exactly the design's JSON (the
/// same canonical text, so the same content hash).
public enum JSONOverrides {
    /// The overrides document of `settings` (path, value) and `name`.
    public static func document(name: String, settings: [(path: JSONPath, value: JSONValue)]) -> JSONValue {
        .object([("name", .string(name)),
                 ("set", .array(settings.map { .array([.string($0.path.description), $0.value]) }))])
    }

    /// `base` with `overrides` applied; throws on a document that is not one.
    public static func apply(_ overrides: JSONValue, to base: JSONValue) throws(JSONPathError) -> JSONValue {
        guard case let .object(pairs) = overrides,
              case let .string(name)? = pairs.first(where: { $0.key == "name" })?.value,
              case let .array(settings)? = pairs.first(where: { $0.key == "set" })?.value else {
            throw JSONPathError(text: "overrides", rule: "must be {\"name\": …, \"set\": [[path, value], …]}")
        }
        var document = base
        for setting in settings {
            guard case let .array(pair) = setting, pair.count == 2, case let .string(text) = pair[0] else {
                throw JSONPathError(text: "overrides", rule: "each setting must be [path, value]")
            }
            document = try JSONPath(parsing: text).setting(pair[1], in: document)
        }
        guard case let .object(top) = document else { return document }
        return .object(top.map { $0.key == "name" ? ("name", .string(name)) : $0 })
    }
}
