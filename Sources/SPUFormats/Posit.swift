/// Posits `posit<n, es>` (Gustafson & Yonemoto 2017; Posit Standard 2022 for es = 2), n ≤ 32.
///
/// Encoding follows SoftPosit: the exact value's bit string (regime, exponent, fraction) is
/// rounded to n bits with round-half-to-even on the bit pattern; a nonzero finite value never
/// rounds to zero or NaR (it saturates to ±minpos / ±maxpos). NaN and ±infinity encode as NaR
/// (the single pattern 1000…0).
public struct Posit: ScalarFormat, Hashable {
    public let n: Int
    public let es: Int

    public init(n: Int, es: Int) {
        precondition(n >= 3 && n <= 32 && es >= 0 && es <= 4, "posit<\(n),\(es)> is outside the supported range")
        self.n = n
        self.es = es
    }

    public var name: String { "posit\(n)-es\(es)" }
    public var bits: Int { n }
    public var summary: String { "posit<\(n),\(es)>, SoftPosit rounding (never to zero or NaR)" }
    public var saturatesByDefault: Bool { true }

    public var metadata: FormatMetadata {
        FormatMetadata(name: name, bits: n, maxFinite: decode(UInt32(maxposCode)), minPositive: decode(1), hasInfinity: false, hasNaN: true)
    }

    /// Absmax scaling maps max|x| to useed = 2^(2^es), the top of the regime pair [1/useed, useed)
    /// where a posit has the most fraction bits; mapped to maxpos (the float rule) the data would
    /// sit in the sparse tapered end, where every posit<n, es> has the same few codes, so
    /// posit16-es1 scored exactly as posit8-es1.
    public var absmaxTarget: Double { Double(sign: .plus, exponent: 1 << es, significand: 1) }

    var mask: UInt64 { (1 << UInt64(n)) - 1 }
    var narCode: UInt32 { UInt32(1) << UInt32(n - 1) }
    var maxposCode: UInt64 { (1 << UInt64(n - 1)) - 1 }

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        if value.isNaN || value.isInfinite { return narCode }
        if value == 0 { return 0 }
        let raw = value.magnitude.bitPattern
        let biased = Int(raw >> 52)
        var fraction = raw & 0x000F_FFFF_FFFF_FFFF
        var scale: Int
        if biased == 0 {   // binary64 subnormal: normalise
            let shift = fraction.leadingZeroBitCount - 11
            fraction = (fraction << UInt64(shift)) & 0x000F_FFFF_FFFF_FFFF
            scale = -1022 - shift
        } else {
            scale = biased - 1023
        }
        let useed = 1 << es
        let regime = scale >= 0 ? scale / useed : -((-scale + useed - 1) / useed)
        let exponent = UInt64(scale - regime * useed)
        // Bit string after the sign, MSB first, left-aligned in 64 bits, with a sticky bit.
        let regimeLength = regime >= 0 ? regime + 2 : -regime + 1
        var magnitude: UInt64
        if regimeLength > n - 1 {
            magnitude = regime >= 0 ? maxposCode : 1
        } else {
            var stream: UInt64 = 0
            var used = 0
            var sticky = false
            func push(_ bits: UInt64, _ count: Int) {
                guard count > 0 else { return }
                let free = 64 - used
                if count <= free {
                    stream |= bits << UInt64(free - count)
                    used += count
                } else {
                    if free > 0 { stream |= bits >> UInt64(count - free) }
                    let lost = bits & ((1 << UInt64(count - free)) - 1)
                    if lost != 0 { sticky = true }
                    used = 64
                }
            }
            if regime >= 0 {
                push((1 << UInt64(regime + 1)) - 1, regime + 1)
                push(0, 1)
            } else {
                push(0, -regime)
                push(1, 1)
            }
            push(exponent, es)
            push(fraction, 52)
            let keep = n - 1
            var p = stream >> UInt64(64 - keep)
            let guardBit = (stream >> UInt64(63 - keep)) & 1
            let rest = stream & ((1 << UInt64(63 - keep)) - 1)
            if guardBit == 1 && (rest != 0 || sticky || p & 1 == 1) { p += 1 }
            magnitude = min(max(p, 1), maxposCode)
        }
        let code = value < 0 ? (~magnitude &+ 1) & mask : magnitude
        return UInt32(code)
    }

    public func decode(_ code: UInt32) -> Double {
        let c = UInt64(code) & mask
        if c == 0 { return 0 }
        if c == UInt64(narCode) { return .nan }
        let negative = c >> UInt64(n - 1) == 1
        let magnitude = negative ? (~c &+ 1) & mask : c
        // Regime: run of identical bits after the sign.
        var index = n - 2
        let first = (magnitude >> UInt64(index)) & 1
        var run = 0
        while index >= 0, (magnitude >> UInt64(index)) & 1 == first { run += 1; index -= 1 }
        index -= 1   // skip the terminating bit
        let regime = first == 1 ? run - 1 : -run
        var exponent = 0
        for _ in 0..<es {
            exponent <<= 1
            if index >= 0 { exponent |= Int((magnitude >> UInt64(index)) & 1) }
            index -= 1
        }
        let fractionBits = max(0, index + 1)
        let fraction = fractionBits > 0 ? magnitude & ((1 << UInt64(fractionBits)) - 1) : 0
        let scale = regime * (1 << es) + exponent
        let significand = 1 + Double(fraction) / Double(sign: .plus, exponent: fractionBits, significand: 1)
        let value = Double(sign: .plus, exponent: scale, significand: significand)
        return negative ? -value : value
    }
}
