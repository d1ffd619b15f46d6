import Foundation
import SPUFormats  // SplitMix64
import SPUWorkload  // WorkloadLimits

/// A distribution of token counts (prompt or output lengths) of served requests.
///
/// - `fixed`: every request has the same length (MLPerf-style fixed-length runs, `--input-tokens`).
/// - `uniform`: integers uniform in [min, max] (vLLM `benchmark_serving.py --random-range-ratio`).
/// - `lognormal`: exp(N(ln median, σ²)) rounded, clamped to [1, max]; LLM prompt and output lengths
///   are close to log-normal (e.g. the Azure LLM inference traces, Patel et al., Splitwise, ISCA 2024).
/// - `empirical`: drawn uniformly from a list of observed lengths (a CSV column).
public enum LengthDistribution: Sendable, Equatable, CustomStringConvertible {
    case fixed(Int)
    case uniform(min: Int, max: Int)
    case lognormal(median: Double, sigma: Double, max: Int)
    case empirical([Int])

    /// The largest length the distribution can produce.
    public var maximum: Int {
        switch self {
        case let .fixed(n): return n
        case let .uniform(_, hi): return hi
        case let .lognormal(_, _, hi): return hi
        case let .empirical(values): return values.max() ?? 0
        }
    }

    /// The mean length (analytic; for the log-normal, of the unclamped distribution).
    public var mean: Double {
        switch self {
        case let .fixed(n): return Double(n)
        case let .uniform(lo, hi): return Double(lo + hi) / 2
        case let .lognormal(median, sigma, _): return median * exp(sigma * sigma / 2)
        case let .empirical(values): return values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count)
        }
    }

    public func sample(_ rng: inout SplitMix64) -> Int {
        switch self {
        case let .fixed(n):
            return n
        case let .uniform(lo, hi):
            return lo + Int(rng.nextUnit() * Double(hi - lo + 1))
        case let .lognormal(median, sigma, hi):
            let x = median * exp(sigma * StandardNormal.sample(&rng))
            return Int(Swift.min(Double(hi), Swift.max(1, x.rounded())))
        case let .empirical(values):
            return values[Int(rng.nextUnit() * Double(values.count))]
        }
    }

    /// The longest prompt or output a request may have: the generators' sequence limit
    /// (`WorkloadLimits.sequenceLength`, 2^24), so that sums of lengths cannot overflow.
    public static let maximumTokens = WorkloadLimits.sequenceLength.upperBound

    /// Checks the parameters: lengths in [1, `maximumTokens`], min ≤ max, σ in [0, 4], a
    /// non-empty list.
    public func validated(_ what: String) throws(ServingError) -> LengthDistribution {
        let limit = Self.maximumTokens
        switch self {
        case let .fixed(n):
            guard (1...limit).contains(n) else { throw .invalid("\(what) must be in [1, \(limit)] tokens, got \(n)") }
        case let .uniform(lo, hi):
            guard lo >= 1, hi >= lo, hi <= limit else { throw .invalid("\(what): uniform lengths need 1 ≤ min ≤ max ≤ \(limit), got \(lo)–\(hi)") }
        case let .lognormal(median, sigma, hi):
            guard median.isFinite, median >= 1, median <= Double(limit), sigma.isFinite, sigma >= 0, sigma <= 4, (1...limit).contains(hi) else {
                throw .invalid("\(what): log-normal lengths need 1 ≤ median ≤ \(limit), 0 ≤ σ ≤ 4 and 1 ≤ max ≤ \(limit), got median \(median), σ \(sigma), max \(hi)")
            }
        case let .empirical(values):
            guard !values.isEmpty else { throw .invalid("\(what): the list of lengths is empty") }
            guard let low = values.min(), let high = values.max(), low >= 1, high <= limit else {
                throw .invalid("\(what): every length must be in [1, \(limit)] tokens")
            }
        }
        return self
    }

    public var description: String {
        switch self {
        case let .fixed(n): return "\(n)"
        case let .uniform(lo, hi): return "uniform \(lo)–\(hi)"
        case let .lognormal(median, sigma, hi): return "log-normal median \(median) σ \(sigma) ≤ \(hi)"
        case let .empirical(values): return "empirical (\(values.count) values, mean \(Int(mean.rounded())))"
        }
    }
}

/// Standard normal deviates by the Box–Muller transform (one of the pair is used, so the draw
/// sequence depends only on the seed and the number of draws).
enum StandardNormal {
    static func sample(_ rng: inout SplitMix64) -> Double {
        let u1 = Swift.max(rng.nextUnit(), 0x1p-53), u2 = rng.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

extension LengthDistribution {
    /// Parses a length specification: `N` (fixed), `uniform:MIN:MAX`, `lognormal:MEDIAN:SIGMA[:MAX]`
    /// (MAX defaults to `maxTokens`) or `csv:FILE[:COLUMN]` (one column of a CSV file; by default
    /// the trace conventions' input or output column).
    public static func parse(_ text: String, output: Bool, maxTokens: Int) throws(ServingError) -> LengthDistribution {
        let what = output ? "output tokens" : "input tokens"
        if let n = Int(text) { return try LengthDistribution.fixed(n).validated(what) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func int(_ s: String) throws(ServingError) -> Int {
            guard let v = Int(s) else { throw .invalid("\(what) \"\(text)\": \"\(s)\" is not a whole number") }
            return v
        }
        func double(_ s: String) throws(ServingError) -> Double {
            guard let v = Double(s), v.isFinite else { throw .invalid("\(what) \"\(text)\": \"\(s)\" is not a number") }
            return v
        }
        switch parts[0] {
        case "uniform" where parts.count == 3:
            return try LengthDistribution.uniform(min: try int(parts[1]), max: try int(parts[2])).validated(what)
        case "lognormal" where parts.count == 3 || parts.count == 4:
            let hi = parts.count == 4 ? try int(parts[3]) : min(maxTokens, Self.maximumTokens)
            return try LengthDistribution.lognormal(median: try double(parts[1]), sigma: try double(parts[2]), max: hi).validated(what)
        case "csv" where parts.count >= 2:
            let column = parts.count >= 3 ? parts.last : nil
            let path = parts.count >= 3 ? parts[1..<(parts.count - 1)].joined(separator: ":") : parts[1]
            return try LengthDistribution.empirical(try RequestTrace.lengths(path: path, column: column, output: output)).validated(what)
        default:
            throw .invalid("\(what) \"\(text)\" is not a length: use N, uniform:MIN:MAX, lognormal:MEDIAN:SIGMA[:MAX] or csv:FILE[:COLUMN]")
        }
    }
}
