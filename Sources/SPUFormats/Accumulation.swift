/// How a dot product's products are summed. Floats multiply exactly and accumulate in a float
/// accumulator; log formats add logs and then need one of the log-domain accumulation schemes
/// (number-formats.md §1.4 and §0.4).
public enum AccumulationMode: Sendable, Equatable, CustomStringConvertible {
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
