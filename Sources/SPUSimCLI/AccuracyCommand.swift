import ArgumentParser
import Foundation
import SPUAccuracy
import SPUCore
import SPUFormats

/// `spusim accuracy`: the all-MiniLM-L6-v2 sentence encoder emulated in a precision recipe, compared
/// with its fp32 emulation on a sentence set (see docs/accuracy.md).
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Emulate a real model (all-MiniLM-L6-v2) in a precision recipe; report embedding cosine, rank agreement and SQNR.")

    static let modelDirectoryVariable = "SPUSIM_MINILM_DIR"
    static let defaultModelDirectory = ".cache/minilm"

    @Option(help: "Model directory (config.json, vocab.txt, model.safetensors). Default: $\(modelDirectoryVariable), else \(defaultModelDirectory) (scripts/minilm_reference.py extracts it there).")
    var modelDir: String?

    @Option(help: "Sentences, one per line (paraphrase pairs on consecutive lines).")
    var sentences: String = "validation/accuracy/sentences.txt"

    @Option(help: "Weight format (a hardware format name; fp32 = unquantised).")
    var weights: String = "fp32"

    @Option(help: "Activation format (matmul inputs other than weights and K/V).")
    var activations: String = "fp32"

    @Option(help: "Format of the attention K and V operands.")
    var kv: String = "fp32"

    @Option(help: "Accumulation: fp32, exact, mitchell, mitchell-corrected, gaussian-log-fN, remainder-binning.")
    var accumulation: String = "fp32"

    @Option(help: "Accumulator width in bits for exact / remainder-binning (default: unbounded).")
    var accumulatorBits: Int?

    @Option(help: "Sentences embedded in parallel.")
    var jobs: Int = 2

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "With --json, also print token ids and embeddings (for scripts/minilm_reference.py).")
    var includeEmbeddings = false

    func run() throws {
        func format(_ name: String, _ option: String) throws -> HardwareFormat {
            guard let f = HardwareFormat(rawValue: name) else {
                throw ValidationError("\(option): unknown format \"\(name)\"; one of \(HardwareFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        guard let mode = AccumulationMode(accumulation) else { throw ValidationError("--accumulation: unknown mode \"\(accumulation)\"") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be in 1…64") }
        let recipe = EmulationRecipe(weights: try format(weights, "--weights"), activations: try format(activations, "--activations"),
                                     kv: try format(kv, "--kv"), accumulation: mode, accumulatorBits: accumulatorBits)
        do { try recipe.validate() } catch { throw ValidationError(error.description) }
        let directory = modelDir ?? ProcessInfo.processInfo.environment[Self.modelDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultModelDirectory
        let lines: [String]
        let model: BertModel
        do throws(ConfigError) {
            lines = try InputFile.readText(sentences).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard lines.count >= 2 else { throw ConfigError(file: sentences, path: "$", message: "needs at least 2 sentences (one per line)") }
            model = try BertModel.load(directory: directory)
        } catch { throw failInput(error) }
        let report = try AccuracyStudy.run(model: model, recipe: recipe, sentences: lines, jobs: jobs)
        if json {
            print(JSONWriter.pretty(report.jsonValue(includeEmbeddings: includeEmbeddings)))
            return
        }
        print("model: \(directory) (\(model.config.layers) layers, hidden \(model.config.hiddenSize)); sentences: \(sentences) (\(lines.count))")
        print("recipe: \(recipe)")
        print(String(format: "embedding cosine to fp32: min %.6f, mean %.6f", report.minCosine, report.meanCosine))
        print(String(format: "pairwise-similarity Spearman vs fp32: %.6f; nearest-neighbour agreement: %.3f", report.similaritySpearman, report.nearestNeighbourAgreement))
        print(String(format: "paraphrase-pair recall@1: %.3f (fp32: %.3f)", report.pairRecall, report.referencePairRecall))
        print(String(format: "time: %.2f s for %d sentences", report.seconds, lines.count))
        func db(_ x: Double) -> String { x.isFinite ? String(format: "%.1f", x) : "inf" }
        let weightDB = report.weightSQNR.map(\.db), activationDB = report.activationSQNR.map(\.db)
        print("weight SQNR dB: min \(db(weightDB.min() ?? .nan)), median \(db(median(weightDB)))")
        print("activation SQNR dB: min \(db(activationDB.min() ?? .nan)), median \(db(median(activationDB)))")
        print("\nper tensor (dB):")
        for (name, value) in report.weightSQNR + report.activationSQNR { print("  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(db(value))") }
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s[s.count / 2]
    }
}
