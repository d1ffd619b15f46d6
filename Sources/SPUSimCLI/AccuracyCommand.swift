import ArgumentParser
import Foundation
import SPUAccuracy
import SPUCore
import SPUFormats
import SPUHardware

/// `spusim accuracy`: the all-MiniLM-L6-v2 sentence encoder emulated in a precision recipe, compared
/// with its fp32 emulation on a sentence set (see docs/accuracy.md).
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Emulate a real model (all-MiniLM-L6-v2) in a precision recipe; report embedding cosine, rank agreement and SQNR.")

    @Option(help: "Model directory (config.json, vocab.txt, model.safetensors). Default: $\(AccuracyOracle.Source.modelDirectoryVariable), else \(AccuracyOracle.Source.defaultModelDirectoryPath) (scripts/minilm_reference.py extracts it there).")
    var modelDir: String?

    @Option(help: "Sentences, one per line (paraphrase pairs on consecutive lines); default: validation/accuracy/sentences.txt of the installation.")
    var sentences: String?

    @Option(help: "Precision recipe (a recipe name, a format name, or w=F,a=F,kv=F[,acc=MODE[:BITS]]) instead of --weights/--activations/--kv.")
    var recipe: String?

    @Option(help: "Hardware config: run on the accumulator it declares for the recipe's MAC format (mac_array.accumulation), instead of --accumulation/--accumulator-bits.")
    var arch: String?

    @Option(help: "Weight format (a hardware format name; fp32 = unquantised).")
    var weights: String?

    @Option(help: "Activation format (matmul inputs other than weights and K/V).")
    var activations: String?

    @Option(help: "Format of the attention K and V operands.")
    var kv: String?

    @Option(help: "Accumulation: fp32, exact, mitchell, mitchell-corrected, gaussian-log-fN, remainder-binning.")
    var accumulation: String?

    @Option(help: "Accumulator register width in bits for exact, mitchell and remainder-binning, with the cost model's binary point (AccumulatorSpec); default: unbounded.")
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
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be in 1…64") }
        if self.recipe != nil, [weights, activations, kv].contains(where: { $0 != nil }) {
            throw ValidationError("give either --recipe or --weights/--activations/--kv")
        }
        if arch != nil, accumulation != nil || accumulatorBits != nil {
            throw ValidationError("give either --arch (its declared accumulator) or --accumulation/--accumulator-bits")
        }
        var precision = PrecisionRecipe(name: "", weights: try format(weights ?? "fp32", "--weights"), activations: try format(activations ?? "fp32", "--activations"),
                                        kvCache: try format(kv ?? "fp32", "--kv"))
        if let text = self.recipe {
            switch PrecisionRecipe.parse(text) {
            case let .success(parsed): precision = parsed
            case let .failure(error): throw ValidationError("--recipe: \(error.description)")
            }
        }
        var recipe: EmulationRecipe
        if let arch {
            let device: DeviceSpec
            do { device = try DeviceSpec.load(path: arch) } catch { throw failInput(error) }
            recipe = EmulationRecipe(precision, accumulator: device.compute.macArray.accumulator(for: precision.computeFormat))
        } else {
            let text = accumulation ?? precision.accumulation?.mode ?? "fp32"
            guard let mode = AccumulationMode(text) else { throw ValidationError("--accumulation: unknown mode \"\(text)\"") }
            recipe = EmulationRecipe(precision, accumulation: mode, accumulatorBits: accumulatorBits ?? precision.accumulation?.widthBits)
        }
        do { try recipe.validate() } catch { throw ValidationError(error.description) }
        let directory = modelDir ?? AccuracyOracle.Source.defaultModelDirectory()
        let sentences = try self.sentences ?? resolveInstalled(AccuracyOracle.Source.defaultSentencesFile, what: "accuracy sentence set", option: "--sentences FILE")
        let lines: [String]
        let model: BertModel
        do throws(ConfigError) {
            lines = try AccuracyOracle.loadSentences(sentences)
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
