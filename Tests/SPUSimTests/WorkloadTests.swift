import Foundation
import Testing
@testable import SPUCore
@testable import SPUWorkload

@Suite struct WorkloadTests {
    /// Parameter counts of the shipped models against published figures (model cards / papers).
    @Test(arguments: [
        ("llama-2-7b", 6.74e9), ("llama-2-70b", 68.98e9), ("llama-3-8b", 8.03e9), ("llama-3-70b", 70.55e9),
        ("mixtral-8x7b", 46.70e9), ("gpt-3-175b", 174.6e9), ("gpt-j-6b", 6.05e9),
    ])
    func parameterCountsMatchPublishedValues(model: String, published: Double) throws {
        let workload = try Repo.transformer(model, phase: .decode, batch: 1, length: 128)
        let summary = workload.summary
        #expect(abs(summary.parameters / published - 1) < 0.01, "\(model): \(summary.parameters)")
        #expect(abs(summary.weightBytes - 2 * summary.parameters) < 1)   // bf16
    }

    @Test func tensorParallelShardsWeightsAndAddsAllReduces() throws {
        let one = try Repo.transformer("llama-2-70b", phase: .decode, batch: 8, length: 2048, tp: 1)
        let eight = try Repo.transformer("llama-2-70b", phase: .decode, batch: 8, length: 2048, tp: 8)
        #expect(eight.devices == 8)
        // Only norm weights are replicated: per-chip weights are within 0.1% of a perfect 1/8.
        #expect(abs(eight.summary.weightBytes * 8 / one.summary.weightBytes - 1) < 0.001)
        let allReduces = eight.ops.filter { $0.kind == .allReduce }.reduce(0) { $0 + $1.repeatCount }
        #expect(allReduces == 2 * 80 + 1)
        #expect(one.ops.allSatisfy { !$0.kind.isCollective })
        // KV cache: 2 (K,V) × 80 layers × 8 KV heads × 128 × 2048 tokens × 8 sequences × 2 bytes.
        let kv = 2.0 * 80 * 8 * 128 * 2048 * 8 * 2
        #expect(abs(one.summary.kvCacheBytes - kv) < 1)
        #expect(abs(eight.summary.kvCacheBytes - kv / 8) < 1)
    }

    /// A decode step costs 2 FLOPs per weight per token (minus the embedding lookup) plus the
    /// attention: 2 matmuls of 2·ctx·heads·head_dim MACs per token per layer.
    @Test func decodeFLOPsFollowParameterCount() throws {
        let batch = 4, context = 1024
        let w = try Repo.transformer("llama-2-7b", phase: .decode, batch: batch, length: context)
        let matmulParams = 6.738e9 - 32000 * 4096.0  // minus the embedding table
        let attention = 2.0 * 2 * Double(context) * 32 * 128 * 32  // per token
        let expected = Double(batch) * (2 * matmulParams + attention)
        let matmulFLOPs = w.ops.filter { $0.kind == .matmul }.reduce(0.0) { $0 + $1.flops * Double($1.repeatCount) }
        #expect(abs(matmulFLOPs / expected - 1) < 0.002, "\(matmulFLOPs) vs \(expected)")
    }

    @Test func prefillAttentionIsCausal() throws {
        let s = 512
        let w = try Repo.transformer("llama-2-7b", phase: .prefill, batch: 1, length: s)
        let scores = try #require(w.ops.first { $0.name == "layers.attn_scores" })
        // Σ_{i=1..S} i keys per query = S(S+1)/2 dot products of head_dim per head.
        let exact = Double(s) * Double(s + 1) / 2 * 128 * 32
        #expect(abs(scores.macs / exact - 1) < 0.01)
        #expect(w.itemsPerIteration == Double(s))
        // The whole S-token cache is resident even though the mean key length is (S+1)/2.
        #expect(abs(w.summary.kvCacheBytes - 2.0 * 32 * 32 * 128 * Double(s) * 2) / w.summary.kvCacheBytes < 0.01)
    }

