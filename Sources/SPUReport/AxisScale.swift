import Foundation

/// A numeric axis: maps data values to pixels, linearly or logarithmically, over a domain
/// widened to nice tick values.
public struct AxisScale: Sendable, Equatable {
    public enum Kind: String, Sendable { case linear, log }

    public let kind: Kind
    /// Data values at the two ends of the axis (lo < hi; both > 0 for log).
    public let lo: Double
    public let hi: Double
    /// Pixel positions of `lo` and `hi` (`start > end` for a y axis drawn upwards).
    public let start: Double
    public let end: Double

    public init(kind: Kind, lo: Double, hi: Double, start: Double, end: Double) {
        self.kind = kind
        self.lo = lo
        self.hi = hi
        self.start = start
        self.end = end
    }

    /// Ranges wider than this ratio (max / min, all values positive) get a log scale.
    public static let logThreshold = 30.0

    /// Whether `values` call for a log scale: all finite values positive and max / min > 30.
    public static func prefersLog(_ values: [Double]) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return false }
        return high / low > logThreshold
    }

    /// A scale fitted to `values`: log when `log` says so (nil: `prefersLog`), otherwise linear
    /// over nice bounds (from zero when `includeZero`). An empty or one-valued set gets a small
    /// range around its value.
    public static func fitted(to values: [Double], start: Double, end: Double, log: Bool? = nil, includeZero: Bool = false) -> AxisScale {
        let finite = values.filter(\.isFinite)
        let useLog = (log ?? prefersLog(finite)) && (finite.min() ?? 0) > 0
        if useLog {
            let low = finite.min() ?? 1, high = finite.max() ?? 10
            var a = Foundation.pow(10, Foundation.floor(log10(low))), b = Foundation.pow(10, Foundation.ceil(log10(high)))
            if a == b { a /= 10; b *= 10 }
            return AxisScale(kind: .log, lo: a, hi: b, start: start, end: end)
        }
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let step = Ticks.niceStep(span: high - low, targetCount: 5)
        return AxisScale(kind: .linear, lo: Foundation.floor(low / step) * step, hi: Foundation.ceil(high / step) * step,
                         start: start, end: end)
    }

    /// The pixel position of `value` (values outside the domain extrapolate).
    public func position(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear: t = (value - lo) / (hi - lo)
        case .log: t = (log10(max(value, .leastNormalMagnitude)) - log10(lo)) / (log10(hi) - log10(lo))
        }
        return start + t * (end - start)
    }

    /// Whether `value` can be drawn on this axis (finite, and positive for log).
    public func accepts(_ value: Double) -> Bool { value.isFinite && (kind == .linear || value > 0) }

    /// Tick values inside the domain.
    public var ticks: [Double] {
        switch kind {
        case .linear: return Ticks.linear(lo: lo, hi: hi)
        case .log: return Ticks.log(lo: lo, hi: hi)
        }
    }

    /// Minor tick values (log axes: 2…9 × each decade when few decades are shown; linear: none).
    public var minorTicks: [Double] {
        guard kind == .log else { return [] }
        let major = Set(ticks)
        let decades = log10(hi / lo)
        guard decades <= 6 else { return [] }
        var out: [Double] = []
        var decade = lo
        while decade < hi * 0.999 {
            for m in 2...9 {
                let v = decade * Double(m)
                if v < hi * 0.999, !major.contains(v) { out.append(v) }
            }
            decade *= 10
        }
        return out
    }
}

/// Tick generation with "nice" numbers (1, 2, 5 × 10ⁿ).
public enum Ticks {
    /// The nice number (1, 2, 5 or 10 × 10ⁿ) closest to `x` (rounding) or at least `x`.
    public static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = Foundation.floor(log10(x))
        let fraction = x / Foundation.pow(10, exponent)
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * Foundation.pow(10, exponent)
    }

    /// A nice step giving about `targetCount` intervals over `span`.
    public static func niceStep(span: Double, targetCount: Int) -> Double {
        niceNumber(niceNumber(span, round: false) / Double(max(targetCount, 1)), round: true)
    }

    /// Ticks at multiples of a nice step from `lo` to `hi` inclusive (about 5 intervals).
    public static func linear(lo: Double, hi: Double, targetCount: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let step = niceStep(span: hi - lo, targetCount: targetCount)
        var out: [Double] = []
        var k = Foundation.ceil(lo / step - 1e-9)
        while k * step <= hi + step * 1e-9 {
            let v = k * step
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return out
    }

    /// Ticks at powers of ten from `lo` to `hi`; every other power when more than 8 decades,
    /// and 1-2-5 steps when the range spans less than two decades.
    public static func log(lo: Double, hi: Double) -> [Double] {
        guard lo > 0, hi > lo else { return [lo] }
        let first = Int(Foundation.ceil(log10(lo) - 1e-9)), last = Int(Foundation.floor(log10(hi) + 1e-9))
        if last - first < 2 {
            var out: [Double] = []
            for e in (first - 1)...(last + 1) {
                for m in [1.0, 2, 5] {
                    let v = m * Foundation.pow(10, Double(e))
                    if v >= lo * (1 - 1e-9), v <= hi * (1 + 1e-9) { out.append(v) }
                }
            }
            return out
        }
        let stride = last - first > 8 ? 2 : 1
        return Swift.stride(from: first, through: last, by: stride).map { Foundation.pow(10, Double($0)) }
    }
}

/// Short tick labels: SI prefixes for large and small magnitudes (`2.5k`, `40M`, `3µ`), plain
/// decimals in between.
public enum TickLabel {
    static let prefixes: [(Double, String)] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    static let smallPrefixes: [(Double, String)] = [(1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")]

    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e4 {
            for (scale, prefix) in prefixes where magnitude >= scale { return trimmed(value / scale) + prefix }
        }
        if magnitude < 1e-2 {
            for (scale, prefix) in smallPrefixes where magnitude >= scale * 0.9999 { return trimmed(value / scale) + prefix }
            return String(format: "%.0e", value)
        }
        return trimmed(value)
    }

    /// Three significant digits (no fewer than the integer part) without trailing zeros.
    static func trimmed(_ x: Double) -> String {
        let magnitude = abs(x)
        let decimals = magnitude >= 100 || magnitude == 0 ? 0 : max(0, 2 - Int(log10(magnitude).rounded(.down)))
        var text = String(format: "%.\(decimals)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A value for tables and hover text: 4 significant digits.
    public static func value(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.4g", x)
    }
}
