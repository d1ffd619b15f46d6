import Foundation

/// Percentiles of a sample by linear interpolation between order statistics (NumPy's default,
/// the convention of vLLM's and SGLang's benchmark scripts).
public struct LatencySummary: Sendable, Equatable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    /// The `p`-th percentile (0–100) of ascending `sorted` values (NaN when empty).
    public static func percentile(_ p: Double, sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = p / 100 * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    public init(_ values: [Double]) {
        guard !values.isEmpty else { self.init(mean: .nan, p50: .nan, p90: .nan, p99: .nan, max: .nan); return }
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double { Self.percentile(p, sorted: sorted) }
        self.init(mean: sorted.reduce(0, +) / Double(sorted.count), p50: percentile(50), p90: percentile(90), p99: percentile(99), max: sorted[sorted.count - 1])
    }

    public init(mean: Double, p50: Double, p90: Double, p99: Double, max: Double) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// Latency targets: a request meets them when its TTFT and its TPOT are both within (an absent
/// target is always met).
public struct ServingSLO: Sendable, Equatable {
    public var ttftSeconds: Double?
    public var tpotSeconds: Double?

    public init(ttftSeconds: Double? = nil, tpotSeconds: Double? = nil) {
        self.ttftSeconds = ttftSeconds
        self.tpotSeconds = tpotSeconds
    }
}

/// One point of the occupancy time series: the mean over a time bin of KV-cache occupancy
/// (fraction of blocks in use, averaged over replicas) and of queued requests (summed over replicas).
public struct OccupancySample: Sendable, Equatable {
    public var timeSeconds: Double
    public var kvOccupancy: Double
    public var queuedRequests: Double
}

/// What a serving simulation measured: latency distributions per request, throughput, energy,
/// KV-cache occupancy and queues over time.
///
/// Definitions (those of vLLM's `benchmark_serving.py` and MLPerf Inference):
/// - TTFT: first token time − arrival; TPOT: (last token − first token) / (output tokens − 1), per
///   request with more than one output token; end-to-end: last token − arrival.
/// - Throughput: output tokens of the served requests / makespan (arrival of the first request at 0
///   to the last completion). Goodput: requests meeting the SLO / makespan; a rejected request
///   meets no SLO.
/// - Energy per query: the accelerators' energy over the makespan (iterations and idle leakage)
///   / requests; chip energy only (no host, network or facility overhead).
public struct ServingReport: Sendable {
    /// Requests served (every offered request but those admission control turned away).
    public var requests: Int
    /// Requests turned away at arrival (`SchedulerOptions.maxQueuedRequests`).
    public var rejectedRequests: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var makespanSeconds: Double
    public var ttft: LatencySummary
    public var tpot: LatencySummary
    public var endToEnd: LatencySummary
    public var throughputTokensPerSecond: Double
    public var requestsPerSecond: Double
    public var energyJ: Double
    public var chips: Int
    public var iterations: Int
    public var preemptions: Int
    public var evaluatedShapes: Int
    public var kvOccupancyMean: Double
    public var kvOccupancyMax: Double
    public var queueMean: Double
    public var queueMax: Int
    public var series: [OccupancySample]
    /// The saturated window: the stretch before the bottleneck pool began its last new request
    /// (after that, finished requests are not replaced and the batch drains) during which every
    /// iteration left requests waiting, from the first completion at the earliest. Nil when the run
    /// has none (too few requests, or a load the system keeps up with). When requests arrive faster
    /// than they complete, this is the system at its limit.
    public var saturatedWindow: ClosedRange<Double>?
    /// Output tokens per second over `saturatedWindow` (tokens of the iterations that ended in it):
    /// an overloaded run's throughput without its start-up and drain, the most its arrival process
    /// can sustain. Nil without a window.
    public var saturatedThroughputTokensPerSecond: Double?
    /// Per-request (TTFT, TPOT) for goodput under any SLO.
    var latencies: [(ttft: Double, tpot: Double)]

    /// Chip energy per served request.
    public var energyJPerQuery: Double { energyJ / Double(requests) }
    public var energyJPerOutputToken: Double { energyJ / Double(outputTokens) }
    /// Average power of one chip over the makespan.
    public var averagePowerWPerChip: Double { energyJ / makespanSeconds / Double(chips) }

    /// `saturatedThroughputTokensPerSecond` in requests per second (÷ the mean output tokens per request).
    public var saturatedRequestsPerSecond: Double? {
        saturatedThroughputTokensPerSecond.map { $0 * Double(requests) / Double(outputTokens) }
    }

    /// Requests per second that meet `slo`.
    public func goodputRequestsPerSecond(_ slo: ServingSLO) -> Double {
        Double(requestsMeeting(slo)) / makespanSeconds
    }

    /// Whether the `percentile`-th percentile of TTFT and of TPOT are within `slo` (MLPerf's
    /// server-scenario rule at the 99th, DistServe's attainment at the 90th).
    public func meets(_ slo: ServingSLO, atPercentile percentile: Double) -> Bool {
        if let limit = slo.ttftSeconds {
            guard LatencySummary.percentile(percentile, sorted: latencies.map(\.ttft).sorted()) <= limit else { return false }
        }
        if let limit = slo.tpotSeconds {
            let tpots = latencies.map(\.tpot).filter { !$0.isNaN }.sorted()
            guard tpots.isEmpty || LatencySummary.percentile(percentile, sorted: tpots) <= limit else { return false }
        }
        return true
    }

    public func requestsMeeting(_ slo: ServingSLO) -> Int {
        latencies.reduce(0) { count, l in
            let ttftOK = slo.ttftSeconds.map { l.ttft <= $0 } ?? true
            let tpotOK = slo.tpotSeconds.map { l.tpot.isNaN || l.tpot <= $0 } ?? true
            return count + (ttftOK && tpotOK ? 1 : 0)
        }
    }

    static let seriesBins = 60

    /// The saturated window (see `saturatedWindow`). A pool is saturated while every replica of
    /// it is (`Replica.saturatedStretch`); the bottleneck pool is the one saturated longest. The
    /// window starts no earlier than the first completion, so an offline run's start-up (every
    /// slot prefilling at once) is left out.
    static func saturatedWindow(_ replicas: [Replica], firstCompletion: Double?) -> ClosedRange<Double>? {
        guard let firstCompletion else { return nil }
        let pools = Dictionary(grouping: replicas, by: { $0.role == .decode }).values
        let windows: [ClosedRange<Double>] = pools.compactMap { pool in
            let stretches = pool.compactMap(\.saturatedStretch)
            guard stretches.count == pool.count, let start = stretches.map(\.lowerBound).max(),
                  let end = stretches.map(\.upperBound).min() else { return nil }
            let from = Swift.max(start, firstCompletion)
            return end > from ? from...end : nil
        }
        return windows.max { ($0.upperBound - $0.lowerBound) < ($1.upperBound - $1.lowerBound) }
    }

    init(system: ServingSystem, requests offered: [RequestState], replicas: [Replica], makespanSeconds: Double) {
        let states = offered.filter { $0.stage == .done }
        requests = states.count
        rejectedRequests = offered.count - states.count
        inputTokens = states.reduce(0) { $0 + $1.input }
        outputTokens = states.reduce(0) { $0 + $1.output }
        self.makespanSeconds = makespanSeconds
        var ttfts: [Double] = [], tpots: [Double] = [], e2e: [Double] = []
        latencies = []
        ttfts.reserveCapacity(states.count)
        e2e.reserveCapacity(states.count)
        for r in states {
            let ttft = r.firstToken - r.arrival
            let tpot = r.output > 1 ? (r.finish - r.firstToken) / Double(r.output - 1) : Double.nan
            ttfts.append(ttft)
            if !tpot.isNaN { tpots.append(tpot) }
            e2e.append(r.finish - r.arrival)
            latencies.append((ttft, tpot))
        }
        ttft = LatencySummary(ttfts)
        tpot = LatencySummary(tpots)
        endToEnd = LatencySummary(e2e)
        throughputTokensPerSecond = Double(outputTokens) / makespanSeconds
        requestsPerSecond = Double(requests) / makespanSeconds
        chips = replicas.reduce(0) { $0 + $1.chips }
        energyJ = replicas.reduce(0) { total, r in
            total + r.energyJ + r.staticPowerWPerChip * Double(r.chips) * Swift.max(0, makespanSeconds - r.deviceSeconds)
        }
        iterations = replicas.reduce(0) { $0 + $1.iterations }
        preemptions = replicas.reduce(0) { $0 + $1.preemptions }
        // Replicas of a pool share one cost model: count each model once.
        evaluatedShapes = Dictionary(grouping: replicas, by: { ObjectIdentifier($0.costModel) }).values.reduce(0) { $0 + $1[0].costModel.evaluations }

        // Time-weighted occupancy and queues; idle time counts as the state the replica was left in.
        let bins = Self.seriesBins
        let width = makespanSeconds > 0 ? makespanSeconds / Double(bins) : 1
        var kvByBin = [Double](repeating: 0, count: bins), queueByBin = [Double](repeating: 0, count: bins)
        var kvTotal = 0.0, queueTotal = 0.0, kvMax = 0.0, queueMax = 0
        for replica in replicas {
            for s in replica.samples {
                kvMax = Swift.max(kvMax, s.kv)
                queueMax = Swift.max(queueMax, s.queue)
                kvTotal += s.kv * s.duration
                queueTotal += Double(s.queue) * s.duration
                let bin = Swift.min(bins - 1, Int(s.start / width))
                kvByBin[bin] += s.kv * s.duration
                queueByBin[bin] += Double(s.queue) * s.duration
            }
        }
        saturatedWindow = Self.saturatedWindow(replicas, firstCompletion: states.lazy.map(\.finish).min())
        saturatedThroughputTokensPerSecond = saturatedWindow.map { window in
            let tokens = replicas.reduce(0) { total, replica in
                total + replica.samples.reduce(0) { sum, s in
                    let finish = s.start + s.duration
                    return sum + (finish > window.lowerBound && finish <= window.upperBound ? s.tokens : 0)
                }
            }
            return Double(tokens) / (window.upperBound - window.lowerBound)
        }
        let replicaCount = Double(Swift.max(1, replicas.count))
        kvOccupancyMean = makespanSeconds > 0 ? kvTotal / (makespanSeconds * replicaCount) : 0
        kvOccupancyMax = kvMax
        queueMean = makespanSeconds > 0 ? queueTotal / makespanSeconds : 0
        self.queueMax = queueMax
        series = (0..<bins).map { b in
            OccupancySample(timeSeconds: (Double(b) + 0.5) * width, kvOccupancy: kvByBin[b] / (width * replicaCount), queuedRequests: queueByBin[b] / width)
        }
    }
}
