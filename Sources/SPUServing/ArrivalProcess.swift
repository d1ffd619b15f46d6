import Foundation
import SPUFormats  // SplitMix64

/// When requests arrive at the serving system.
///
/// - `offline`: every request at time zero (the MLPerf Inference offline scenario).
/// - `poisson`: exponential inter-arrival times at `ratePerSecond` (MLPerf server scenario, vLLM
///   `benchmark_serving.py --request-rate`).
/// - `gamma`: gamma inter-arrival times with mean 1/rate and coefficient of variation `cv`
///   (cv > 1 is burstier than Poisson, cv = 1 is Poisson); the burstiness knob of vLLM's
///   benchmark (`--burstiness` = 1/cv²) and of Splitwise/DistServe workload studies.
/// - `diurnal`: a non-homogeneous Poisson process with rate
///   λ(t) = mean · (1 + (peak/average − 1) · cos(2π (t − peakTime) / period)), sampled by thinning
///   (Lewis & Shedler 1979); peak/average in [1, 2] keeps λ ≥ 0.
/// - `closedLoop`: `concurrency` clients, each sending its next request the moment its previous one
///   completes (or is turned away): the load generators of AIPerf/genai-perf (`--concurrency`),
///   LLMPerf and vLLM's `benchmark_serving.py --max-concurrency` with every request queued. The
///   first `concurrency` requests arrive at time zero; the others' arrival times are set by the
///   simulation, so `arrivalTimes` gives them as zero.
public enum ArrivalProcess: Sendable, Equatable, CustomStringConvertible {
    case offline
    case closedLoop(concurrency: Int)
    case poisson(ratePerSecond: Double)
    case gamma(ratePerSecond: Double, cv: Double)
    case diurnal(meanRatePerSecond: Double, peakToAverage: Double, periodSeconds: Double, peakAtSeconds: Double)

    public func validated() throws(ServingError) -> ArrivalProcess {
        func positive(_ x: Double, _ what: String) throws(ServingError) {
            guard x.isFinite, x > 0, x <= 1e9 else { throw .invalid("\(what) must be positive and at most 1e9, got \(x)") }
        }
        switch self {
        case .offline: break
        case let .closedLoop(concurrency):
            guard (1...1_000_000).contains(concurrency) else { throw .invalid("the concurrency must be in [1, 1000000], got \(concurrency)") }
        case let .poisson(rate): try positive(rate, "the request rate (per second)")
        case let .gamma(rate, cv):
            try positive(rate, "the request rate (per second)")
            guard cv.isFinite, cv >= 0.05, cv <= 20 else { throw .invalid("the arrival coefficient of variation must be in [0.05, 20], got \(cv)") }
        case let .diurnal(mean, peak, period, peakAt):
            try positive(mean, "the mean request rate (per second)")
            try positive(period, "the diurnal period (seconds)")
            guard peak.isFinite, peak >= 1, peak <= 2 else { throw .invalid("the diurnal peak-to-average ratio must be in [1, 2], got \(peak)") }
            guard peakAt.isFinite else { throw .invalid("the diurnal peak time must be finite") }
        }
        return self
    }

    /// `count` arrival times in seconds, non-decreasing, the first after zero (offline: all zero).
    public func arrivalTimes(count: Int, rng: inout SplitMix64) -> [Double] {
        var times: [Double] = []
        times.reserveCapacity(count)
        var t = 0.0
        switch self {
        case .offline, .closedLoop:
            times = Array(repeating: 0, count: count)
        case let .poisson(rate):
            for _ in 0..<count {
                t += Exponential.sample(&rng) / rate
                times.append(t)
            }
        case let .gamma(rate, cv):
            let shape = 1 / (cv * cv)
            for _ in 0..<count {
                t += GammaDeviate.sample(shape: shape, &rng) / (shape * rate)
                times.append(t)
            }
        case let .diurnal(mean, peak, period, peakAt):
            let amplitude = peak - 1, maximum = mean * peak
            while times.count < count {
                t += Exponential.sample(&rng) / maximum
                let rate = mean * (1 + amplitude * cos(2 * Double.pi * (t - peakAt) / period))
                if rng.nextUnit() * maximum < rate { times.append(t) }
            }
        }
        return times
    }

    public var description: String {
        switch self {
        case .offline: return "offline (all at t = 0)"
        case let .closedLoop(concurrency): return "closed loop, \(concurrency) concurrent"
        case let .poisson(rate): return "Poisson \(rate)/s"
        case let .gamma(rate, cv): return "gamma \(rate)/s, cv \(cv)"
        case let .diurnal(mean, peak, period, _): return "diurnal mean \(mean)/s, peak/average \(peak), period \(period) s"
        }
    }
}

enum Exponential {
    /// A unit-mean exponential deviate.
    static func sample(_ rng: inout SplitMix64) -> Double { -log(1 - rng.nextUnit()) }
}

/// Gamma(shape, 1) deviates by Marsaglia & Tsang (ACM TOMS 2000), with the shape < 1 boost
/// Γ(a) = Γ(a + 1) · U^(1/a).
enum GammaDeviate {
    static func sample(shape: Double, _ rng: inout SplitMix64) -> Double {
        if shape < 1 {
            let u = Swift.max(rng.nextUnit(), 0x1p-53)
            return sample(shape: shape + 1, &rng) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = StandardNormal.sample(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(Swift.max(u, 0x1p-53)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
