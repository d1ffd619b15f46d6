import Foundation
import SPUCore
import SPUFormats  // NumberFormat's cases (a default argument names one)

/// Generates per-chip traces of a decoder-only transformer for prefill or decode, with tensor
/// parallelism over N chips (Megatron-style: attention heads and MLP columns split, an
/// all-reduce after the attention output and after the MLP, vocabulary-parallel embedding and
/// LM head).
///
/// Modelling choices (see `docs/workload-format.md`):
/// - Identical layers are one set of ops with `repeat = layers`.
/// - Causal prefill attention: query i attends i+1 keys, so the key length of the score and
///   context matmuls is the mean, ⌈(S+1)/2⌉, which gives the exact MAC count of causal attention.
///   The KV operands carry `resident_multiplier` so the full S-token cache is counted in memory.
/// - Decode: one new token per sequence attends `context` cached tokens.
/// - MoE: the expected number of distinct experts a batch touches, E·(1−(1−k/E)^T), each with an
///   even share of the T·k routed tokens; all E experts are resident.
/// - Prefill computes LM-head logits only for the last token of each sequence.
/// - Biases (GPT-style) are not modelled; they add < 0.1 % of parameters.
/// - Collectives carry 16-bit activations (bf16) when the format is narrower: 8-bit recipes
///   (TensorRT-LLM and vLLM FP8, SmoothQuant W8A8) quantise at GEMM inputs but keep the GEMM
///   outputs and the all-reduced residual stream in 16 bits.
public struct TransformerGenerator: Sendable {
    public typealias GeneratorError = WorkloadGeneratorError

    /// The attention of one layer: scores `QKᵀ` against the K cache, softmax, context `PV` against
    /// the V cache, for `batch` sequences of `queryLength` new tokens attending `keyLength` keys,
    /// with `groups` query heads sharing each of `kvHeads` KV heads (GQA). Softmax and context
    /// are fused into the scores kernel (FlashAttention / FlashDecoding style). Shared with the
    /// attention validation cases, so they check exactly what traces contain.
    public static func attentionOps(batch: Int, kvHeads: Int, groups: Int, queryLength: Int, keyLength: Int, headDim: Int,
                                    format: NumberFormat, kvFormat: NumberFormat, kvResidentMultiplier: Double = 1, repeat r: Int = 1) -> [Op] {
        let dims: [Character: Int] = ["b": batch, "g": kvHeads, "r": groups, "q": queryLength, "k": keyLength, "d": headDim]
        func act(_ letters: String) -> TensorRef { TensorRef(dims: Array(letters), format: format) }
        func cache(_ name: String) -> TensorRef {
            TensorRef(name: name, dims: Array("bgkd"), format: kvFormat, role: .kvCache, residentMultiplier: kvResidentMultiplier)
        }
        return [
            Op(name: "layers.attn_scores", kind: .matmul, repeatCount: r, dims: dims, inputs: [act("bgrqd"), cache("layers.k_cache")], output: act("bgrqk")),
            Op(name: "layers.attn_softmax", kind: .softmax, repeatCount: r, dims: dims.filter { $0.key != "d" }, inputs: [act("bgrqk")],
               output: act("bgrqk"), after: ["layers.attn_scores"], fusedWithProducer: true),
            Op(name: "layers.attn_context", kind: .matmul, repeatCount: r, dims: dims, inputs: [act("bgrqk"), cache("layers.v_cache")],
               output: act("bgrqd"), after: ["layers.attn_softmax"], fusedWithProducer: true),
        ]
    }

