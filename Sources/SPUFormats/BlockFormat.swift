/// A block-scaled format: elements of a scalar format sharing one scale per block.
public protocol BlockFormat: Sendable {
    var name: String { get }
    var blockSize: Int { get }
    /// Bits per element including its share of the block scale.
    var bitsPerElement: Double { get }
    var summary: String { get }
    /// Quantises one block (at most `blockSize` values): the shared log2 scale, the element codes
    /// and the dequantised values.
    func quantizeBlock(_ values: ArraySlice<Double>) -> QuantizedBlock
}

public struct QuantizedBlock: Sendable, Equatable {
    /// The block's shared scale as a power of two (may be fractional for log offsets).
    public var scaleLog2: Double
    public var codes: [UInt32]
    public var values: [Double]
}

extension BlockFormat {
    /// Quantises a whole vector block by block.
    public func quantize(_ values: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(values.count)
        var start = 0
        while start < values.count {
            let end = min(start + blockSize, values.count)
            out += quantizeBlock(values[start..<end]).values
            start = end
        }
        return out
    }
}

/// OCP Microscaling (MX v1.0) block formats: 32 elements sharing an E8M0 power-of-two scale,
/// following microsoft/microxcaling: shared exponent = ⌊log2(max|x|)⌋ − emax_elem, clamped to
/// [−127, 127]; elements are x / 2^shared rounded half away from zero and saturated to the
/// element's largest normal. MXINT8 elements are int8 with 6 fractional bits (value q·2^−6).
public struct MXFormat: BlockFormat, Hashable {
    public enum Element: Hashable, Sendable {
        case float(MiniFloat)
        /// Signed 8-bit integer with 6 fractional bits.
        case int8
    }

    public let name: String
    public let element: Element
    public let blockSize: Int

    public init(name: String, element: Element, blockSize: Int = 32) {
        self.name = name
        self.element = element
        self.blockSize = blockSize
    }

    public var elementBits: Int {
        switch element {
        case let .float(format): return format.bits
        case .int8: return 8
        }
    }

    public var bitsPerElement: Double { Double(elementBits) + 8 / Double(blockSize) }
    public var summary: String { "OCP MX: \(blockSize) × \(elementBits)-bit elements + E8M0 scale (microxcaling rounding)" }

    /// Exponent of the element type's largest normal value (emax_elem in the MX spec).
    public var elementMaxExponent: Int {
        switch element {
        case let .float(format):
            let maxValue = format.decode(format.maxFiniteCode)
            return Int(maxValue.exponent)
        case .int8: return 0
        }
    }

    public func quantizeBlock(_ values: ArraySlice<Double>) -> QuantizedBlock {
        var amax = 0.0
        for v in values where v.isFinite { amax = max(amax, v.magnitude) }
        // microxcaling: floor(log2(amax)), with amax = 0 treated as the fp32 min normal.
        let amaxExponent = amax > 0 ? Int(amax.exponent) : -126
        let shared = min(max(amaxExponent - elementMaxExponent, -127), 127)
        let scale = Double(sign: .plus, exponent: shared, significand: 1)
        var codes: [UInt32] = []
        var out: [Double] = []
        codes.reserveCapacity(values.count)
        out.reserveCapacity(values.count)
        for v in values {
            let scaled = v / scale
            switch element {
            case let .float(format):
                // microxcaling takes torch.sign(±0) = +0: a zero element is +0 whatever its sign.
                let code = scaled == 0 ? 0 : format.encode(scaled, saturate: true, roundHalfAway: true)
                codes.append(code)
                out.append(format.decode(code) * scale)
            case .int8:
                let q = scaled.isNaN ? 0 : min(max((scaled * 64).rounded(.toNearestOrAwayFromZero), -127), 127)
                codes.append(UInt32(bitPattern: Int32(q)) & 0xFF)
                out.append(q == 0 ? 0 : q / 64 * scale)   // a negative value rounding to 0 gives +0
            }
        }
        return QuantizedBlock(scaleLog2: Double(shared), codes: codes, values: out)
    }

    public static let mxfp8E4M3 = MXFormat(name: "mxfp8-e4m3", element: .float(.fp8E4M3))
    public static let mxfp8E5M2 = MXFormat(name: "mxfp8-e5m2", element: .float(.fp8E5M2))
    public static let mxfp6E3M2 = MXFormat(name: "mxfp6-e3m2", element: .float(.fp6E3M2))
    public static let mxfp6E2M3 = MXFormat(name: "mxfp6-e2m3", element: .float(.fp6E2M3))
    public static let mxfp4E2M1 = MXFormat(name: "mxfp4-e2m1", element: .float(.fp4E2M1))
    public static let mxint8 = MXFormat(name: "mxint8", element: .int8)
    public static let all: [MXFormat] = [.mxfp8E4M3, .mxfp8E5M2, .mxfp6E3M2, .mxfp6E2M3, .mxfp4E2M1, .mxint8]
}

/// Family (C) of the PAL-like formats: a block-adaptive log offset over a log format. Each block
/// of k elements shares an offset o (a multiple of 2^−offsetFractionBits, stored in
/// 8 + offsetFractionBits bits) chosen as the smallest grid value that puts the block's largest
/// magnitude at or below the element format's maxpos; elements encode x / 2^o.
public struct BlockLogOffset: BlockFormat {
    public let name: String
    public let element: any ScalarFormat
    public let elementMaxLog2: Double
    public let blockSize: Int
    public let offsetFractionBits: Int

    public init(name: String, element: LogNumberSystem, blockSize: Int = 32, offsetFractionBits: Int = 0) {
        self.name = name
        self.element = element
        self.elementMaxLog2 = element.maxLog2
        self.blockSize = blockSize
        self.offsetFractionBits = offsetFractionBits
    }

    public init(name: String, element: MultiBaseLNS, blockSize: Int = 32, offsetFractionBits: Int = 0) {
        self.name = name
        self.element = element
        self.elementMaxLog2 = log2(element.decode(element.encode(.greatestFiniteMagnitude)))
        self.blockSize = blockSize
        self.offsetFractionBits = offsetFractionBits
    }

    public var bitsPerElement: Double { Double(element.bits) + Double(8 + offsetFractionBits) / Double(blockSize) }
    public var summary: String { "\(element.name) with a per-\(blockSize) log2 offset (\(8 + offsetFractionBits) bits, \(offsetFractionBits) fraction bits)" }

    public func quantizeBlock(_ values: ArraySlice<Double>) -> QuantizedBlock {
        var amax = 0.0
        for v in values where v.isFinite { amax = max(amax, v.magnitude) }
        let grid = Double(1 << offsetFractionBits)
        let offset = amax > 0 ? min(max(((log2(amax) - elementMaxLog2) * grid).rounded(.up) / grid, -128), 127) : 0
        let scale = pow(2.0, offset)
        var codes: [UInt32] = []
        var out: [Double] = []
        for v in values {
            let code = element.encode(v / scale)
            codes.append(code)
            out.append(element.decode(code) * scale)
        }
        return QuantizedBlock(scaleLog2: offset, codes: codes, values: out)
    }
}
