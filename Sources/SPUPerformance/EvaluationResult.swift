import SPUCore
import SPUHardware
import SPUWorkload

/// The modelled execution of one op of a workload, for one execution (multiply by `repeatCount`).
public struct OpResult: Sendable {
    public var name: String
    public var kind: OpKind
    public var repeatCount: Int
    /// Einsum of the op, e.g. `"td,dn->tn"`.
    public var einsum: String
    public var bound: Bound
    public var latencySeconds: Double
    /// Cycles one unit's MAC array is busy (matmuls; 0 otherwise).
    public var computeCycles: Double
    public var times: BoundTimes
    public var activity: ActivityCounts
    public var flops: Double
    /// The chosen mapping (matmuls only) and how many candidates the search evaluated.
    public var mapping: Mapping?
    public var mappingCandidatesEvaluated: Int
}

/// Memory the workload needs on each chip against what the chip has.
///
/// Inference: weights, KV cache and the largest op's activations. Training (a trace with a
/// `TrainingStep`): the step's weights, gradients, optimizer states and stored activations.
public struct CapacityCheck: Sendable, Equatable {
    public var weightBytes: Double
    public var kvCacheBytes: Double
    public var activationBytes: Double
    public var availableBytes: Double
    /// Training only (0 otherwise): gradients and optimizer states.
    public var gradientBytes: Double
    public var optimizerStateBytes: Double

    public init(weightBytes: Double, kvCacheBytes: Double, activationBytes: Double, availableBytes: Double,
                gradientBytes: Double = 0, optimizerStateBytes: Double = 0) {
        self.weightBytes = weightBytes
        self.kvCacheBytes = kvCacheBytes
        self.activationBytes = activationBytes
        self.availableBytes = availableBytes
        self.gradientBytes = gradientBytes
        self.optimizerStateBytes = optimizerStateBytes
    }

    public var requiredBytes: Double { weightBytes + kvCacheBytes + activationBytes + gradientBytes + optimizerStateBytes }
    public var fits: Bool { requiredBytes <= availableBytes }
}

/// The result of evaluating one design on one workload.
///
/// `latencySeconds` is the time of one iteration of the trace: one decode step for `decode`,
/// time to first token for the batch for `prefill`. Throughput is items (tokens, samples) per
/// second for the whole group of `devices` chips.
public struct EvaluationResult: Sendable {
    public var designName: String
    public var workloadName: String
    public var feasible: Bool
    /// Why the point is infeasible (nil when feasible).
    public var reason: String?
    public var latencySeconds: Double
    public var throughputPerSecond: Double
    public var throughputUnit: String
    /// The bound that accounts for most of the latency (nil when no op ran).
    public var bound: Bound?
    /// Seconds of latency attributed to each bound (each op's latency goes to its bound).
    public var timeByBound: [Bound: Double]
    /// Achieved MACs over peak MACs of the op formats during the iteration.
    public var macUtilization: Double
    public var devices: Int
    public var capacity: CapacityCheck
    public var activity: ActivityCounts
    public var ops: [OpResult]
    /// The operating point (clock scale) the design was evaluated at.
    public var operatingPoint: OperatingPoint
    /// The objective the matmul mappings were chosen by.
    public var mappingObjective: MappingObjective
    /// False when the design was not run on the workload because it cannot be built
    /// (`PerformanceModel.notRun`): then latency, throughput and utilisation are NaN, and the
    /// bound, times, activity and ops are absent, stored and printed as no value.
    public var wasRun: Bool = true
}
