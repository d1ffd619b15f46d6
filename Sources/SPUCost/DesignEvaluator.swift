import Foundation
import SPUCore
import SPUFormats
import SPUHardware
import SPUPerformance
import SPUWorkload

/// Energy, power, area, cost and TCO of one evaluation.
public struct CostResult: Sendable {
    public var area: AreaBreakdown
    /// Dynamic energy per iteration per chip, by component.
    public var dynamicEnergy: EnergyBreakdown
    /// Leakage energy per iteration per chip.
    public var staticEnergyJ: Double
    /// Dynamic energy of one execution of each op (same order as the performance result's ops).
    public var opEnergyJ: [Double]
    /// Energy of one iteration for the whole group of chips.
    public var energyJ: Double
    /// Average power of one chip over the iteration, after the TDP policy.
    public var averagePowerW: Double
    /// Clock, supply voltage, temperature and leakage the iteration ran at.
    public var operatingPoint: PowerOperatingPoint
    /// Clock scale applied to stay within TDP (1 when none was needed): the operating point's.
    public var throttleFactor: Double { operatingPoint.clockScale }
    public var silicon: SiliconCost.Result
    public var tco: TCOBreakdown
    /// Cost per million throughput items (tokens, samples) for the whole group.
    public var usdPerMillionItems: Double
    /// Throughput items per joule of chip energy.
    public var itemsPerJoule: Double
    /// The design's serving metrics in a sweep with a serving scenario (`DesignEvaluator.serving`).
    public var serving: DesignServingMetrics? = nil
    /// The design's training metrics in a sweep with a training scenario (`DesignEvaluator.training`).
    public var training: DesignTrainingMetrics? = nil
    /// The accuracy of the workload's precision recipe on this design's accumulator, when the
    /// caller measured it (sweeps with an `accuracy` block; SPUAccuracy's `AccuracyOracle`).
    public var accuracy: AccuracyScores? = nil
}

public struct CostedEvaluation: Sendable {
    public var performance: EvaluationResult
    public var cost: CostResult

    public init(performance: EvaluationResult, cost: CostResult) {
        self.performance = performance
        self.cost = cost
    }
}

public enum CostError: Error, Equatable, CustomStringConvertible {
    case unknownProcessNode(design: String, node: String, known: [String])

    public var description: String {
        switch self {
        case let .unknownProcessNode(design, node, known):
            return "\(design): process_node \"\(node)\" matches no technology file (known: \(known.joined(separator: ", ")))"
        }
    }
}

/// Evaluates a design on a workload end to end: performance, then energy and power with the TDP
/// policy, area, buildability and package (`PackagingModel`), silicon cost and TCO.
///
/// TDP policy (DVFS): if average power at the nominal clock and voltage exceeds TDP, the clock is
/// scaled down by the factor s at which average power meets TDP (within 1e-4 below it, or to
/// 1.5e-5 in s: `ThrottleSearch`), re-running the performance model at each trial clock scale
/// (the design itself unchanged). The core supply follows
/// the node's V–f curve down with the clock (`SupplyPowerSpec`), so dynamic energy per operation
/// falls as (V/V_nom)² and leakage falls with V; off-chip memory and SerDes energy per bit does
/// not change. The throttled result carries its operating point (clock, voltage, power by
/// component), and s is reported as the throttle factor. If even s = 0.02 exceeds TDP (power set
/// by clock-independent traffic), the point is infeasible. A design that cannot be built
/// (packaging) is not run at all (`notRun`); a point infeasible for another reason (memory
/// capacity, an unsupported format) is not throttled: its breakdowns are at the nominal clock.
///
/// The mapping search gets the energy model as its pricer, so designs and runs may choose the
/// energy or EDP mapping objective (`MappingSearchOptions.objective`, else the design's).
public struct DesignEvaluator: Sendable {
    public let device: DeviceSpec
    public let technology: TechnologySpec
    public let inputs: CostInputs
    public let options: MappingSearchOptions
    public let area: AreaBreakdown
    public let silicon: SiliconCost.Result
    public let tco: TCOBreakdown
    let energyModel: EnergyModel
    let cache: OpEvaluationCache?
    /// The design's metrics on a sweep's serving scenario, set by the sweep after simulating it;
    /// carried into every `CostResult` (design-level metrics).
    public var serving: DesignServingMetrics?
    /// The design's metrics on a sweep's training scenario, set by the sweep after running it;
    /// carried into every `CostResult` (design-level metrics).
    public var training: DesignTrainingMetrics?

