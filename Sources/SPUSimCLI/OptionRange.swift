import ArgumentParser
import SPUCore
import SPUFormats
import SPUHardware
import SPUWorkload

/// Accepted ranges of numeric command-line options, checked where the options are parsed
/// (`validate()`), so a bad value is a usage error (exit 64) that names the option and its range.
///
/// Each limit is far beyond any real use; its job is to keep the model's arithmetic exact
/// (integer products of tokens × width × layers below 2^63, doubles finite) and every command's
/// time and memory bounded. `docs/limits.md` lists them.
enum OptionRange {
    /// Prompt or context tokens: the generators' own limit (`WorkloadLimits.sequenceLength`,
    /// 2^31), so the command line accepts exactly what a sweep's generator spec accepts.
    static let tokens: ClosedRange<Int> = WorkloadLimits.sequenceLength
    /// Sequences (or images) per batch: `WorkloadLimits.batch` (2^24).
    static let batch: ClosedRange<Int> = WorkloadLimits.batch
    /// Chips one model is split over: `WorkloadLimits.devices` (2^20).
    static let tensorParallel: ClosedRange<Int> = WorkloadLimits.devices
    /// Tokens per fleet query (prompt or generated): as `tokens`.
    static let queryTokens: ClosedRange<Int> = tokens
    /// Queries per day of a fleet: up to 10^15 (10^5 × the busiest services today); must be > 0.
    static let queriesPerDay: ClosedRange<Double> = 1e-6...1e15
    /// Latency targets (TTFT, TPOT), ms: 1 ns to one day.
    static let latencyMs: ClosedRange<Double> = 1e-6...86_400_000
    /// Mapping candidates evaluated per op: 10 M; the search time grows linearly with it.
    static let mappingBudget: ClosedRange<Int> = 1...10_000_000
    /// Rows listed by `--top`: 10 000; more is unreadable as a table (use `query` instead).
    static let top: ClosedRange<Int> = 1...10_000
    /// Ops listed by `run --top` (0 lists none).
    static let opsListed: ClosedRange<Int> = 0...10_000
    /// Rows returned by `--limit`: the query cell limit (50 M) bounds every query anyway.
    static let rowLimit: ClosedRange<Int> = 1...50_000_000
    /// Seconds one read-only query may run (`--time-limit`): up to one day.
    static let queryTimeLimitSeconds: ClosedRange<Double> = 0.001...86_400
    /// Samples of a synthetic format study: 16 M (2^24), 128 MiB of doubles per copy.
    static let samples: ClosedRange<Int> = 1...(1 << 24)
    /// Price over manufacturing cost of `--pricing equal-margin` (`--margin`): a design's
    /// `price.margin` range, `HardwareLimits.priceMargin`.
    static let priceMargin: ClosedRange<Double> = HardwareLimits.priceMargin
    /// Fraction of samples made outliers.
    static let outlierFraction: ClosedRange<Double> = 0...1
    /// Block size of block scaling and dot-product length of a format study: 1 M (2^20).
    static let formatBlock: ClosedRange<Int> = 1...(1 << 20)

    /// Throws a `ValidationError` naming `option` and `range` unless `value` lies in it.
    static func check<T: Comparable>(_ value: T, in range: ClosedRange<T>, option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be in \(describe(range)), got \(value)")
        }
    }

    /// As `check`, for a Double: also refuses nan and infinities (which no range contains) with
    /// the same message.
    static func check(_ value: Double, in range: ClosedRange<Double>, option: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option) must be a finite number in \(describe(range)), got \(value)")
        }
    }

    /// As `check`, for an optional option (nil passes).
    static func check<T: Comparable>(_ value: T?, in range: ClosedRange<T>, option: String) throws {
        if let value { try check(value, in: range, option: option) }
    }

    static func check(_ value: Double?, in range: ClosedRange<Double>, option: String) throws {
        if let value { try check(value, in: range, option: option) }
    }

    static func describe<T>(_ range: ClosedRange<T>) -> String {
        func spell(_ x: T) -> String {
            if let d = x as? Double { return d == d.rounded() && abs(d) < 1e6 ? String(Int(d)) : String(format: "%g", d) }
            return "\(x)"
        }
        return "\(spell(range.lowerBound))...\(spell(range.upperBound))"
    }
}

/// The usage error of an option whose value is not one of the accepted names:
/// `unknown --format "bf61" (did you mean "bf16"?) (one of: …)`.
func unknownValue(_ option: String, _ value: String, accepted names: [String], listing: Bool = true) -> ValidationError {
    ValidationError("unknown \(option) \"\(value)\"\(Suggestion.hint(for: value, in: names))"
                    + (listing ? " (one of: \(names.joined(separator: ", ")))" : " (see 'spusim formats list')"))
}

/// Names `spusim formats list` shows (presets, aliases and block formats), for suggestions.
var formatPresetNames: [String] {
    FormatRegistry.scalarPresets.map(\.name) + FormatRegistry.aliases.keys.sorted() + FormatRegistry.blockPresets.map(\.name)
}
