import SPUCore
import SPUCost
import SPUFormats
import SPUWorkload

/// Sizes a serving fleet from the serving simulator instead of the static formula of
/// `FleetSizing`: the fleet is made of identical serving units (one replica at the best tensor
/// parallelism, or a disaggregated group of prefill and decode replicas at the best split), each
/// carrying the highest Poisson rate that keeps TTFT and TPOT within the SLOs at the percentile
/// (`ServingCapacity`), with no utilisation factor: queueing is in the simulation.
///
///     units = ⌈(Q / 86400) · peak/average / rate per unit⌉,   chips = units · chips per unit
///
/// The diurnal curve's peak-to-average ratio sizes for the busiest hour. Energy per query: each
/// unit runs at its capacity rate for the share of the day the average load needs, at the
/// simulated power, and idles at leakage for the rest.
public struct SimulatedFleetSizing {
    public var model: TransformerConfig
    public var modelName: String
    public var request: FleetRequest
    public var scheduler: SchedulerOptions
    public var engine: EngineProfile
    /// SLOs used when the request gives none: MLPerf Inference's Llama-2-70B server limits,
    /// TTFT ≤ 2 s and TPOT ≤ 200 ms at the 99th percentile (loadgen `mlperf.conf`).
    public static let defaultSLO = ServingSLO(ttftSeconds: 2, tpotSeconds: 0.2)
    public var percentile = 99.0
    public var requestsPerTrial = 1000
    public var peakToAverage: Double
    /// Tensor parallelism tried per pool.
    public var tensorParallelOptions = [1, 2, 4, 8]
    /// Largest number of prefill or of decode replicas in a disaggregated unit.
    public var maximumReplicasPerPool = 4

    public init(model: TransformerConfig, modelName: String, request: FleetRequest, scheduler: SchedulerOptions = SchedulerOptions(),
                engine: EngineProfile, peakToAverage: Double) {
        self.model = model
        self.modelName = modelName
        self.request = request
        self.scheduler = scheduler
        self.engine = engine
        self.peakToAverage = peakToAverage
    }

    public var slo: ServingSLO {
        ServingSLO(ttftSeconds: request.sloTTFTSeconds ?? Self.defaultSLO.ttftSeconds, tpotSeconds: request.sloTPOTSeconds ?? Self.defaultSLO.tpotSeconds)
    }

    struct Candidate {
        var system: ServingSystem
        var capacity: ServingCapacity.Result
        var perChip: Double { capacity.ratePerSecond / Double(system.chips) }
    }

    func capacity(_ system: ServingSystem) throws(ServingError) -> ServingCapacity.Result {
        try ServingCapacity(system: system, inputTokens: .fixed(request.inputTokens), outputTokens: .fixed(request.outputTokens), slo: slo,
                            percentile: percentile, requestsPerTrial: requestsPerTrial, relativeTolerance: 0.02).search()
    }

    func system(_ prefill: ServingPool, _ decode: ServingPool?) -> ServingSystem {
        ServingSystem(model: model, modelName: modelName, recipe: request.recipe, prefill: prefill, decode: decode, scheduler: scheduler, engine: engine)
    }

    /// The best colocated unit of one design: the tensor parallelism with the highest rate per chip.
    func bestReplica(_ evaluator: DesignEvaluator) -> (Candidate?, reason: String) {
        var best: Candidate?
        var reason = "no tensor parallelism (\(tensorParallelOptions.map(String.init).joined(separator: ", "))) serves the model within the SLO"
        for tp in tensorParallelOptions where tp == 1 || evaluator.device.chipLinks.count > 0 {
            let s = system(ServingPool(evaluator: evaluator, tensorParallel: tp), nil)
            do {
                let c = Candidate(system: s, capacity: try capacity(s))
                if c.capacity.ratePerSecond > 0, c.perChip > (best?.perChip ?? 0) { best = c }
            } catch {
                if best == nil { reason = error.description }
            }
        }
        return (best, reason)
    }

