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
/// conservative. Energy per query uses wall power: N · TDP · wall ratio · load · PUE · 24 h / Q.
public struct FleetRequest: Sendable {
    public var queriesPerDay: Double
    public var inputTokens: Int
    public var outputTokens: Int
    public var sloTTFTSeconds: Double?
    public var sloTPOTSeconds: Double?
    public var format: NumberFormat

    public init(queriesPerDay: Double, inputTokens: Int, outputTokens: Int, sloTTFTSeconds: Double? = nil,
                sloTPOTSeconds: Double? = nil, format: NumberFormat = .bf16) {
        self.queriesPerDay = queriesPerDay
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.sloTTFTSeconds = sloTTFTSeconds
        self.sloTPOTSeconds = sloTPOTSeconds
        self.format = format
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
}

public struct FleetPlan: Sendable {
    public var design: String
    public var feasible: Bool
    public var reason: String?
    public var decode: ServingPoint?
    public var prefill: ServingPoint?
    public var accelerators: Double
    public var servers: Double
    public var itMW: Double
    public var facilityMW: Double
    public var gwhPerYear: Double
    public var capexUSD: Double
    public var annualTCOUSD: Double
    public var usdPer1000Queries: Double
    public var whPerQuery: Double
    public var tcoUSDPerHourPerChip: Double
}

public enum FleetSizing {
    static let tensorParallelOptions = [1, 2, 4, 8]
    static let batchOptions = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    public static func plan(model: TransformerConfig, modelName: String, request: FleetRequest, evaluator: DesignEvaluator) -> FleetPlan {
        let p = evaluator.inputs.tco
        let tco = evaluator.tco
        // Checked: token counts come from the command line and may be anything up to Int.max.
        let (context, overflow) = request.inputTokens.addingReportingOverflow(request.outputTokens)
        guard request.inputTokens >= 1, request.outputTokens >= 1, !overflow, WorkloadLimits.sequenceLength.contains(context) else {
            return FleetPlan(design: evaluator.device.name, feasible: false,
                             reason: "input + output tokens (\(request.inputTokens) + \(request.outputTokens)) must be positive and at most \(WorkloadLimits.sequenceLength.upperBound) together",
                             decode: nil, prefill: nil, accelerators: .nan, servers: .nan, itMW: .nan, facilityMW: .nan,
                             gwhPerYear: .nan, capexUSD: .nan, annualTCOUSD: .nan, usdPer1000Queries: .nan, whPerQuery: .nan,
                             tcoUSDPerHourPerChip: tco.totalUSDPerHour)
        }
        func search(_ phase: Phase, slo: Double?) -> ServingPoint? {
            var best: ServingPoint?
            for tp in tensorParallelOptions where tp == 1 || evaluator.device.chipLinks.count > 0 {
                for batch in batchOptions {
                    guard let workload = try? TransformerGenerator(model: model, modelName: modelName, format: request.format)
                        .generate(phase: phase, batch: batch, sequenceLength: phase == .prefill ? request.inputTokens : context, tensorParallel: tp)
                    else { continue }
                    let e = evaluator.evaluate(workload)
                    guard e.performance.feasible, e.performance.latencySeconds.isFinite else { continue }
                    if let slo, e.performance.latencySeconds > slo { break }   // larger batches are slower still
                    let rate = e.performance.throughputPerSecond / Double(tp)
                    if rate > (best?.tokensPerSecondPerChip ?? 0) {
                        best = ServingPoint(tensorParallel: tp, batch: batch, latencySeconds: e.performance.latencySeconds,
                                              tokensPerSecondPerChip: rate, throttleFactor: e.cost.throttleFactor)
                    }
                }
            }
            return best
        }
        let decode = search(.decode, slo: request.sloTPOTSeconds)
        let prefill = search(.prefill, slo: request.sloTTFTSeconds)
        guard let decode, let prefill else {
            let missing = decode == nil ? "decode" : "prefill"
            return FleetPlan(design: evaluator.device.name, feasible: false,
                             reason: "no \(missing) operating point (tensor parallel 1–8, batch 1–256) fits memory and meets the SLO",
                             decode: decode, prefill: prefill, accelerators: .nan, servers: .nan, itMW: .nan, facilityMW: .nan,
                             gwhPerYear: .nan, capexUSD: .nan, annualTCOUSD: .nan, usdPer1000Queries: .nan, whPerQuery: .nan,
                             tcoUSDPerHourPerChip: tco.totalUSDPerHour)
        }
        let queriesPerSecond = request.queriesPerDay / 86400
        let secondsPerQuery = Double(request.outputTokens) / decode.tokensPerSecondPerChip + Double(request.inputTokens) / prefill.tokensPerSecondPerChip
        let accelerators = (queriesPerSecond * p.peakToAverage * secondsPerQuery / p.fleetUtilization).rounded(.up)
        let servers = (accelerators / Double(p.acceleratorsPerServer)).rounded(.up)
        let itMW = accelerators * tco.wallPowerW / 1e6
        let facilityMW = itMW * p.pue
        let gwhPerYear = itMW * p.averageLoadFraction * p.pue * 8.76
        let capex = accelerators * tco.itCapexUSD + itMW * p.facilityCapexUSDPerMWIT
        let annual = accelerators * tco.totalUSDPerHour * TCOModel.hoursPerYear
        let whPerQuery = accelerators * tco.wallPowerW * p.averageLoadFraction * p.pue * 24 / request.queriesPerDay
        return FleetPlan(design: evaluator.device.name, feasible: true, reason: nil, decode: decode, prefill: prefill,
                         accelerators: accelerators, servers: servers, itMW: itMW, facilityMW: facilityMW, gwhPerYear: gwhPerYear,
                         capexUSD: capex, annualTCOUSD: annual, usdPer1000Queries: annual / (request.queriesPerDay * 365) * 1000,
                         whPerQuery: whPerQuery, tcoUSDPerHourPerChip: tco.totalUSDPerHour)
    }
}
