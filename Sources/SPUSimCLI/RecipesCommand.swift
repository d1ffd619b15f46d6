import ArgumentParser
import Foundation
import SPUAccuracy
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUPerformance
import SPUWorkload

/// `spusim recipes`: the precision recipes SPUSim knows, and designs compared each in its own recipe.
struct RecipesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipes",
        abstract: "Precision recipes (weights, activations, KV cache, accumulation): list them, compare designs each in its own recipe.",
        subcommands: [List.self, Compare.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the named recipes with their formats and sources.")

        func run() throws {
            let rows = PrecisionRecipe.catalogue.map { r in
                [r.name, r.weights.rawValue, r.activations.rawValue, r.kvCache.rawValue, r.computeFormat.rawValue, r.source]
            }
            print(Formatting.table(header: ["recipe", "weights", "activations", "kv cache", "MAC format", "source"], rows: rows, rightAligned: []))
            print("\nAny format name is its uniform recipe; w=F,a=F,kv=F[,acc=MODE[:BITS]] spells any other.")
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare designs, each in its own precision recipe, on decode and prefill of one model.",
            discussion: """
                Each --pair is FILE@RECIPE. Without pairs: the headline study, the datacenter SPU in PAL8 and \
                PAL16 against B200 in FP8 and MXFP4 and H100 in FP8 (configs of the installation). A design that \
                cannot run its recipe is infeasible with the reason and has no efficiency numbers.
                """)

        static let headlinePairs = ["configs/chips/spu-datacenter.json@pal8", "configs/chips/spu-datacenter.json@pal16",
                                    "configs/gpus/b200.json@fp8", "configs/gpus/b200.json@mxfp4", "configs/gpus/h100-sxm.json@fp8"]

        @Option(help: "Design and recipe, FILE@RECIPE (repeatable); default: the headline study.")
        var pair: [String] = []

        @Option(help: "Hugging Face style config.json of the model; default: workloads/models/llama-3-70b.json of the installation.")
        var model: String?

        @Option(help: "Batch of the decode step (sequences).")
        var decodeBatch = 64

        @Option(help: "Context tokens each decoded token attends.")
        var context = 2048

        @Option(help: "Batch of the prefill (sequences).")
        var prefillBatch = 4

        @Option(help: "Prompt tokens per sequence of the prefill.")
        var prompt = 2048

        @Option(name: .customLong("tensor-parallel"), help: "Chips each model instance is split over.")
        var tensorParallel = 8

        @Option(help: "Technology directory; default: configs/tech of the SPUSim installation.")
        var tech: String?

        @Option(help: "TCO parameters file; default: configs/tco/default.json of the SPUSim installation.")
        var tco: String?

        @Option(name: .customLong("accuracy-model-dir"), help: "all-MiniLM-L6-v2 directory for the accuracy columns (default: $SPUSIM_MINILM_DIR, else .cache/minilm; without it the columns are n/a).")
        var accuracyModelDir: String?

        @OptionGroup var pricing: PricingOptions

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            try OptionRange.check(decodeBatch, in: OptionRange.batch, option: "--decode-batch")
            try OptionRange.check(prefillBatch, in: OptionRange.batch, option: "--prefill-batch")
            try OptionRange.check(context, in: OptionRange.tokens, option: "--context")
            try OptionRange.check(prompt, in: OptionRange.tokens, option: "--prompt")
            try OptionRange.check(tensorParallel, in: OptionRange.tensorParallel, option: "--tensor-parallel")
        }

        func run() throws {
            let pairs = try (pair.isEmpty ? Self.headlinePairs.map { try resolvePair($0) } : pair).map { text -> (String, PrecisionRecipe) in
                guard let at = text.lastIndex(of: "@") else { throw ValidationError("--pair \(text): give FILE@RECIPE, e.g. configs/gpus/b200.json@fp8") }
                let recipe: PrecisionRecipe
                switch PrecisionRecipe.parse(String(text[text.index(after: at)...])) {
                case let .success(r): recipe = r
                case let .failure(error): throw ValidationError("--pair \(text): \(error.description)")
                }
                return (String(text[..<at]), recipe)
            }
            let modelPath = try model ?? resolveInstalled("workloads/models/llama-3-70b.json", what: "model config", option: "--model FILE")
            let config: TransformerConfig, designs: [DeviceSpec]
            do {
                config = try TransformerConfig.load(path: modelPath)
                designs = try pairs.map { (path, _) throws(ConfigError) in try DeviceSpec.load(path: path) }
            } catch {
                throw failInput(error)
            }
            let inputs = try loadCostInputs(tech: tech, tco: tco)
            let policy = try pricing.policy { inputs.tco.spuPriceMargin }
            let cache = OpEvaluationCache()
            var entries: [RecipeComparison.Entry] = []
            for (design, (_, recipe)) in zip(designs, pairs) {
                do throws(CostError) {
                    entries.append(.init(evaluator: try DesignEvaluator(device: design, inputs: inputs, cache: cache), recipe: recipe))
                } catch {
                    printError("error: \(error.description)")
                    throw ExitCode(2)
                }
            }
            let modelName = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
            let comparison = RecipeComparison(model: config, modelName: modelName, scenarios: [
                .init(phase: .decode, batch: decodeBatch, sequenceLength: context, tensorParallel: tensorParallel),
                .init(phase: .prefill, batch: prefillBatch, sequenceLength: prompt, tensorParallel: tensorParallel),
            ], pricing: policy)
            let rows = comparison.rows(entries)
            // Accuracy per pair: the recipe emulated on the design's accumulator for its MAC format.
            let oracle = try loadAccuracyOracle(modelDirectory: accuracyModelDir, required: false)
            var accuracy: [String: AccuracyScores] = [:]
            for (entry, design) in zip(entries, designs) where design.compute.macArray.unsupportedReason(for: entry.recipe, design: "") == nil {
                let accumulator = design.compute.macArray.accumulator(for: entry.recipe.computeFormat)
                if let scores = try? oracle?.scores(entry.recipe, accumulator: accumulator).get() { accuracy[design.name + "@" + entry.recipe.spelling] = scores }
            }
            func scores(_ r: RecipeComparison.Row) -> AccuracyScores? { r.feasible ? accuracy[r.design + "@" + r.recipe.spelling] : nil }
            if json {
                print(JSONWriter.pretty(.object([("model", .string(modelName)), ("pricing", policy.jsonValue),
                                                 ("rows", .array(rows.map { Self.json($0, accuracy: scores($0)) }))])))
                return
            }
            print("\(modelName), each design in its own recipe; pricing \(policy)")
            print(oracle.map { "accuracy: all-MiniLM-L6-v2 (\($0.source.modelDirectory)) emulated in each recipe on the design's accumulator, \($0.sentences.count) sentences, against fp32" }
                  ?? "accuracy: n/a (all-MiniLM-L6-v2 not installed: python3 scripts/minilm_reference.py, or --accuracy-model-dir)")
            for scenario in comparison.scenarios {
                print("\n\(scenario.label)")
                let table = rows.filter { $0.scenario == scenario }.map { r -> [String] in
                    let a = scores(r)
                    return [r.design, r.recipe.name, Formatting.si(r.tokensPerSecondPerChip), Formatting.seconds(r.latencySeconds),
                            Formatting.fixed(r.tokensPerJoule, 2), Formatting.fixed(r.usdPerMillionTokens, 4), Formatting.fixed(r.averagePowerW, 0),
                            a?.accumulator ?? Formatting.notApplicable, a.map { Formatting.fixed($0.embeddingCosine, 4) } ?? Formatting.notApplicable,
                            a.map { Formatting.fixed($0.similaritySpearman, 4) } ?? Formatting.notApplicable,
                            r.feasible ? "yes" : "NO: \(r.reason ?? "")"]
                }
                print(Formatting.table(header: ["design", "recipe", "tok/s/chip", "latency", "tokens/J", "$/M tokens", "W/chip", "accumulator",
                                                "emb. cosine", "rank corr.", "feasible"],
                                       rows: table, rightAligned: Set(2...6).union(8...9)))
            }
        }

        /// A headline pair with its file resolved in the installation.
        private func resolvePair(_ text: String) throws -> String {
            let at = text.lastIndex(of: "@")!
            return try resolveInstalled(String(text[..<at]), what: "design", option: "--pair FILE@RECIPE") + String(text[at...])
        }

        static func json(_ r: RecipeComparison.Row, accuracy a: AccuracyScores?) -> JSONValue {
            func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
            let accuracy = accuracyJSON(a)
            return .object([
                ("design", .string(r.design)), ("recipe", .string(r.recipe.name)), ("recipe_spelling", .string(r.recipe.spelling)),
                ("phase", .string(r.scenario.phase.rawValue)), ("batch", .number(Double(r.scenario.batch))),
                ("sequence_length", .number(Double(r.scenario.sequenceLength))), ("tensor_parallel", .number(Double(r.scenario.tensorParallel))),
                ("feasible", .bool(r.feasible)), ("reason", r.reason.map(JSONValue.string) ?? .null),
                ("tokens_per_s_per_chip", n(r.tokensPerSecondPerChip)), ("latency_s", n(r.latencySeconds)),
                ("tokens_per_joule", n(r.tokensPerJoule)), ("usd_per_million_tokens", n(r.usdPerMillionTokens)), ("avg_power_w", n(r.averagePowerW)),
                ("accuracy", accuracy),
            ])
        }
    }
}
