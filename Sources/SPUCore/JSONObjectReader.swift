/// Reads one JSON object field by field with strict rules, tracking the JSON path for errors.
///
/// Every accessor marks its key as used; `finish()` then rejects any key nobody asked for, which
/// catches typos such as `"clock_hz"` that a lenient decoder would silently ignore.
///
/// ```swift
/// let mesh = try root.object("mesh")
/// let rows = try mesh.positiveInt("rows")
/// try mesh.finish()
/// ```
public final class JSONObjectReader {
    public let file: String
    public let path: String
    /// The object this reader reads, as parsed.
    public let value: JSONValue
    private let pairs: [(key: String, value: JSONValue)]
    private var used: Set<String> = []

    public init(file: String, path: String = "$", value: JSONValue) throws(ConfigError) {
        self.file = file
        self.path = path
        guard case let .object(pairs) = value else {
            throw ConfigError(file: file, path: path, message: "must be an object, got \(value.typeName)")
        }
        self.pairs = pairs
        self.value = value
    }

    /// Parses a whole file's text and returns a reader on its root object.
    public static func document(file: String, text: String) throws(ConfigError) -> JSONObjectReader {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw ConfigError(file: file, path: "$", message: "invalid JSON: \(error.description)")
        }
        return try JSONObjectReader(file: file, value: value)
    }

    public var keys: [String] { pairs.map(\.key) }

    public func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    public func childPath(_ key: String) -> String {
        let simple = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
        return simple ? "\(path).\(key)" : "\(path)[\(JSONWriter.quote(key))]"
    }

    public func fail(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(file: file, path: key.map(childPath) ?? path, message: message)
    }

    /// The raw value of an optional key (marks it used).
    public func optionalValue(_ key: String) -> JSONValue? {
        guard let value = pairs.first(where: { $0.key == key })?.value else { return nil }
        used.insert(key)
        if case .null = value { return nil }
        return value
    }

    public func value(_ key: String) throws(ConfigError) -> JSONValue {
        guard let value = optionalValue(key) else { throw fail(key, "is required") }
        return value
    }

    /// Marks keys as deliberately ignored (e.g. Hugging Face fields the model does not use).
    public func ignore(_ keys: [String]) { used.formUnion(keys) }

    /// Marks every key as used: for documents whose extra keys are tolerated.
    public func ignoreRemaining() { used.formUnion(pairs.map(\.key)) }

    /// Rejects keys that were never read.
    public func finish() throws(ConfigError) {
        if let unknown = pairs.first(where: { !used.contains($0.key) }) {
            throw fail(unknown.key, "unknown key (allowed here: \(pairs.isEmpty ? "none" : allowedKeysHint()))")
        }
    }

    private var declaredKeys: [String] = []

    /// Declares the keys a type accepts, used only to make the unknown-key message helpful.
    public func expecting(_ keys: [String]) { declaredKeys = keys }

    private func allowedKeysHint() -> String {
        let names = declaredKeys.isEmpty ? Array(used).sorted() : declaredKeys
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    // MARK: Typed accessors

    public func string(_ key: String) throws(ConfigError) -> String {
        guard let s = try optionalString(key) else { throw fail(key, "is required (a string)") }
        return s
    }

    public func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard case let .string(s) = value else { throw fail(key, "must be a string, got \(value.briefDescription)") }
        guard !s.isEmpty else { throw fail(key, "must be a non-empty string") }
        return s
    }

    public func bool(_ key: String) throws(ConfigError) -> Bool {
        guard let value = optionalValue(key) else { throw fail(key, "is required (true or false)") }
        guard case let .bool(b) = value else { throw fail(key, "must be true or false, got \(value.briefDescription)") }
        return b
    }

    public func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let value = optionalValue(key) else { return defaultValue }
        guard case let .bool(b) = value else { throw fail(key, "must be true or false, got \(value.briefDescription)") }
        return b
    }

    public func optionalNumber(_ key: String) throws(ConfigError) -> Double? {
        guard let value = optionalValue(key) else { return nil }
        guard case let .number(n) = value else { throw fail(key, "must be a number, got \(value.briefDescription)") }
        guard n.isFinite else { throw fail(key, "must be finite") }
        return n
    }

    public func number(_ key: String) throws(ConfigError) -> Double {
        guard let n = try optionalNumber(key) else { throw fail(key, "is required (a number)") }
        return n
    }

    public func positiveNumber(_ key: String) throws(ConfigError) -> Double {
        let n = try number(key)
        guard n > 0 else { throw fail(key, "must be a positive number, got \(JSONWriter.formatNumber(n))") }
        return n
    }

    public func nonNegativeNumber(_ key: String) throws(ConfigError) -> Double {
        let n = try number(key)
        guard n >= 0 else { throw fail(key, "must be a non-negative number, got \(JSONWriter.formatNumber(n))") }
        return n
    }

    /// The fractions a spec may state (efficiencies, yields, utilisations): [1e-6, 1]. The model
    /// divides by them (time = work / (peak × fraction), cost / yield), so the lower end keeps the
    /// quotient finite; a fraction of one part per million of peak describes a broken kernel or
    /// process, not a calibration.
    public static let fractionRange: ClosedRange<Double> = 1e-6...1

    /// A number in `fractionRange`.
    public func fraction(_ key: String) throws(ConfigError) -> Double {
        try number(key, in: Self.fractionRange)
    }

    public func optionalInt(_ key: String) throws(ConfigError) -> Int? {
        guard let value = optionalValue(key) else { return nil }
        guard case let .number(n) = value, n.rounded() == n, abs(n) < 9.0e15 else {
            throw fail(key, "must be an integer, got \(value.briefDescription)")
        }
        return Int(n)
    }

    public func int(_ key: String) throws(ConfigError) -> Int {
        guard let i = try optionalInt(key) else { throw fail(key, "is required (an integer)") }
        return i
    }

    public func positiveInt(_ key: String) throws(ConfigError) -> Int {
        guard let value = optionalValue(key) else { throw fail(key, "is required (a positive integer)") }
        guard case let .number(n) = value, n.rounded() == n, n >= 1, n < 9.0e15 else {
            throw fail(key, "must be a positive integer, got \(value.briefDescription)")
        }
        return Int(n)
    }

    public func nonNegativeInt(_ key: String) throws(ConfigError) -> Int {
        guard let value = optionalValue(key) else { throw fail(key, "is required (a non-negative integer)") }
        guard case let .number(n) = value, n.rounded() == n, n >= 0, n < 9.0e15 else {
            throw fail(key, "must be a non-negative integer, got \(value.briefDescription)")
        }
        return Int(n)
    }

    // MARK: Range-checked accessors
    //
    // Every number that sizes an allocation, a loop or an integer product must be read with one of
    // these, so that a typo such as `"cols": 4294967297` is refused where it is read, naming the
    // path and the accepted range, instead of trapping or hanging deep inside the model. The
    // ranges themselves are documented in `docs/limits.md`.

    /// A number inside `range` (finite by construction).
    public func number(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let n = try optionalNumber(key, in: range) else {
            throw fail(key, "is required (a number in \(Self.describe(range)))")
        }
        return n
    }

    public func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let value = optionalValue(key) else { return nil }
        return try Self.number(value, in: range, file: file, path: childPath(key))
    }

    /// An integer inside `range`.
    public func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let i = try optionalInt(key, in: range) else {
            throw fail(key, "is required (an integer in \(Self.describe(range)))")
        }
        return i
    }

    public func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = optionalValue(key) else { return nil }
        return try Self.int(value, in: range, file: file, path: childPath(key))
    }

    /// Checks a value found anywhere (an array element, an object entry) against a range.
    public static func number(_ value: JSONValue, in range: ClosedRange<Double>, file: String, path: String) throws(ConfigError) -> Double {
        guard case let .number(n) = value, n.isFinite, range.contains(n) else {
            throw ConfigError(file: file, path: path, message: "must be a number in \(describe(range)), got \(value.briefDescription)")
        }
        return n
    }

    /// Checks that a value is an integer inside `range`; never converts an out-of-range double.
    public static func int(_ value: JSONValue, in range: ClosedRange<Int>, file: String, path: String) throws(ConfigError) -> Int {
        guard case let .number(n) = value, n.rounded() == n,
              n >= Double(range.lowerBound), n <= Double(range.upperBound), let i = Int(exactly: n), range.contains(i) else {
            throw ConfigError(file: file, path: path, message: "must be an integer in \(describe(range)), got \(value.briefDescription)")
        }
        return i
    }

    /// `[1, 4096]`, `[0.001, 1e+06]`: how ranges appear in error messages and docs.
    public static func describe(_ range: ClosedRange<Double>) -> String {
        "[\(JSONWriter.formatNumber(range.lowerBound)), \(JSONWriter.formatNumber(range.upperBound))]"
    }

    public static func describe(_ range: ClosedRange<Int>) -> String {
        "[\(range.lowerBound), \(range.upperBound)]"
    }

    /// A string that must be one of the raw values of `E`.
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type = E.self) throws(ConfigError) -> E
        where E.RawValue == String {
        let raw = try string(key)
        guard let value = E(rawValue: raw) else {
            throw fail(key, "unknown value \"\(raw)\" (expected one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    public func object(_ key: String) throws(ConfigError) -> JSONObjectReader {
        guard let reader = try optionalObject(key) else { throw fail(key, "is required (an object)") }
        return reader
    }

    public func optionalObject(_ key: String) throws(ConfigError) -> JSONObjectReader? {
        guard let value = optionalValue(key) else { return nil }
        guard case .object = value else { throw fail(key, "must be an object, got \(value.briefDescription)") }
        return try JSONObjectReader(file: file, path: childPath(key), value: value)
    }

    /// An array; each element comes with its JSON path (`$.ops[3]`).
    public func array(_ key: String) throws(ConfigError) -> [(path: String, value: JSONValue)] {
        guard let value = optionalValue(key) else { throw fail(key, "is required (an array)") }
        guard case let .array(items) = value else { throw fail(key, "must be an array, got \(value.briefDescription)") }
        let base = childPath(key)
        return items.enumerated().map { ("\(base)[\($0.offset)]", $0.element) }
    }

    /// The key/value pairs of an object-valued field, in document order.
    public func entries(_ key: String) throws(ConfigError) -> [(key: String, path: String, value: JSONValue)] {
        guard let value = optionalValue(key) else { throw fail(key, "is required (an object)") }
        guard case let .object(pairs) = value else { throw fail(key, "must be an object, got \(value.briefDescription)") }
        let base = childPath(key)
        let reader = try JSONObjectReader(file: file, path: base, value: value)
        return pairs.map { ($0.key, reader.childPath($0.key), $0.value) }
    }

    /// The "source" string required on every object that carries hardware or cost numbers.
    public func source() throws(ConfigError) -> String {
        guard let s = try optionalString("source") else {
            throw fail("source", "is required: cite a datasheet, paper or URL, or write \"assumption: …\"")
        }
        return s
    }
}
