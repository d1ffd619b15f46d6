/// What a training trace stands for beyond its ops: the micro-batch, the recomputation, the
/// FLOPs that count as model FLOPs, and the memory the device holds through the step (which ops
/// alone do not show: gradients, optimizer states, stored activations). Written by
/// `TrainingGenerator`; a trace with phase `training` may carry it as `"training"`.
public struct TrainingStep: Sendable, Hashable {
    /// Sequences in the micro-batch and tokens per sequence.
    public var microBatch: Int
    public var sequenceLength: Int
    public var recompute: Recomputation
    /// Whether activation memory assumes Megatron-LM sequence parallelism (norms and dropouts
    /// split over the tensor-parallel group).
    public var sequenceParallel: Bool
    /// Matmul FLOPs of the step without recomputation, per device: what model-FLOPs utilisation
    /// (MFU, Chowdhery et al. 2022 appendix B) counts.
    public var modelFLOPs: Double
    /// Bytes per device held through the step.
    public var memory: TrainingMemoryBytes

    public init(microBatch: Int, sequenceLength: Int, recompute: Recomputation, sequenceParallel: Bool, modelFLOPs: Double, memory: TrainingMemoryBytes) {
        self.microBatch = microBatch
        self.sequenceLength = sequenceLength
        self.recompute = recompute
        self.sequenceParallel = sequenceParallel
        self.modelFLOPs = modelFLOPs
        self.memory = memory
    }
}