    public init(device: DeviceSpec, inputs: CostInputs, options: MappingSearchOptions = MappingSearchOptions(),
                cache: OpEvaluationCache? = nil) throws(CostError) {
        guard let technology = inputs.technology(for: device.processNode) else {
            throw .unknownProcessNode(design: device.name, node: device.processNode, known: inputs.technologies.map(\.name))
        }
        self.device = device
        self.technology = technology
        self.inputs = inputs
        self.cache = cache
        let area = AreaModel(technology: technology, parameters: inputs.model).area(of: device)
        self.area = area
        let packaging = PackagingModel(parameters: inputs.tco.packaging).evaluate(device: device, area: area, technology: technology)
        self.silicon = SiliconCost.cost(device: device, area: area, technology: technology, memory: inputs.memory, parameters: inputs.tco,
                                        packaging: packaging)
        self.tco = TCOModel.perAcceleratorHour(priceUSD: silicon.priceUSD, tdpW: device.tdpWatts, parameters: inputs.tco)
        let energyModel = EnergyModel(device: device, technology: technology, memory: inputs.memory, parameters: inputs.model, area: area)
        self.energyModel = energyModel
        var options = options
        if options.objective(for: device).needsEnergy { options.energyPricer = energyModel }
        self.options = options
    }

    public var staticPowerW: Double { energyModel.staticPowerW }

    public func evaluate(_ workload: Workload) -> CostedEvaluation {
        let summary = workload.summary
        // A design that cannot be built (reticle, HBM shoreline, package class: PackagingModel)
        // is not run: times, traffic and energy of a chip that cannot exist defend nothing.
        if !silicon.packaging.buildable { return notRun(workload, summary: summary) }
        var performance = evaluate(workload, summary: summary, clockScale: 1)
        var state = electricalState(performance)
        // A point already infeasible (its workload does not fit, or a format is unsupported) is
        // not throttled: it has no operating point to defend, carries no efficiency numbers, and
        // its breakdowns are reported at the nominal clock as diagnostics.
        var reasons: [String] = performance.reason.map { [$0] } ?? []
        if reasons.isEmpty, performance.latencySeconds.isFinite, state.powerW > device.tdpWatts {
            let search = ThrottleSearch<(EvaluationResult, ElectricalState)>(tdpW: device.tdpWatts, lowest: Self.lowestClockScale)
            let outcome = search.run(nominalPowerW: state.powerW, model: throttleModel(performance)) { scale in
                let trial = evaluate(workload, summary: summary, clockScale: scale)
                let trialState = electricalState(trial)
                return ((trial, trialState), trialState.powerW)
            }
            switch outcome {
            case .overAtLowest:
                reasons.append("average power exceeds the \(JSONWriter.formatNumber(device.tdpWatts)) W TDP even with the clock throttled to \(JSONWriter.formatNumber(Self.lowestClockScale * 100))%")
            case let .within(_, (trial, trialState)):
                performance = trial
                state = trialState
            }
        }
        performance.feasible = reasons.isEmpty
        performance.reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        let latency = performance.latencySeconds
        let staticJ = state.staticPowerW * (latency.isFinite ? latency : 0)
        let perChip = state.energy.totalJ + staticJ
        let devices = Double(workload.devices)
        let averagePower = latency > 0 && latency.isFinite ? perChip / latency : .nan
        let throughput = performance.throughputPerSecond
        let operatingPoint = PowerOperatingPoint(
            clockScale: performance.operatingPoint.clockScale, clockGHz: performance.operatingPoint.effectiveClockGHz(for: device),
            voltageV: state.voltageV, junctionTemperatureC: technology.power.junctionTemperatureC, staticPowerW: state.staticPowerW)
        let cost = CostResult(
            area: area, dynamicEnergy: state.energy, staticEnergyJ: staticJ,
            opEnergyJ: performance.ops.map { energyModel.energy($0.activity).scalingCoreSupply(by: state.coreSupplyScale).totalJ },
            energyJ: perChip * devices, averagePowerW: averagePower, operatingPoint: operatingPoint,
            silicon: silicon, tco: tco,
            usdPerMillionItems: throughput > 0 ? tco.totalUSDPerHour * devices / (throughput * 3600) * 1e6 : .nan,
            itemsPerJoule: perChip > 0 ? workload.itemsPerIteration / (perChip * devices) : .nan, serving: serving,
            training: training)
        return Self.checked(CostedEvaluation(performance: performance, cost: cost))
    }

