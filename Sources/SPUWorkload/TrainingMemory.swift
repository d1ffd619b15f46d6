/// Activation recomputation of a training step (Korthikanti et al., "Reducing Activation
/// Recomputation in Large Transformer Models", arXiv:2205.05198, 2022).
public enum Recomputation: String, CaseIterable, Sendable, Hashable {
    /// Every activation the backward pass needs is stored.
    case none
    /// The attention core (QKᵀ, softmax, softmax dropout, attention over V) is recomputed in the
    /// backward pass; the rest is stored (Korthikanti et al. §5).
    case selective
    /// Only each layer's input is stored; the whole layer forward is recomputed in the backward
    /// pass (Chen et al. 2016 checkpointing, as Megatron-LM's `--recompute-granularity full`).
    case full
}

/// How the optimizer states are partitioned over the data-parallel group (ZeRO, Rajbhandari et
/// al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC20, §5).
public enum ZeROStage: Int, CaseIterable, Sendable, Hashable {
    /// Plain data parallelism: every replica holds all model states.
    case none = 0
    /// P_os: optimizer states partitioned.
    case optimizerStates = 1
    /// P_os+g: optimizer states and gradients partitioned.
    case gradients = 2
    /// P_os+g+p: optimizer states, gradients and parameters partitioned.
    case parameters = 3
}

/// Bytes one device holds through a training step, by what they are.
public struct TrainingMemoryBytes: Sendable, Hashable {
    /// The parameters in their training format (fp16/bf16 copies the matmuls read).
    public var weightBytes: Double
    public var gradientBytes: Double
    /// Optimizer states: FP32 master weights, Adam's m and v.
    public var optimizerStateBytes: Double
    /// Activations stored for the backward pass.
    public var activationBytes: Double

    public init(weightBytes: Double, gradientBytes: Double, optimizerStateBytes: Double, activationBytes: Double) {
        self.weightBytes = weightBytes
        self.gradientBytes = gradientBytes
        self.optimizerStateBytes = optimizerStateBytes
        self.activationBytes = activationBytes
    }

    public var modelStateBytes: Double { weightBytes + gradientBytes + optimizerStateBytes }
    public var totalBytes: Double { modelStateBytes + activationBytes }
}

/// Memory per device of a training step: model states (ZeRO's accounting) and stored activations
/// (Korthikanti et al.'s accounting). Equations and sources: `docs/training.md`.
public enum TrainingMemory {
    /// Mixed-precision Adam (ZeRO §3.1): 2 bytes of fp16/bf16 parameters, 2 bytes of fp16/bf16
    /// gradients and K = 12 bytes of optimizer states (fp32 master parameters, momentum and
    /// variance, 4 bytes each) per parameter: 16 Ψ in all.
    public static let weightBytesPerParameter = 2.0
    public static let gradientBytesPerParameter = 2.0
    public static let adamStateBytesPerParameter = 12.0

    /// Model-state bytes per device for `parameters` (Ψ) held by the device before data
    /// parallelism (the model's parameters over tensor × pipeline degrees), partitioned by
    /// `stage` over `dataParallel` (N_d) replicas (ZeRO §5, Figure 1):
    /// stage 0: (2+2+K)Ψ; 1: 2Ψ + 2Ψ + KΨ/N_d; 2: 2Ψ + (2+K)Ψ/N_d; 3: (2+2+K)Ψ/N_d.
    public static func modelStates(parameters psi: Double, dataParallel nd: Int = 1, stage: ZeROStage = .none,
                                   weightBytesPerParameter w: Double = weightBytesPerParameter,
                                   gradientBytesPerParameter g: Double = gradientBytesPerParameter,
                                   optimizerBytesPerParameter k: Double = adamStateBytesPerParameter) -> TrainingMemoryBytes {
        let n = Double(max(1, nd))
        let weights = psi * w / (stage == .parameters ? n : 1)
        let gradients = psi * g / (stage.rawValue >= ZeROStage.gradients.rawValue ? n : 1)
        let optimizer = psi * k / (stage.rawValue >= ZeROStage.optimizerStates.rawValue ? n : 1)
        return TrainingMemoryBytes(weightBytes: weights, gradientBytes: gradients, optimizerStateBytes: optimizer, activationBytes: 0)
    }

    /// Korthikanti et al.'s activation bytes of one GPT transformer layer (16-bit activations,
    /// 1-byte dropout masks) for sequence length s, micro-batch b, hidden size h, a heads and
    /// tensor-parallel degree t:
    /// - no recomputation, with sequence parallelism (eq. 4): s·b·h·(34 + 5·a·s/h) / t;
    ///   without it (eq. 2): s·b·h·(10 + 24/t + 5·a·s/(h·t));
    /// - selective recomputation (§5): 34·s·b·h / t (eq. 6), 10 + 24/t without sequence parallelism;
    /// - full recomputation (§4.2.2): the layer input, 2·s·b·h (/ t with sequence parallelism).
    public static func korthikantiLayerBytes(sequence s: Int, microBatch b: Int, hidden h: Int, heads a: Int, tensorParallel t: Int = 1,
                                             recompute: Recomputation, sequenceParallel: Bool = true) -> Double {
        let sbh = Double(s) * Double(b) * Double(h), tp = Double(t)
        let attentionCore = 5 * Double(a) * Double(s) / Double(h)
        switch recompute {
        case .full: return 2 * sbh / (sequenceParallel ? tp : 1)
        case .selective: return sequenceParallel ? 34 * sbh / tp : sbh * (10 + 24 / tp)
        case .none: return sequenceParallel ? sbh * (34 + attentionCore) / tp : sbh * (10 + 24 / tp + attentionCore / tp)
        }
    }

