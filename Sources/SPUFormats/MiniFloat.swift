/// Small binary floating-point formats: IEEE-style (fp16, bf16, fp32, fp8-e5m2), OCP FP8 E4M3
/// ("FN": no infinity, one NaN mantissa), the FNUZ variants (no infinity, no negative zero, NaN
/// is 0x80) and the OCP MX element types FP6/FP4 (no infinity, no NaN).
///
/// Encoding works on the double's bit pattern with integer rounding, so it is exact: one
/// rounding from binary64, round-half-to-even (as ml_dtypes and IEEE 754 do).
/// References: IEEE 754-2019; OCP 8-bit Floating Point Specification (OFP8) rev 1.0;
/// OCP Microscaling Formats (MX) v1.0; Graphcore/AMD FNUZ as implemented by ml_dtypes.
public struct MiniFloat: ScalarFormat, Hashable {
    /// How the top of the exponent range is used.
    public enum Encoding: String, Sendable, Hashable {
        /// IEEE 754: all-ones exponent is ±infinity (mantissa 0) or NaN.
        case ieee
        /// OCP E4M3 "FN": no infinity; all-ones exponent and mantissa is NaN, the rest are finite.
        case finiteWithNaN
        /// FNUZ: no infinity, no negative zero; NaN is the sign bit alone (0x80).
        case fnuz
        /// MX FP6/FP4: every pattern is finite; there is no NaN or infinity.
        case finite
    }

    public let name: String
    public let exponentBits: Int
    public let mantissaBits: Int
    public let bias: Int
    public let encoding: Encoding
    /// Overflow saturates in the reference conversion even without asking (FP6/FP4).
    public let saturatesByDefault: Bool

    public var bits: Int { 1 + exponentBits + mantissaBits }
    public var summary: String {
        "binary float, \(exponentBits) exponent and \(mantissaBits) mantissa bits, bias \(bias), \(encoding.rawValue)"
    }

    public init(name: String, exponentBits: Int, mantissaBits: Int, bias: Int, encoding: Encoding, saturatesByDefault: Bool = false) {
        self.name = name
        self.exponentBits = exponentBits
        self.mantissaBits = mantissaBits
        self.bias = bias
        self.encoding = encoding
        self.saturatesByDefault = saturatesByDefault
    }

    // MARK: Derived codes

    var signBit: UInt32 { 1 << UInt32(bits - 1) }
    var magnitudeMask: UInt32 { signBit - 1 }
    /// Smallest normal exponent.
    var minNormalExponent: Int { 1 - bias }
    /// Largest finite magnitude code.
    var maxFiniteCode: UInt32 {
        switch encoding {
        case .ieee: return ((1 << UInt32(exponentBits)) - 1) << UInt32(mantissaBits) - 1
        case .finiteWithNaN: return magnitudeMask - 1
        case .fnuz, .finite: return magnitudeMask
        }
    }
    var infinityCode: UInt32? { encoding == .ieee ? ((1 << UInt32(exponentBits)) - 1) << UInt32(mantissaBits) : nil }
    /// The NaN produced for a NaN input or non-saturating overflow (sign added where it exists).
    var nanCode: UInt32? {
        switch encoding {
        case .ieee: return ((1 << UInt32(exponentBits)) - 1) << UInt32(mantissaBits) | (1 << UInt32(mantissaBits - 1))
        case .finiteWithNaN: return magnitudeMask
        case .fnuz: return signBit
        case .finite: return nil
        }
    }

