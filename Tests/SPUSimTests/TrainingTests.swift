import Foundation
import Testing
@testable import SPUCore
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

/// Training traces and memory per device against the published counts: Narayanan et al. SC21
/// eq. (3) for FLOPs, ZeRO (Rajbhandari et al. SC20) for model states, Korthikanti et al. 2022
/// for stored activations.
@Suite struct TrainingTests {
    /// A GPT model as Narayanan et al. count it: h = a·head_dim, MLP 4h, MHA, vocabulary V.
    static func gpt(hidden: Int, layers: Int, heads: Int, vocab: Int = 51200) -> TransformerConfig {
        TransformerConfig(modelType: "gpt3", hiddenSize: hidden, intermediateSize: 4 * hidden, layers: layers, attentionHeads: heads,
                          keyValueHeads: heads, headDim: hidden / heads, vocabSize: vocab, maxPositions: 2048, activation: "gelu",
                          gatedMLP: false, tiedEmbeddings: true, learnedPositions: true, norm: .layerNorm, experts: 1, expertsPerToken: 1)
    }

    static func step(_ model: TransformerConfig, name: String = "gpt", batch: Int, seq: Int, tp: Int = 1, recompute: Recomputation,
                     causal: Bool = true) throws -> Workload {
        try TrainingGenerator(model: model, modelName: name, causalAttention: causal)
            .generate(microBatch: batch, sequenceLength: seq, tensorParallel: tp, recompute: recompute)
    }

    static func matmulFLOPs(_ w: Workload, where keep: (Op) -> Bool = { _ in true }) -> Double {
        w.ops.filter { $0.kind == .matmul && keep($0) }.reduce(0.0) { $0 + $1.flops * Double($1.repeatCount) }
    }

    static func relativeError(_ a: Double, _ b: Double) -> Double { abs(a / b - 1) }

    // MARK: FLOPs

    /// Narayanan et al. SC21 eq. (3): with full recomputation a step of B sequences of s tokens
    /// costs 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) FLOPs (full s × s attention scores). Without
    /// recomputation, three passes instead of four over the layers: 72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h)).
    @Test(arguments: [(1536, 24, 16, 1), (12288, 96, 96, 8)])
    func matmulFLOPsMatchNarayananEquation3(hidden: Int, layers: Int, heads: Int, tp: Int) throws {
        let model = Self.gpt(hidden: hidden, layers: layers, heads: heads)
        let (b, s) = (2, 2048)
        let (B, S, l, h, V) = (Double(b), Double(s), Double(layers), Double(hidden), 51200.0)
        let full = try Self.step(model, batch: b, seq: s, tp: tp, recompute: .full, causal: false)
        let eq3 = 96 * B * S * l * h * h * (1 + S / (6 * h) + V / (16 * l * h))
        #expect(Self.relativeError(Self.matmulFLOPs(full) * Double(tp), eq3) < 1e-12, "\(Self.matmulFLOPs(full) * Double(tp)) vs \(eq3)")
        let none = try Self.step(model, batch: b, seq: s, tp: tp, recompute: .none, causal: false)
        let threePasses = 72 * B * S * l * h * h * (1 + S / (6 * h) + V / (12 * l * h))
        #expect(Self.relativeError(Self.matmulFLOPs(none) * Double(tp), threePasses) < 1e-12)
        #expect(Self.relativeError(try #require(none.training).modelFLOPs * Double(tp), threePasses) < 1e-12)
    }

