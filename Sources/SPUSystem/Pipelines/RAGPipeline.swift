import SPUScheduling
import SPUWorkload

/// Retrieval-augmented LLM serving: `requests` independent requests, each a chain of seven tasks
/// (`docs/scheduling.md`, "Pipelines: RAG serving and CNN+LLM"):
///
/// | task | runs on | cost |
/// |---|---|---|
/// | `rK.tokenize` | cpu | query text through the tokenizer (`CPUSocketModel.tokenizeSeconds`) |
/// | `rK.embed` | any | the query through a small encoder (MiniLM-size), priced as the transformer generator's prefill on each design; on a CPU without a design, its FLOPs at the socket's sustained dense rate |
/// | `rK.search` | cpu | IVF-PQ search of the vector index: bytes scanned / DRAM bandwidth (`VectorIndex`) |
/// | `rK.fetch` | cpu | GET of each retrieved chunk from an in-memory store, and tokenising its text |
/// | `rK.prefill` | any with a design | LLM prefill of query + retrieved tokens (batch 1) |
/// | `rK.decode` | any with a design | `outputTokens` decode steps of batch 1, as one task: steps × the step at the mean context (the step's cost is affine in context, so this is the exact sum) |
/// | `rK.detokenize` | cpu | output ids back to text |
///
/// Edges carry the bytes that move: token ids (4 B each), the float32 query embedding, retrieved
/// chunk ids (8 B each), the prompt's ids, the prompt's KV cache from prefill to decode (moved
/// only when they run on different devices), and the output ids. LLM weights, encoder weights and
/// the vector index are persistent data in host memory; accelerators copy weights on first use.
public struct RAGPipeline: Sendable {
    public var requests: Int
    public var queryTokens = 32
    public var retrievedChunks = 5
    public var chunkTokens = 256
    public var outputTokens = 256
    public var indexVectors = 1e8
    public var cpu = CPUSocketModel()

    public init(requests: Int) { self.requests = requests }

    /// Tokens the LLM prefills: the query and the retrieved chunks.
    public var promptTokens: Int { queryTokens + retrievedChunks * chunkTokens }

    public func index(dimension: Int) -> VectorIndex { VectorIndex(vectors: indexVectors, dimension: dimension) }

    /// The task graph, with the LLM and encoder priced on the coster's platform.
    public func graph(llm: TransformerStages, encoder: TransformerStages, coster: TaskCoster) throws(PipelineError) -> TaskGraph {
        var b = try PipelineGraphBuilder(coster: coster)
        let prefill = try llm.prefill(tokens: promptTokens)
        let step = try llm.decodeStep(context: promptTokens + max(outputTokens - 1, 0) / 2)
        let embedding = try encoder.prefill(tokens: queryTokens)
        let index = index(dimension: encoder.config.hiddenSize)
        b.datum("llm.weights", bytes: prefill.summary.weightBytes)
        b.datum("encoder.weights", bytes: embedding.summary.weightBytes)
        b.datum("vector.index", bytes: index.bytes)
        let kvBytes = Double(promptTokens) * llm.kvBytesPerToken
        for r in 0..<requests {
            let p = "r\(r)."
            b.cpuTask(p + "tokenize", kind: "tokenize", seconds: cpu.tokenizeSeconds(textBytes: Double(queryTokens) * TokenBytes.text))
            try b.modelTask(p + "embed", kind: "embed", workload: embedding, cpuSeconds: cpu.denseSeconds(flops: embedding.summary.flops), uses: ["encoder.weights"])
            b.cpuTask(p + "search", kind: "vector_search", seconds: cpu.streamSeconds(bytes: index.bytesScannedPerQuery), uses: ["vector.index"])
            b.cpuTask(p + "fetch", kind: "fetch", seconds: cpu.seconds(coreSeconds: Double(retrievedChunks) * cpu.documentFetchCoreSeconds)
                      + cpu.tokenizeSeconds(textBytes: Double(retrievedChunks * chunkTokens) * TokenBytes.text))
            try b.modelTask(p + "prefill", kind: "prefill", workload: prefill, uses: ["llm.weights"])
            try b.modelTask(p + "decode", kind: "decode", workload: step, times: Double(outputTokens), uses: ["llm.weights"])
            b.cpuTask(p + "detokenize", kind: "detokenize", seconds: cpu.tokenizeSeconds(textBytes: Double(outputTokens) * TokenBytes.text))
            b.edge(p + "tokenize", p + "embed", bytes: Double(queryTokens) * TokenBytes.id)
            b.edge(p + "embed", p + "search", bytes: Double(encoder.config.hiddenSize) * 4)
            b.edge(p + "search", p + "fetch", bytes: Double(retrievedChunks) * 8)
            b.edge(p + "tokenize", p + "fetch", bytes: Double(queryTokens) * TokenBytes.id)
            b.edge(p + "fetch", p + "prefill", bytes: Double(promptTokens) * TokenBytes.id)
            b.edge(p + "prefill", p + "decode", bytes: kvBytes)
            b.edge(p + "decode", p + "detokenize", bytes: Double(outputTokens) * TokenBytes.id)
        }
        return try b.graph()
    }
}
