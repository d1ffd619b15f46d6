import SPUCore
import SPUFormats
import SPUScheduling
import SPUWorkload

/// A generated pipeline and its parameters — what `spusim schedule --pipeline …` and a schedule
/// study's `pipeline` block describe — turned into a task graph priced on a platform.
///
/// ```json
/// {"kind": "rag", "requests": 64, "llm": "workloads/models/llama-3-8b.json", "recipe": "bf16",
///  "query_tokens": 32, "retrieved_chunks": 5, "chunk_tokens": 256, "index_vectors": 1e8, "output_tokens": 256}
/// ```
public struct PipelineSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case rag, multimodal }

    public var kind: Kind
    public var requests = 16
    /// The LLM's Hugging Face config file.
    public var llmPath: String
    /// The RAG encoder's config file (all-MiniLM-L6-v2).
    public var encoderPath: String
    public var recipe: PrecisionRecipe?
    public var queryTokens: Int?
    public var retrievedChunks: Int?
    public var chunkTokens: Int?
    public var indexVectors: Double?
    public var textTokens: Int?
    public var outputTokens: Int?

    public init(kind: Kind, llmPath: String, encoderPath: String) {
        self.kind = kind
        self.llmPath = llmPath
        self.encoderPath = encoderPath
    }

    public enum Limits {
        public static let requests = 1...100_000
        public static let tokens = 1...1_000_000
        public static let chunks = 0...1_000
        public static let indexVectors: ClosedRange<Double> = 1...1e13
    }

    /// Decodes a `pipeline` block; `llm` (default `defaultLLMPath`) is resolved against `baseDirectory`.
    public static func decode(_ r: JSONObjectReader, baseDirectory: String, defaultLLMPath: String, encoderPath: String) throws(ConfigError) -> PipelineSpec {
        r.expecting(["kind", "requests", "llm", "recipe", "query_tokens", "retrieved_chunks", "chunk_tokens", "index_vectors", "text_tokens", "output_tokens"])
        let kind = try r.choice("kind", as: Kind.self)
        let llm = try r.optionalString("llm").map { $0.hasPrefix("/") ? $0 : baseDirectory + "/" + $0 } ?? defaultLLMPath
        var spec = PipelineSpec(kind: kind, llmPath: llm, encoderPath: encoderPath)
        spec.requests = try r.optionalInt("requests", in: Limits.requests) ?? spec.requests
        if let text = try r.optionalString("recipe") {
            switch PrecisionRecipe.parse(text) {
            case let .success(recipe): spec.recipe = recipe
            case let .failure(error): throw r.fail("recipe", error.description)
            }
        }
        let ragOnly = ["query_tokens", "retrieved_chunks", "chunk_tokens", "index_vectors"]
        if kind != .rag, let key = ragOnly.first(where: r.has) { throw r.fail(key, "applies to the rag pipeline") }
        if kind != .multimodal, r.has("text_tokens") { throw r.fail("text_tokens", "applies to the multimodal pipeline") }
        spec.queryTokens = try r.optionalInt("query_tokens", in: Limits.tokens)
        spec.retrievedChunks = try r.optionalInt("retrieved_chunks", in: Limits.chunks)
        spec.chunkTokens = try r.optionalInt("chunk_tokens", in: Limits.tokens)
        spec.indexVectors = try r.optionalNumber("index_vectors", in: Limits.indexVectors)
        spec.textTokens = try r.optionalInt("text_tokens", in: Limits.tokens)
        spec.outputTokens = try r.optionalInt("output_tokens", in: Limits.tokens)
        try r.finish()
        return spec
    }

    /// `pipeline rag (64 requests, llama-3-8b)`.
    public var label: String { "pipeline \(kind.rawValue) (\(requests) requests, \(Self.modelName(llmPath)))" }

    static func modelName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "llm").replacingOccurrences(of: ".json", with: "")
    }

    /// The task graph priced on the coster's platform. Model files that cannot be read are
    /// `ConfigError`s naming them; a pipeline no device can run names the platform file.
    public func graph(coster: TaskCoster, platformPath: String) throws(ConfigError) -> TaskGraph {
        let config = try TransformerConfig.load(path: llmPath)
        let name = Self.modelName(llmPath)
        let generator = recipe.map { TransformerGenerator(model: config, modelName: name, recipe: $0) } ?? TransformerGenerator(model: config, modelName: name)
        let stages = TransformerStages(generator: generator)
        func wrap(_ error: PipelineError) -> ConfigError {
            ConfigError(file: platformPath, path: "$.nodes", message: "pipeline \(kind.rawValue): \(error.description)")
        }
        switch kind {
        case .rag:
            let encoder = TransformerStages(generator: TransformerGenerator(model: try TransformerConfig.load(path: encoderPath), modelName: Self.modelName(encoderPath)))
            var rag = RAGPipeline(requests: requests)
            if let queryTokens { rag.queryTokens = queryTokens }
            if let retrievedChunks { rag.retrievedChunks = retrievedChunks }
            if let chunkTokens { rag.chunkTokens = chunkTokens }
            if let outputTokens { rag.outputTokens = outputTokens }
            if let indexVectors { rag.indexVectors = indexVectors }
            do throws(PipelineError) { return try rag.graph(llm: stages, encoder: encoder, coster: coster) } catch { throw wrap(error) }
        case .multimodal:
            var multimodal = MultimodalPipeline(requests: requests)
            if let textTokens { multimodal.textTokens = textTokens }
            if let outputTokens { multimodal.outputTokens = outputTokens }
            do throws(PipelineError) { return try multimodal.graph(llm: stages, coster: coster) } catch { throw wrap(error) }
        }
    }
}