    /// The evaluation of a design that cannot be built (`PerformanceModel.notRun`): infeasible
    /// with the packaging reasons, its area, silicon cost and TCO (which explain them), and no
    /// energy, power or efficiency (NaN, stored as no value).
    func notRun(_ workload: Workload, summary: WorkloadSummary) -> CostedEvaluation {
        let performance = PerformanceModel(device: device, operatingPoint: OperatingPoint(clockScale: 1), options: options, cache: cache)
            .notRun(workload, summary: summary, because: silicon.packaging.reasons.joined(separator: "; "))
        let supply = energyModel.supply
        let operatingPoint = PowerOperatingPoint(
            clockScale: 1, clockGHz: performance.operatingPoint.effectiveClockGHz(for: device),
            voltageV: supply.voltage(forClockScale: 1), junctionTemperatureC: technology.power.junctionTemperatureC,
            staticPowerW: energyModel.staticPowerW)
        let cost = CostResult(area: area, dynamicEnergy: EnergyBreakdown(), staticEnergyJ: .nan, opEnergyJ: [], energyJ: .nan,
                              averagePowerW: .nan, operatingPoint: operatingPoint, silicon: silicon, tco: tco,
                              usdPerMillionItems: .nan, itemsPerJoule: .nan, serving: serving, training: training)
        return Self.checked(CostedEvaluation(performance: performance, cost: cost))
    }

    /// The lowest clock scale the TDP policy tries (2 % of nominal).
    public static let lowestClockScale = 0.02

    /// Energy and power of a performance result at the supply voltage its clock needs.
    struct ElectricalState {
        var voltageV: Double
        /// (V/V_nom)², the factor on core-supply energies.
        var coreSupplyScale: Double
        /// Dynamic energy of one iteration per chip at that supply.
        var energy: EnergyBreakdown
        var staticPowerW: Double
        var powerW: Double
    }

    /// DVFS: the core supply for the result's clock (V–f curve), dynamic energy at that supply
    /// ((V/V_nom)² on core components) and leakage at that supply, and the resulting average power.
    func electricalState(_ result: EvaluationResult) -> ElectricalState {
        let supply = energyModel.supply
        let voltage = supply.voltage(forClockScale: result.operatingPoint.clockScale)
        let scale = supply.dynamicEnergyScale(atVoltage: voltage)
        // The scaling is linear in each component, so the iteration's total scales as its ops do.
        let energy = iterationEnergy(result).scalingCoreSupply(by: scale)
        let staticW = energyModel.staticPowerW(atVoltage: voltage)
        let latency = result.latencySeconds
        let power = latency > 0 && latency.isFinite ? energy.totalJ / latency + staticW : 0
        return ElectricalState(voltageV: voltage, coreSupplyScale: scale, energy: energy, staticPowerW: staticW, powerW: power)
    }

    /// The safety net of `FiniteResultCheck`: a result reporting a non-finite or negative quantity
    /// becomes infeasible with the reason, and loses its efficiency numbers (stored as no value).
    static func checked(_ evaluation: CostedEvaluation) -> CostedEvaluation {
        guard let violation = FiniteResultCheck.violation(evaluation) else { return evaluation }
        var e = evaluation
        e.performance.feasible = false
        e.performance.reason = ((e.performance.reason.map { [$0] } ?? []) + [violation]).joined(separator: "; ")
        e.performance.throughputPerSecond = .nan
        e.performance.macUtilization = .nan
        e.cost.usdPerMillionItems = .nan
        e.cost.itemsPerJoule = .nan
        return e
    }

    private func evaluate(_ workload: Workload, summary: WorkloadSummary, clockScale: Double) -> EvaluationResult {
        PerformanceModel(device: device, operatingPoint: OperatingPoint(clockScale: clockScale), options: options, cache: cache)
            .evaluate(workload, summary: summary)
    }

    /// The physical power model the throttle search steers by (`ThrottleModel`), from the
    /// nominal result; nil when that has no finite latency or no energy.
    func throttleModel(_ nominal: EvaluationResult) -> ThrottleModel? {
        let energyModel = energyModel
        let clocked = [Bound.compute, .sram, .noc].reduce(0) { $0 + (nominal.timeByBound[$1] ?? 0) }
        let all = nominal.timeByBound.values.reduce(0, +)
        return ThrottleModel(energy: iterationEnergy(nominal), latencySeconds: nominal.latencySeconds,
                             clockedShare: all > 0 ? clocked / all : 1, supply: energyModel.supply,
                             staticPowerW: { energyModel.staticPowerW(atVoltage: $0) })
    }

    /// Dynamic energy of one iteration at the nominal supply: Σ op energy × repeat.
    func iterationEnergy(_ result: EvaluationResult) -> EnergyBreakdown {
        var total = EnergyBreakdown()
        for op in result.ops { total.add(energyModel.energy(op.activity), times: Double(op.repeatCount)) }
        return total
    }

    /// Energy of aggregated activity counts (used to check energy conservation).
    public func energy(of activity: ActivityCounts) -> EnergyBreakdown { energyModel.energy(activity) }
}
