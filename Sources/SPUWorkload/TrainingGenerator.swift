import SPUCore
import SPUFormats  // NumberFormat's cases

/// Generates the per-device trace of one training step of a decoder-only transformer: one
/// micro-batch on one device of a Megatron-LM tensor-parallel group (Shoeybi et al. 2019), with
/// the optimizer step. Equations and sources: `docs/training.md`.
///
/// - Forward: the prefill trace of `TransformerGenerator` over all b·s tokens, with logits for
///   every token, the attention operands as activations (no KV cache) and, in place of the
///   logits all-gather, Megatron's vocabulary-parallel cross-entropy (a softmax over the
///   vocabulary shard and three all-reduces of one number per token).
/// - Backward, in reverse order: for each matmul C = A·B the two gradient GEMMs dA = dC·Bᵀ and
///   dB = Aᵀ·dC, each with the forward's MACs (weight matmuls: `.dgrad` and `.wgrad`; attention:
///   `.grad_lhs` and `.grad_rhs`, fused into one kernel as FlashAttention's backward is); a
///   vector op per vector op; one all-reduce of the input gradient before each norm's backward
///   (Megatron's f operator: attention block, MLP and LM head), none for the forward's
///   all-reduces (their backward is the identity).
/// - Recomputation: `selective` reruns the attention core (scores, softmax, context) before its
///   backward; `full` reruns the whole layer forward, collectives included, before the layer's
///   backward (Korthikanti et al. 2022).
/// - Optimizer: mixed-precision Adam over the device's parameters: reads the 16-bit gradients
///   and the FP32 master weights, m and v, writes the three back, then casts the master weights
///   to the training format.
///
/// Vector-op costs of the backward are assumptions (see `backwardOpsPerElement`).
public struct TrainingGenerator: Sendable {
    public typealias GeneratorError = WorkloadGeneratorError

    public var forward: TransformerGenerator
    /// Causal attention skips the masked half of the score matrix (FlashAttention), so the key
    /// length is the mean ⌈(s+1)/2⌉; false computes the full s × s scores, as Megatron-LM's
    /// 2021 kernels did and as Narayanan et al.'s FLOP count (SC21 eq. 3) assumes.
    public var causalAttention: Bool
    /// Dropout on the attention probabilities, as a separate kernel over the materialised
    /// b·heads·s·k scores (Megatron-LM GPT's default `attention_dropout` 0.1 with its 2021–22
    /// unfused attention): reads and writes the probabilities. False for models pretrained
    /// without dropout (Llama) or kernels that fuse it (FlashAttention). The hidden dropouts are
    /// fused into Megatron's bias-dropout-add and not modelled as ops.
    public var attentionDropout: Bool = false
    /// Format of the optimizer's states (master weights, Adam's m and v): FP32 in mixed-precision
    /// training (Micikevicius et al. 2018; ZeRO §3.1: K = 12 bytes per parameter); a narrower
    /// format models a low-precision optimizer (an assumption of the user's, e.g. BF16 states).
    public var optimizerStateFormat: NumberFormat = .fp32

    /// Bytes per parameter the step holds: the weights in the recipe's weight format, the
    /// gradients in the training format (at least 16 bits, as FP8 recipes keep them), and three
    /// optimizer states (master weights, m, v).
    public var bytesPerParameter: (weights: Double, gradients: Double, optimizerStates: Double) {
        (forward.weightFormat.bytesPerElement, max(2, forward.format.bytesPerElement), 3 * optimizerStateFormat.bytesPerElement)
    }

    /// Adam's vector operations per parameter: m ← β₁m + (1−β₁)g (3), v ← β₂v + (1−β₂)g² (4),
    /// the two bias corrections (2), √v̂ + ε (2), the quotient (1) and w ← w − lr·(…) (2), as
    /// PyTorch's `torch.optim.Adam` step computes them (Kingma & Ba 2015, Algorithm 1).
    public static let adamOpsPerParameter = 14.0

