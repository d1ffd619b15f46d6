import SPUCore
import SPUFormats
import SPUHardware
import SPUWorkload
import SPUPerformance
import SPUCost

/// One micro-batch of a training step on one device of a tensor-parallel group, evaluated once
/// and reused by every layout that shares its tensor degree, micro-batch, recomputation and
/// sequence parallelism: per-layer, embedding and output-layer times and energies of each pass,
/// the optimizer over the trace's parameters, and the parameter counts a pipeline stage needs.
///
/// The trace is `TrainingGenerator`'s for the whole model; its compute ops are priced by the
/// design's performance and energy models (`DesignEvaluator`, TDP throttling included), its
/// tensor-parallel collectives by the cluster network (`ClusterNetwork`), not by the device's
/// own chip-link model, so every collective of the step is priced on the same network.
public struct MicroBatchProfile: Sendable {
    public struct PassCost: Sendable, Equatable {
        public var seconds = 0.0
        public var joules = 0.0
        /// Of `seconds` and `joules`, the tensor-parallel collectives'.
        public var collectiveSeconds = 0.0
        public var collectiveJoules = 0.0
        public init() {}
        mutating func add(seconds s: Double, joules j: Double, collective: Bool) {
            seconds += s
            joules += j
            if collective { collectiveSeconds += s; collectiveJoules += j }
        }
    }

    public var tensorParallel: Int
    public var microBatch: Int
    public var recompute: Recomputation
    public var sequenceParallel: Bool

    /// Forward and backward (recomputation included) of one layer.
    public var layerForward = PassCost(), layerBackward = PassCost()
    public var embeddingForward = PassCost(), embeddingBackward = PassCost()
    public var headForward = PassCost(), headBackward = PassCost()
    /// The optimizer step over `traceParameters`.
    public var optimizer = PassCost()

    /// Parameters per device: one layer's non-expert and expert weights, the embedding's and the output layer's.
    public var denseParametersPerLayer = 0.0
    public var expertParametersPerLayer = 0.0
    public var embeddingParameters = 0.0
    public var headParameters = 0.0
    /// Parameters the trace's optimizer step updates (the whole model over the tensor degree).
    public var traceParameters = 0.0
    /// Model FLOPs of one micro-batch on one device, all layers (three passes, no recomputation).
    public var modelFLOPs = 0.0
    /// Stored activation bytes of one layer for one micro-batch (Korthikanti et al.).
    public var activationBytesPerLayer = 0.0
    /// Bytes per parameter of weights, gradients and optimizer states (`TrainingGenerator.bytesPerParameter`).
    public var weightBytesPerParameter = 2.0, gradientBytesPerParameter = 2.0, optimizerBytesPerParameter = 12.0
    /// Bytes per element of the 16-bit (or wider) tensors the step communicates.
    public var communicationBytesPerElement = 2.0
    /// The format whose peak MFU divides by.
    public var peakFLOPsPerSecond = 0.0
    /// The design's clock scale after TDP throttling, and its leakage power per device.
    public var clockScale = 1.0
    public var staticPowerW = 0.0
    /// Why the design cannot run the trace at all (format, not memory), nil if it can.
    public var infeasibleReason: String?

