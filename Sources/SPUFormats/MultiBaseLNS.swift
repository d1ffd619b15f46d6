/// A two-dimensional (multiple-base) logarithmic number system `mdlns<A, B, D>`:
/// x = ±2^a · D^b with a an A-bit and b a B-bit two's-complement integer (Dimitrov et al.,
/// "Multiple-base Logarithmic Quantization…", IEEE ARITH 2024; Lemurian Labs' MDLNS family).
///
/// Code layout: [sign | a | b]. The pair (a_min, b_min) is reserved: zero with s = 0, NaN with
/// s = 1. Encoding picks the pair whose log2 value a + b·log2(D) is nearest to log2|x| (ties to
/// the smaller |b|, then the smaller a); above the largest value it saturates; below the
/// smallest it flushes to zero when log2|x| is more than half the smallest log-domain gap below
/// the smallest value, else returns the smallest. No published reference implementation exists;
/// tests check optimality against brute force.
public struct MultiBaseLNS: ScalarFormat, Hashable {
    public let aBits: Int
    public let bBits: Int
    public let base: Double
    public let name: String

    /// Representable (log2 value, code) pairs sorted by log2 value, excluding the reserved pair.
    private let table: [(log: Double, a: Int, b: Int)]

    public init(aBits: Int, bBits: Int, base: Double, name: String? = nil) {
        precondition(aBits >= 2 && bBits >= 1 && aBits + bBits <= 15 && base > 1 && base.isFinite, "unsupported mdlns parameters")
        self.aBits = aBits
        self.bBits = bBits
        self.base = base
        self.name = name ?? "mdlns\(1 + aBits + bBits)-a\(aBits)b\(bBits)-d\(Self.baseLabel(base))"
        let logBase = log2(base)
        let aRange = -(1 << (aBits - 1))...((1 << (aBits - 1)) - 1)
        let bRange = -(1 << (bBits - 1))...((1 << (bBits - 1)) - 1)
        var entries: [(log: Double, a: Int, b: Int)] = []
        for a in aRange {
            for b in bRange where !(a == aRange.lowerBound && b == bRange.lowerBound) {
                entries.append((Double(a) + Double(b) * logBase, a, b))
            }
        }
        entries.sort { ($0.log, abs($0.b), $0.a) < ($1.log, abs($1.b), $1.a) }
        // Keep one pair per distinct value (the preferred one comes first after sorting).
        var unique: [(log: Double, a: Int, b: Int)] = []
        for entry in entries where unique.last?.log != entry.log { unique.append(entry) }
        table = unique
    }

    static func baseLabel(_ base: Double) -> String {
        base.rounded() == base ? String(Int(base)) : String(base)
    }

    public static func == (lhs: MultiBaseLNS, rhs: MultiBaseLNS) -> Bool {
        lhs.aBits == rhs.aBits && lhs.bBits == rhs.bBits && lhs.base == rhs.base && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(aBits); hasher.combine(bBits); hasher.combine(base); hasher.combine(name)
    }

    public var bits: Int { 1 + aBits + bBits }
    public var summary: String { "mdlns: ±2^a·\(Self.baseLabel(base))^b, a \(aBits) bits, b \(bBits) bits (two's complement)" }
    public var saturatesByDefault: Bool { true }

    var signBit: UInt32 { 1 << UInt32(aBits + bBits) }
    var reservedPattern: UInt32 { (1 << UInt32(aBits - 1)) << UInt32(bBits) | (1 << UInt32(bBits - 1)) }
    public var zeroCode: UInt32 { reservedPattern }
    public var nanCode: UInt32 { signBit | reservedPattern }

    func code(negative: Bool, a: Int, b: Int) -> UInt32 {
        let aField = UInt32(bitPattern: Int32(a)) & ((1 << UInt32(aBits)) - 1)
        let bField = UInt32(bitPattern: Int32(b)) & ((1 << UInt32(bBits)) - 1)
        return (negative ? signBit : 0) | aField << UInt32(bBits) | bField
    }

    /// (a, b) of a code; nil for zero and NaN.
    public func exponents(_ code: UInt32) -> (a: Int, b: Int)? {
        let field = code & (signBit - 1)
        if field == reservedPattern { return nil }
        let aField = Int32(bitPattern: (field >> UInt32(bBits)) << UInt32(32 - aBits)) >> Int32(32 - aBits)
        let bField = Int32(bitPattern: (field & ((1 << UInt32(bBits)) - 1)) << UInt32(32 - bBits)) >> Int32(32 - bBits)
        return (Int(aField), Int(bField))
    }

    public func encode(_ value: Double, saturate: Bool) -> UInt32 {
        if value.isNaN { return nanCode }
        let negative = value.sign == .minus
        if value == 0 { return zeroCode }
        guard let first = table.first, let last = table.last else { return zeroCode }
        if value.isInfinite { return code(negative: negative, a: last.a, b: last.b) }
        let target = log2(value.magnitude)
        if target >= last.log { return code(negative: negative, a: last.a, b: last.b) }
        if target < first.log {
            let gap = table.count > 1 ? table[1].log - first.log : 1
            return target < first.log - gap / 2 ? zeroCode : code(negative: negative, a: first.a, b: first.b)
        }
        // Binary search for the neighbours of target, then take the nearer (ties: lower entry).
        var lo = 0, hi = table.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid].log <= target { lo = mid } else { hi = mid }
        }
        let pick = (target - table[lo].log) <= (table[hi].log - target) ? table[lo] : table[hi]
        return code(negative: negative, a: pick.a, b: pick.b)
    }

    public func decode(_ code: UInt32) -> Double {
        guard let (a, b) = exponents(code) else { return code & signBit != 0 ? .nan : 0 }
        let magnitude = pow(2.0, Double(a)) * pow(base, Double(b))
        return code & signBit != 0 ? -magnitude : magnitude
    }
}
