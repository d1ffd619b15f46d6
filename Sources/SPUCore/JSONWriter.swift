/// Serialises `JSONValue`s: canonical (sorted keys, no whitespace) for content hashing, or pretty
/// for files people read.
public enum JSONWriter {
    /// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
    /// numbers in shortest round-trip form (integers without a fraction). Two documents that mean
    /// the same thing have the same canonical text, hence the same content hash.
    public static func canonical(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, sortKeys: true, indent: nil, level: 0)
        return out
    }

    /// Indented JSON with keys in document order.
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, sortKeys: false, indent: "  ", level: 0)
        return out
    }

    /// Shortest text for a finite double; integral values up to 2^53 print without a fraction.
    public static func formatNumber(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 {
            return String(Int64(n))
        }
        return "\(n)"
    }

    public static func quote(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal. Most strings (keys, names, citations) need no
    /// escape and are appended whole: canonical JSON of every sweep point is written for its
    /// content hash, and appending scalar by scalar was most of a design's decode time.
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        if !needsEscape(s) {
            out += s
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Whether `s` has a quote, a backslash or a control character (scanned over its contiguous
    /// UTF-8 bytes when it has them, which native strings do).
    @inline(__always)
    static func needsEscape(_ s: String) -> Bool {
        if let found = s.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            for byte in bytes where byte == 0x22 || byte == 0x5C || byte < 0x20 { return true }
            return false
        }) { return found }
        return s.utf8.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
    }

    private static func write(_ value: JSONValue, into out: inout String, sortKeys: Bool, indent: String?, level: Int) {
        switch value {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += formatNumber(n)
        case let .string(s): appendQuoted(s, to: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line when pretty-printing.
            let inline = indent == nil || items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += inline && indent != nil ? ", " : "," }
                if !inline, let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                write(item, into: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            if !inline, let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "]"
        case let .object(pairs):
            if pairs.isEmpty { out += "{}"; return }
            let ordered = sortKeys ? pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : pairs
            out += "{"
            for (i, pair) in ordered.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
                appendQuoted(pair.key, to: &out)
                out += indent == nil ? ":" : ": "
                write(pair.value, into: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: indent, count: level) }
            out += "}"
        }
    }
}