    /// The dense matmuls (those that read a weight: forward, input gradient, weight gradient)
    /// cost exactly 6 × matmul parameters × tokens; Llama-3-8B's matmul parameters are its 8.03 B
    /// (model card) less the 128256 × 4096 embedding table and the norms.
    @Test func denseMatmulsCostSixTimesParametersTimesTokens() throws {
        let model = try Repo.model("llama-3-8b")
        let w = try Self.step(model, name: "llama-3-8b", batch: 1, seq: 4096, recompute: .none)
        let forwardWeightMatmuls = w.ops.filter { $0.kind == .matmul && !$0.name.contains("grad") && $0.inputs[1].role == .weight }
        let matmulParameters = forwardWeightMatmuls.reduce(0.0) { $0 + $1.elements($1.inputs[1]) * Double($1.repeatCount) }
        #expect(Self.relativeError(matmulParameters, 8.03e9 - 128256 * 4096) < 0.005, "\(matmulParameters)")
        let dense = Self.matmulFLOPs(w) { $0.inputs.contains { $0.role == .weight } || $0.name.hasSuffix(".wgrad") }
        #expect(Self.relativeError(dense, 6 * matmulParameters * 4096) < 1e-12)
        // Attention: scores and context forward (causal: s·⌈(s+1)/2⌉ keys), twice that backward.
        let attention = 3 * 2 * 2 * 4096.0 * Double((4096 + 2) / 2) * 32 * 128 * 32
        #expect(Self.relativeError(Self.matmulFLOPs(w) - dense, attention) < 1e-12)
    }

    /// Every matmul's two gradient GEMMs cost twice the forward, for dense and MoE models.
    @Test(arguments: ["llama-3-8b", "mixtral-8x7b", "gpt-3-175b"])
    func backwardCostsTwiceTheForwardMatmuls(model name: String) throws {
        let w = try Self.step(try Repo.model(name), name: name, batch: 1, seq: 1024, tp: 2, recompute: .none)
        var forward = 0.0
        for op in w.ops where op.kind == .matmul && !op.name.contains("grad") {
            let grads = w.ops.filter { $0.name.hasPrefix(op.name + ".") && $0.kind == .matmul }
            #expect(grads.count == 2, "\(op.name)")
            #expect(Self.relativeError(grads.reduce(0.0) { $0 + $1.flops }, 2 * op.flops) < 1e-12, "\(op.name)")
            forward += op.flops * Double(op.repeatCount)
        }
        #expect(Self.relativeError(Self.matmulFLOPs(w), 3 * forward) < 1e-12)
    }

    /// Recomputation adds the recomputed forward: the attention core (selective) or every layer
    /// op (full), collectives included; the model FLOPs stay those of three passes.
    @Test func recomputationAddsTheRecomputedForward() throws {
        let model = try Repo.model("llama-3-8b")
        let none = try Self.step(model, batch: 1, seq: 2048, tp: 4, recompute: .none)
        let selective = try Self.step(model, batch: 1, seq: 2048, tp: 4, recompute: .selective)
        let full = try Self.step(model, batch: 1, seq: 2048, tp: 4, recompute: .full)
        let core = Self.matmulFLOPs(none) { ["layers.attn_scores", "layers.attn_context"].contains($0.name) }
        let layers = Self.matmulFLOPs(none) { $0.name.hasPrefix("layers.") && !$0.name.contains("grad") }
        #expect(Self.relativeError(Self.matmulFLOPs(selective) - Self.matmulFLOPs(none), core) < 1e-12)
        #expect(Self.relativeError(Self.matmulFLOPs(full) - Self.matmulFLOPs(none), layers) < 1e-12)
        #expect(selective.training?.modelFLOPs == none.training?.modelFLOPs && full.training?.modelFLOPs == none.training?.modelFLOPs)
        // Megatron: one all-reduce per attention block and MLP in each direction (and the LM
        // head's input gradient); full recomputation repeats the forward's.
        func allReduces(_ w: Workload) -> Int { w.ops.filter { $0.kind == .allReduce && !$0.name.hasPrefix("loss") }.reduce(0) { $0 + $1.repeatCount } }
        #expect(allReduces(none) == 1 + 2 * 32 + 2 * 32 + 1)
        #expect(allReduces(full) == allReduces(none) + 2 * 32)
        // Fewer stored activations, more work.
        let memory = [none, selective, full].map { $0.training!.memory.activationBytes }
        #expect(memory[0] > memory[1] && memory[1] > memory[2])
    }

