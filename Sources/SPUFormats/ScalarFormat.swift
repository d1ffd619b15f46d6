/// A scalar number format with bit-exact encoding and decoding.
///
/// Codes are the format's bit patterns in the low `bits` bits of a `UInt32`. `encode` rounds as
/// the format's reference implementation does (round-to-nearest-even unless documented
/// otherwise); `saturate` selects clamping to ±max instead of the format's overflow value
/// (infinity or NaN) where the reference has both behaviours.
public protocol ScalarFormat: Sendable {
    /// Stable name used on the command line and in results (`fp8-e4m3`, `posit16-es1`, `lns8f3`).
    var name: String { get }
    var bits: Int { get }
    /// One-line description with the reference it follows.
    var summary: String { get }
    /// Whether `encode(_:saturate: false)` already clamps overflow (no infinity/NaN on overflow).
    var saturatesByDefault: Bool { get }
    func encode(_ value: Double, saturate: Bool) -> UInt32
    func decode(_ code: UInt32) -> Double
    /// Range facts; the default enumerates every code (formats wider than 20 bits override it).
    var metadata: FormatMetadata { get }
    /// The magnitude per-tensor absmax scaling maps a tensor's max|x| to: the largest finite value
    /// (default), except for tapered formats, whose precision peaks near 1 (posits: useed).
    var absmaxTarget: Double { get }
}

extension ScalarFormat {
    public func encode(_ value: Double) -> UInt32 { encode(value, saturate: saturatesByDefault) }

    /// The value the format represents nearest to `value` (encode then decode).
    public func quantize(_ value: Double, saturate: Bool? = nil) -> Double {
        decode(encode(value, saturate: saturate ?? saturatesByDefault))
    }

    public var absmaxTarget: Double { metadata.maxFinite }

    public var codeCount: Int { 1 << bits }

    /// Every code, 0 ..< 2^bits.
    public var allCodes: Range<UInt32> { 0..<UInt32(codeCount) }

    /// Largest finite value, smallest positive value and dynamic range, found by enumerating codes.
    public var metadata: FormatMetadata { enumeratedMetadata }

    public var enumeratedMetadata: FormatMetadata {
        precondition(bits <= 20, "\(name): enumerating 2^\(bits) codes; override metadata")
        var maxFinite = 0.0, minPositive = Double.infinity
        var hasInfinity = false, hasNaN = false
        for code in allCodes {
            let v = decode(code)
            if v.isNaN { hasNaN = true; continue }
            if v.isInfinite { hasInfinity = true; continue }
            if v > maxFinite { maxFinite = v }
            if v > 0, v < minPositive { minPositive = v }
        }
        return FormatMetadata(name: name, bits: bits, maxFinite: maxFinite, minPositive: minPositive,
                              hasInfinity: hasInfinity, hasNaN: hasNaN)
    }
}

/// Range facts about a format.
public struct FormatMetadata: Sendable, Equatable {
    public var name: String
    public var bits: Int
    public var maxFinite: Double
    public var minPositive: Double
    public var hasInfinity: Bool
    public var hasNaN: Bool

    /// Dynamic range in decades: log10(max / min positive).
    public var decades: Double { log10(maxFinite / minPositive) }
}

/// Rounding of a non-negative integer quotient `significand / 2^shift`.
enum IntegerRounding {
    /// Round half to even.
    @inline(__always)
    static func nearestEven(_ significand: UInt64, shift: Int) -> UInt64 {
        if shift <= 0 { return significand << UInt64(-shift) }
        if shift >= 64 { return 0 }
        let q = significand >> UInt64(shift)
        let remainder = significand & ((1 << UInt64(shift)) - 1)
        let half: UInt64 = 1 << UInt64(shift - 1)
        if remainder > half || (remainder == half && q & 1 == 1) { return q + 1 }
        return q
    }

    /// Round half away from zero (microxcaling's default for MX elements).
    @inline(__always)
    static func nearestAway(_ significand: UInt64, shift: Int) -> UInt64 {
        if shift <= 0 { return significand << UInt64(-shift) }
        if shift >= 64 { return 0 }
        let q = significand >> UInt64(shift)
        let remainder = significand & ((1 << UInt64(shift)) - 1)
        return remainder >= (1 << UInt64(shift - 1)) ? q + 1 : q
    }
}

