/// Serialises `JSONValue`s: canonical (sorted keys, no whitespace) for content hashing, or pretty
/// for files people read.
public enum JSONWriter {
    /// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
    /// numbers in shortest round-trip form (integers without a fraction). Two documents that mean
    /// the same thing have the same canonical text, hence the same content hash.
    public static func canonical(_ value: JSONValue) -> String {
        canonical(value, offsetOfTopLevelKey: nil).text
    }

    /// `canonical(value)` and, when `key` is given and `value` is an object with that key, the
    /// byte offset in the text's UTF-8 where the key's value starts (after `"key":`).
    ///
    /// Written as UTF-8 bytes into one buffer (the same text as appending to a `String`, a
    /// fraction of the time): every sweep point's design is written canonically for its name and
    /// content hash.
    public static func canonical(_ value: JSONValue, offsetOfTopLevelKey key: String?) -> (text: String, offset: Int?) {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        var offset: Int?
        if let key, case let .object(pairs) = value {
            writeObject(pairs, into: &out) { pairKey, position in if pairKey == key { offset = position } }
        } else {
            writeCanonical(value, into: &out)
        }
        return (String(decoding: out, as: UTF8.self), offset)
    }

    private static func writeCanonical(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: append("null", to: &out)
        case let .bool(b): append(b ? "true" : "false", to: &out)
        case let .number(n): appendNumber(n, to: &out)
        case let .string(s): appendQuoted(s, to: &out)
        case let .array(items):
            out.append(0x5B)   // [
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }   // ,
                writeCanonical(item, into: &out)
            }
            out.append(0x5D)   // ]
        case let .object(pairs):
            writeObject(pairs, into: &out) { _, _ in }
        }
    }

    /// An object with its keys sorted by their UTF-8 bytes; `visit` gets each key and the offset
    /// where its value starts.
    @inline(__always)
    private static func writeObject(_ pairs: [(key: String, value: JSONValue)], into out: inout [UInt8],
                                    visit: (String, Int) -> Void) {
        if pairs.isEmpty { append("{}", to: &out); return }
        let ordered = pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        out.append(0x7B)   // {
        for (i, pair) in ordered.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendQuoted(pair.key, to: &out)
            out.append(0x3A)   // :
            visit(pair.key, out.count)
            writeCanonical(pair.value, into: &out)
        }
        out.append(0x7D)   // }
    }

    @inline(__always)
    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `formatNumber(n)` as UTF-8: integral values up to 2^53 digit by digit, others by the same
    /// `description`.
    private static func appendNumber(_ n: Double, to out: inout [UInt8]) {
        if n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 {
            var value = Int64(n)
            if value < 0 { out.append(0x2D); value = -value }   // -
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var count = 0
                repeat {
                    digits[count] = 0x30 + UInt8(value % 10)
                    value /= 10
                    count += 1
                } while value > 0
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(digits[i]) }
            }
        } else {
            out.append(contentsOf: "\(n)".utf8)
        }
    }

    /// `appendQuoted(s, to:)` as UTF-8: escapes quote, backslash and control characters, and copies
    /// every other byte (multi-byte sequences never contain an ASCII byte).
    private static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            var plain = true
            for byte in bytes where byte == 0x22 || byte == 0x5C || byte < 0x20 { plain = false; break }
            if plain { out.append(contentsOf: bytes); return }
            for byte in bytes {
                switch byte {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(0x6E)   // \n
                case 0x0D: out.append(0x5C); out.append(0x72)   // \r
                case 0x09: out.append(0x5C); out.append(0x74)   // \t
                case ..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    append("\\u00", to: &out)
                    out.append(hex.utf8Start[Int(byte >> 4)])
                    out.append(hex.utf8Start[Int(byte & 0xF)])
                default: out.append(byte)
                }
            }
        }
        out.append(0x22)
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