    /// Activation bytes of one layer of `model`, counted term by term as Korthikanti et al. §4.1
    /// count them, with the model's own widths: query and key/value widths (GQA), the MLP width,
    /// a gated MLP (SwiGLU stores gate and up outputs) and routed experts (each token's MLP
    /// activations stored once per expert it is routed to). For a GPT layer (h = heads·head_dim,
    /// MHA, MLP 4h, GELU) this is exactly `korthikantiLayerBytes`. Dropout masks (1 byte per
    /// element, Megatron-LM's GPT recipe) are counted as in the paper.
    public static func layerBytes(model m: TransformerConfig, sequence s: Int, microBatch b: Int, tensorParallel t: Int = 1,
                                  recompute: Recomputation, sequenceParallel: Bool = true) -> Double {
        let sb = Double(s) * Double(b), h = Double(m.hiddenSize), tp = Double(t)
        if recompute == .full { return 2 * sb * h / (sequenceParallel ? tp : 1) }
        let q = Double(m.attentionHeads * m.headDim), kv = Double(m.keyValueHeads * m.headDim)
        let f = Double(m.intermediateSize), k = Double(m.isMoE ? m.expertsPerToken : 1)
        // Replicated across the tensor-parallel group unless sequence parallel: layer-norm inputs
        // (2 × 2sbh), attention and MLP inputs (2sbh each), the two dropout masks (sbh each).
        let replicated = sb * (4 * h + 2 * h + h + 2 * h + h)
        // Split over the group: Q and K (2sb(q + kv)), V (2sb·kv), output-projection input
        // (2sb·q); MLP: up output (2sb·f, or 2 × 2sb·f gated) and activation output (2sb·f), per
        // routed copy; the routed copies' inputs (2sbh each beyond the first).
        let upOutputs = (m.gatedMLP ? 2 : 1) * 2 * f
        let split = sb * (2 * (q + kv) + 2 * kv + 2 * q) + sb * k * (upOutputs + 2 * f) + sb * (k - 1) * 2 * h
        // Attention core: softmax output 2as²b, its dropout mask as²b, dropout output 2as²b.
        let core = recompute == .selective ? 0 : 5 * Double(m.attentionHeads) * Double(s) * sb
        return (sequenceParallel ? replicated / tp : replicated) + (split + core) / tp
    }

    /// Activation bytes outside the layers that one device stores, Korthikanti et al. §4.3:
    /// the input-embedding dropout mask (s·b·h, once per micro-batch in flight) on the first
    /// pipeline stage, and on the last the final norm and output-projection inputs plus the
    /// fp32 logits of the cross-entropy, 4·s·b·h·(1 + v/h), each over t.
    public static func embeddingAndOutputBytes(model m: TransformerConfig, sequence s: Int, microBatch b: Int, tensorParallel t: Int,
                                               microBatchesInFlight: Int, holdsOutputLayer: Bool) -> Double {
        let sbh = Double(s) * Double(b) * Double(m.hiddenSize), tp = Double(t)
        let embedding = sbh * Double(microBatchesInFlight) / tp
        let output = holdsOutputLayer ? 4 * sbh * (1 + Double(m.vocabSize) / Double(m.hiddenSize)) / tp : 0
        return embedding + output
    }

    /// Stored activations of the first pipeline stage, the one that holds the most: with 1F1B
    /// (Narayanan et al. SC21 §2.2.1) it holds `pipelineParallel` micro-batches in flight of its
    /// ⌈L/p⌉ layers; with p = 1 it also holds the output layer.
    public static func activationBytes(model m: TransformerConfig, sequence s: Int, microBatch b: Int, tensorParallel t: Int = 1,
                                       pipelineParallel p: Int = 1, recompute: Recomputation, sequenceParallel: Bool = true) -> Double {
        let stageLayers = Double((m.layers + p - 1) / p)
        let layer = layerBytes(model: m, sequence: s, microBatch: b, tensorParallel: t, recompute: recompute, sequenceParallel: sequenceParallel)
        return Double(p) * stageLayers * layer
            + embeddingAndOutputBytes(model: m, sequence: s, microBatch: b, tensorParallel: t, microBatchesInFlight: p, holdsOutputLayer: p == 1)
    }

    /// Memory of one device: `parametersPerDevice` (the model's parameters over t × p, e.g. a
    /// trace's `summary.parameters`) under mixed-precision Adam and ZeRO `stage` over
    /// `dataParallel` replicas, and the first pipeline stage's stored activations.
    public static func perDevice(model m: TransformerConfig, parametersPerDevice psi: Double, sequence s: Int, microBatch b: Int,
                                 tensorParallel t: Int = 1, pipelineParallel p: Int = 1, dataParallel nd: Int = 1,
                                 stage: ZeROStage = .none, recompute: Recomputation, sequenceParallel: Bool = true) -> TrainingMemoryBytes {
        var bytes = modelStates(parameters: psi, dataParallel: nd, stage: stage)
        bytes.activationBytes = activationBytes(model: m, sequence: s, microBatch: b, tensorParallel: t, pipelineParallel: p,
                                                recompute: recompute, sequenceParallel: sequenceParallel)
        return bytes
    }
}
