import ArgumentParser
import SPUCore
import SPUFormats
import SPUScheduling
import SPUSystem
import SPUWorkload

/// The options of `spusim schedule --pipeline rag|multimodal` (docs/scheduling.md, "Pipelines").
struct PipelineOptions: ParsableArguments {
    static let names = ["rag", "multimodal"]

    @Option(help: "Pipeline: requests (independent, all released at time 0).")
    var requests = 16

    @Option(name: .customLong("llm"), help: "Pipeline: the LLM's Hugging Face config.json (default workloads/models/llama-3-8b.json).")
    var llm: String?

    @Option(help: "Pipeline: precision recipe of the LLM (a recipe name such as bf16, fp8, w4a16, or w=F,a=F,kv=F; default bf16).")
    var recipe: String?

    @Option(name: .customLong("query-tokens"), help: "rag: tokens of the user's query (default 32).")
    var queryTokens: Int?

    @Option(name: .customLong("retrieved-chunks"), help: "rag: retrieved chunks per query (default 5).")
    var retrievedChunks: Int?

    @Option(name: .customLong("chunk-tokens"), help: "rag: tokens per retrieved chunk (default 256).")
    var chunkTokens: Int?

    @Option(name: .customLong("index-vectors"), help: "rag: vectors in the IVF-PQ index (default 1e8).")
    var indexVectors: Double?

    @Option(name: .customLong("text-tokens"), help: "multimodal: tokens of the text prompt (default 64).")
    var textTokens: Int?

    @Option(name: .customLong("output-tokens"), help: "Pipeline: tokens generated per request (default rag 256, multimodal 128).")
    var outputTokens: Int?

    func validate(pipeline: String?) throws {
        let ragOnly: [(String, Bool)] = [("--query-tokens", queryTokens != nil), ("--retrieved-chunks", retrievedChunks != nil),
                                         ("--chunk-tokens", chunkTokens != nil), ("--index-vectors", indexVectors != nil)]
        let given = ragOnly + [("--text-tokens", textTokens != nil), ("--output-tokens", outputTokens != nil), ("--llm", llm != nil), ("--recipe", recipe != nil)]
        guard let pipeline else {
            if let (name, _) = given.first(where: { $0.1 }) { throw ValidationError("\(name) applies to --pipeline") }
            return
        }
        if pipeline != "rag", let (name, _) = ragOnly.first(where: { $0.1 }) { throw ValidationError("\(name) applies to --pipeline rag") }
        if pipeline != "multimodal", textTokens != nil { throw ValidationError("--text-tokens applies to --pipeline multimodal") }
        try OptionRange.check(requests, in: 1...100_000, option: "--requests")
        try OptionRange.check(queryTokens, in: 1...1_000_000, option: "--query-tokens")
        try OptionRange.check(retrievedChunks, in: 0...1_000, option: "--retrieved-chunks")
        try OptionRange.check(chunkTokens, in: 1...1_000_000, option: "--chunk-tokens")
        try OptionRange.check(textTokens, in: 1...1_000_000, option: "--text-tokens")
        try OptionRange.check(outputTokens, in: 1...1_000_000, option: "--output-tokens")
        if let v = indexVectors, !(v.isFinite && v >= 1 && v <= 1e13) { throw ValidationError("--index-vectors must be in [1, 1e13], got \(v)") }
        if let recipe, case let .failure(error) = PrecisionRecipe.parse(recipe) { throw ValidationError("--recipe: \(error.description)") }
    }

    /// The pipeline's task graph priced on the coster's platform; bad model files and pipelines
    /// no device can run exit 2 with the file, path and rule.
    func graph(pipeline: String, coster: TaskCoster, platformPath: String) throws -> TaskGraph {
        let llmPath = try llm ?? resolveInstalled("workloads/models/llama-3-8b.json", what: "LLM config", option: "--llm FILE")
        let config: TransformerConfig
        do throws(ConfigError) {
            config = try TransformerConfig.load(path: llmPath)
        } catch {
            throw failInput(error)
        }
        let name = String(llmPath.split(separator: "/").last ?? "llm").replacingOccurrences(of: ".json", with: "")
        let generator: TransformerGenerator
        if let recipe, case let .success(parsed) = PrecisionRecipe.parse(recipe) {
            generator = TransformerGenerator(model: config, modelName: name, recipe: parsed)
        } else {
            generator = TransformerGenerator(model: config, modelName: name)
        }
        let stages = TransformerStages(generator: generator)
        var encoderConfig: TransformerConfig? = nil
        if pipeline == "rag" {
            let encoderPath = try resolveInstalled("workloads/models/all-minilm-l6-v2.json", what: "encoder config", option: "--llm FILE")
            do throws(ConfigError) { encoderConfig = try TransformerConfig.load(path: encoderPath) } catch { throw failInput(error) }
        }
        do throws(PipelineError) {
            if let encoderConfig {
                var rag = RAGPipeline(requests: requests)
                if let queryTokens { rag.queryTokens = queryTokens }
                if let retrievedChunks { rag.retrievedChunks = retrievedChunks }
                if let chunkTokens { rag.chunkTokens = chunkTokens }
                if let outputTokens { rag.outputTokens = outputTokens }
                if let indexVectors { rag.indexVectors = indexVectors }
                return try rag.graph(llm: stages, encoder: TransformerStages(generator: TransformerGenerator(model: encoderConfig, modelName: "all-minilm-l6-v2")), coster: coster)
            }
            var multimodal = MultimodalPipeline(requests: requests)
            if let textTokens { multimodal.textTokens = textTokens }
            if let outputTokens { multimodal.outputTokens = outputTokens }
            return try multimodal.graph(llm: stages, coster: coster)
        } catch {
            throw failInput(ConfigError(file: platformPath, path: "$.nodes", message: "pipeline \(pipeline): \(error.description)"))
        }
    }
}
