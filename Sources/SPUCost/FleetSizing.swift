import Foundation
import SPUCore
import SPUFormats  // NumberFormat's cases (a default argument names one)
import SPUHardware
import SPUPerformance
import SPUWorkload

/// Sizes an LLM serving fleet for a query volume (hardware-and-tco-data.md §5.4):
///
///     N_acc = (Q / 86400) · peak · (T_out / R_out + T_in / R_prefill) / U
///
/// where R_out and R_prefill are one accelerator's decode and prefill token rates at the chosen
/// operating point, U the fleet utilisation and peak the peak-to-average factor. The operating
/// point is searched: tensor parallelism (1, 2, 4, 8 chips) and batch (powers of two up to 256)
/// for decode and for prefill separately, keeping the highest per-chip rate that meets the SLOs
/// (TPOT = decode step latency, TTFT = prefill latency of the batch) and fits memory. Decode is
/// evaluated at the longest context (input + output tokens), so capacity and speed are
/// conservative.
///
/// Energy comes from the modelled power of the chosen operating points, not from TDP: a query
/// keeps chips busy for T_out / R_out chip-seconds at the decode point's average power per chip
/// and T_in / R_prefill at the prefill point's (`CostResult.averagePowerW`, after the TDP
/// policy); the rest of the provisioned chip-time (N × 24 h less the busy time, the headroom that
/// U and the peak factor leave) the chips idle at the model's static (leakage) power. Chip energy
/// × wall ratio × PUE is facility energy: Wh/query and GWh/year. Facility power provisioning (IT
/// and facility MW) stays at TDP × wall ratio: a data centre is built for the peak.
///
/// Prices follow `PricingPolicy`: as configured, or every design at manufacturing cost × one margin.
public struct FleetRequest: Sendable {
    public var queriesPerDay: Double
    public var inputTokens: Int
    public var outputTokens: Int
    public var sloTTFTSeconds: Double?
    public var sloTPOTSeconds: Double?
    /// The precision the model is served in.
    public var recipe: PrecisionRecipe

    public init(queriesPerDay: Double, inputTokens: Int, outputTokens: Int, sloTTFTSeconds: Double? = nil,
                sloTPOTSeconds: Double? = nil, format: NumberFormat = .bf16) {
        self.init(queriesPerDay: queriesPerDay, inputTokens: inputTokens, outputTokens: outputTokens, sloTTFTSeconds: sloTTFTSeconds,
                  sloTPOTSeconds: sloTPOTSeconds, recipe: .uniform(format))
    }

    public init(queriesPerDay: Double, inputTokens: Int, outputTokens: Int, sloTTFTSeconds: Double? = nil,
                sloTPOTSeconds: Double? = nil, recipe: PrecisionRecipe) {
        self.queriesPerDay = queriesPerDay
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.sloTTFTSeconds = sloTTFTSeconds
        self.sloTPOTSeconds = sloTPOTSeconds
        self.recipe = recipe
    }
}

/// One phase's chosen serving configuration (tensor parallelism and batch) and what it achieves.
public struct ServingPoint: Sendable, Equatable {
    public var tensorParallel: Int
    public var batch: Int
    public var latencySeconds: Double
    /// Tokens per second per accelerator.
    public var tokensPerSecondPerChip: Double
    public var throttleFactor: Double
    /// Modelled average power of one chip at this point (after the TDP policy).
    public var averagePowerW: Double

    public init(tensorParallel: Int, batch: Int, latencySeconds: Double, tokensPerSecondPerChip: Double, throttleFactor: Double, averagePowerW: Double) {
        self.tensorParallel = tensorParallel
        self.batch = batch
        self.latencySeconds = latencySeconds
        self.tokensPerSecondPerChip = tokensPerSecondPerChip
        self.throttleFactor = throttleFactor
        self.averagePowerW = averagePowerW
    }
}

public struct FleetPlan: Sendable {
    public var design: String
    public var feasible: Bool
    public var reason: String?
    public var decode: ServingPoint?
    public var prefill: ServingPoint?
    public var accelerators: Double
    public var servers: Double
    /// Provisioned IT power: accelerators × TDP × wall ratio.
    public var itMW: Double
    /// Provisioned facility power: IT MW × PUE.
    public var facilityMW: Double
    /// Facility energy per year from the modelled power (busy and idle chips, wall ratio, PUE).
    public var gwhPerYear: Double
    public var capexUSD: Double
    public var annualTCOUSD: Double
    public var usdPer1000Queries: Double
    /// Facility energy per query from the modelled power.
    public var whPerQuery: Double
    /// Modelled chip power averaged over the fleet and the day (busy at the operating points, idle at leakage).
    public var averageChipPowerW: Double
    public var tcoUSDPerHourPerChip: Double
    /// Price of one accelerator under the plan's pricing policy.
    public var priceUSDPerChip: Double
    /// How the plan was sized: nil for the static formula, else the simulated serving unit.
    public var simulated: SimulatedServingUnit?
    /// The precision recipe the plan serves in (`FleetRequest.recipe`); set by the sizer's caller
    /// when it chose the recipe per design.
    public var recipe: String?
    /// The recipe's accuracy on the design's accumulator, when the caller measured it.
    public var accuracy: AccuracyScores?
}

