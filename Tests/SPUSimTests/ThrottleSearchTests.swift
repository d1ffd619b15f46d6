import Foundation
import Testing
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance

/// The TDP policy's throttle search (`ThrottleSearch`): on power curves with a known crossing it
/// stops within its stated precision, never reports a clock over TDP, finds a crossing when power
/// is not monotone, and reports a design over TDP even at the lowest clock; on the shipped
/// designs it agrees with a fine scan of full evaluations.
@Suite struct ThrottleSearchTests {
    static let tdp = 500.0

    /// Runs the search on `power`, counting trials.
    static func search(_ power: @escaping (Double) -> Double, model: ThrottleModel? = nil) -> (ThrottleSearch<Double>.Outcome, trials: Int) {
        var trials = 0
        let outcome = ThrottleSearch<Double>(tdpW: tdp, lowest: DesignEvaluator.lowestClockScale)
            .run(nominalPowerW: power(1), model: model) { s in
                trials += 1
                return (s, power(s))
            }
        return (outcome, trials)
    }

    /// Within TDP, and within 1e-4 of it or 1.5e-5 in s below a clock over it.
    static func expectPrecise(_ outcome: ThrottleSearch<Double>.Outcome, _ power: (Double) -> Double, _ label: String) {
        guard case let .within(s, trial) = outcome else {
            Issue.record("\(label): no clock within TDP")
            return
        }
        #expect(s == trial)
        #expect(power(s) <= tdp, "\(label): \(power(s)) W at \(s)")
        let close = power(s) >= tdp * (1 - ThrottleSearch<Double>.powerTolerance)
        let edge = power(min(1, s + ThrottleSearch<Double>.scaleTolerance)) > tdp
        #expect(close || edge, "\(label): \(power(s)) W at \(s)")
    }

    @Test func convexPowerCurvesMeetTDPWithinTolerance() {
        // Dynamic power ∝ s·V², V falling with s, over a leakage floor: the shapes DVFS gives.
        for (dynamic, leakage) in [(900.0, 60.0), (2000.0, 100.0), (520.0, 10.0), (20000.0, 200.0)] {
            let power = { (s: Double) in dynamic * s * pow(0.6 + 0.4 * s, 2) + leakage }
            let (outcome, trials) = Self.search(power)
            Self.expectPrecise(outcome, power, "\(dynamic) W")
            #expect(trials <= 20, "\(dynamic) W: \(trials) trials")
        }
    }

    @Test func aStepInPowerStillEndsAtACrossing() {
        // A mapping switch: power jumps at s = 0.4 and is never within 1e-4 of TDP near there.
        let power = { (s: Double) in s < 0.4 ? 300.0 * s / 0.4 : 700.0 * s + 300 }
        let (outcome, _) = Self.search(power)
        guard case let .within(s, _) = outcome else {
            Issue.record("no clock within TDP")
            return
        }
        #expect(power(s) <= Self.tdp && s < 0.4 && 0.4 - s <= ThrottleSearch<Double>.scaleTolerance)
    }

    @Test func powerOverTDPEvenAtTheLowestClockIsReported() {
        let power = { (s: Double) in 600.0 + 100 * s }   // clock-independent traffic over TDP
        let (outcome, _) = Self.search(power)
        guard case let .overAtLowest(trial) = outcome else {
            Issue.record("expected over TDP at the lowest clock")
            return
        }
        #expect(trial == DesignEvaluator.lowestClockScale)
    }

    @Test func theModelSteersTrialsOnRealDesigns() throws {
        // B200 on an 8192³ BF16 GEMM at 600 W (its TDP is 1,000 W): the result is within the
        // search's precision of a scan of full evaluations, and the model saves most trials.
        var design = try Repo.device("configs/gpus/b200.json")
        design.tdpWatts = 600
        let evaluator = try DesignEvaluator(device: design, inputs: try CostModelTests.inputs())
        let workload = try MapperTests.gemmTrace(8192, 8192, 8192)
        let result = evaluator.evaluate(workload)
        let s = result.cost.throttleFactor
        #expect(s < 1 && result.cost.averagePowerW <= 600 && result.cost.averagePowerW >= 600 * (1 - 1e-4))
        let summary = workload.summary
        func power(_ scale: Double) -> Double {
            let trial = PerformanceModel(device: design, operatingPoint: OperatingPoint(clockScale: scale), options: evaluator.options)
                .evaluate(workload, summary: summary)
            return evaluator.electricalState(trial).powerW
        }
        #expect(power(s) <= 600 && power(s + 1e-3) > 600 * (1 - 1e-4))
        var trials = 0
        let nominal = PerformanceModel(device: design, options: evaluator.options).evaluate(workload, summary: summary)
        _ = ThrottleSearch<Double>(tdpW: 600, lowest: DesignEvaluator.lowestClockScale)
            .run(nominalPowerW: evaluator.electricalState(nominal).powerW, model: evaluator.throttleModel(nominal)) { scale in
                trials += 1
                return (scale, power(scale))
            }
        #expect(trials <= 4, "\(trials) trials")
    }

    @Test func anInfeasibleDesignIsNotThrottled() throws {
        // A reticle-busting die over TDP: infeasible for its packaging, reported at the nominal
        // clock without efficiency numbers.
        var design = try Repo.device("configs/chips/spu-datacenter.json")
        design.compute.arrangement = .mesh(rows: 40, cols: 40)
        design.tdpWatts = 50
        let result = try DesignEvaluator(device: design, inputs: try CostModelTests.inputs())
            .evaluate(try MapperTests.gemmTrace(4096, 4096, 4096))
        #expect(!result.performance.feasible && result.cost.throttleFactor == 1)
        #expect(result.cost.itemsPerJoule.isNaN || !result.performance.feasible)
    }
}
