import Foundation
import SPUFormats  // SplitMix64

/// The error of the performance model a runtime schedules with: every task's predicted cost on a
/// device class is its actual cost times exp(σ·z), z standard normal, drawn once per (task,
/// class) — a history-based model (StarPU's) errs the same way for every device of one kind.
/// σ = 0 is a perfect model; σ = 0.1 puts two thirds of predictions within about ±10 %.
/// Deterministic from `seed`.
public struct PredictionError: Sendable, Equatable {
    /// Standard deviation of the log of predicted / actual.
    public var sigma: Double
    public var seed: UInt64

    public init(sigma: Double, seed: UInt64 = 1) {
        self.sigma = sigma
        self.seed = seed
    }

    /// Predicted over actual for `task` on device class number `classIndex`.
    public func factor(task: Int, classIndex: Int) -> Double {
        guard sigma > 0 else { return 1 }
        var rng = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: task) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(truncatingIfNeeded: classIndex) &* 0xC2B2_AE3D_27D4_EB4F))
        // Box–Muller.
        let u1 = max(rng.nextUnit(), 0x1p-53), u2 = rng.nextUnit()
        let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        return Foundation.exp(sigma * z)
    }

    /// The costs the runtime's policies see for `problem`.
    public func predictions(for problem: SchedulingProblem) -> SchedulingProblem {
        guard sigma > 0 else { return problem }
        let classes = Dictionary(uniqueKeysWithValues: problem.graph.deviceClasses.enumerated().map { ($1, $0) })
        let classOf = problem.platform.processors.map { classes[$0.deviceClass] ?? -1 }
        return problem.withCosts { task, p, actual in actual * factor(task: task, classIndex: classOf[p]) }
    }
}
