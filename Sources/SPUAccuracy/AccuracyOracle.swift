import Foundation
import SPUCore
import SPUFormats

/// The accuracy of a precision recipe on a real model, for design decisions: the all-MiniLM-L6-v2
/// encoder emulated in the recipe's formats on a design's accumulator register, against its fp32
/// emulation, over a sentence set. Memoised per (recipe formats, accumulator), so a sweep of many
/// designs sharing a few accumulators runs each emulation once; thread-safe.
///
/// The model is a proxy: a 6-layer sentence encoder stands in for the swept LLM, measuring how a
/// recipe's formats and accumulator perturb a real network's outputs (docs/accuracy.md).
public final class AccuracyOracle: @unchecked Sendable {
    /// Where the model and sentences are.
    public struct Source: Sendable, Equatable {
        public var modelDirectory: String
        public var sentencesFile: String

        public init(modelDirectory: String, sentencesFile: String) {
            self.modelDirectory = modelDirectory
            self.sentencesFile = sentencesFile
        }

        /// `$SPUSIM_MINILM_DIR`, else `.cache/minilm` (where scripts/minilm_reference.py extracts it).
        public static func defaultModelDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
            environment[modelDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultModelDirectoryPath
        }

        public static let modelDirectoryVariable = "SPUSIM_MINILM_DIR"
        public static let defaultModelDirectoryPath = ".cache/minilm"
        /// The shipped sentence set, relative to the installation.
        public static let defaultSentencesFile = "validation/accuracy/sentences.txt"
    }

    public let source: Source
    public let model: BertModel
    public let sentences: [String]
    private let lock = NSLock()
    private var reference: [[Float]]?
    private var memo: [String: AccuracyScores] = [:]

    /// Loads the model and sentences; a missing or bad file is a `ConfigError` naming it, with how
    /// to install the model.
    public init(source: Source) throws(ConfigError) {
        self.source = source
        do {
            model = try BertModel.load(directory: source.modelDirectory)
        } catch {
            throw ConfigError(file: error.file, path: error.path,
                              message: error.message + " (or set \(Source.modelDirectoryVariable))")
        }
        sentences = try Self.loadSentences(source.sentencesFile)
    }

    /// Non-empty lines that are not `#` comments; at least two.
    public static func loadSentences(_ path: String) throws(ConfigError) -> [String] {
        let lines = try InputFile.readText(path).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count >= 2 else { throw ConfigError(file: path, path: "$", message: "needs at least 2 sentences (one per line)") }
        return lines
    }

    /// The scores of `recipe` on `accumulator` (memoised), or the reason the emulator refuses the
    /// combination.
    public func scores(_ recipe: PrecisionRecipe, accumulator: AccumulatorSpec) -> Result<AccuracyScores, EmulationRecipe.RecipeError> {
        let emulation = EmulationRecipe(recipe, accumulator: accumulator)
        let key = emulation.description
        lock.lock()
        defer { lock.unlock() }
        if let known = memo[key] { return .success(known) }
        do {
            if reference == nil {
                let ids = sentences.map(model.tokenizer.encode)
                reference = try AccuracyStudy.embed(model: model, recipe: .fp32Reference, ids: ids).embeddings
            }
            let report = try AccuracyStudy.run(model: model, recipe: emulation, sentences: sentences, reference: reference)
            let scores = AccuracyScores(recipe: recipe.name, accumulator: accumulator.description,
                                        embeddingCosine: report.meanCosine, embeddingCosineMin: report.minCosine,
                                        similaritySpearman: report.similaritySpearman)
            memo[key] = scores
            return .success(scores)
        } catch {
            return .failure(error)
        }
    }
}
