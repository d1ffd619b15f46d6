import SPUCore
import SPUFormats

/// Reads the float tensors of a `.safetensors` file straight into `[Float]`.
///
/// `SPUFormats.TensorFile` reads small samples into `[Double]` and rejects every non-float dtype;
/// a full checkpoint holds 23 M values and an `I64` `position_ids` buffer, so this reader parses the
/// header with SPUCore's strict JSON parser, skips tensors of other dtypes, and decodes F32 in bulk
/// (F16/BF16 through the bit-exact `MiniFloat` codecs).
public enum SafetensorsReader {
    public struct Tensor: Sendable {
        public var shape: [Int]
        public var values: [Float]
    }

    public static func read(_ bytes: [UInt8], file: String) throws(ConfigError) -> [String: Tensor] {
        guard bytes.count >= 8 else { throw ConfigError(file: file, path: "$", message: "not a safetensors file (shorter than 8 bytes)") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard headerLength > 0, 8 + headerLength <= bytes.count else {
            throw ConfigError(file: file, path: "$", message: "safetensors header length \(headerLength) exceeds the file")
        }
        let header: JSONValue
        do { header = try JSONParser.parse(bytes: Array(bytes[8..<8 + headerLength])) } catch {
            throw ConfigError(file: file, path: "$", message: "safetensors header is not JSON: \(error.description)")
        }
        guard case let .object(entries) = header else { throw ConfigError(file: file, path: "$", message: "safetensors header is not an object") }
        let dataStart = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        for (name, entry) in entries where name != "__metadata__" {
            let path = "$.\(name)"
            guard case let .string(dtype)? = entry["dtype"], case let .array(shapeValues)? = entry["shape"],
                  case let .array(offsetValues)? = entry["data_offsets"], offsetValues.count == 2 else {
                throw ConfigError(file: file, path: path, message: "needs dtype, shape and data_offsets [begin, end]")
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            default: continue   // integer buffers (position_ids) are not model weights
            }
            var shape: [Int] = []
            for case let .number(n) in shapeValues { shape.append(Int(n)) }
            var offsets: [Int] = []
            for case let .number(n) in offsetValues { offsets.append(Int(n)) }
            let count = shape.reduce(1, *)
            guard shape.count == shapeValues.count, offsets.count == 2, offsets[0] >= 0, offsets[1] - offsets[0] == count * width,
                  dataStart + offsets[1] <= bytes.count else {
                throw ConfigError(file: file, path: path + ".data_offsets", message: "must span shape \(shape) × \(width) bytes inside the file")
            }
            let begin = dataStart + offsets[0]
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { raw in
                    for i in 0..<count {
                        let at = begin + i * width
                        switch dtype {
                        case "F32": buffer[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                        case "F16": buffer[i] = Float(MiniFloat.fp16.decode(UInt32(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)))
                        default: buffer[i] = Float(MiniFloat.bf16.decode(UInt32(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)))
                        }
                    }
                }
                initialized = count
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return tensors
    }
}