    @Test func mixtureOfExpertsReadsOnlyRoutedExperts() throws {
        let decode1 = try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 1, length: 512)
        let up = try #require(decode1.ops.first { $0.name == "layers.experts_up" })
        #expect(up.dims["e"] == 2)   // one token routed to 2 of 8 experts
        let big = try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 64, length: 512)
        #expect(big.ops.first { $0.name == "layers.experts_up" }?.dims["e"] == 8)
        // Active parameters per token ≈ 12.9 B (Mixtral paper: 13 B active of 47 B).
        let active = decode1.ops.filter { $0.kind == .matmul && $0.inputs[1].role == .weight }
            .reduce(0.0) { $0 + $1.macs * Double($1.repeatCount) }
        #expect(abs(active / 12.9e9 - 1) < 0.03, "\(active)")
    }

    /// A batch of 8 tokens touches 8·(1 − 0.75⁸) = 7.2 of Mixtral's experts on average: the 32
    /// layers are split between 8 and 7 experts so that the weights read per step are the expected
    /// ones (rounding every layer up read 11 % too many), while all 8 experts stay resident.
    @Test func mixtureOfExpertsReadsTheExpectedNumberOfExperts() throws {
        let decode8 = try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 8, length: 512)
        let ups = decode8.ops.filter { $0.name.hasPrefix("layers.experts_up") }
        #expect(Set(ups.map(\.name)) == ["layers.experts_up.e8", "layers.experts_up.e7"])
        let layers = ups.reduce(0) { $0 + $1.repeatCount }
        #expect(layers == 32)
        let meanExperts = ups.reduce(0.0) { $0 + Double($1.dims["e"]! * $1.repeatCount) } / Double(layers)
        let expected = 8 * (1 - pow(0.75, 8.0))
        #expect(abs(meanExperts - expected) <= 0.5 / 32, "\(meanExperts) vs \(expected)")
        // Every token is routed to 2 experts in every layer, and the resident weights are unchanged.
        #expect(ups.allSatisfy { $0.dims["e"]! * $0.dims["t"]! >= 16 })
        let batch1 = try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 1, length: 512)
        #expect(abs(decode8.summary.weightBytes / batch1.summary.weightBytes - 1) < 1e-9)
        // The chain stays ordered: the second group follows the first.
        let down8 = try #require(decode8.ops.first { $0.name == "layers.experts_combine.e8" })
        #expect(decode8.ops.first { $0.name == "layers.experts_up.e7" }?.after == [down8.name])
        // A single layer (the MoE validation cases) takes the nearest whole count.
        let single = TransformerGenerator.expertOps(tokens: 8, hidden: 4096, intermediateShard: 7168, experts: 8, topK: 2, gated: true, format: .bf16)
        #expect(single.count == 4 && single[0].dims["e"] == 7 && single[0].name == "layers.experts_up")
    }

    /// ResNet-50: 4.09 GMACs and 25.5 M conv/fc weights per 224×224 image (torchvision).
    @Test func resnet50MatchesPublishedCounts() throws {
        let w = try CNNGenerator.resnet50(batch: 1)
        #expect(abs(w.summary.macs / 4.09e9 - 1) < 0.02, "\(w.summary.macs)")
        #expect(abs(w.summary.parameters / 25.5e6 - 1) < 0.02, "\(w.summary.parameters)")
        let batch8 = try CNNGenerator.resnet50(batch: 8)
        #expect(abs(batch8.summary.macs / w.summary.macs - 8) < 1e-9)
    }

    @Test func traceRoundTripsThroughJSON() throws {
        for workload in [try Repo.transformer("mixtral-8x7b", phase: .prefill, batch: 2, length: 256, tp: 2),
                         try CNNGenerator.resnet50(batch: 2)] {
            let text = JSONWriter.pretty(workload.jsonValue())
            let decoded = try Workload.decode(text: text, file: "roundtrip.json")
            #expect(decoded.contentHash == workload.contentHash)
            #expect(decoded.summary == workload.summary)
            #expect(decoded.ops.map(\.after) == workload.ops.map(\.after))
            #expect(decoded.ops.map(\.fusedWithProducer) == workload.ops.map(\.fusedWithProducer))
            #expect(decoded.ops.map(\.collectiveAlgorithm) == workload.ops.map(\.collectiveAlgorithm))
        }
    }

    @Test func importsSCALESimGEMMList() throws {
        let csv = "Layer, M, N, K,\nqkv, 512, 1536, 512,\nffn, 512, 2048, 512,\n"
        let w = try GEMMListImporter.parse(text: csv, file: "gemms.csv")
        #expect(w.ops.count == 2)
        #expect(w.ops[0].dims == ["m": 512, "n": 1536, "k": 512])
        #expect(w.ops[1].macs == 512.0 * 2048 * 512)
        do {
            _ = try GEMMListImporter.parse(text: "Layer, M, N, K,\nbad, 5, 0, 3,\n", file: "gemms.csv")
            Issue.record("accepted a zero dimension")
        } catch {
            #expect(error.description == "gemms.csv: line 2, column N: must be an integer in \(JSONObjectReader.describe(WorkloadLimits.dimension)), got \"0\"")
        }
        let shipped = try GEMMListImporter.load(path: Repo.path("workloads/gemms/transformer-gemms.csv"))
        #expect(shipped.ops.count >= 6)
    }

    private func traceError(_ opJSON: String) -> String {
        let text = """
        {"format_version": 1, "name": "t", "phase": "other", "throughput": {"unit": "gemms", "per_iteration": 1},
         "ops": [{"name": "a", "kind": "matmul", "einsum": "mk,kn->mn", "dims": {"m": 2, "k": 3, "n": 4},
                  "inputs": [{"format": "bf16"}, {"format": "bf16", "role": "weight"}], "output": {"format": "bf16"}},
                 \(opJSON)]}
        """
        do {
            _ = try Workload.decode(text: text, file: "t.json")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func rejectsBadTraces() {
        let good = #"{"name": "b", "kind": "softmax", "einsum": "mn->mn", "dims": {"m": 2, "n": 4}, "inputs": [{"format": "bf16"}], "output": {"format": "bf16"}, "after": ["a"]}"#
        #expect(traceError(good) == "accepted")
        #expect(traceError(good.replacingOccurrences(of: "softmax", with: "conv")).hasPrefix("t.json: $.ops[1].kind: unknown value \"conv\""))
        #expect(traceError(good.replacingOccurrences(of: #""after": ["a"]"#, with: #""after": ["z"]"#))
                == "t.json: $.ops[1].after[0]: no earlier op is named \"z\" (ops are listed producers first)")
        #expect(traceError(good.replacingOccurrences(of: #""n": 4"#, with: #""n": 0"#)) == "t.json: $.ops[1].dims.n: must be an integer in \(JSONObjectReader.describe(WorkloadLimits.dimension)), got 0")
        #expect(traceError(good.replacingOccurrences(of: #", "n": 4"#, with: "")) == "t.json: $.ops[1].dims: missing size of dimension \"n\" used in einsum \"mn->mn\"")
        #expect(traceError(good.replacingOccurrences(of: "bf16\"}], \"output\"", with: "bf17\"}], \"output\"")).contains("$.ops[1].inputs[0].format: unknown value \"bf17\""))
        #expect(traceError(good.replacingOccurrences(of: "mn->mn", with: "mn->m")).contains("input dimension \"n\" must also be an output dimension"))
        #expect(traceError(good.replacingOccurrences(of: #""name": "b""#, with: #""name": "a""#)) == "t.json: $.ops[1].name: duplicate op name \"a\"")
        #expect(traceError(good.replacingOccurrences(of: #""after": ["a"]"#, with: #""fused": true"#))
                == "t.json: $.ops[1].fused: a fused op runs in its producer's kernel, so it needs \"after\"")
        #expect(traceError(good.replacingOccurrences(of: #""after": ["a"]"#, with: #""after": ["a"], "algorithm": "ring""#))
                == "t.json: $.ops[1].algorithm: applies only to collectives")
    }
}