    public init(model: TransformerConfig, modelName: String, recipe: PrecisionRecipe, causalAttention: Bool = true) {
        forward = TransformerGenerator(model: model, modelName: modelName, recipe: recipe)
        self.causalAttention = causalAttention
    }

    public init(model: TransformerConfig, modelName: String, format: NumberFormat = .bf16, causalAttention: Bool = true) {
        self.init(model: model, modelName: modelName,
                  recipe: PrecisionRecipe(name: format.rawValue, weights: format, activations: format, kvCache: format),
                  causalAttention: causalAttention)
    }

    /// Backward vector operations per output element, per forward kind. Assumptions: softmax
    /// backward dS = P ⊙ (dP − Σ P ⊙ dP) is 4; a norm's or a pointwise function's backward costs
    /// twice its forward (the derivative about as much as the function, plus the products with the
    /// incoming gradient); an embedding's backward adds each gathered row's gradient into the
    /// table (1).
    static func backwardOpsPerElement(_ op: Op) -> Double {
        switch op.kind {
        case .softmax: return 4
        case .norm, .elementwise: return 2 * op.opsPerElement
        case .embedding: return 1
        case .matmul, .allReduce, .allGather, .reduceScatter: return 0
        }
    }

    /// One step of `microBatch` sequences of `sequenceLength` tokens on one of `tensorParallel`
    /// devices, with `recompute`. The trace's memory assumes sequence parallelism unless told.
    public func generate(microBatch b: Int, sequenceLength s: Int, tensorParallel tp: Int, recompute: Recomputation,
                         sequenceParallel: Bool = true) throws(GeneratorError) -> Workload {
        let m = forward.model
        try TransformerGenerator.check(batch: b, sequenceLength: s, tensorParallel: tp, model: m)
        // b ≤ 2^24 and s ≤ 2^24 (checked above): b · s ≤ 2^48 cannot overflow.
        let tokens = b * s
        guard WorkloadLimits.dimension.contains(tokens) else {
            throw .invalid("micro-batch \(b) × sequence \(s) = \(tokens) tokens exceeds the largest trace dimension, \(WorkloadLimits.dimension.upperBound) (2^40)")
        }
        let slice = TransformerGenerator.AttentionSlice(sequences: b, queryLength: s, keyLength: causalAttention ? (s + 2) / 2 : s, cachedTokens: s)
        var ops = try forward.iterationOps(tokens: tokens, attention: [slice], sampledSequences: tokens, tensorParallel: tp)
        ops = trainingForward(ops, tokens: tokens, tensorParallel: tp)

        // Parameters and model FLOPs before anything is recomputed.
        let forwardSummary = Workload(name: "", phase: .training, throughputUnit: "tokens", itemsPerIteration: 1, ops: ops).summary
        let parameters = forwardSummary.parameters
        let forwardMatmulFLOPs = ops.filter { $0.kind == .matmul }.reduce(0.0) { $0 + $1.flops * Double($1.repeatCount) }

        ops += backward(of: ops, recompute: recompute, tensorParallel: tp)
        ops += optimizerOps(parameters: parameters, after: ops.last?.name)
        for op in ops { if let violation = WorkloadLimits.check(op) { throw .invalid(violation) } }

        let perParameter = bytesPerParameter
        var memory = TrainingMemory.perDevice(model: m, parametersPerDevice: parameters, sequence: s, microBatch: b, tensorParallel: tp,
                                              recompute: recompute, sequenceParallel: sequenceParallel)
        let states = TrainingMemory.modelStates(parameters: parameters, weightBytesPerParameter: perParameter.weights,
                                                gradientBytesPerParameter: perParameter.gradients, optimizerBytesPerParameter: perParameter.optimizerStates)
        (memory.weightBytes, memory.gradientBytes, memory.optimizerStateBytes) = (states.weightBytes, states.gradientBytes, states.optimizerStateBytes)
        let step = TrainingStep(microBatch: b, sequenceLength: s, recompute: recompute, sequenceParallel: sequenceParallel,
                                modelFLOPs: 3 * forwardMatmulFLOPs, memory: memory)
        let name = forward.modelName, precision = forward.precisionName
        return Workload(
            name: "\(name)-training-b\(b)-seq\(s)-tp\(tp)-recompute-\(recompute.rawValue)-\(precision)",
            description: "\(name) training step: micro-batch \(b) × \(s) tokens, tensor parallel \(tp), \(recompute.rawValue) recomputation, \(precision), Adam",
            phase: .training, devices: tp, throughputUnit: "tokens", itemsPerIteration: Double(tokens), ops: ops,
            provenance: "spusim training generator: model \(name), micro-batch \(b), sequence \(s), tensor-parallel \(tp), recompute \(recompute.rawValue), "
                + "\(causalAttention ? "causal" : "full") attention, \(forward.provenanceFormats)",
            training: step)
    }

