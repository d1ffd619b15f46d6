import SPUCore

/// The architecture of a BERT encoder, from a HuggingFace `config.json` (all-MiniLM-L6-v2: 6 layers,
/// hidden 384, 12 heads, FFN 1536, exact-erf GELU, LayerNorm eps 1e-12), and the sentence-embedding
/// pipeline around it (sentence-transformers `sentence_bert_config.json`: max_seq_length 256;
/// `1_Pooling/config.json`: mean pooling; `modules.json`: a Normalize module → L2 normalisation).
public struct BertConfig: Sendable, Equatable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var layerNormEpsilon: Float
    /// Tokens per sentence including [CLS] and [SEP] (sentence-transformers `max_seq_length`).
    public var maxSequenceLength: Int
    public var normalize: Bool

    public var headSize: Int { hiddenSize / heads }

    public init(vocabularySize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int,
                layerNormEpsilon: Float = 1e-12, maxSequenceLength: Int, normalize: Bool = true) {
        self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize; self.layers = layers; self.heads = heads
        self.intermediateSize = intermediateSize; self.maxPositions = maxPositions; self.layerNormEpsilon = layerNormEpsilon
        self.maxSequenceLength = maxSequenceLength; self.normalize = normalize
    }

    /// Reads `config.json` (and, when present, `sentence_bert_config.json`, `1_Pooling/config.json`
    /// and `modules.json`) from a model directory.
    public static func load(directory: String) throws(ConfigError) -> BertConfig {
        let file = directory + "/config.json"
        let json = try InputFile.readJSONObject(file)
        json.ignoreRemaining()
        let activation = try json.string("hidden_act")
        guard activation == "gelu" else { throw json.fail("hidden_act", "must be \"gelu\" (exact erf GELU); got \"\(activation)\"") }
        if let type = try json.optionalString("position_embedding_type"), type != "absolute" {
            throw json.fail("position_embedding_type", "must be \"absolute\"")
        }
        let hidden = try json.int("hidden_size", in: 1...8192)
        let heads = try json.int("num_attention_heads", in: 1...256)
        guard hidden % heads == 0 else { throw json.fail("num_attention_heads", "must divide hidden_size \(hidden)") }
        let maxPositions = try json.int("max_position_embeddings", in: 2...65536)
        var config = BertConfig(
            vocabularySize: try json.int("vocab_size", in: 5...1_000_000), hiddenSize: hidden,
            layers: try json.int("num_hidden_layers", in: 1...128), heads: heads,
            intermediateSize: try json.int("intermediate_size", in: 1...65536), maxPositions: maxPositions,
            layerNormEpsilon: Float(try json.optionalNumber("layer_norm_eps", in: 0...1) ?? 1e-12),
            maxSequenceLength: maxPositions)
        let sentenceFile = directory + "/sentence_bert_config.json"
        if fileExists(sentenceFile) {
            let sentence = try InputFile.readJSONObject(sentenceFile)
            sentence.ignoreRemaining()
            if let length = try sentence.optionalInt("max_seq_length", in: 2...maxPositions) { config.maxSequenceLength = length }
        }
        let poolingFile = directory + "/1_Pooling/config.json"
        if fileExists(poolingFile) {
            let pooling = try InputFile.readJSONObject(poolingFile)
            pooling.ignoreRemaining()
            guard try pooling.bool("pooling_mode_mean_tokens", default: false),
                  !(try pooling.bool("pooling_mode_cls_token", default: false)),
                  !(try pooling.bool("pooling_mode_max_tokens", default: false)) else {
                throw pooling.fail("pooling_mode_mean_tokens", "only mean pooling is implemented")
            }
        }
        let modulesFile = directory + "/modules.json"
        if fileExists(modulesFile) {
            config.normalize = (try InputFile.readText(modulesFile)).contains("sentence_transformers.models.Normalize")
        }
        return config
    }
}
