/// E8M0, the OCP MX shared-scale type: an unsigned power of two 2^(code − 127) for codes 0…254,
/// NaN at 0xFF, no zero, no sign, no infinity (ml_dtypes `float8_e8m0fnu`).
///
/// Conversion follows ml_dtypes 0.6.0: for x ≥ 2^−126 round to the nearest power of two in the
/// linear domain with ties (x = 1.5·2^k) rounding up; x ≥ 1.5·2^127 is NaN; below 2^−126
/// ml_dtypes' subnormal path gives 2^−127 < x < 2^−126 → 0x01 and 0 < x ≤ 2^−127 → 0x00;
/// zero, negatives, infinities and NaN give 0xFF.
public struct E8M0: ScalarFormat, Hashable {
    public init() {}

    public var name: String { "e8m0" }
    public var bits: Int { 8 }
    public var summary: String { "unsigned power of two 2^(code-127), MX shared scale" }
    public var saturatesByDefault: Bool { false }

    public var metadata: FormatMetadata {
        FormatMetadata(name: name, bits: 8, maxFinite: decode(254), minPositive: decode(0), hasInfinity: false, hasNaN: true)
    }

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        guard value.isFinite, value > 0 else { return 0xFF }
        let tiny = 0x1p-126
        if value < tiny { return value > 0x1p-127 ? 0x01 : 0x00 }
        let exponent = Int(value.exponent)
        // Nearest power of two in the linear domain, ties (1.5·2^k) up.
        let rounded = value.significand >= 1.5 ? exponent + 1 : exponent
        let code = rounded + 127
        if code > 254 { return saturate ? 254 : 0xFF }
        return UInt32(code)
    }

    public func decode(_ code: UInt32) -> Double {
        let c = Int(code & 0xFF)
        return c == 0xFF ? .nan : Double(sign: .plus, exponent: c - 127, significand: 1)
    }
}