    /// The routed experts of one MoE layer for `tokens` tokens: up (gate and up) projection,
    /// activation, down projection and the weighted combine. A batch touches the expected number
    /// of distinct experts, E·(1−(1−k/E)^T), each with an even share of the T·k routed tokens; all
    /// E experts' weights are resident. Shared with the MoE validation cases.
    ///
    /// An op has a whole number of experts, and the expectation is rarely whole (Mixtral, 8 tokens:
    /// 8·(1 − 0.75⁸) = 7.2). Over `repeat` layers the ops are split in two groups, named with their
    /// expert counts (`layers.experts_up.e8` over 6 of 32 layers, `.e7` over 26: a mean of 7.19),
    /// so the weights read per layer keep their expected value; rounding every layer up would read
    /// 11 % too many. A single layer (`repeat` 1) takes the nearest count.
    public static func expertOps(tokens: Int, hidden d: Int, intermediateShard: Int, experts e: Int, topK k: Int, gated: Bool,
                                 format: NumberFormat, weightFormat: NumberFormat? = nil, repeat r: Int = 1) -> [Op] {
        // In Double: never converts a NaN or huge value.
        let expectedActive = min(Double(e), max(1, Double(e) * (1 - pow(1 - Double(k) / Double(e), Double(tokens)))))
        let fewer = Int(expectedActive.rounded(.down))
        // Layers with one expert more, in proportion to the fraction (one layer: the nearest count).
        let layersWithMore = Int(((expectedActive - Double(fewer)) * Double(r)).rounded())
        func group(_ active: Int, _ suffix: String, _ layers: Int) -> [Op] {
            expertGroup(active: active, suffix: suffix, tokens: tokens, hidden: d, intermediateShard: intermediateShard, experts: e,
                        topK: k, gated: gated, format: format, weightFormat: weightFormat, repeat: layers)
        }
        if layersWithMore == 0 { return group(fewer, "", r) }
        if layersWithMore == r { return group(fewer + 1, "", r) }
        let first = group(fewer + 1, ".e\(fewer + 1)", layersWithMore)
        var second = group(fewer, ".e\(fewer)", r - layersWithMore)
        second[0].after = [first[first.count - 1].name]
        return first + second
    }

    /// The four ops of `repeat` MoE layers in which `active` experts run; op and weight names end in `suffix`.
    static func expertGroup(active: Int, suffix: String, tokens: Int, hidden d: Int, intermediateShard: Int, experts e: Int, topK k: Int,
                            gated: Bool, format: NumberFormat, weightFormat: NumberFormat?, repeat r: Int) -> [Op] {
        // tokens ≤ 2^40 (`WorkloadLimits.dimension`, checked by `generate` and the validation
        // cases) and k ≤ 2^16 (`WorkloadLimits.modelCount`): tokens · k ≤ 2^56 cannot overflow.
        let perExpert = (tokens * k + active - 1) / active
        let resident = Double(e) / Double(active)
        let upWidth = gated ? 2 * intermediateShard : intermediateShard
        func act(_ letters: String) -> TensorRef { TensorRef(dims: Array(letters), format: format) }
        func weight(_ name: String, _ letters: String) -> TensorRef {
            TensorRef(name: name + suffix, dims: Array(letters), format: weightFormat ?? format, role: .weight, residentMultiplier: resident)
        }
        let up = Op(name: "layers.experts_up" + suffix, kind: .matmul, repeatCount: r, dims: ["e": active, "t": perExpert, "d": d, "f": upWidth],
                    inputs: [act("etd"), weight("layers.experts_up", "edf")], output: act("etf"))
        let activation = Op(name: "layers.experts_act" + suffix, kind: .elementwise, repeatCount: r, dims: ["e": active, "t": perExpert, "f": intermediateShard],
                            inputs: [act("etf")], output: act("etf"), opsPerElement: gated ? 5 : 8, after: [up.name])
        let down = Op(name: "layers.experts_down" + suffix, kind: .matmul, repeatCount: r, dims: ["e": active, "t": perExpert, "f": intermediateShard, "d": d],
                      inputs: [act("etf"), weight("layers.experts_down", "efd")], output: act("etd"), after: [activation.name])
        let combine = Op(name: "layers.experts_combine" + suffix, kind: .elementwise, repeatCount: r, dims: ["e": active, "t": perExpert, "d": d],
                         inputs: [act("etd")], output: act("etd"), opsPerElement: 2, after: [down.name])
        return [up, activation, down, combine]
    }

