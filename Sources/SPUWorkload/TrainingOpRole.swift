/// Where an op of a training trace (`TrainingGenerator`) runs in a pipeline-parallel step, and in
/// which pass: the generator's op names define it (forward names; backward ops add `.dgrad`,
/// `.wgrad`, `.grad_lhs`, `.grad_rhs`, `.grad` or `.grad_all_reduce`; recomputed ops prefix
/// `recompute.`; the optimizer's ops are `optimizer.*`).
public struct TrainingOpRole: Sendable, Hashable {
    public enum Stage: Sendable, Hashable {
        /// Runs on the first pipeline stage, once per micro-batch (token and position embeddings).
        case embedding
        /// One transformer layer's op; runs once per layer on the stage holding the layer.
        case layer
        /// Runs on the last pipeline stage, once per micro-batch (final norm, output layer, loss).
        case head
        /// The optimizer step, once per training step.
        case optimizer
    }
    public enum Pass: Sendable, Hashable { case forward, backward, optimizer }

    public var stage: Stage
    public var pass: Pass

    static let backwardSuffixes = [".dgrad", ".wgrad", ".grad_lhs", ".grad_rhs", ".grad_all_reduce", ".grad"]
    static let recomputePrefix = "recompute."

    /// The roles of `ops`, a trace of `TrainingGenerator` for a model of `layers` layers.
    public static func roles(of ops: [Op], layers: Int) -> [TrainingOpRole] {
        func baseName(_ name: String) -> (base: String, backward: Bool) {
            var base = name, backward = false
            if base.hasPrefix(recomputePrefix) { base.removeFirst(recomputePrefix.count); backward = true }
            for suffix in backwardSuffixes where base.hasSuffix(suffix) {
                base.removeLast(suffix.count)
                backward = true
                break
            }
            return (base, backward)
        }
        func isLayer(_ op: Op, base: String) -> Bool { op.repeatCount == layers && base.hasPrefix("layers.") }
        // Forward ops before the first layer are the embedding's.
        var embedding: Set<String> = []
        for op in ops {
            let (base, backward) = baseName(op.name)
            if backward || isLayer(op, base: base) { break }
            embedding.insert(base)
        }
        return ops.map { op in
            if op.name.hasPrefix("optimizer.") { return TrainingOpRole(stage: .optimizer, pass: .optimizer) }
            let (base, backward) = baseName(op.name)
            let stage: Stage = isLayer(op, base: base) ? .layer : embedding.contains(base) ? .embedding : .head
            return TrainingOpRole(stage: stage, pass: backward ? .backward : .forward)
        }
    }
}