/// The serving unit a simulated fleet plan replicates (`spusim fleet --sizing simulated`): one
/// replica, or a disaggregated group of prefill and decode replicas, and the highest Poisson
/// request rate it sustains within the SLOs at the percentile, from the serving simulator.
public struct SimulatedServingUnit: Sendable, Equatable {
    public var tensorParallel: Int
    public var prefillReplicas: Int
    /// Decode replicas and their tensor parallelism (disaggregated units; nil when colocated).
    public var decodeReplicas: Int?
    public var decodeTensorParallel: Int?
    public var decodeDesign: String?
    public var chips: Int
    /// The highest rate meeting the SLOs, requests per second per unit.
    public var requestsPerSecond: Double
    public var ttftP99Seconds: Double
    public var tpotP99Seconds: Double
    /// Average power of the unit's chips at that rate (per chip).
    public var powerWPerChipAtCapacity: Double
    /// Peak-to-average request rate the fleet is provisioned for (the diurnal curve's).
    public var peakToAverage: Double
    public var engine: String

    public init(tensorParallel: Int, prefillReplicas: Int, decodeReplicas: Int?, decodeTensorParallel: Int?, decodeDesign: String?, chips: Int,
                requestsPerSecond: Double, ttftP99Seconds: Double, tpotP99Seconds: Double, powerWPerChipAtCapacity: Double, peakToAverage: Double,
                engine: String) {
        self.tensorParallel = tensorParallel
        self.prefillReplicas = prefillReplicas
        self.decodeReplicas = decodeReplicas
        self.decodeTensorParallel = decodeTensorParallel
        self.decodeDesign = decodeDesign
        self.chips = chips
        self.requestsPerSecond = requestsPerSecond
        self.ttftP99Seconds = ttftP99Seconds
        self.tpotP99Seconds = tpotP99Seconds
        self.powerWPerChipAtCapacity = powerWPerChipAtCapacity
        self.peakToAverage = peakToAverage
        self.engine = engine
    }
}

public enum FleetSizing {
    static let tensorParallelOptions = [1, 2, 4, 8]
    static let batchOptions = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    public static func plan(model: TransformerConfig, modelName: String, request: FleetRequest, evaluator: DesignEvaluator,
                            pricing: PricingPolicy = .asConfigured) -> FleetPlan {
        if let unsupported = evaluator.device.compute.macArray.unsupportedReason(for: request.recipe, design: evaluator.device.name) {
            return infeasible(design: evaluator.device.name, reason: unsupported, evaluator: evaluator, pricing: pricing)
        }
        let p = evaluator.inputs.tco
        // Checked: token counts come from the command line and may be anything up to Int.max.
        let (context, overflow) = request.inputTokens.addingReportingOverflow(request.outputTokens)
        guard request.inputTokens >= 1, request.outputTokens >= 1, !overflow, WorkloadLimits.sequenceLength.contains(context) else {
            return infeasible(design: evaluator.device.name,
                              reason: "input + output tokens (\(request.inputTokens) + \(request.outputTokens)) must be positive and at most \(WorkloadLimits.sequenceLength.upperBound) together",
                              evaluator: evaluator, pricing: pricing)
        }
        func search(_ phase: Phase, slo: Double?) -> ServingPoint? {
            var best: ServingPoint?
            for tp in tensorParallelOptions where tp == 1 || evaluator.device.chipLinks.count > 0 {
                for batch in batchOptions {
                    guard let workload = try? TransformerGenerator(model: model, modelName: modelName, recipe: request.recipe)
                        .generate(phase: phase, batch: batch, sequenceLength: phase == .prefill ? request.inputTokens : context, tensorParallel: tp)
                    else { continue }
                    let e = evaluator.evaluate(workload)
                    guard e.performance.feasible, e.performance.latencySeconds.isFinite else { continue }
                    if let slo, e.performance.latencySeconds > slo { break }   // larger batches are slower still
                    let rate = e.performance.throughputPerSecond / Double(tp)
                    if rate > (best?.tokensPerSecondPerChip ?? 0) {
                        best = ServingPoint(tensorParallel: tp, batch: batch, latencySeconds: e.performance.latencySeconds,
                                              tokensPerSecondPerChip: rate, throttleFactor: e.cost.throttleFactor,
                                              averagePowerW: e.cost.averagePowerW)
                    }
                }
            }
            return best
        }
        let decode = search(.decode, slo: request.sloTPOTSeconds)
        let prefill = search(.prefill, slo: request.sloTTFTSeconds)
        guard let decode, let prefill else {
            let missing = decode == nil ? "decode" : "prefill"
            var plan = infeasible(design: evaluator.device.name,
                                  reason: "no \(missing) operating point (tensor parallel 1–8, batch 1–256) fits memory and meets the SLO",
                                  evaluator: evaluator, pricing: pricing)
            plan.decode = decode
            plan.prefill = prefill
            return plan
        }
        let queriesPerSecond = request.queriesPerDay / 86400
        let decodeChipSeconds = Double(request.outputTokens) / decode.tokensPerSecondPerChip
        let prefillChipSeconds = Double(request.inputTokens) / prefill.tokensPerSecondPerChip
        let secondsPerQuery = decodeChipSeconds + prefillChipSeconds
        let accelerators = (queriesPerSecond * p.peakToAverage * secondsPerQuery / p.fleetUtilization).rounded(.up)
        // Chip energy per query: busy at the operating points' modelled power, idle (the provisioned
        // chip-time the query volume leaves unused) at leakage.
        let idleChipSecondsPerQuery = max(0, accelerators * 86400 / request.queriesPerDay - secondsPerQuery)
        let chipJPerQuery = decodeChipSeconds * decode.averagePowerW + prefillChipSeconds * prefill.averagePowerW
            + idleChipSecondsPerQuery * evaluator.staticPowerW
        var plan = provision(design: evaluator.device.name, accelerators: accelerators, chipJoulesPerQuery: chipJPerQuery, request: request,
                             evaluator: evaluator, pricing: pricing)
        plan.decode = decode
        plan.prefill = prefill
        return plan
    }