    // MARK: Encode / decode

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        encode(value, saturate: saturate, roundHalfAway: false)
    }

    /// Encodes with round-half-to-even, or round-half-away-from-zero (microxcaling's MX mode).
    @inline(__always)
    public func encode(_ value: Double, saturate: Bool, roundHalfAway: Bool) -> UInt32 {
        let raw = value.bitPattern
        let negative = raw >> 63 == 1
        let sign: UInt32 = negative ? signBit : 0
        let biasedExponent = Int((raw >> 52) & 0x7FF)
        let fraction = raw & 0x000F_FFFF_FFFF_FFFF
        if biasedExponent == 0x7FF {
            if fraction != 0 {   // NaN
                switch encoding {
                case .ieee, .finiteWithNaN: return sign | nanCode!
                case .fnuz: return nanCode!
                // ml_dtypes 0.6.0 quirk, kept for bit-exactness: NaN becomes a zero of the
                // opposite sign (+NaN → −0, −NaN → +0).
                case .finite: return sign ^ signBit
                }
            }
            return overflow(sign: sign, saturate: saturate)
        }
        if biasedExponent == 0 { return zero(sign: sign) }   // zero or a binary64 subnormal: far below every format's range
        let exponent = biasedExponent - 1023
        let significand = fraction | (1 << 52)
        let magnitude: UInt64
        if exponent >= minNormalExponent {
            let q = roundHalfAway ? IntegerRounding.nearestAway(significand, shift: 52 - mantissaBits)
                                  : IntegerRounding.nearestEven(significand, shift: 52 - mantissaBits)
            let exponentField = UInt64(exponent - minNormalExponent + 1)
            guard exponentField < (1 << 40) else { return overflow(sign: sign, saturate: saturate) }
            magnitude = (exponentField << UInt64(mantissaBits)) + q - (1 << UInt64(mantissaBits))
        } else {
            let shift = 52 - mantissaBits + (minNormalExponent - exponent)
            magnitude = roundHalfAway ? IntegerRounding.nearestAway(significand, shift: shift)
                                      : IntegerRounding.nearestEven(significand, shift: shift)
        }
        if magnitude > UInt64(maxFiniteCode) { return overflow(sign: sign, saturate: saturate) }
        if magnitude == 0 { return zero(sign: sign) }
        return sign | UInt32(magnitude)
    }

    @inline(__always)
    private func zero(sign: UInt32) -> UInt32 { encoding == .fnuz ? 0 : sign }

    @inline(__always)
    private func overflow(sign: UInt32, saturate: Bool) -> UInt32 {
        if saturate || saturatesByDefault || encoding == .finite { return sign | maxFiniteCode }
        switch encoding {
        case .ieee: return sign | infinityCode!
        case .finiteWithNaN: return sign | nanCode!
        case .fnuz: return nanCode!
        case .finite: return sign | maxFiniteCode
        }
    }

    public func decode(_ code: UInt32) -> Double {
        let negative = code & signBit != 0
        let magnitude = code & magnitudeMask
        switch encoding {
        case .ieee:
            if let inf = infinityCode, magnitude >= inf {
                return magnitude == inf ? (negative ? -.infinity : .infinity) : .nan
            }
        case .finiteWithNaN:
            if magnitude == magnitudeMask { return .nan }
        case .fnuz:
            if code == signBit { return .nan }
        case .finite:
            break
        }
        let exponentField = Int(magnitude >> UInt32(mantissaBits))
        let mantissa = Double(magnitude & ((1 << UInt32(mantissaBits)) - 1))
        let scale = Double(sign: .plus, exponent: -mantissaBits, significand: 1)
        let value: Double
        if exponentField == 0 {
            value = mantissa * scale * Double(sign: .plus, exponent: minNormalExponent, significand: 1)
        } else {
            value = (1 + mantissa * scale) * Double(sign: .plus, exponent: exponentField - bias, significand: 1)
        }
        return negative ? -value : value
    }
}

extension MiniFloat {
    public var metadata: FormatMetadata {
        FormatMetadata(name: name, bits: bits, maxFinite: decode(maxFiniteCode), minPositive: decode(1),
                       hasInfinity: encoding == .ieee, hasNaN: encoding != .finite)
    }

    public static let fp32 = MiniFloat(name: "fp32", exponentBits: 8, mantissaBits: 23, bias: 127, encoding: .ieee)
    /// TF32: FP32's range with a 10-bit mantissa (tensor-core input format).
    public static let tf32 = MiniFloat(name: "tf32", exponentBits: 8, mantissaBits: 10, bias: 127, encoding: .ieee)
    public static let fp16 = MiniFloat(name: "fp16", exponentBits: 5, mantissaBits: 10, bias: 15, encoding: .ieee)
    public static let bf16 = MiniFloat(name: "bf16", exponentBits: 8, mantissaBits: 7, bias: 127, encoding: .ieee)
    /// OCP E4M3 (E4M3FN): max 448; overflow becomes NaN unless saturating (ml_dtypes float8_e4m3fn).
    public static let fp8E4M3 = MiniFloat(name: "fp8-e4m3", exponentBits: 4, mantissaBits: 3, bias: 7, encoding: .finiteWithNaN)
    public static let fp8E5M2 = MiniFloat(name: "fp8-e5m2", exponentBits: 5, mantissaBits: 2, bias: 15, encoding: .ieee)
    public static let fp8E4M3FNUZ = MiniFloat(name: "fp8-e4m3fnuz", exponentBits: 4, mantissaBits: 3, bias: 8, encoding: .fnuz)
    public static let fp8E5M2FNUZ = MiniFloat(name: "fp8-e5m2fnuz", exponentBits: 5, mantissaBits: 2, bias: 16, encoding: .fnuz)
    public static let fp6E3M2 = MiniFloat(name: "fp6-e3m2", exponentBits: 3, mantissaBits: 2, bias: 3, encoding: .finite, saturatesByDefault: true)
    public static let fp6E2M3 = MiniFloat(name: "fp6-e2m3", exponentBits: 2, mantissaBits: 3, bias: 1, encoding: .finite, saturatesByDefault: true)
    public static let fp4E2M1 = MiniFloat(name: "fp4-e2m1", exponentBits: 2, mantissaBits: 1, bias: 1, encoding: .finite, saturatesByDefault: true)

    public static let all: [MiniFloat] = [.fp32, .tf32, .fp16, .bf16, .fp8E4M3, .fp8E5M2, .fp8E4M3FNUZ, .fp8E5M2FNUZ, .fp6E3M2, .fp6E2M3, .fp4E2M1]
}