    /// Adam reads and writes the FP32 master weights, m and v of every parameter on the device.
    @Test func optimizerUpdatesEveryParameter() throws {
        let w = try Self.step(try Repo.model("llama-3-8b"), batch: 1, seq: 1024, tp: 8, recompute: .selective)
        let adam = try #require(w.ops.first { $0.name == "optimizer.adam" })
        let parameters = try #require(w.training).memory.weightBytes / 2
        #expect(abs(Double(adam.dims["p"]!) - parameters) <= 1)
        #expect(abs(adam.bytes(adam.output) - 12 * parameters) <= 12)
        #expect(abs(adam.flops - 14 * parameters) <= 14)
        // Per-device parameters are an eighth of Llama-3-8B's, within the replicated norms.
        #expect(Self.relativeError(parameters * 8, 8.03e9) < 0.005)
    }

    @Test func traceWithTrainingStepReadsBack() throws {
        let w = try Self.step(try Repo.model("mixtral-8x7b"), batch: 1, seq: 512, tp: 2, recompute: .full)
        let text = JSONWriter.pretty(w.jsonValue())
        let back = try Workload.decode(text: text, file: "trace.json")
        #expect(back.canonicalJSON == w.canonicalJSON)
        #expect(back.training == w.training)
    }

    // MARK: Memory

    /// ZeRO Figure 1 and Table 1 (per-device model-state memory of a 7.5 B model, GB, by
    /// data-parallel degree N_d: baseline 120, P_os, P_os+g, P_os+g+p).
    @Test(arguments: [
        (7.5e9, 1, 120.0, 120.0, 120.0), (7.5e9, 4, 52.5, 41.25, 30.0), (7.5e9, 16, 35.6, 21.6, 7.5),
        (7.5e9, 64, 31.4, 16.6, 1.88), (7.5e9, 256, 30.4, 15.4, 0.47), (7.5e9, 1024, 30.1, 15.1, 0.12),
    ])
    func modelStatesMatchZeROTable1(parameters: Double, nd: Int, stage1: Double, stage2: Double, stage3: Double) {
        let gb = { (stage: ZeROStage) in TrainingMemory.modelStates(parameters: parameters, dataParallel: nd, stage: stage).modelStateBytes / 1e9 }
        #expect(Self.relativeError(gb(.none), 16 * parameters / 1e9) < 1e-12)
        #expect(Self.relativeError(gb(.optimizerStates), stage1) < 0.01, "\(gb(.optimizerStates))")
        #expect(Self.relativeError(gb(.gradients), stage2) < 0.01, "\(gb(.gradients))")
        #expect(Self.relativeError(gb(.parameters), stage3) < 0.03, "\(gb(.parameters))")   // Table 1 rounds 0.117 to 0.12
    }

    /// ZeRO §1: a 1-trillion-parameter model with P_os+g+p on 1024 GPUs needs 16 TB / 1024 =
    /// 15.6 GB of model states per device.
    @Test func zeroStage3TrillionParameterExample() {
        let bytes = TrainingMemory.modelStates(parameters: 1e12, dataParallel: 1024, stage: .parameters).modelStateBytes
        #expect(Self.relativeError(bytes / 1e9, 15.6) < 0.005)
    }

    /// The term-by-term count over the model's widths reproduces Korthikanti et al.'s closed
    /// forms for a GPT layer: eqs. (2) and (4) without recomputation, 34·sbh/t selective,
    /// 2·sbh full, with and without sequence parallelism.
    @Test(arguments: Recomputation.allCases)
    func layerActivationsMatchKorthikanti(recompute: Recomputation) {
        let gpt3 = Self.gpt(hidden: 12288, layers: 96, heads: 96)
        for (t, sp) in [(1, true), (1, false), (8, true), (8, false)] {
            let general = TrainingMemory.layerBytes(model: gpt3, sequence: 2048, microBatch: 1, tensorParallel: t, recompute: recompute, sequenceParallel: sp)
            let paper = TrainingMemory.korthikantiLayerBytes(sequence: 2048, microBatch: 1, hidden: 12288, heads: 96, tensorParallel: t,
                                                             recompute: recompute, sequenceParallel: sp)
            #expect(Self.relativeError(general, paper) < 1e-12, "t=\(t) sp=\(sp)")
        }
        let sbh = 2048.0 * 12288
        let expected: Double = switch recompute {
        case .none: sbh * (34 + 5 * 96 * 2048 / 12288.0) / 8
        case .selective: 34 * sbh / 8
        case .full: 2 * sbh / 8
        }
        #expect(TrainingMemory.korthikantiLayerBytes(sequence: 2048, microBatch: 1, hidden: 12288, heads: 96, tensorParallel: 8, recompute: recompute) == expected)
    }