    /// Servers, provisioned power, energy and cost of `accelerators` chips serving the request's
    /// query volume with `chipJoulesPerQuery` of modelled chip energy per query (busy and idle):
    /// facility energy = chip energy × wall ratio × PUE; IT power provisioned at TDP × wall ratio.
    public static func provision(design: String, accelerators: Double, chipJoulesPerQuery: Double, request: FleetRequest,
                                 evaluator: DesignEvaluator, pricing: PricingPolicy) -> FleetPlan {
        let p = evaluator.inputs.tco
        let (silicon, tco) = pricing.repriced(silicon: evaluator.silicon, tco: evaluator.tco)
        let servers = (accelerators / Double(p.acceleratorsPerServer)).rounded(.up)
        let itMW = accelerators * tco.wallPowerW / 1e6
        let facilityMW = itMW * p.pue
        let whPerQuery = chipJoulesPerQuery * p.wallPowerRatio * p.pue / 3600
        let gwhPerYear = whPerQuery * request.queriesPerDay * 365 / 1e9
        let averageChipPower = chipJoulesPerQuery * request.queriesPerDay / (accelerators * 86400)
        let capex = accelerators * tco.itCapexUSD + itMW * p.facilityCapexUSDPerMWIT
        let annual = accelerators * tco.totalUSDPerHour * TCOModel.hoursPerYear
        return FleetPlan(design: design, feasible: true, reason: nil, decode: nil, prefill: nil,
                         accelerators: accelerators, servers: servers, itMW: itMW, facilityMW: facilityMW, gwhPerYear: gwhPerYear,
                         capexUSD: capex, annualTCOUSD: annual, usdPer1000Queries: annual / (request.queriesPerDay * 365) * 1000,
                         whPerQuery: whPerQuery, averageChipPowerW: averageChipPower, tcoUSDPerHourPerChip: tco.totalUSDPerHour,
                         priceUSDPerChip: silicon.priceUSD)
    }

    /// An infeasible plan: the reason, no figures.
    public static func infeasible(design: String, reason: String, evaluator: DesignEvaluator, pricing: PricingPolicy) -> FleetPlan {
        let (silicon, tco) = pricing.repriced(silicon: evaluator.silicon, tco: evaluator.tco)
        return FleetPlan(design: design, feasible: false, reason: reason, decode: nil, prefill: nil, accelerators: .nan, servers: .nan,
                         itMW: .nan, facilityMW: .nan, gwhPerYear: .nan, capexUSD: .nan, annualTCOUSD: .nan, usdPer1000Queries: .nan,
                         whPerQuery: .nan, averageChipPowerW: .nan, tcoUSDPerHourPerChip: tco.totalUSDPerHour, priceUSDPerChip: silicon.priceUSD)
    }
}