    public var model: TransformerConfig
    public var modelName: String
    /// The activations' format (matmul inputs, norms, element-wise ops).
    public var format: NumberFormat
    /// The KV cache's format.
    public var kvFormat: NumberFormat
    /// The weights' format (projections, experts, embeddings and LM head; norm weights stay in
    /// the activation format).
    public var weightFormat: NumberFormat
    /// The name traces carry for the precision: the recipe's name (the format's name for a
    /// uniform recipe).
    public var precisionName: String

    public init(model: TransformerConfig, modelName: String, format: NumberFormat = .bf16, kvFormat: NumberFormat? = nil) {
        self.init(model: model, modelName: modelName,
                  recipe: PrecisionRecipe(name: format.rawValue, weights: format, activations: format, kvCache: kvFormat ?? format))
    }

    /// A generator for a precision recipe: weights, activations and KV cache each in the recipe's format.
    public init(model: TransformerConfig, modelName: String, recipe: PrecisionRecipe) {
        self.model = model
        self.modelName = modelName
        self.format = recipe.activations
        self.kvFormat = recipe.kvCache
        self.weightFormat = recipe.weights
        self.precisionName = recipe.name
    }

    /// The formats as trace provenance states them (unchanged for single-format recipes, so their
    /// traces keep their content hashes).
    var provenanceFormats: String {
        "format \(format.rawValue), kv-format \(kvFormat.rawValue)" + (weightFormat == format ? "" : ", weight-format \(weightFormat.rawValue)")
    }

    /// - Parameters:
    ///   - phase: `.prefill` (`sequenceLength` = prompt length) or `.decode` (`sequenceLength` = context length).
    public func generate(phase: Phase, batch: Int, sequenceLength: Int, tensorParallel tp: Int) throws(GeneratorError) -> Workload {
        guard phase == .prefill || phase == .decode else { throw .invalid("the transformer generator supports phases prefill and decode, got \(phase.rawValue)") }
        try Self.check(batch: batch, sequenceLength: sequenceLength, tensorParallel: tp, model: model)
        // batch ≤ 2^24 and sequence ≤ 2^31 (checked above): batch · sequence ≤ 2^55 cannot overflow.
        let tokens = phase == .prefill ? batch * sequenceLength : batch
        guard WorkloadLimits.dimension.contains(tokens) else {
            throw .invalid("batch \(batch) × prompt \(sequenceLength) = \(tokens) tokens per iteration exceeds the largest trace dimension, \(WorkloadLimits.dimension.upperBound) (2^40)")
        }
        let slice = phase == .prefill
            ? AttentionSlice(sequences: batch, queryLength: sequenceLength, keyLength: (sequenceLength + 2) / 2, cachedTokens: sequenceLength)
            : AttentionSlice(sequences: batch, queryLength: 1, keyLength: sequenceLength, cachedTokens: sequenceLength)
        let ops = try iterationOps(tokens: tokens, attention: [slice], sampledSequences: batch, tensorParallel: tp)
        let name = "\(modelName)-\(phase.rawValue)-b\(batch)-\(phase == .prefill ? "prompt" : "ctx")\(sequenceLength)-tp\(tp)-\(precisionName)"
        return Workload(
            name: name,
            description: "\(modelName) \(phase.rawValue), batch \(batch), \(phase == .prefill ? "prompt" : "context") \(sequenceLength), tensor parallel \(tp), \(precisionName)",
            phase: phase, devices: tp, throughputUnit: "tokens",
            itemsPerIteration: Double(tokens), ops: ops,
            provenance: "spusim transformer generator: model \(modelName), phase \(phase.rawValue), batch \(batch), \(phase == .prefill ? "prompt" : "context") \(sequenceLength), tensor-parallel \(tp), \(provenanceFormats)")
    }

    /// Sequences of one iteration that attend alike: `sequences` sequences each computing
    /// `queryLength` new tokens against `keyLength` keys on average (causal prefill: the mean over
    /// the new tokens), with `cachedTokens` tokens of KV cache resident per sequence.
    public struct AttentionSlice: Sendable, Hashable {
        public var sequences: Int
        public var queryLength: Int
        public var keyLength: Int
        public var cachedTokens: Int

