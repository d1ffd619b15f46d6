import Foundation
import SPUCore
import SPUHardware

/// Dies per wafer, yield and cost per good die and per packaged accelerator.
///
/// Formulas (hardware-and-tco-data.md §3.2): gross dies per wafer
/// DPW = π(d/2)²/S − πd/√(2S) on the usable diameter d (wafer minus edge exclusion);
/// yield of area A (cm²) at defect density D0: Poisson e^(−A·D0); Murphy ((1−e^(−A·D0))/(A·D0))²;
/// Seeds 1/(1+A·D0); negative binomial (1 + A·D0/α)^(−α). With spare units (physical > enabled),
/// the units' area is harvested: a die is good if its non-unit area is defect-free and at most
/// `spares` units are defective (per-unit Poisson defects, binomial over units).
public enum SiliconCost {
    public static func diesPerWafer(dieAreaMM2 s: Double, wafer: TechnologySpec.WaferSpec) -> Double {
        let d = wafer.diameterMM - 2 * wafer.edgeExclusionMM
        return max(0, Double.pi * (d / 2) * (d / 2) / s - Double.pi * d / (2 * s).squareRoot())
    }

    public static func yield(areaMM2: Double, defectDensityPerCM2 d0: Double, model: TCOParameters.YieldModel, alpha: Double) -> Double {
        let ad = areaMM2 / 100 * d0
        guard ad > 0 else { return 1 }
        switch model {
        case .poisson: return exp(-ad)
        case .murphy: let y = (1 - exp(-ad)) / ad; return y * y
        case .seeds: return 1 / (1 + ad)
        case .negativeBinomial: return pow(1 + ad / alpha, -alpha)
        }
    }

    /// Probability that at most `spares` of `units` units (each `unitAreaMM2`) have a defect.
    public static func harvestYield(units: Int, spares: Int, unitAreaMM2: Double, defectDensityPerCM2 d0: Double) -> Double {
        let good = exp(-unitAreaMM2 / 100 * d0)
        let tolerated = max(0, min(spares, units))
        if tolerated >= units || good >= 1 { return 1 }
        if good <= 0 { return 0 }
        // Terms C(n, j)·(1 − g)^j·g^(n − j) in log space, each from the previous one: C(n, j) alone
        // overflows a Double for large n (up to 2^24 units by `HardwareLimits.units`), and
        // inf · 0 would be NaN. The sum stops once past the mean defect count the terms no longer
        // change it, so the loop is short even when `spares` is large.
        let n = Double(units)
        let logRatio = log1p(-good) - log(good)
        var logTerm = n * log(good)
        var total = exp(logTerm)
        let mean = n * (1 - good)
        if tolerated > 0 {
            for j in 1...tolerated {
                logTerm += log((n - Double(j) + 1) / Double(j)) + logRatio
                let term = exp(logTerm)
                total += term
                if Double(j) > mean, term <= total * 1e-17 { break }
            }
        }
        return min(1, total)
    }

    public struct Result: Sendable, Equatable {
        public var dieAreaMM2: Double
        public var grossDiesPerWafer: Double
        public var dieYield: Double
        /// Cost of the good silicon of one accelerator (all its dies).
        public var dieCostUSD: Double
        public var memoryCostUSD: Double
        /// The package (class, interposer area, cost) and test of one accelerator.
        public var packageAndTestUSD: Double
        /// Design NRE and mask set over the volume (the design's `price` object, else the TCO file).
        public var nrePerUnitUSD: Double
        /// Manufacturing cost of one packaged accelerator.
        public var manufacturingCostUSD: Double
        /// Price paid under the design's pricing policy (`PricingPolicy.configuredPriceUSD`):
        /// the published default of a list price, manufacturing cost × margin for cost-plus.
        public var priceUSD: Double
        /// The packaging model's result (its package cost is part of `packageAndTestUSD`).
        public var packaging: PackagingResult
    }

    public static func cost(device: DeviceSpec, area: AreaBreakdown, technology: TechnologySpec, memory: MemoryTechnology,
                            parameters: TCOParameters, packaging: PackagingResult) -> Result {
        let die = area.effectivePerDieMM2
        let wafer = technology.wafer
        let dpw = diesPerWafer(dieAreaMM2: die, wafer: wafer)
        var y: Double
        let units = device.silicon.physicalUnits ?? device.compute.unitCount
        let spares = units - device.compute.unitCount
        if spares > 0 {
            // Harvesting: unit area (compute + local SRAM + routers) per die tolerates `spares` defects.
            let scale = area.effectiveTotalMM2 / area.totalMM2   // modelled unit share of the real die
            let unitArea = (area.macArraysMM2 + area.vectorUnitsMM2 + area.computeOverheadMM2 + area.localSRAMMM2 + area.nocMM2) * scale / Double(units)
            let unitsPerDie = units / area.dies
            let restArea = die - unitArea * Double(unitsPerDie)
            y = yield(areaMM2: restArea, defectDensityPerCM2: wafer.defectDensityPerCM2, model: parameters.yieldModel, alpha: wafer.clusteringAlpha)
                * harvestYield(units: unitsPerDie, spares: spares / area.dies, unitAreaMM2: unitArea, defectDensityPerCM2: wafer.defectDensityPerCM2)
        } else {
            y = yield(areaMM2: die, defectDensityPerCM2: wafer.defectDensityPerCM2, model: parameters.yieldModel, alpha: wafer.clusteringAlpha)
        }
        y = max(y, 1e-9)
        let perDie = dpw > 0 ? wafer.priceUSD / (dpw * y) : .infinity
        let dieCost = perDie * Double(area.dies)
        let memoryGB = device.memory.offchip.capacityBytes / Units.giga
        let memoryCost = memoryGB * (memory.memoryTypes[device.memory.offchip.type.rawValue]?.usdPerGB ?? 0)
        let package = packaging.packageUSD + parameters.testUSDPerPackage
        let nre = ((device.price?.nreUSD ?? parameters.nreUSD) + wafer.maskSetUSD) / (device.price?.volumeUnits ?? parameters.volumeUnits)
        let manufacturing = (dieCost + memoryCost + package) / parameters.packageYield + nre
        let price = PricingPolicy.configuredPriceUSD(device.price, manufacturingCostUSD: manufacturing, defaultMargin: parameters.spuPriceMargin)
        return Result(dieAreaMM2: die, grossDiesPerWafer: dpw, dieYield: y, dieCostUSD: dieCost, memoryCostUSD: memoryCost,
                      packageAndTestUSD: package, nrePerUnitUSD: nre, manufacturingCostUSD: manufacturing, priceUSD: price,
                      packaging: packaging)
    }
}
