import SPUCore
import SPUHardware
import SPUPerformance
import SPUWorkload

/// The last check on every evaluation of a design × workload: every number the result reports
/// (latency, throughput, energy, power, area and its parts, silicon cost, TCO and every
/// catalogue metric) is finite, and areas, energies, times and costs are non-negative.
///
/// The input ranges (`HardwareLimits`, `CostInputLimits`, `WorkloadLimits`) are chosen so that
/// this never fires for a file that was read; it is the safety net for specs built in code and for
/// model arithmetic nobody foresaw. A result that fails it becomes infeasible, with the reason
/// naming the design, the workload, the quantity and the inputs to check, and carries no
/// efficiency numbers.
enum FiniteResultCheck {
    /// One reported quantity: its name in the reason, its value, whether it must be ≥ 0, and
    /// which inputs to check when it is not finite.
    struct Quantity {
        var name: String
        var value: Double
        var nonNegative: Bool
        var hint: String
    }

    static let areaHint = "the technology file and configs/tech/model-parameters.json"
    static let costHint = "the technology file's wafer and the TCO file's silicon block"
    static let tcoHint = "the TCO file and the design's tdp_w"
    static let energyHint = "the technology file's energy factors and configs/tech/memory.json"

    /// Quantities of the design alone (area, silicon cost, TCO), reported even for infeasible results.
    static func designQuantities(_ c: CostResult) -> [Quantity] {
        var out = c.area.parts.map { Quantity(name: "area \($0.0.rawValue)", value: $0.1, nonNegative: true, hint: areaHint) }
        out.append(Quantity(name: "area", value: c.area.effectiveTotalMM2, nonNegative: true, hint: areaHint))
        let s = c.silicon
        out += [("die area", s.dieAreaMM2, areaHint), ("dies per wafer", s.grossDiesPerWafer, costHint), ("die yield", s.dieYield, costHint),
                ("die cost", s.dieCostUSD, costHint), ("memory cost", s.memoryCostUSD, "configs/tech/memory.json"),
                ("package and test cost", s.packageAndTestUSD, "the TCO file's silicon block"), ("NRE per unit", s.nrePerUnitUSD, costHint),
                ("manufacturing cost", s.manufacturingCostUSD, costHint), ("price", s.priceUSD, "the design's price block or the TCO file's spu_price_margin")]
            .map { Quantity(name: $0.0, value: $0.1, nonNegative: true, hint: $0.2) }
        let t = c.tco
        out += [("TCO IT capex", t.itCapexUSD), ("TCO capital per hour", t.itCapitalUSDPerHour), ("TCO electricity per hour", t.electricityUSDPerHour),
                ("TCO facility per hour", t.facilityUSDPerHour), ("TCO opex per hour", t.opexUSDPerHour), ("wall power", t.wallPowerW),
                ("TCO per hour", t.totalUSDPerHour)]
            .map { Quantity(name: $0.0, value: $0.1, nonNegative: true, hint: tcoHint) }
        return out
    }

    /// Quantities of the evaluation (performance, energy, power, efficiency), checked on feasible results.
    static func evaluationQuantities(_ e: CostedEvaluation) -> [Quantity] {
        let p = e.performance, c = e.cost
        var out = [Quantity(name: "latency", value: p.latencySeconds, nonNegative: true, hint: latencyHint(p))]
        out += Bound.allCases.map { Quantity(name: "time bound by \($0.rawValue)", value: p.timeByBound[$0] ?? 0, nonNegative: true, hint: latencyHint(p)) }
        out += [Quantity(name: "memory required", value: p.capacity.requiredBytes, nonNegative: true, hint: "the workload's dims"),
                Quantity(name: "memory available", value: p.capacity.availableBytes, nonNegative: true, hint: "memory.offchip")]
        out += c.dynamicEnergy.parts.map { Quantity(name: "energy \($0.0.rawValue)", value: $0.1, nonNegative: true, hint: energyHint) }
        out += c.opEnergyJ.enumerated().map {
            Quantity(name: "energy of op \(p.ops.indices.contains($0.offset) ? p.ops[$0.offset].name : String($0.offset))", value: $0.element,
                     nonNegative: true, hint: energyHint)
        }
        out += [Quantity(name: "static energy", value: c.staticEnergyJ, nonNegative: true, hint: "the technology file's leakage_w_per_mm2"),
                Quantity(name: "energy", value: c.energyJ, nonNegative: true, hint: energyHint),
                Quantity(name: "average power", value: c.averagePowerW, nonNegative: true, hint: energyHint),
                Quantity(name: "throttle factor", value: c.throttleFactor, nonNegative: true, hint: "the design's tdp_w")]
        // Every catalogue metric (what is stored and ranked), in catalogue order.
        let values = MetricCatalogue.values(e)
        out += MetricCatalogue.all.compactMap { metric in
            let value = values[metric.name] ?? .nan
            // An optional metric (serving) without a value is not applicable, not broken.
            if metric.isOptional, value.isNaN { return nil }
            return Quantity(name: metric.name, value: value, nonNegative: false, hint: latencyHint(p))
        }
        return out
    }

    /// The first quantity that breaks the rule, as a reason naming design, workload and inputs; nil when all are sound.
    static func violation(_ e: CostedEvaluation) -> String? {
        let quantities = designQuantities(e.cost) + (e.performance.feasible ? evaluationQuantities(e) : [])
        for q in quantities {
            let problem: String
            if !q.value.isFinite { problem = "is not finite" } else if q.nonNegative, q.value < 0 { problem = "is negative" } else { continue }
            return "\(e.performance.designName) on \(e.performance.workloadName): \(q.name) \(problem) (check \(q.hint))"
        }
        return nil
    }

    /// Which inputs set the time of the first op whose time is not finite.
    static func latencyHint(_ p: EvaluationResult) -> String {
        for op in p.ops where !op.latencySeconds.isFinite || op.latencySeconds < 0 {
            guard let bound = Bound.allCases.first(where: { !op.times[$0].isFinite || op.times[$0] < 0 }) else { continue }
            switch bound {
            case .compute:
                return op.kind == .matmul ? "compute.mac_array.macs_per_cycle and clock_ghz" : "compute.vector_unit.ops_per_lane_per_cycle"
            case .sram: return "memory.local_sram and memory.shared_sram bytes per cycle"
            case .noc: return "noc.link_bytes_per_cycle"
            case .offchip: return "memory.offchip bandwidth and the calibration's bandwidth fractions"
            case .chiplink: return "chip_links and the calibration's collective efficiency"
            case .overhead: return "the calibration's fixed times and the latencies"
            }
        }
        return "the design's rates and the workload's dims"
    }
}
