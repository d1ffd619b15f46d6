import SPUCore

/// How the requests of a serving scenario arrive: one definition for a sweep's `serving` block
/// (`docs/sweeps.md`) and a `serving` validation case (`docs/validation.md`).
///
/// - `offline`: every request at time zero (MLPerf Inference offline; a benchmark at rate "inf").
/// - `poisson`: Poisson arrivals at `ratePerSecond` (vLLM/SGLang `--request-rate`).
/// - `closedLoop`: `concurrency` clients, each sending its next request when its previous one
///   completes (AIPerf/genai-perf `--concurrency`).
/// - `maxRate`: the highest Poisson rate whose TTFT and TPOT at `percentile` meet `slo`
///   (`ServingCapacity`, bisected to `relativeTolerance`): MLPerf's server scenario at the 99th
///   percentile, DistServe's goodput at the 90th.
public enum ServingRequests: Sendable, Equatable {
    case offline
    case poisson(ratePerSecond: Double)
    case closedLoop(concurrency: Int)
    case maxRate(slo: ServingSLO, percentile: Double, relativeTolerance: Double)

    /// The JSON keys naming each kind; the key holds the kind's parameters.
    public static let keys = ["offline", "poisson", "closed_loop", "max_rate"]

    static let rateRange = 1e-9...1e9
    static let sloMsRange = 1e-6...8.64e7

    /// The requests `object` describes under exactly one of `keys` (other keys are the caller's).
    public static func decode(in object: JSONObjectReader) throws(ConfigError) -> ServingRequests {
        let kinds = keys.filter(object.has)
        guard kinds.count == 1 else {
            throw object.fail(nil, "needs exactly one of " + keys.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return try decode(kinds[0], in: object)
    }

    /// The requests that `key` (one of `keys`) of `object` describes: `"offline": {}`,
    /// `"poisson": {"rate_per_s": R}`, `"closed_loop": {"concurrency": C}` or
    /// `"max_rate": {"slo_ttft_ms": T, "slo_tpot_ms": P, "percentile": 99, "relative_tolerance": 0.01}`
    /// (at least one SLO; percentile and tolerance optional).
    public static func decode(_ key: String, in object: JSONObjectReader) throws(ConfigError) -> ServingRequests {
        let r = try object.object(key)
        let requests: ServingRequests
        switch key {
        case "offline":
            r.expecting([])
            requests = .offline
        case "poisson":
            r.expecting(["rate_per_s"])
            requests = .poisson(ratePerSecond: try r.number("rate_per_s", in: rateRange))
        case "closed_loop":
            r.expecting(["concurrency"])
            requests = .closedLoop(concurrency: try r.int("concurrency", in: 1...1_000_000))
        case "max_rate":
            r.expecting(["slo_ttft_ms", "slo_tpot_ms", "percentile", "relative_tolerance"])
            let slo = ServingSLO(ttftSeconds: try r.optionalNumber("slo_ttft_ms", in: sloMsRange).map { $0 / 1000 },
                                 tpotSeconds: try r.optionalNumber("slo_tpot_ms", in: sloMsRange).map { $0 / 1000 })
            guard slo.ttftSeconds != nil || slo.tpotSeconds != nil else { throw r.fail(nil, "needs slo_ttft_ms and/or slo_tpot_ms") }
            requests = .maxRate(slo: slo, percentile: try r.optionalNumber("percentile", in: 1...100) ?? 99,
                                relativeTolerance: try r.optionalNumber("relative_tolerance", in: 1e-4...0.5) ?? 0.01)
        default:
            throw object.fail(key, "is not a kind of requests (\(keys.joined(separator: ", ")))")
        }
        try r.finish()
        return requests
    }

    /// The arrival process that simulates these requests; nil for `maxRate`, which searches Poisson rates.
    public var arrivals: ArrivalProcess? {
        switch self {
        case .offline: return .offline
        case let .poisson(rate): return .poisson(ratePerSecond: rate)
        case let .closedLoop(concurrency): return .closedLoop(concurrency: concurrency)
        case .maxRate: return nil
        }
    }
}
