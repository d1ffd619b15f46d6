import SPUFormats  // SplitMix64

/// One request offered to the serving system: when it arrives and how many tokens it reads and writes.
public struct ServingRequest: Sendable, Equatable {
    public var arrivalSeconds: Double
    public var inputTokens: Int
    public var outputTokens: Int

    public init(arrivalSeconds: Double, inputTokens: Int, outputTokens: Int) {
        self.arrivalSeconds = arrivalSeconds
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// How the simulated requests are made: generated (an arrival process and length
/// distributions, seeded) or replayed from a trace.
public enum RequestSource: Sendable {
    case generated(arrivals: ArrivalProcess, count: Int, inputTokens: LengthDistribution, outputTokens: LengthDistribution, seed: UInt64)
    case trace([ServingRequest], name: String)

    /// The requests in arrival order. Generated requests use one random stream for arrivals and
    /// another for lengths, so changing the rate keeps the same lengths.
    public func requests() -> [ServingRequest] {
        switch self {
        case let .generated(arrivals, count, input, output, seed):
            var timeRNG = SplitMix64(seed: seed), lengthRNG = SplitMix64(seed: seed ^ 0x5EED_1E57)
            let times = arrivals.arrivalTimes(count: count, rng: &timeRNG)
            return times.map { t in
                let i = input.sample(&lengthRNG), o = output.sample(&lengthRNG)
                return ServingRequest(arrivalSeconds: t, inputTokens: i, outputTokens: o)
            }
        case let .trace(requests, _):
            return requests
        }
    }
}

