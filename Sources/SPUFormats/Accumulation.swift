/// How a dot product's products are summed. Floats multiply exactly and accumulate in a float
/// accumulator; log formats add logs and then need one of the log-domain accumulation schemes
/// (number-formats.md §1.4 and §0.4).
public enum AccumulationMode: Sendable, Hashable, CustomStringConvertible {
    /// Products rounded to and summed in fp32 (GPU tensor-core style) — the float default.
    case float32
    /// Products converted to linear exactly (antilog LUT of 2^F entries) and summed in a wide
    /// fixed-point (Kulisch-like) accumulator: no rounding before the final result.
    case exact
    /// Mitchell's approximation 2^f ≈ 1 + f for the product's log fraction, optionally with a
    /// constant bias correction (×0.962 at F = 3 makes the mean error zero), then exact sums.
    case mitchell(biasCorrected: Bool)
    /// Log-domain accumulation with the Gaussian-logarithm adder: the running sum is kept as a
    /// log with `fractionBits` fraction bits; each step adds sb(z) = log2(1+2^z) or
    /// db(z) = log2(1−2^z), z = −|ΔL| ≤ 0, rounded to the accumulator grid.
    case gaussianLog(fractionBits: Int)
    /// NVIDIA LNS-Madam style: products split into integer quotient and fractional remainder;
    /// 2^quotient is summed exactly per remainder bin and each bin is scaled by its constant
    /// 2^(r/2^F) at the end (US 12141225). Exact up to the final conversion.
    case remainderBinning

    public var description: String {
        switch self {
        case .float32: return "fp32"
        case .exact: return "exact"
        case let .mitchell(corrected): return corrected ? "mitchell-corrected" : "mitchell"
        case let .gaussianLog(f): return "gaussian-log-f\(f)"
        case .remainderBinning: return "remainder-binning"
        }
    }

    /// Whether the mode sums in a fixed-point register (exact, Mitchell, remainder binning): the
    /// ones whose width sets a binary point (`AccumulatorSpec`).
    public var isFixedPoint: Bool {
        switch self {
        case .exact, .mitchell, .remainderBinning: return true
        case .float32, .gaussianLog: return false
        }
    }

    /// Parses the CLI spelling (`fp32`, `exact`, `mitchell`, `mitchell-corrected`, `gaussian-log-f10`, `remainder-binning`).
    public init?(_ text: String) {
        switch text {
        case "fp32": self = .float32
        case "exact": self = .exact
        case "mitchell": self = .mitchell(biasCorrected: false)
        case "mitchell-corrected": self = .mitchell(biasCorrected: true)
        case "remainder-binning": self = .remainderBinning
        default:
            guard text.hasPrefix("gaussian-log-f"), let f = Int(text.dropFirst("gaussian-log-f".count)), (0...24).contains(f) else { return nil }
            self = .gaussianLog(fractionBits: f)
        }
    }
}

/// Dot products of quantised vectors under an accumulation mode.
public enum DotProduct {
    /// Σ a_i·b_i where a and b are already quantised values of a log format with `fractionBits`
    /// fraction bits (for the log modes) or of any format (float32/exact).
    public static func compute(_ a: [Double], _ b: [Double], mode: AccumulationMode, logFractionBits: Int = 3) -> Double {
        precondition(a.count == b.count)
        switch mode {
        case .float32:
            var acc: Float = 0
            for i in a.indices { acc += Float(a[i] * b[i]) }
            return Double(acc)
        case .exact, .remainderBinning:
            // Products of two log values are exact powers 2^(L/2^F); summing them in binary64
            // stands in for the wide fixed-point accumulator (error ≪ the format's).
            var acc = 0.0
            for i in a.indices { acc += a[i] * b[i] }
            return acc
        case let .mitchell(corrected):
            let f = Double(1 << logFractionBits)
            var acc = 0.0
            for i in a.indices {
                let p = a[i] * b[i]
                guard p != 0, p.isFinite else { acc += p; continue }
                // log2 of the product is exact on the 2^-F grid: split integer and fraction.
                let l = (log2(p.magnitude) * f).rounded() / f
                let q = l.rounded(.down), r = l - q
                var linear = (1 + r) * pow(2.0, q)
                if corrected { linear *= mitchellCorrection(fractionBits: logFractionBits) }
                acc += p < 0 ? -linear : linear
            }
            return acc
        case let .gaussianLog(fractionBits):
            return gaussianLogSum(a, b, fractionBits: fractionBits)
        }
    }

