/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, reproducible generator. The same
/// sequence is produced by `scripts/format_reference.py`, so Swift tests regenerate exactly the
/// inputs the reference tools were given.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// The reference-vector input generator shared with `scripts/format_reference.py`: signed
/// zeros, infinities, NaNs, binary64 subnormals, exact rounding ties at `tieBits` mantissa bits,
/// and random values with exponents in [exponentMin, exponentMax].
public struct ReferenceInputs: Sequence, Sendable {
    public var count: Int
    public var seed: UInt64
    public var exponentMin: Int
    public var exponentMax: Int
    public var tieBits: Int

    public init(count: Int, seed: UInt64, exponentMin: Int, exponentMax: Int, tieBits: Int) {
        self.count = count
        self.seed = seed
        self.exponentMin = exponentMin
        self.exponentMax = exponentMax
        self.tieBits = tieBits
    }

    public func makeIterator() -> Iterator { Iterator(inputs: self, rng: SplitMix64(seed: seed)) }

    public struct Iterator: IteratorProtocol {
        let inputs: ReferenceInputs
        var rng: SplitMix64
        var produced = 0

        public mutating func next() -> Double? {
            guard produced < inputs.count else { return nil }
            produced += 1
            let r1 = rng.next(), r2 = rng.next()
            let kind = r1 & 0xFF
            let sign = (r1 >> 8) & 1
            switch kind {
            case 0: return Double(bitPattern: sign << 63)
            case 1: return Double(bitPattern: sign << 63 | 0x7FF0_0000_0000_0000)
            case 2: return Double(bitPattern: sign << 63 | 0x7FF8_0000_0000_0000)
            case 3: return Double(bitPattern: sign << 63 | 1)
            default:
                let span = UInt64(inputs.exponentMax - inputs.exponentMin + 1)
                let e = inputs.exponentMin + Int((r1 >> 16) % span)
                var m = r2 >> 12
                if kind < 64 {
                    let drop = UInt64(52 - inputs.tieBits)
                    m = (m >> drop) << drop | (1 << (drop - 1))
                }
                return Double(bitPattern: sign << 63 | UInt64(e + 1023) << 52 | m)
            }
        }
    }
}
