import SPUCore
import SPUScheduling
import SPUWorkload

/// A CNN+LLM multimodal request stream: `requests` independent requests, each an image and a
/// text prompt answered by an LLM (`docs/scheduling.md`, "Pipelines: RAG serving and CNN+LLM"):
///
/// | task | runs on | cost |
/// |---|---|---|
/// | `rK.preprocess` | cpu | JPEG decode and resize of a `imagePixels` image to 224×224 (`CPUSocketModel`) |
/// | `rK.tokenize` | cpu | the text prompt through the tokenizer |
/// | `rK.vision` | any | ResNet-50 v1.5 at batch 1 (`CNNGenerator.resnet50`) on each design; on a CPU without a design, its FLOPs at the socket's sustained dense rate |
/// | `rK.project` | any | a linear projection of the 7×7 final feature map (49 image tokens of 2048 channels) to the LLM's hidden size (one matmul, LLaVA-style) |
/// | `rK.prefill` | any with a design | LLM prefill of the image tokens and the text tokens |
/// | `rK.decode` | any with a design | `outputTokens` decode steps, one task (as in `RAGPipeline`) |
/// | `rK.detokenize` | cpu | output ids back to text |
///
/// Edges carry the bf16 image (3×224×224), the bf16 feature map, the bf16 image embeddings, the
/// text ids, the prompt's KV cache and the output ids. The whole ResNet-50 forward pass is priced
/// (its average pool and classifier are < 0.1 % of its 4.09 GMACs).
public struct MultimodalPipeline: Sendable {
    public var requests: Int
    public var textTokens = 64
    public var outputTokens = 128
    /// Pixels of the input image before resizing: 640×480.
    public var imagePixels = 640.0 * 480
    public var cpu = CPUSocketModel()
    /// ResNet-50's final feature map: 7×7 positions of 2048 channels.
    public static let imageTokens = 49
    public static let featureChannels = 2048

    public init(requests: Int) { self.requests = requests }

    public var promptTokens: Int { Self.imageTokens + textTokens }

    /// The projection of the image features to the LLM's hidden size, one matmul.
    public static func projection(hidden: Int, format: NumberFormat) -> Workload {
        let op = Op(name: "projector", kind: .matmul, dims: ["t": imageTokens, "c": featureChannels, "h": hidden],
                    inputs: [TensorRef(dims: ["t", "c"], format: format), TensorRef(name: "projector.weight", dims: ["c", "h"], format: format, role: .weight)],
                    output: TensorRef(dims: ["t", "h"], format: format))
        return Workload(name: "projector-\(featureChannels)x\(hidden)", phase: .inference, throughputUnit: "samples", itemsPerIteration: 1, ops: [op])
    }

    public func graph(llm: TransformerStages, coster: TaskCoster) throws(PipelineError) -> TaskGraph {
        var b = try PipelineGraphBuilder(coster: coster)
        let vision: Workload
        do throws(WorkloadGeneratorError) {
            vision = try CNNGenerator.resnet50(batch: 1, format: llm.generator.format)
        } catch {
            throw .generator("resnet50: \(error)")
        }
        let hidden = llm.config.hiddenSize
        let projection = Self.projection(hidden: hidden, format: llm.generator.format)
        let prefill = try llm.prefill(tokens: promptTokens)
        let step = try llm.decodeStep(context: promptTokens + max(outputTokens - 1, 0) / 2)
        let activationBytes = llm.generator.format.bytesPerElement
        b.datum("llm.weights", bytes: prefill.summary.weightBytes)
        b.datum("vision.weights", bytes: vision.summary.weightBytes)
        b.datum("projector.weights", bytes: projection.summary.weightBytes)
        for r in 0..<requests {
            let p = "r\(r)."
            b.cpuTask(p + "preprocess", kind: "preprocess", seconds: cpu.seconds(coreSeconds: imagePixels / 1e6 * cpu.imageDecodeCoreSecondsPerMegapixel))
            b.cpuTask(p + "tokenize", kind: "tokenize", seconds: cpu.tokenizeSeconds(textBytes: Double(textTokens) * TokenBytes.text))
            try b.modelTask(p + "vision", kind: "vision_encoder", workload: vision, cpuSeconds: cpu.denseSeconds(flops: vision.summary.flops), uses: ["vision.weights"])
            try b.modelTask(p + "project", kind: "projection", workload: projection, cpuSeconds: cpu.denseSeconds(flops: projection.summary.flops), uses: ["projector.weights"])
            try b.modelTask(p + "prefill", kind: "prefill", workload: prefill, uses: ["llm.weights"])
            try b.modelTask(p + "decode", kind: "decode", workload: step, times: Double(outputTokens), uses: ["llm.weights"])
            b.cpuTask(p + "detokenize", kind: "detokenize", seconds: cpu.tokenizeSeconds(textBytes: Double(outputTokens) * TokenBytes.text))
            b.edge(p + "preprocess", p + "vision", bytes: 3 * 224 * 224 * activationBytes)
            b.edge(p + "vision", p + "project", bytes: Double(Self.imageTokens * Self.featureChannels) * activationBytes)
            b.edge(p + "project", p + "prefill", bytes: Double(Self.imageTokens * hidden) * activationBytes)
            b.edge(p + "tokenize", p + "prefill", bytes: Double(textTokens) * TokenBytes.id)
            b.edge(p + "prefill", p + "decode", bytes: Double(promptTokens) * llm.kvBytesPerToken)
            b.edge(p + "decode", p + "detokenize", bytes: Double(outputTokens) * TokenBytes.id)
        }
        return try b.graph()
    }
}