    /// Σ a_i·b_i summed exactly as the register `accumulator` would (`AccumulatorSpec`): fixed-point
    /// modes round each product to the register's LSB (placed from `operandMax`, the largest
    /// magnitudes the operands can take at their scale, and the length) and saturate; fp32 and
    /// Gaussian-log modes are the register itself. `logFractionBits` is the operands' log fraction
    /// bits (Mitchell's split and the remainder bins).
    public static func compute(_ a: [Double], _ b: [Double], accumulator: AccumulatorSpec, operandMax: (Double, Double),
                               logFractionBits: Int = 3) -> Double {
        precondition(a.count == b.count)
        switch accumulator.mode {
        case .float32, .gaussianLog:
            return compute(a, b, mode: accumulator.mode, logFractionBits: logFractionBits)
        case .exact, .mitchell, .remainderBinning:
            var register = FixedPointRegister(widthBits: accumulator.widthBits,
                                              lsbExponent: accumulator.lsbExponent(length: a.count, operandMax: operandMax))
            let f = Double(1 << logFractionBits)
            if case .remainderBinning = accumulator.mode {
                // One register per remainder bin r: 2^q summed, times 2^(r/2^F) at the end.
                var bins = [FixedPointRegister](repeating: register, count: 1 << logFractionBits)
                for i in a.indices {
                    let p = a[i] * b[i]
                    guard p != 0, p.isFinite else { continue }
                    let l = (log2(p.magnitude) * f).rounded() / f
                    let q = l.rounded(.down)
                    let r = Int(((l - q) * f).rounded())
                    bins[r].add(p < 0 ? -pow(2.0, q) : pow(2.0, q))
                }
                var sum = 0.0
                for (r, bin) in bins.enumerated() { sum += bin.value * pow(2.0, Double(r) / f) }
                return sum
            }
            let correction: Double? = {
                if case .mitchell(true) = accumulator.mode { return mitchellCorrection(fractionBits: logFractionBits) }
                return nil
            }()
            for i in a.indices {
                var p = a[i] * b[i]
                guard p != 0, p.isFinite else { continue }
                if case .mitchell = accumulator.mode {
                    let l = (log2(p.magnitude) * f).rounded() / f
                    let q = l.rounded(.down), r = l - q
                    var linear = (1 + r) * pow(2.0, q)
                    if let correction { linear *= correction }
                    p = p < 0 ? -linear : linear
                }
                register.add(p)
            }
            return register.value
        }
    }

    /// A W-bit two's-complement fixed-point register with its LSB at 2^lsbExponent: adds round to
    /// the LSB half-to-even and saturate.
    struct FixedPointRegister {
        let lsb: Double
        let maxCount: Int64, minCount: Int64
        var count: Int64 = 0

        init(widthBits: Int, lsbExponent: Int) {
            precondition(AccumulatorSpec.fixedPointWidths.contains(widthBits))
            lsb = pow(2.0, Double(lsbExponent))
            maxCount = widthBits == 64 ? .max : (Int64(1) << Int64(widthBits - 1)) - 1
            minCount = widthBits == 64 ? .min : -(Int64(1) << Int64(widthBits - 1))
        }

        mutating func add(_ x: Double) {
            let steps = (x / lsb).rounded(.toNearestOrEven)
            let term: Int64 = steps >= 0x1p63 ? .max : (steps <= -0x1p63 ? .min : Int64(steps))
            let (sum, overflow) = count.addingReportingOverflow(term)
            count = overflow ? (term > 0 ? .max : .min) : sum
            count = min(max(count, minCount), maxCount)
        }

        var value: Double { Double(count) * lsb }
    }

    /// The constant that makes Mitchell's antilog unbiased over uniformly distributed fractions
    /// on the 2^-F grid: mean(2^r) / mean(1 + r).
    public static func mitchellCorrection(fractionBits: Int) -> Double {
        let n = 1 << fractionBits
        var exact = 0.0, approx = 0.0
        for k in 0..<n {
            let r = Double(k) / Double(n)
            exact += pow(2.0, r)
            approx += 1 + r
        }
        return exact / approx
    }

    /// Sums signed products in the log domain: magnitudes as logs rounded to 2^-F_acc, signs kept
    /// separately; like-signed terms use sb, opposite signs db (with the result's sign chosen by
    /// the larger magnitude). Exact cancellation gives zero.
    static func gaussianLogSum(_ a: [Double], _ b: [Double], fractionBits: Int) -> Double {
        let grid = Double(1 << fractionBits)
        func round(_ x: Double) -> Double { (x * grid).rounded(.toNearestOrEven) / grid }
        var accLog = -Double.infinity
        var accNegative = false
        for i in a.indices {
            let p = a[i] * b[i]
            guard p != 0, p.isFinite else { continue }
            let pLog = round(log2(p.magnitude)), pNegative = p < 0
            if accLog == -.infinity { accLog = pLog; accNegative = pNegative; continue }
            let hi = max(accLog, pLog), lo = min(accLog, pLog)
            let z = lo - hi
            if accNegative == pNegative {
                accLog = round(hi + log2(1 + pow(2.0, z)))              // sb(z)
            } else {
                if z == 0 { accLog = -.infinity; accNegative = false; continue }
                let largerNegative = pLog > accLog ? pNegative : accNegative
                accLog = round(hi + log2(1 - pow(2.0, z)))              // db(z)
                accNegative = largerNegative
            }
        }
        guard accLog > -.infinity else { return 0 }
        let magnitude = pow(2.0, accLog)
        return accNegative ? -magnitude : magnitude
    }

    /// Entries of an sb table at 2^−F resolution over the z range where sb(z) is not below half
    /// an accumulator ulp: about (F + 1.5)·2^F (number-formats.md §0.4: 37 at F = 3, 11,807 at F = 10).
    public static func gaussianLogTableEntries(fractionBits f: Int) -> Int {
        Int((Double(f) + 1.5) * Double(1 << f))
    }
}
