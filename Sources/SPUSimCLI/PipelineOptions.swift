import ArgumentParser
import SPUCore
import SPUFormats
import SPUScheduling
import SPUSystem
import SPUWorkload

/// The options of `spusim schedule --pipeline rag|multimodal` (docs/scheduling.md, "Pipelines").
struct PipelineOptions: ParsableArguments {
    static let names = PipelineSpec.Kind.allCases.map(\.rawValue)

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

    /// The pipeline these options describe (validated by `validate(pipeline:)`).
    func spec(pipeline: String) throws -> PipelineSpec {
        let llmPath = try llm ?? resolveInstalled("workloads/models/llama-3-8b.json", what: "LLM config", option: "--llm FILE")
        let encoderPath = pipeline == "rag" ? try resolveInstalled("workloads/models/all-minilm-l6-v2.json", what: "encoder config", option: "--llm FILE") : ""
        var spec = PipelineSpec(kind: PipelineSpec.Kind(rawValue: pipeline) ?? .rag, llmPath: llmPath, encoderPath: encoderPath)
        spec.requests = requests
        if let recipe, case let .success(parsed) = PrecisionRecipe.parse(recipe) { spec.recipe = parsed }
        spec.queryTokens = queryTokens
        spec.retrievedChunks = retrievedChunks
        spec.chunkTokens = chunkTokens
        spec.indexVectors = indexVectors
        spec.textTokens = textTokens
        spec.outputTokens = outputTokens
        return spec
    }
}
