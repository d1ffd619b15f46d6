import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUWorkload

/// Fits the energy calibration factors (`EnergyCalibration`: logic, SRAM, wires) on the
/// `calibration` cases of the `power` category (`spusim validate-model --fit-power`).
///
/// Each case is evaluated once with no calibration (every factor 1) and without a TDP limit, at
/// the design's nominal clock and voltage: the measured power of a compute-bound GEMM is what the
/// chip draws at the throughput the performance model reproduces (GPUs run such kernels at their
/// power limit, and the measured throughput that calibrated `compute_fraction` is the one at that
/// limit). The case's prediction is then linear in the factors:
/// P(k) = (Σ_class k_class·E_class + E_off-chip + E_links + E_static) / T.
///
/// The fit minimises, in log space (relative errors),
/// Σ_cases ((ln P_i(k) − ln M_i) / σ_i)² + Σ_classes ((ln k_c − ln prior_c) / σ_c)², with σ_i the
/// case's stated `uncertainty` (a TDP bound on a spatial chip's GEMM power) or 10 %,
/// a maximum-a-posteriori fit: the priors (`Prior.all`, with their physical reasons) keep a factor
/// that the cases cannot separate from another near its physical expectation instead of letting
/// it drift to an extreme. Minimised by a coarse-to-fine grid search over ln k in [ln 0.1, ln 100].
public struct PowerCalibrationFit: Sendable {
    /// A prior on one class's factor: its expected value and the spread (a factor) around it.
    public struct Prior: Sendable {
        public var energyClass: EnergyClass
        public var expected: Double
        public var spreadFactor: Double
        public var reason: String

        /// The priors of the fit.
        public static let all: [Prior] = [
            Prior(energyClass: .logic, expected: 3, spreadFactor: 3,
                  reason: "Horowitz's 45 nm energies are the arithmetic alone; a datapath also clocks pipeline registers and operand collectors and moves operands from register files, which Dally et al. put at several times the arithmetic (CACM 2020)"),
            Prior(energyClass: .localSRAM, expected: 2, spreadFactor: 3,
                  reason: "Horowitz's SRAM reads are measured arrays with their periphery, but they are scaled to the node by Stillmaker's logic factor, and SRAM energy scales less than logic (number-formats.md 4.1: practitioners divide 45 nm energies by 3-8 at 7/5 nm where Stillmaker gives 15-18)"),
            Prior(energyClass: .sharedSRAM, expected: 2, spreadFactor: 10,
                  reason: "as local SRAM, but a GPU L2 or global buffer of tens of MB is priced here as 1 MiB banks (Horowitz's √size law) while a real access also crosses the array's slices, tags and internal H-tree; the spread is wide because that part is not itemised"),
            Prior(energyClass: .wires, expected: 1, spreadFactor: 2,
                  reason: "wire and router energies per bit are already node figures (Keckler et al. 2011, with repeaters), not scaled from 45 nm"),
        ]
    }

    /// Relative measurement uncertainty of a power figure (σ of ln P): board power readings,
    /// run-to-run and part-to-part variation.
    public static let measurementSigma = 0.1

    /// One calibration case, evaluated without calibration.
    public struct Point: Sendable {
        public var name: String
        public var measured: Double
        /// Joules per class (the quantity the metric divides: one chip's for watts, the group's for J/token).
        public var classJ: [EnergyClass: Double]
        /// Joules no factor touches: off-chip memory, chip links, leakage.
        public var fixedJ: Double
        /// What the joules are divided by: seconds (watts) or tokens (J/token).
        public var divisor: Double
        /// σ of ln(measured): the case's `uncertainty`, else `measurementSigma`.
        public var sigma: Double

        public func predicted(_ k: EnergyCalibration) -> Double {
            (EnergyClass.allCases.reduce(fixedJ) { $0 + k[$1] * (classJ[$1] ?? 0) }) / divisor
        }
    }

    public var points: [Point]
    public var calibration: EnergyCalibration
    public var objective: Double

