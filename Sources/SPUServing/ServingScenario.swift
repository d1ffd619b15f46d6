import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUWorkload

/// A serving scenario a sweep runs on every design (the sweep spec's `serving` block,
/// `docs/sweeps.md`): the model, how the design serves it (tensor parallelism, replicas, engine,
/// scheduler) and the requests (`ServingRequests`: offline, Poisson at a rate, closed-loop clients,
/// or the highest Poisson rate that meets the SLOs at a percentile). Its result is the design's
/// serving metrics (`DesignServingMetrics`), which sweeps constrain and optimise like area or price.
public struct ServingScenario: Sendable {

    public var model: TransformerConfig
    public var modelName: String
    /// The precision recipe the model is served in (weights, activations, KV cache).
    public var recipe: PrecisionRecipe
    public var tensorParallel: Int
    public var replicas: Int
    public var engine: EngineProfile
    public var scheduler: SchedulerOptions
    public var inputTokens: LengthDistribution
    public var outputTokens: LengthDistribution
    public var requestCount: Int
    public var seed: UInt64
    public var requests: ServingRequests
    /// SLOs goodput counts against, except for `maxRate` requests (which carry their own).
    public var slo: ServingSLO

    public init(model: TransformerConfig, modelName: String, recipe: PrecisionRecipe, tensorParallel: Int,
                replicas: Int, engine: EngineProfile, scheduler: SchedulerOptions, inputTokens: LengthDistribution,
                outputTokens: LengthDistribution, requestCount: Int, seed: UInt64, requests: ServingRequests, slo: ServingSLO) {
        self.model = model
        self.modelName = modelName
        self.recipe = recipe
        self.tensorParallel = tensorParallel
        self.replicas = replicas
        self.engine = engine
        self.scheduler = scheduler
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.requestCount = requestCount
        self.seed = seed
        self.requests = requests
        self.slo = slo
    }

    /// The design's serving metrics; `unavailable` when it cannot serve the model (a recipe its MAC
    /// array does not support, memory, packaging, TDP, no chip links for tensor parallelism, no
    /// rate within the SLO). Bad input (a length beyond the model's context) throws.
    public func metrics(for evaluator: DesignEvaluator) throws(ServingError) -> DesignServingMetrics {
        if evaluator.device.compute.macArray.unsupportedReason(for: recipe, design: evaluator.device.name) != nil { return .unavailable }
        let system = ServingSystem(model: model, modelName: modelName, recipe: recipe,
                                   prefill: ServingPool(evaluator: evaluator, tensorParallel: tensorParallel, replicas: replicas),
                                   scheduler: scheduler, engine: engine)
        do throws(ServingError) {
            if case let .maxRate(slo, percentile, tolerance) = requests {
                let capacity = try ServingCapacity(system: system, inputTokens: inputTokens, outputTokens: outputTokens, slo: slo,
                                                   percentile: percentile, requestsPerTrial: requestCount, relativeTolerance: tolerance,
                                                   seed: seed).search()
                guard let report = capacity.report else { return .unavailable }
                return DesignServingMetrics(goodputRequestsPerSecond: capacity.ratePerSecond, ttftP99Seconds: report.ttft.p99,
                                            tpotP99Seconds: report.tpot.p99, throughputTokensPerSecond: capacity.ratePerSecond * outputTokens.mean,
                                            energyJPerQuery: report.energyJPerQuery)
            }
            let report = try ServingSimulator(system: system).run(.generated(arrivals: requests.arrivals ?? .offline, count: requestCount,
                                                                             inputTokens: inputTokens, outputTokens: outputTokens, seed: seed))
            return DesignServingMetrics(goodputRequestsPerSecond: report.goodputRequestsPerSecond(slo), ttftP99Seconds: report.ttft.p99,
                                        tpotP99Seconds: report.tpot.p99, throughputTokensPerSecond: report.throughputTokensPerSecond,
                                        energyJPerQuery: report.energyJPerQuery)
        } catch {
            if case .infeasible = error { return .unavailable }
            throw error
        }
    }
}