        public init(sequences: Int, queryLength: Int, keyLength: Int, cachedTokens: Int) {
            self.sequences = sequences
            self.queryLength = queryLength
            self.keyLength = keyLength
            self.cachedTokens = cachedTokens
        }
    }

    /// One iteration of a continuous-batching serving engine (Orca, vLLM, Sarathi-Serve): decode
    /// sequences and prefill chunks batched together. Every new token passes the dense layers
    /// once; each slice attends its own keys; logits are computed for `sampledSequences`
    /// sequences (every decode and every prefill whose last chunk this is). With one slice this is
    /// exactly `generate(phase:…)`'s trace. Items per iteration = sampled tokens.
    public func generateIteration(attention slices: [AttentionSlice], sampledSequences: Int, tensorParallel tp: Int) throws(GeneratorError) -> Workload {
        guard !slices.isEmpty else { throw .invalid("an iteration needs at least one sequence") }
        var tokens = 0, sequences = 0
        for slice in slices {
            try Self.check(batch: slice.sequences, sequenceLength: max(slice.keyLength, slice.cachedTokens, slice.queryLength), tensorParallel: tp, model: model)
            guard slice.queryLength >= 1, slice.keyLength >= 1 else { throw .invalid("attention slices need at least one query and one key") }
            tokens += slice.sequences * slice.queryLength
            sequences += slice.sequences
            guard WorkloadLimits.dimension.contains(tokens) else {
                throw .invalid("\(tokens) tokens per iteration exceeds the largest trace dimension, \(WorkloadLimits.dimension.upperBound) (2^40)")
            }
        }
        guard (1...max(1, sequences)).contains(sampledSequences) else {
            throw .invalid("sampled sequences (\(sampledSequences)) must be between 1 and the iteration's \(sequences) sequences")
        }
        let ops = try iterationOps(tokens: tokens, attention: slices, sampledSequences: sampledSequences, tensorParallel: tp)
        let shape = slices.map { "\($0.sequences)x\($0.queryLength)@\($0.keyLength)" }.joined(separator: "+")
        return Workload(
            name: "\(modelName)-iteration-\(shape)-tp\(tp)-\(precisionName)",
            description: "\(modelName) serving iteration: \(tokens) new tokens (\(shape) sequences × queries @ keys), tensor parallel \(tp), \(precisionName)",
            phase: sampledSequences == tokens ? .decode : .prefill, devices: tp, throughputUnit: "tokens",
            itemsPerIteration: Double(sampledSequences), ops: ops,
            provenance: "spusim transformer generator: model \(modelName), serving iteration \(shape), tensor-parallel \(tp), \(provenanceFormats)")
    }

