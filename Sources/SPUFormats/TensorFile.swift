/// Readers for real tensors: NumPy `.npy` (v1–v3, little-endian f2/f4/f8, C order) and
/// `.safetensors` (F16/BF16/F32/F64). They take the file's bytes, so this module needs no I/O.
public enum TensorFile {
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Double]
    }

    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String { if case let .invalid(m) = self { return m }; return "" }
    }

    public static func readNPY(_ bytes: [UInt8], name: String) throws(ReadError) -> Tensor {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw .invalid("not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            guard bytes.count >= 12 else { throw .invalid("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard headerStart + headerLength <= bytes.count else { throw .invalid("truncated .npy header") }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        guard let descr = field(header, "descr") else { throw .invalid(".npy header has no descr") }
        guard field(header, "fortran_order")?.hasPrefix("False") == true else { throw .invalid("Fortran-order .npy arrays are not supported") }
        guard let shapeText = field(header, "shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw .invalid(".npy header has no shape")
        }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(" ")) }
        let dtype = descr.trimmingCharacters("'\" ")
        let values = try decode(Array(bytes[(headerStart + headerLength)...]), dtype: dtype, count: shape.reduce(1, *))
        return Tensor(name: name, shape: shape, values: values)
    }

    public static func readSafetensors(_ bytes: [UInt8]) throws(ReadError) -> [Tensor] {
        guard bytes.count >= 8 else { throw .invalid("not a safetensors file (too short)") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard headerLength > 0, 8 + headerLength <= bytes.count else { throw .invalid("safetensors header length out of range") }
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        let data = Array(bytes[(8 + headerLength)...])
        var tensors: [Tensor] = []
        for (name, body) in topLevelObjects(header) where name != "__metadata__" {
            guard let dtype = field(body, "dtype")?.trimmingCharacters("\" "),
                  let shapeText = bracket(body, "shape"), let offsetsText = bracket(body, "data_offsets") else {
                throw .invalid("safetensors entry \(name) lacks dtype/shape/data_offsets")
            }
            let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(" ")) }
            let offsets = offsetsText.split(separator: ",").compactMap { Int($0.trimmingCharacters(" ")) }
            guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= data.count else { throw .invalid("bad data_offsets for \(name)") }
            let numpyType: String
            switch dtype {
            case "F16": numpyType = "<f2"
            case "BF16": numpyType = "bf16"
            case "F32": numpyType = "<f4"
            case "F64": numpyType = "<f8"
            default: throw .invalid("unsupported safetensors dtype \(dtype) for \(name)")
            }
            let values = try decode(Array(data[offsets[0]..<offsets[1]]), dtype: numpyType, count: shape.reduce(1, *))
            tensors.append(Tensor(name: name, shape: shape, values: values))
        }
        return tensors.sorted { $0.name < $1.name }
    }

    private static func decode(_ bytes: [UInt8], dtype: String, count: Int) throws(ReadError) -> [Double] {
        let width: Int
        switch dtype {
        case "<f2", "bf16": width = 2
        case "<f4": width = 4
        case "<f8": width = 8
        default: throw .invalid("unsupported dtype \(dtype) (little-endian f2/f4/f8 only)")
        }
        guard bytes.count >= count * width else { throw .invalid("data holds \(bytes.count) bytes, expected \(count * width)") }
        var out = [Double]()
        out.reserveCapacity(count)
        for i in 0..<count {
            var raw: UInt64 = 0
            for j in 0..<width { raw |= UInt64(bytes[i * width + j]) << UInt64(8 * j) }
            switch dtype {
            case "<f2": out.append(MiniFloat.fp16.decode(UInt32(raw)))
            case "bf16": out.append(MiniFloat.bf16.decode(UInt32(raw)))
            case "<f4": out.append(Double(Float(bitPattern: UInt32(raw))))
            default: out.append(Double(bitPattern: raw))
            }
        }
        return out
    }

    /// The text after `'key':` or `"key":` up to the next comma at depth 0 (enough for .npy
    /// headers and safetensors entries).
    static func field(_ text: String, _ key: String) -> String? {
        for quote in ["'", "\""] {
            guard let range = text.firstRange(of: quote + key + quote) else { continue }
            var rest = text[range.upperBound...].drop(while: { $0 == " " || $0 == ":" })
            var depth = 0
            var out = ""
            while let c = rest.first {
                if c == "(" || c == "[" { depth += 1 }
                if c == ")" || c == "]" { depth -= 1 }
                if (c == "," || c == "}") && depth == 0 { break }
                out.append(c)
                rest = rest.dropFirst()
            }
            return out
        }
        return nil
    }

    static func bracket(_ text: String, _ key: String) -> String? {
        guard let value = field(text, key), let open = value.firstIndex(of: "["), let close = value.lastIndex(of: "]") else { return nil }
        return String(value[value.index(after: open)..<close])
    }

    /// Top-level `"name": { … }` pairs of a JSON object (safetensors header).
    static func topLevelObjects(_ json: String) -> [(String, String)] {
        var out: [(String, String)] = []
        let chars = Array(json)
        var i = 0, depth = 0
        var currentKey: String?
        var bodyStart = 0
        var inString = false
        var stringStart = 0
        var lastString = ""
        while i < chars.count {
            let c = chars[i]
            if inString {
                if c == "\\" { i += 2; continue }
                if c == "\"" { inString = false; lastString = String(chars[stringStart..<i]) }
            } else if c == "\"" {
                inString = true
                stringStart = i + 1
            } else if c == "{" {
                depth += 1
                if depth == 2 { currentKey = lastString; bodyStart = i }
            } else if c == "}" {
                if depth == 2, let key = currentKey { out.append((key, String(chars[bodyStart...i]))) }
                depth -= 1
            }
            i += 1
        }
        return out
    }
}

extension String {
    /// Trims the given characters from both ends (no Foundation needed).
    func trimmingCharacters(_ set: String) -> String {
        String(self.drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

extension Substring {
    func trimmingCharacters(_ set: String) -> String { String(self).trimmingCharacters(set) }
}