    /// 1F1B: the first of p stages holds p micro-batches of its L/p layers, i.e. all L layers'
    /// worth, whatever p; the output layer is on the last stage.
    @Test func pipelineFirstStageHoldsAllLayersWorth() {
        let gpt3 = Self.gpt(hidden: 12288, layers: 96, heads: 96)
        let layer = TrainingMemory.layerBytes(model: gpt3, sequence: 2048, microBatch: 1, tensorParallel: 8, recompute: .selective)
        for p in [2, 8, 32] {
            let stage = TrainingMemory.activationBytes(model: gpt3, sequence: 2048, microBatch: 1, tensorParallel: 8, pipelineParallel: p, recompute: .selective)
            let embeddingMasks = 2048.0 * 12288 * Double(p) / 8
            #expect(Self.relativeError(stage, 96 * layer + embeddingMasks) < 1e-12)
        }
        // GPT-3 175B, t = 8, selective: 96 layers × 34·sbh/t = 10.3 GB, as Korthikanti Fig. 7's scale.
        #expect(Self.relativeError(96 * layer, 96 * 34 * 2048 * 12288 / 8.0) < 1e-12)
    }

    // MARK: Evaluation

    /// An H100 runs a Llama-3-8B micro-batch (1 × 8192 tokens, selective recomputation) at
    /// tensor parallelism 8 with a plausible MFU: 25–70 % (a plausibility band around the
    /// ~40–55 % usually quoted for Megatron-LM on H100, not a validation; measured 30.6 %). On
    /// one H100 the step does not fit: 16 bytes per parameter is 128 GB of model states.
    @Test func h100RunsALlama3TrainingStep() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let model = try Repo.model("llama-3-8b")
        let w = try Self.step(model, name: "llama-3-8b", batch: 1, seq: 8192, tp: 8, recompute: .selective)
        let r = PerformanceModel(device: h100).evaluate(w)
        #expect(r.feasible, "\(r.reason ?? "")")
        let mfu = try #require(w.training).modelFLOPs / (r.latencySeconds * 2 * OperatingPoint.nominal.peakMacsPerSecond(.bf16, on: h100))
        #expect(mfu > 0.25 && mfu < 0.70, "MFU \(mfu), step \(r.latencySeconds) s")
        #expect(r.capacity.optimizerStateBytes > 0 && r.capacity.requiredBytes < 80e9)

        let one = PerformanceModel(device: h100).evaluate(try Self.step(model, batch: 1, seq: 8192, tp: 1, recompute: .selective))
        #expect(!one.feasible)
        #expect(one.reason?.contains("optimizer states") == true && one.reason?.contains("training step needs") == true)
    }

    @Test func badTrainingOptionsAndTracesAreRefused() throws {
        let model = Repo.path("workloads/models/llama-3-8b.json")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-training-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let trace = out.appendingPathComponent("t.json").path
        let base = ["workload", "generate", "--model", model, "--out", trace]
        #expect(CLI.run(base + ["--phase", "training", "--recompute", "partial"]) == 64)
        #expect(CLI.run(base + ["--phase", "training", "--seq", "0"]) == 64)
        #expect(CLI.run(base + ["--phase", "decode", "--seq", "128"]) == 64)
        #expect(CLI.run(base + ["--phase", "training", "--tensor-parallel", "3"]) == 64)   // does not divide 32 heads

        // A trace's training block is checked like the rest of the trace.
        var text = JSONWriter.pretty(try Self.step(try Repo.model("llama-3-8b"), batch: 1, seq: 128, recompute: .none).jsonValue())
        text = text.replacingOccurrences(of: "\"recompute\": \"none\"", with: "\"recompute\": \"most\"")
        try text.write(toFile: trace, atomically: true, encoding: .utf8)
        let (status, stderr) = CLI.runCapturing(["workload", "show", trace])
        #expect(status == 2)
        #expect(stderr.contains("training.recompute"), "\(stderr)")
    }
}