    /// The per-chip ops of one iteration over `tokens` new tokens.
    func iterationOps(tokens: Int, attention slices: [AttentionSlice], sampledSequences: Int, tensorParallel tp: Int) throws(GeneratorError) -> [Op] {
        let m = model
        guard m.attentionHeads % tp == 0 else { throw .invalid("tensor parallelism \(tp) must divide the \(m.attentionHeads) attention heads") }
        guard m.keyValueHeads % tp == 0 || tp % m.keyValueHeads == 0 else {
            throw .invalid("tensor parallelism \(tp) and the \(m.keyValueHeads) key/value heads must divide one another")
        }
        guard m.intermediateSize % tp == 0 else { throw .invalid("tensor parallelism \(tp) must divide intermediate_size \(m.intermediateSize)") }
        let vocabShard = (m.vocabSize + tp - 1) / tp
        let qHeads = m.attentionHeads / tp
        let kvHeads = max(1, m.keyValueHeads / tp)    // replicated when fewer KV heads than chips
        let groups = qHeads / kvHeads
        // Model widths ≤ 2^24 and counts ≤ 2^16 (`WorkloadLimits`, checked above): every product
        // below ((q + 2·kv heads) · head_dim ≤ 2^50, vocabulary shard · chips ≤ 2^45) fits an Int.
        let hd = m.headDim, d = m.hiddenSize
        let f = format
        let L = m.layers

        var ops: [Op] = []
        func act(_ dims: String) -> TensorRef { TensorRef(dims: Array(dims), format: f) }
        let collectiveFormat: NumberFormat = f.storageBits < 16 ? .bf16 : f
        func reduced(_ dims: String) -> TensorRef { TensorRef(dims: Array(dims), format: collectiveFormat) }
        func weight(_ name: String, _ dims: String, multiplier: Double = 1) -> TensorRef {
            TensorRef(name: name, dims: Array(dims), format: weightFormat, role: .weight, residentMultiplier: multiplier)
        }
        func normWeight(_ name: String, multiplier: Double) -> TensorRef {
            TensorRef(name: name, dims: ["d"], format: f, role: .weight, residentMultiplier: multiplier)
        }
        func add(_ name: String, _ kind: OpKind, repeat r: Int = 1, _ dims: [Character: Int], _ inputs: [TensorRef], _ output: String,
                 opsPerElement: Double? = nil, group: Int = 1) {
            let previous = ops.last.map { [$0.name] } ?? []
            let outputFormat = kind.isCollective ? collectiveFormat : f
            ops.append(Op(name: name, kind: kind, repeatCount: r, dims: dims, inputs: inputs, output: TensorRef(dims: Array(output), format: outputFormat),
                          opsPerElement: opsPerElement, groupSize: group, after: previous))
        }
        let normMultiplier = m.norm == .layerNorm ? 2.0 : 1.0   // LayerNorm has a weight and a bias

        // Embeddings.
        add("embed_tokens", .embedding, ["v": vocabShard, "d": d, "t": tokens], [weight("embed_tokens", "vd")], "td")
        if m.learnedPositions {
            add("embed_positions", .embedding, ["p": m.maxPositions, "d": d, "t": tokens], [weight("embed_positions", "pd")], "td")
        }
        if tp > 1 { add("embed_all_reduce", .allReduce, ["t": tokens, "d": d], [reduced("td")], "td", group: tp) }

        // One decoder layer, repeated.
        add("layers.attn_norm", .norm, repeat: L, ["t": tokens, "d": d], [act("td"), normWeight("layers.attn_norm", multiplier: normMultiplier)], "td")
        add("layers.qkv_proj", .matmul, repeat: L, ["t": tokens, "d": d, "n": (qHeads + 2 * kvHeads) * hd], [act("td"), weight("layers.qkv_proj", "dn")], "tn")
        if !m.learnedPositions {
            add("layers.rotary", .elementwise, repeat: L, ["t": tokens, "n": (qHeads + kvHeads) * hd], [act("tn")], "tn", opsPerElement: 3)
        }
        for (index, slice) in slices.enumerated() {
            var attention = Self.attentionOps(batch: slice.sequences, kvHeads: kvHeads, groups: groups, queryLength: slice.queryLength,
                                              keyLength: slice.keyLength, headDim: hd, format: f, kvFormat: kvFormat,
                                              kvResidentMultiplier: Double(slice.cachedTokens) / Double(slice.keyLength), repeat: L)
            if index > 0 {   // further slices are further kernels of the same layers, with their own names
                for i in attention.indices {
                    attention[i].name += ".\(index)"
                    attention[i].after = attention[i].after.map { $0 + ".\(index)" }
                    for j in attention[i].inputs.indices where attention[i].inputs[j].role == .kvCache {
                        attention[i].inputs[j].name = attention[i].inputs[j].name.map { $0 + ".\(index)" }
                    }
                }
            }
            attention[0].after = ops.last.map { [$0.name] } ?? []
            ops += attention
        }
        add("layers.o_proj", .matmul, repeat: L, ["t": tokens, "n": qHeads * hd, "d": d], [act("tn"), weight("layers.o_proj", "nd")], "td")
        if tp > 1 { add("layers.attn_all_reduce", .allReduce, repeat: L, ["t": tokens, "d": d], [reduced("td")], "td", group: tp) }
        add("layers.attn_residual", .elementwise, repeat: L, ["t": tokens, "d": d], [act("td"), act("td")], "td")
        add("layers.mlp_norm", .norm, repeat: L, ["t": tokens, "d": d], [act("td"), normWeight("layers.mlp_norm", multiplier: normMultiplier)], "td")

        let ffShard = m.intermediateSize / tp
        let upWidth = m.gatedMLP ? 2 * ffShard : ffShard
        let activationOps: Double = m.gatedMLP ? 5 : 8   // silu(x)·y vs tanh-approximated GELU
        if m.isMoE {
            add("layers.router", .matmul, repeat: L, ["t": tokens, "d": d, "e": m.experts], [act("td"), weight("layers.router", "de")], "te")
            add("layers.router_softmax", .softmax, repeat: L, ["t": tokens, "e": m.experts], [act("te")], "te")
            var experts = Self.expertOps(tokens: tokens, hidden: d, intermediateShard: ffShard, experts: m.experts, topK: m.expertsPerToken,
                                         gated: m.gatedMLP, format: f, weightFormat: weightFormat, repeat: L)
            experts[0].after = ops.last.map { [$0.name] } ?? []
            ops += experts
        } else {
            add("layers.mlp_up", .matmul, repeat: L, ["t": tokens, "d": d, "f": upWidth], [act("td"), weight("layers.mlp_up", "df")], "tf")
            add("layers.mlp_act", .elementwise, repeat: L, ["t": tokens, "f": ffShard], [act("tf")], "tf", opsPerElement: activationOps)
            add("layers.mlp_down", .matmul, repeat: L, ["t": tokens, "f": ffShard, "d": d], [act("tf"), weight("layers.mlp_down", "fd")], "td")
        }
        if tp > 1 { add("layers.mlp_all_reduce", .allReduce, repeat: L, ["t": tokens, "d": d], [reduced("td")], "td", group: tp) }
        add("layers.mlp_residual", .elementwise, repeat: L, ["t": tokens, "d": d], [act("td"), act("td")], "td")

        // Head: logits for the last token of each sampled sequence.
        let batch = sampledSequences
        add("final_norm", .norm, ["t": batch, "d": d], [act("td"), normWeight("final_norm", multiplier: normMultiplier)], "td")
        add("lm_head", .matmul, ["t": batch, "d": d, "v": vocabShard], [act("td"), weight(m.tiedEmbeddings ? "embed_tokens" : "lm_head", "dv")], "tv")
        if tp > 1 { add("logits_all_gather", .allGather, ["t": batch, "v": vocabShard * tp], [reduced("tv")], "tv", group: tp) }

        // The trace reader's limits, so the trace this writes always reads back.
        for op in ops { if let violation = WorkloadLimits.check(op) { throw .invalid(violation) } }
        return ops
    }

