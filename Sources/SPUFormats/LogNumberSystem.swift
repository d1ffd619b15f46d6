/// A one-dimensional logarithmic number system `lns<N, F>`, with exactly the semantics of
/// stillwater-sc/universal `lns<N, F>` (include/universal/number/lns/lns_impl.hpp), the type
/// Lemurian Labs' public PyTorch fork uses for LNS16 = lns<16, 8>.
///
/// Code: bit N−1 is the sign; bits N−2…0 are a two's-complement fixed-point log2 L with F
/// fractional bits; value = (−1)^s · 2^(L / 2^F). The most negative L is special: zero with
/// s = 0, NaN with s = 1. There is no infinity: ±inf and overflow saturate to ±maxpos. A value
/// at or below the minpos of lns<N+1, F+1> (about half of minpos in the log domain) flushes to
/// zero; smaller values above it become ±minpos. Otherwise L = round-half-even(log2|v| · 2^F):
/// rounding happens in the log domain.
public struct LogNumberSystem: ScalarFormat, Hashable {
    public let n: Int
    public let fractionBits: Int

    public init(n: Int, fractionBits: Int) {
        precondition(n >= 3 && n <= 32 && fractionBits >= 0 && fractionBits < n - 1, "lns<\(n),\(fractionBits)> is outside the supported range")
        self.n = n
        self.fractionBits = fractionBits
    }

    public var name: String { "lns\(n)f\(fractionBits)" }
    public var bits: Int { n }
    public var summary: String { "lns<\(n),\(fractionBits)>: sign + two's-complement log2 with \(fractionBits) fraction bits (universal semantics)" }
    public var saturatesByDefault: Bool { true }

    public var metadata: FormatMetadata {
        FormatMetadata(name: name, bits: n, maxFinite: pow(2.0, maxLog2), minPositive: pow(2.0, minLog2), hasInfinity: false, hasNaN: true)
    }

    var exponentMask: UInt32 { (1 << UInt32(n - 1)) - 1 }
    var signBit: UInt32 { 1 << UInt32(n - 1) }
    /// The most negative log code (0b1 followed by zeros in the exponent field).
    var specialPattern: UInt32 { 1 << UInt32(n - 2) }
    public var zeroCode: UInt32 { specialPattern }
    public var nanCode: UInt32 { signBit | specialPattern }
    var maxL: Int { (1 << (n - 2)) - 1 }
    var minL: Int { -(1 << (n - 2)) + 1 }
    var scale: Double { Double(1 << fractionBits) }

    /// log2 of the largest and smallest positive values.
    public var maxLog2: Double { Double(maxL) / scale }
    public var minLog2: Double { Double(minL) / scale }

    /// Encodes a log-domain value L (already an integer) with a sign.
    @inline(__always)
    func code(negative: Bool, log: Int) -> UInt32 {
        (negative ? signBit : 0) | (UInt32(bitPattern: Int32(truncatingIfNeeded: log)) & exponentMask)
    }

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        if value.isNaN { return nanCode }
        let negative = value.sign == .minus
        if value.isInfinite { return code(negative: negative, log: maxL) }
        if value == 0 { return zeroCode }
        let log = log2(value.magnitude)
        if log >= maxLog2 { return code(negative: negative, log: maxL) }
        // Flush rule: |v| ≤ minpos of lns<N+1, F+1>.
        let flushLog = Double(-(1 << (n - 1)) + 1) / (2 * scale)
        if log <= flushLog { return zeroCode }
        if log < minLog2 { return code(negative: negative, log: minL) }
        let l = Int((log * scale).rounded(.toNearestOrEven))
        return code(negative: negative, log: min(max(l, minL), maxL))
    }

    /// The signed log code L of a code (nil for zero and NaN).
    @inline(__always)
    public func logValue(_ code: UInt32) -> Int? {
        let field = code & exponentMask
        if field == specialPattern { return nil }
        let shift = 32 - (n - 1)
        return Int(Int32(bitPattern: field << UInt32(shift)) >> Int32(shift))
    }

    public func decode(_ code: UInt32) -> Double {
        guard let l = logValue(code) else { return code & signBit != 0 ? .nan : 0 }
        let magnitude = pow(2.0, Double(l) / scale)
        return code & signBit != 0 ? -magnitude : magnitude
    }
}
