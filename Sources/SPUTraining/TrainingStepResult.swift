import SPUWorkload

/// One training step of a model on a cluster under a parallel layout: feasibility, memory per
/// device and, when feasible, time, energy and cost. An infeasible step (it does not fit, or the
/// design cannot run the format) carries its reason and memory, and no time, energy or cost.
public struct TrainingStepResult: Sendable {
    public var design: String
    public var cluster: String
    public var model: String
    public var layout: ParallelLayout
    public var devices: Int
    public var nodes: Int
    public var globalBatch: Int
    public var sequenceLength: Int
    /// Micro-batches per step per pipeline (gradient accumulation steps).
    public var microBatches: Int
    public var feasible: Bool
    public var reason: String?
    /// Memory of the fullest pipeline stage's device, and the device's capacity.
    public var memoryPerDevice: TrainingMemoryBytes
    public var capacityBytesPerDevice: Double
    public var time: TrainingStepTime?
    public var energy: TrainingStepEnergy?
    public var cost: TrainingStepCost?
}

/// Where a step's time goes (seconds per step; the parts add up to `stepSeconds`).
public struct TrainingStepTime: Sendable, Equatable {
    public var stepSeconds: Double
    /// Compute of the slowest pipeline stage over all micro-batches (collectives excluded).
    public var computeSeconds: Double
    /// Tensor-parallel collectives on the critical path (not overlapped).
    public var tensorParallelSeconds: Double
    /// Expert-parallel all-to-alls on the critical path.
    public var expertParallelSeconds: Double
    /// Pipeline sends and receives between stages on the critical path.
    public var pipelineSendSeconds: Double
    /// Pipeline fill and drain: (p − 1)/v of a stage's micro-batch time.
    public var bubbleSeconds: Double
    /// Data-parallel communication not hidden under compute (gradient reduction, ZeRO gathers).
    public var dataParallelExposedSeconds: Double
    /// All data-parallel communication of the step, hidden or not.
    public var dataParallelSeconds: Double
    public var optimizerSeconds: Double
    public var tokensPerSecond: Double
    /// Model FLOPs of the step (three matmul passes, no recomputation), all devices.
    public var modelFLOPsPerStep: Double
    /// Model FLOPs utilisation: model FLOPs / (devices × step × peak dense FLOP/s of the format).
    public var mfu: Double
    /// Model FLOP/s per device.
    public var modelFLOPsPerSecondPerDevice: Double
    /// Clock scale after TDP throttling (1: nominal).
    public var clockScale: Double
}

/// Energy of one step, whole cluster (joules per step) and power.
public struct TrainingStepEnergy: Sendable, Equatable {
    /// Accelerators: dynamic energy of their ops plus leakage over the step.
    public var deviceJoules: Double
    /// Collectives' bytes through chip links and scale-out tiers.
    public var networkJoules: Double
    /// Hosts, NICs and switches, at their rated power over the step.
    public var infrastructureJoules: Double
    public var itJoules: Double { deviceJoules + networkJoules + infrastructureJoules }
    /// IT energy × PUE.
    public var facilityJoules: Double
    public var averageITPowerW: Double
    /// Accelerators at TDP plus hosts, NICs and switches: what the facility provisions.
    public var provisionedITPowerW: Double
    public var facilityJoulesPerToken: Double
}

/// Capital and running cost of the cluster for the step (the TCO rule of `configs/tco`, itemised).
public struct TrainingStepCost: Sendable, Equatable {
    /// Accelerators at their price, hosts, NICs and switches.
    public var capexUSD: Double
    /// Capital recovery, electricity at the step's average power × PUE, facility and operations.
    public var usdPerHour: Double
    public var usdPerStep: Double
    public var usdPerMillionTokens: Double
}