    /// The generator's arguments and the model against `WorkloadLimits` (a model built in code
    /// skips `TransformerConfig.decode`'s checks).
    static func check(batch: Int, sequenceLength: Int, tensorParallel tp: Int, model m: TransformerConfig) throws(GeneratorError) {
        func require(_ value: Int, in range: ClosedRange<Int>, _ what: String) throws(GeneratorError) {
            guard range.contains(value) else { throw .invalid("\(what) must be in [\(range.lowerBound), \(range.upperBound)], got \(value)") }
        }
        try require(batch, in: WorkloadLimits.batch, "batch")
        try require(sequenceLength, in: WorkloadLimits.sequenceLength, "sequence length (prompt or context)")
        try require(tp, in: WorkloadLimits.devices, "tensor parallelism")
        for (value, name) in [(m.hiddenSize, "hidden_size"), (m.intermediateSize, "intermediate_size"), (m.headDim, "head_dim"), (m.vocabSize, "vocab_size")] {
            try require(value, in: WorkloadLimits.modelWidth, "the model's \(name)")
        }
        for (value, name) in [(m.layers, "num_hidden_layers"), (m.attentionHeads, "num_attention_heads"), (m.keyValueHeads, "num_key_value_heads"),
                              (m.experts, "num_local_experts"), (m.expertsPerToken, "num_experts_per_tok")] {
            try require(value, in: WorkloadLimits.modelCount, "the model's \(name)")
        }
        try require(m.maxPositions, in: WorkloadLimits.positions, "the model's max_position_embeddings")
    }
}