    /// The serving forward made a training forward: attention operands become activations (no
    /// KV cache is kept) and the logits all-gather becomes the vocabulary-parallel cross-entropy.
    private func trainingForward(_ ops: [Op], tokens: Int, tensorParallel tp: Int) -> [Op] {
        var out: [Op] = []
        for var op in ops where op.name != "logits_all_gather" {
            for i in op.inputs.indices where op.inputs[i].role == .kvCache {
                op.inputs[i] = TensorRef(dims: op.inputs[i].dims, format: op.inputs[i].format)
            }
            if attentionDropout, op.name == "layers.attn_context" { op.after = ["layers.attn_dropout"] }
            out.append(op)
            if attentionDropout, op.kind == .softmax, op.name == "layers.attn_softmax" {
                // Draw, compare and scale: 2 ops per probability (an assumption, like the other vector ops).
                out.append(Op(name: "layers.attn_dropout", kind: .elementwise, repeatCount: op.repeatCount, dims: op.dims,
                              inputs: [TensorRef(dims: op.output.dims, format: op.output.format)], output: op.output,
                              opsPerElement: 2, after: [op.name], fusedWithProducer: true))
            }
        }
        let m = forward.model, f = forward.format
        let vocabShard = (m.vocabSize + tp - 1) / tp
        let head = out.last?.name ?? "lm_head"
        out.append(Op(name: "loss_softmax", kind: .softmax, dims: ["t": tokens, "v": vocabShard],
                      inputs: [TensorRef(dims: ["t", "v"], format: f)], output: TensorRef(dims: ["t", "v"], format: f), after: [head]))
        if tp > 1 {   // max, target logit and sum of exponentials, one number per token each (Megatron's vocab-parallel cross-entropy)
            let reduced: NumberFormat = f.storageBits < 16 ? .bf16 : f
            out.append(Op(name: "loss_all_reduce", kind: .allReduce, repeatCount: 3, dims: ["t": tokens],
                          inputs: [TensorRef(dims: ["t"], format: reduced)], output: TensorRef(dims: ["t"], format: reduced),
                          groupSize: tp, after: ["loss_softmax"]))
        }
        return out
    }