    public func plan(evaluator: DesignEvaluator, decodeEvaluator: DesignEvaluator? = nil, pricing: PricingPolicy = .asConfigured) -> FleetPlan {
        let name = evaluator.device.name + (decodeEvaluator.map { " + \($0.device.name)" } ?? "")
        for e in [evaluator] + (decodeEvaluator.map { [$0] } ?? []) {
            if let unsupported = e.device.compute.macArray.unsupportedReason(for: request.recipe, design: e.device.name) {
                return FleetSizing.infeasible(design: name, reason: unsupported, evaluator: evaluator, pricing: pricing)
            }
        }
        let (colocated, reason) = bestReplica(evaluator)
        var chosen = colocated
        var failure = reason
        if let decodeEvaluator {
            let decodeTP = decodeEvaluator.device.contentHash == evaluator.device.contentHash ? colocated?.system.prefill.tensorParallel : bestReplica(decodeEvaluator).0?.system.prefill.tensorParallel
            chosen = nil
            if let prefillTP = colocated?.system.prefill.tensorParallel, let decodeTP {
                for np in 1...maximumReplicasPerPool {
                    for nd in 1...maximumReplicasPerPool {
                        let s = system(ServingPool(evaluator: evaluator, tensorParallel: prefillTP, replicas: np),
                                       ServingPool(evaluator: decodeEvaluator, tensorParallel: decodeTP, replicas: nd))
                        guard let result = try? capacity(s), result.ratePerSecond > 0 else { continue }
                        let c = Candidate(system: s, capacity: result)
                        if c.perChip > (chosen?.perChip ?? 0) { chosen = c }
                    }
                }
            } else {
                failure = "a pool has no serving configuration within the SLO"
            }
        }
        guard let unit = chosen, let report = unit.capacity.report else {
            return FleetSizing.infeasible(design: name, reason: failure, evaluator: evaluator, pricing: pricing)
        }
        let s = unit.system
        let chips = Double(s.chips)
        let averageRate = request.queriesPerDay / 86400
        let units = (averageRate * peakToAverage / unit.capacity.ratePerSecond).rounded(.up)
        let busyShare = min(1, averageRate / (units * unit.capacity.ratePerSecond))
        let runningPowerW = report.energyJ / report.makespanSeconds                       // all chips of the unit
        let idlePowerW = s.prefill.evaluator.staticPowerW * Double(s.prefill.chips) + (s.decode.map { $0.evaluator.staticPowerW * Double($0.chips) } ?? 0)
        let unitJPerDay = 86400 * (busyShare * runningPowerW + (1 - busyShare) * idlePowerW)
        let chipJPerQuery = units * unitJPerDay / request.queriesPerDay
        var plan = FleetSizing.provision(design: name, accelerators: units * chips, chipJoulesPerQuery: chipJPerQuery, request: request,
                                         evaluator: evaluator, pricing: pricing)
        let meanOutput = Double(request.outputTokens), meanInput = Double(request.inputTokens)
        plan.decode = ServingPoint(tensorParallel: s.decode?.tensorParallel ?? s.prefill.tensorParallel, batch: scheduler.maxSequences,
                                   latencySeconds: report.tpot.p99, tokensPerSecondPerChip: unit.capacity.ratePerSecond * meanOutput / chips,
                                   throttleFactor: .nan, averagePowerW: runningPowerW / chips)
        plan.prefill = ServingPoint(tensorParallel: s.prefill.tensorParallel, batch: scheduler.maxSequences, latencySeconds: report.ttft.p99,
                                    tokensPerSecondPerChip: unit.capacity.ratePerSecond * meanInput / chips, throttleFactor: .nan,
                                    averagePowerW: runningPowerW / chips)
        plan.simulated = SimulatedServingUnit(
            tensorParallel: s.prefill.tensorParallel, prefillReplicas: s.prefill.replicas, decodeReplicas: s.decode?.replicas,
            decodeTensorParallel: s.decode?.tensorParallel, decodeDesign: s.decode?.evaluator.device.name, chips: s.chips,
            requestsPerSecond: unit.capacity.ratePerSecond, ttftP99Seconds: report.ttft.p99, tpotP99Seconds: report.tpot.p99,
            powerWPerChipAtCapacity: runningPowerW / chips, peakToAverage: peakToAverage, engine: engine.identifier)
        return plan
    }
}
