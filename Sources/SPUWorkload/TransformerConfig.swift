import SPUCore

/// A decoder-only transformer, read from a Hugging Face style `config.json`.
///
/// Accepts both Llama-style keys (`hidden_size`, `num_hidden_layers`, …) and GPT-2/GPT-J style
/// keys (`n_embd`, `n_layer`, `n_head`, `n_inner`). Keys the model does not use (rope_theta,
/// token ids, dropout, …) are ignored so real `config.json` files load unchanged; keys it does use
/// are checked strictly.
public struct TransformerConfig: Sendable, Equatable {
    public enum Norm: String, Sendable { case rmsNorm = "rmsnorm", layerNorm = "layernorm" }

    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var attentionHeads: Int
    public var keyValueHeads: Int
    public var headDim: Int
    public var vocabSize: Int
    public var maxPositions: Int
    public var activation: String
    /// SwiGLU-style gated MLP (gate and up projections) versus a plain two-matrix MLP.
    public var gatedMLP: Bool
    public var tiedEmbeddings: Bool
    /// Learned absolute position embeddings (GPT-2/3) rather than rotary embeddings.
    public var learnedPositions: Bool
    public var norm: Norm
    public var experts: Int
    public var expertsPerToken: Int

    public var isMoE: Bool { experts > 1 }

    public static func load(path: String) throws(ConfigError) -> TransformerConfig {
        try decode(try InputFile.readJSONObject(path))
    }

    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> TransformerConfig {
        // Ranges from `WorkloadLimits`: with widths ≤ 2^24 and counts ≤ 2^16, the generator's
        // products (heads × head_dim, 4 × hidden, vocabulary shard × chips) stay far below 2^63.
        func firstInt(_ keys: [String], in range: ClosedRange<Int>, required: Bool = true) throws(ConfigError) -> Int? {
            for key in keys where r.has(key) {
                if case .null = r.optionalValue(key) ?? .null { continue }
                return try r.int(key, in: range)
            }
            if required {
                throw r.fail(keys[0], "is required (an integer in \(JSONObjectReader.describe(range)); also accepted: \(keys.dropFirst().joined(separator: ", ")))")
            }
            return nil
        }
        let modelType = try r.optionalString("model_type") ?? "llama"
        guard let hidden = try firstInt(["hidden_size", "n_embd", "d_model"], in: WorkloadLimits.modelWidth),
              let layers = try firstInt(["num_hidden_layers", "n_layer", "num_layers"], in: WorkloadLimits.modelCount),
              let heads = try firstInt(["num_attention_heads", "n_head"], in: WorkloadLimits.modelCount),
              let vocab = try firstInt(["vocab_size"], in: WorkloadLimits.modelWidth) else { throw r.fail(nil, "unreachable") }
        let intermediate = try firstInt(["intermediate_size", "n_inner", "ffn_dim"], in: WorkloadLimits.modelWidth, required: false) ?? 4 * hidden
        let kvHeads = try firstInt(["num_key_value_heads"], in: WorkloadLimits.modelCount, required: false) ?? heads
        guard heads % kvHeads == 0 else {
            throw r.fail("num_key_value_heads", "must divide num_attention_heads (\(heads)), got \(kvHeads)")
        }
        let headDim = try firstInt(["head_dim"], in: WorkloadLimits.modelWidth, required: false) ?? hidden / heads
        guard r.has("head_dim") || hidden % heads == 0 else {
            throw r.fail("num_attention_heads", "must divide hidden_size (\(hidden)) unless head_dim is given, got \(heads)")
        }
        let positions = try firstInt(["max_position_embeddings", "n_positions", "n_ctx"], in: WorkloadLimits.positions, required: false) ?? 2048
        var activation = "silu"
        if let value = try r.optionalString("hidden_act") { activation = value }
        else if let value = try r.optionalString("activation_function") { activation = value }
        let gated = ["silu", "swiglu", "swish"].contains(activation)
        let known = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swiglu", "swish", "gelu_fast"]
        guard known.contains(activation) else {
            throw r.fail(r.has("hidden_act") ? "hidden_act" : "activation_function",
                         "unknown activation \"\(activation)\" (expected one of: \(known.joined(separator: ", ")))")
        }
        let gptStyle = ["gpt2", "gpt3", "gptj", "gpt_neox", "opt"].contains(modelType)
        let tied = try r.bool("tie_word_embeddings", default: modelType == "gpt2" || modelType == "gpt3")
        let experts = try firstInt(["num_local_experts", "num_experts"], in: WorkloadLimits.modelCount, required: false) ?? 1
        let perToken = try firstInt(["num_experts_per_tok"], in: WorkloadLimits.modelCount, required: false) ?? (experts > 1 ? 2 : 1)
        guard perToken <= experts else {
            throw r.fail("num_experts_per_tok", "must not exceed num_local_experts (\(experts)), got \(perToken)")
        }
        r.ignoreRemaining()
        return TransformerConfig(
            modelType: modelType, hiddenSize: hidden, intermediateSize: intermediate, layers: layers,
            attentionHeads: heads, keyValueHeads: kvHeads, headDim: headDim, vocabSize: vocab, maxPositions: positions,
            activation: activation, gatedMLP: gated, tiedEmbeddings: tied,
            learnedPositions: modelType == "gpt2" || modelType == "gpt3", norm: gptStyle ? .layerNorm : .rmsNorm,
            experts: experts, expertsPerToken: perToken)
    }
}