    /// Evaluates one micro-batch of `generator`'s trace on `evaluator`'s design, collectives on `network`.
    public static func evaluate(generator: TrainingGenerator, microBatch: Int, sequenceLength: Int, tensorParallel: Int,
                                recompute: Recomputation, sequenceParallel: Bool, evaluator: DesignEvaluator,
                                network: ClusterNetwork) throws(WorkloadGeneratorError) -> MicroBatchProfile {
        var trace = try generator.generate(microBatch: microBatch, sequenceLength: sequenceLength, tensorParallel: tensorParallel,
                                           recompute: recompute, sequenceParallel: sequenceParallel)
        let step = trace.training!
        // Memory is checked per pipeline stage by the step model, not on the whole-model trace.
        trace.training?.memory = TrainingMemoryBytes(weightBytes: 0, gradientBytes: 0, optimizerStateBytes: 0, activationBytes: 0)
        let layers = generator.forward.model.layers
        var p = MicroBatchProfile(tensorParallel: tensorParallel, microBatch: microBatch, recompute: recompute, sequenceParallel: sequenceParallel)
        p.modelFLOPs = step.modelFLOPs
        p.activationBytesPerLayer = TrainingMemory.layerBytes(model: generator.forward.model, sequence: sequenceLength, microBatch: microBatch,
                                                             tensorParallel: tensorParallel, recompute: recompute, sequenceParallel: sequenceParallel)
        p.communicationBytesPerElement = max(2, generator.forward.format.bytesPerElement)
        (p.weightBytesPerParameter, p.gradientBytesPerParameter, p.optimizerBytesPerParameter) = generator.bytesPerParameter

        let costed = evaluator.evaluate(trace)
        let roles = TrainingOpRole.roles(of: trace.ops, layers: layers)
        p.clockScale = costed.cost.operatingPoint.clockScale
        p.staticPowerW = costed.cost.operatingPoint.staticPowerW
        let dominant = costed.performance.activity.macsByFormat.max { $0.value < $1.value }?.key ?? generator.forward.format
        p.peakFLOPsPerSecond = 2 * OperatingPoint.nominal.peakMacsPerSecond(dominant, on: evaluator.device)
        if !costed.performance.latencySeconds.isFinite || costed.performance.ops.count != trace.ops.count {
            p.infeasibleReason = costed.performance.reason ?? "\(evaluator.device.name) cannot run the training trace"
            return p
        }
        if let reason = costed.performance.reason { p.infeasibleReason = reason }

        for (index, op) in trace.ops.enumerated() {
            let result = costed.performance.ops[index], role = roles[index]
            let repeats = Double(op.repeatCount)
            let perRepeat = role.stage == .layer ? 1 : repeats   // layer ops: per layer
            var seconds = result.latencySeconds, joules = costed.cost.opEnergyJ[index]
            if op.kind.isCollective {
                let priced = network.cost(Self.collective(op.kind), bytes: max(op.bytes(op.output), op.bytes(op.inputs[0])), size: op.groupSize)
                seconds = priced.seconds
                joules = network.energy(priced, chipLinkJoulesPerByte: evaluator.chipLinkJoulesPerByte)
            }
            let s = seconds * perRepeat, j = joules * perRepeat
            switch (role.stage, role.pass) {
            case (.layer, .forward): p.layerForward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.layer, _): p.layerBackward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.embedding, .forward): p.embeddingForward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.embedding, _): p.embeddingBackward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.head, .forward): p.headForward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.head, _): p.headBackward.add(seconds: s, joules: j, collective: op.kind.isCollective)
            case (.optimizer, _): p.optimizer.add(seconds: s, joules: j, collective: false)
            }
        }

        // Parameters by stage, from the forward ops' weights (tied embeddings count on both ends).
        func parameters(_ keep: (Op, TrainingOpRole) -> Bool) -> Double {
            let ops = zip(trace.ops, roles).filter { keep($0.0, $0.1) && $0.1.pass == .forward }.map(\.0)
            return Workload(name: "", phase: .training, throughputUnit: "tokens", itemsPerIteration: 1, ops: ops).summary.parameters
        }
        let l = Double(layers)
        p.expertParametersPerLayer = parameters { $1.stage == .layer && $0.name.contains("experts") } / l
        p.denseParametersPerLayer = parameters { $1.stage == .layer } / l - p.expertParametersPerLayer
        p.embeddingParameters = parameters { $1.stage == .embedding }
        p.headParameters = parameters { $1.stage == .head }
        p.traceParameters = Workload(name: "", phase: .training, throughputUnit: "tokens", itemsPerIteration: 1,
                                     ops: zip(trace.ops, roles).filter { $0.1.pass == .forward }.map(\.0)).summary.parameters
        return p
    }

    static func collective(_ kind: OpKind) -> ClusterNetwork.Collective {
        switch kind {
        case .allGather: return .allGather
        case .reduceScatter: return .reduceScatter
        default: return .allReduce
        }
    }
}