    /// Evaluates the calibration cases of `cases` (power category) and fits the factors.
    public static func fit(cases: [ValidationCase], baseDirectory: String? = nil, inputs: CostInputs) throws(ConfigError) -> PowerCalibrationFit {
        var uncalibrated = inputs
        uncalibrated.model.energyCalibration = .none
        var points: [Point] = []
        var devices: [String: DeviceSpec] = [:]
        for c in cases where (c.category == .power || c.category == .tdpBound) && c.role == .calibration {
            let resolvedCase = c.resolvingPaths(against: baseDirectory)
            guard let path = resolvedCase.hardware else { continue }
            if devices[path] == nil { devices[path] = try DeviceSpec.load(path: path) }
            var device = PowerValidation.measuredDevice(devices[path]!, c)
            device.tdpWatts = 1e9   // no TDP policy: the nominal operating point
            let (parts, tokens) = try PowerValidation.parts(resolvedCase)
            let evaluator = try PowerValidation.makeEvaluator(device, inputs: uncalibrated, file: c.file)
            var classJ: [EnergyClass: Double] = [:]
            var fixedJ = 0.0, seconds = 0.0
            for part in parts {
                let e = evaluator.evaluate(part.workload)
                // Joules of one chip for watts; of the group for J/token.
                let scale = c.metric == .joulesPerToken ? Double(part.workload.devices) : 1
                for energyClass in EnergyClass.allCases {
                    classJ[energyClass, default: 0] += e.cost.dynamicEnergy.joules(of: energyClass) * scale * part.count
                }
                fixedJ += (e.cost.dynamicEnergy.uncalibratedJoules + e.cost.staticEnergyJ) * scale * part.count
                seconds += e.performance.latencySeconds * part.count
            }
            points.append(Point(name: c.name, measured: c.measured, classJ: classJ, fixedJ: fixedJ,
                                divisor: c.metric == .joulesPerToken ? tokens : seconds, sigma: c.uncertainty ?? measurementSigma))
        }
        guard !points.isEmpty else {
            throw ConfigError(file: baseDirectory ?? ".", path: "$", message: "no calibration cases in the power category to fit")
        }
        let (k, objective) = minimise(points)
        return PowerCalibrationFit(points: points, calibration: k, objective: objective)
    }

    static func objective(_ points: [Point], _ k: EnergyCalibration) -> Double {
        var total = 0.0
        for p in points {
            let r = (log(p.predicted(k)) - log(p.measured)) / p.sigma
            total += r * r
        }
        for prior in Prior.all {
            let r = (log(k[prior.energyClass]) - log(prior.expected)) / log(prior.spreadFactor)
            total += r * r
        }
        return total
    }

    /// Coarse-to-fine grid search over ln k in [ln 0.1, ln 100] for each class.
    static func minimise(_ points: [Point]) -> (EnergyCalibration, Double) {
        let classes = EnergyClass.allCases
        let lo = log(0.1), hi = log(100.0)
        var step = (hi - lo) / 24
        var centre = Array(repeating: (lo + hi) / 2, count: classes.count)
        var best = EnergyCalibration.none
        var bestValue = objective(points, best)
        var span = 12
        for _ in 0..<30 {
            let width = 2 * span + 1
            var offsets = Array(repeating: -span, count: classes.count)
            for _ in 0..<Int(pow(Double(width), Double(classes.count))) {
                var k = EnergyCalibration.none
                var inside = true
                for (i, energyClass) in classes.enumerated() {
                    let x = centre[i] + Double(offsets[i]) * step
                    if x < lo || x > hi { inside = false }
                    k[energyClass] = exp(x)
                }
                if inside {
                    let value = objective(points, k)
                    if value < bestValue { bestValue = value; best = k }
                }
                for i in offsets.indices {   // next offset vector (odometer)
                    offsets[i] += 1
                    if offsets[i] <= span { break }
                    offsets[i] = -span
                }
            }
            centre = classes.map { log(best[$0]) }
            step /= 2
            span = 2
        }
        return (best, bestValue)
    }
}