    /// The backward pass of `forwardOps` (in reverse), with recomputed forward ops where `recompute` says.
    private func backward(of forwardOps: [Op], recompute: Recomputation, tensorParallel tp: Int) -> [Op] {
        let f = forward.format
        let collectiveFormat: NumberFormat = f.storageBits < 16 ? .bf16 : f
        let fusedHeads = Set(forwardOps.filter(\.fusedWithProducer).compactMap(\.after.first))
        let layerRepeat = forward.model.layers
        var ops: [Op] = []
        var recomputedLayer = false, recomputedAttention = false, groupOpen = false
        func append(_ op: Op, fused: Bool = false) {
            var op = op
            op.after = ops.last.map { [$0.name] } ?? []
            op.fusedWithProducer = fused && !op.after.isEmpty
            ops.append(op)
        }
        func recomputed(_ sources: [Op]) {
            for source in sources {
                var copy = source
                copy.name = "recompute." + source.name
                append(copy, fused: source.fusedWithProducer)
            }
        }
        func gradient(_ t: TensorRef) -> TensorRef { TensorRef(dims: t.dims, format: f) }

        for op in forwardOps.reversed() {
            let isLayerOp = op.repeatCount == layerRepeat && op.name.hasPrefix("layers.")
            if recompute == .full, isLayerOp, !recomputedLayer {
                recomputed(forwardOps.filter { $0.repeatCount == layerRepeat && $0.name.hasPrefix("layers.") })
                recomputedLayer = true
            }
            let inAttentionCore = op.fusedWithProducer || fusedHeads.contains(op.name)
            if recompute == .selective, inAttentionCore, !recomputedAttention {
                recomputed(forwardOps.filter { $0.fusedWithProducer || fusedHeads.contains($0.name) })
                recomputedAttention = true
            }
            // Megatron's f operator: the input gradient of a tensor-parallel block is all-reduced
            // before the norm in front of the block.
            if op.kind == .norm, tp > 1 {
                append(Op(name: op.name + ".grad_all_reduce", kind: .allReduce, repeatCount: op.repeatCount, dims: op.dims,
                          inputs: [TensorRef(dims: op.output.dims, format: collectiveFormat)],
                          output: TensorRef(dims: op.output.dims, format: collectiveFormat), groupSize: tp))
            }
            var grads: [Op] = []
            switch op.kind {
            case .matmul:
                let a = op.inputs[0], b = op.inputs[1]
                let weight = b.role == .weight
                let dC = gradient(op.output)
                grads.append(Op(name: op.name + (weight ? ".dgrad" : ".grad_lhs"), kind: .matmul, repeatCount: op.repeatCount, dims: op.dims,
                                inputs: [dC, b], output: gradient(a)))
                grads.append(Op(name: op.name + (weight ? ".wgrad" : ".grad_rhs"), kind: .matmul, repeatCount: op.repeatCount, dims: op.dims,
                                inputs: [a, dC], output: gradient(b)))
            case .elementwise, .softmax, .norm:
                var inputs = [gradient(op.output)] + op.inputs.filter { $0.role == .activation }
                inputs += op.inputs.filter { $0.role == .weight }
                grads.append(Op(name: op.name + ".grad", kind: op.kind == .softmax ? .elementwise : op.kind, repeatCount: op.repeatCount,
                                dims: op.dims, inputs: inputs, output: gradient(op.output), opsPerElement: Self.backwardOpsPerElement(op)))
            case .embedding:
                let outputDims = op.output.dims
                grads.append(Op(name: op.name + ".wgrad", kind: .elementwise, repeatCount: op.repeatCount, dims: op.dims.filter { outputDims.contains($0.key) },
                                inputs: [gradient(op.output)], output: gradient(op.output), opsPerElement: Self.backwardOpsPerElement(op)))
            case .allReduce, .allGather, .reduceScatter:
                break   // the backward of the forward's all-reduces (Megatron's g) is the identity
            }
            for grad in grads {
                append(grad, fused: inAttentionCore && groupOpen)
                if inAttentionCore { groupOpen = true }
            }
            if !op.fusedWithProducer { groupOpen = false }
        }
        return ops
    }

    /// Mixed-precision Adam over `parameters`: master weights, m and v (`optimizerStateFormat`)
    /// read and written, the gradients read; then the master weights cast to the weight format.
    private func optimizerOps(parameters: Double, after previous: String?) -> [Op] {
        let p = max(1, Int(parameters.rounded()))
        let adam = Op(name: "optimizer.adam", kind: .elementwise, dims: ["s": 3, "p": p],
                      inputs: [TensorRef(dims: ["p"], format: forward.format), TensorRef(dims: ["s", "p"], format: optimizerStateFormat)],
                      output: TensorRef(dims: ["s", "p"], format: optimizerStateFormat), opsPerElement: Self.adamOpsPerParameter / 3,
                      after: previous.map { [$0] } ?? [])
        let cast = Op(name: "optimizer.cast", kind: .elementwise, dims: ["p": p],
                      inputs: [TensorRef(dims: ["p"], format: optimizerStateFormat)], output: TensorRef(dims: ["p"], format: forward.weightFormat),
                      opsPerElement: 1, after: [adam.name])
        return [adam, cast]
    }
}
