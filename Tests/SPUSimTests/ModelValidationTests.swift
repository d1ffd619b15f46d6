import Foundation
import Testing
@testable import SPUCore
import SPUCost
@testable import SPUHardware
@testable import SPUValidation
@testable import SPUWorkload

@Suite struct ModelValidationTests {
    @Test func gemmEfficiencyCurveInterpolatesInLogSize() {
        var calibration = CalibrationSpec(computeFraction: 0.8, offchipBandwidthFraction: 0.9, kernelLaunchOverheadSeconds: 0)
        calibration.gemmEfficiency[.bf16] = [(1, 0.2), (100, 0.6), (10_000, 0.8)]
        #expect(calibration.gemmFraction(.bf16, gflop: 0.1) == 0.2)              // clamped below
        #expect(calibration.gemmFraction(.bf16, gflop: 1e6) == 0.8)              // clamped above
        #expect(abs(calibration.gemmFraction(.bf16, gflop: 10) - 0.4) < 1e-12)   // halfway in log10
        #expect(abs(calibration.gemmFraction(.bf16, gflop: 1000) - 0.7) < 1e-12)
        #expect(calibration.gemmFraction(.fp8E4M3, gflop: 10) == 0.8)            // no curve: the constant
        calibration.collectiveBandwidthFraction = 0.9
        #expect(calibration.collectiveFraction(bytes: 1e6) == 0.9)
        calibration.collectiveEfficiency = [(1e6, 0.1), (1e8, 0.5)]
        #expect(abs(calibration.collectiveFraction(bytes: 1e7) - 0.3) < 1e-12)
        #expect(calibration.collectiveFraction(bytes: 1e10) == 0.5)
        #expect(calibration.gemmOffchipFraction(bytes: 1e6) == 0.9)             // no curve: the streaming fraction
        calibration.gemmOffchipEfficiency = [(1e6, 0.2), (1e8, 0.8)]
        #expect(abs(calibration.gemmOffchipFraction(bytes: 1e7) - 0.5) < 1e-12)
        #expect(calibration.gemmOffchipFraction(bytes: 1e3) == 0.2)
    }

    /// A kernel timed inside a CUDA graph pays the per-kernel launch overhead; one timed alone does not.
    @Test func cudaGraphTimingAddsTheLaunchOverhead() throws {
        let h100 = try DeviceSpec.load(path: Repo.path("configs/gpus/h100-sxm.json"))
        func predicted(_ timing: ValidationCase.Timing) throws -> Double {
            let c = ValidationCase(name: "g", file: "g.json", category: .gemm, role: .heldOut, hardware: "h100", kind: .gemm(m: 8, n: 4096, k: 4096, format: .bf16),
                                   metric: .latencyS, timing: timing, measured: 1, source: "test")
            return try ModelValidation.predict(c, device: h100)
        }
        let gap = try predicted(.cudaGraph) - predicted(.kernel)
        #expect(abs(gap - h100.calibration.kernelLaunchOverheadSeconds) < 1e-12)
    }

    /// A case timing a whole generation prices one prefill plus output − 1 decode steps.
    @Test func wholeGenerationCasesAddThePrefill() throws {
        let a100 = try DeviceSpec.load(path: Repo.path("configs/gpus/a100-sxm-80gb.json"))
        let model = Repo.path("workloads/models/llama-2-7b.json")
        func predict(_ phase: Phase, _ length: Int, _ generation: ValidationCase.Generation?, _ metric: ValidationCase.Metric) throws -> Double {
            let kind = ValidationCase.Kind.transformer(.init(model: model, phase: phase, batch: 4, length: length, tensorParallel: 1, format: .fp16,
                                                             kvFormat: nil, generation: generation))
            let c = ValidationCase(name: "g", file: "g.json", category: .endToEnd, role: .heldOut, hardware: "a100", kind: kind,
                                   metric: metric, timing: .kernel, measured: 1, source: "test")
            return try ModelValidation.predict(c, device: a100)
        }
        let step = try predict(.decode, 192, nil, .latencyS), prefill = try predict(.prefill, 128, nil, .latencyS)
        let run = ValidationCase.Generation(prompt: 128, outputTokens: 128)
        let total = prefill + 127 * step
        #expect(abs(try predict(.decode, 192, run, .latencyS) - total / 128) <= 1e-12 * total)
        #expect(abs(try predict(.decode, 192, run, .tokensPerS) - 4 * 128 / total) <= 1e-9 * 4 * 128 / total)
        #expect(try predict(.decode, 192, run, .latencyS) > step)   // the prefill is not free
    }

    @Test func rejectsMalformedMoECases() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-moe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func load(_ moe: String, timing: String = "") throws -> ValidationCase {
            let path = dir.appendingPathComponent("case.json").path
            try """
            {"name": "m", "category": "moe", "role": "held-out", "hardware": "configs/gpus/h200.json", \(timing)
             "case": {"moe": {\(moe)}}, "metric": "latency_s", "measured": 1e-4, "source": "test"}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return try ValidationCase.load(path: path)
        }
        let good = #""tokens": 64, "hidden": 4096, "intermediate": 14336, "experts": 8, "top_k": 2, "tensor_parallel": 2, "format": "bf16""#
        #expect(try load(good, timing: #""timing": "cuda-graph","#).timing == .cudaGraph)
        #expect(throws: ConfigError.self) { try load(good.replacingOccurrences(of: #""top_k": 2"#, with: #""top_k": 9"#)) }
        #expect(throws: ConfigError.self) { try load(good.replacingOccurrences(of: #""tensor_parallel": 2"#, with: #""tensor_parallel": 5"#)) }
        #expect(throws: ConfigError.self) { try load(good, timing: #""timing": "wall-clock","#) }
    }

    /// A transformer case can give its KV cache a format of its own.
    @Test func transformerCasesReadTheKVCacheFormat() throws {
        let c = try ValidationCase.load(path: Repo.path("validation/end-to-end/h200-mixtral-8x7b-fp8-tp2-decode-b256.json"))
        guard case let .transformer(t) = c.kind else { Issue.record("not a transformer case"); return }
        #expect(t.format == .bf16 && t.kvFormat == .fp8E4M3 && t.generation == ValidationCase.Generation(prompt: 128, outputTokens: 2048))
    }

    /// Power metrics belong to the power categories and need the right case kind; `uncertainty`
    /// only weights power cases.
    @Test(arguments: [
        (#""category": "gemm", "case": {"gemm": {"m": 8, "n": 8, "k": 8, "format": "bf16"}}, "metric": "watts""#, "$.metric"),
        (#""category": "power", "case": {"gemm": {"m": 8, "n": 8, "k": 8, "format": "bf16"}}, "metric": "tflops""#, "$.metric"),
        (#""category": "power", "case": {"gemm": {"m": 8, "n": 8, "k": 8, "format": "bf16"}}, "metric": "joules_per_token""#, "$.metric"),
        (#""category": "gemm", "case": {"gemm": {"m": 8, "n": 8, "k": 8, "format": "bf16"}}, "metric": "tflops", "uncertainty": 0.2"#, "$.uncertainty"),
        (#""category": "tdp-bound", "case": {"gemm": {"m": 8, "n": 8, "k": 8, "format": "bf16"}}, "metric": "watts", "uncertainty": 2"#, "$.uncertainty"),
    ])
    func powerCasesAreChecked(fields: String, path: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("case.json").path
        try #"{"name": "p", "role": "held-out", "hardware": "configs/gpus/h100-sxm.json", \#(fields), "measured": 1, "source": "test"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try ValidationCase.load(path: file)
            Issue.record("accepted \(fields)")
        } catch {
            #expect(error.description.contains(path), "\(error.description)")
        }
    }

    @Test func rejectsGenerationOnPrefillCases() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-generation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.json").path
        try """
        {"name": "p", "category": "end-to-end", "role": "held-out", "hardware": "configs/gpus/a100-sxm-80gb.json",
         "case": {"transformer": {"model": "workloads/models/llama-2-7b.json", "phase": "prefill", "batch": 1, "prompt": 128,
                                  "generation": {"prompt": 128, "output_tokens": 16}}},
         "metric": "latency_s", "measured": 0.01, "source": "test"}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try ValidationCase.load(path: path) }
    }

    /// `spusim validate-model` as a regression guard: every category meets its tolerance
    /// (validation/tolerances.json; docs/validation.md has the per-case table).
    @Test func modelStaysWithinValidationTolerances() throws {
        let validation = try ModelValidation.load(directory: Repo.path("validation"))
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        let outcomes = try validation.run(baseDirectory: Repo.root.path, costInputs: inputs)   // case paths are relative to the repository root
        #expect(outcomes.count >= 30)
        let summaries = Dictionary(uniqueKeysWithValues: validation.summaries(outcomes).map { ($0.category, $0) })
        for category in ValidationCase.Category.allCases {
            let s = try #require(summaries[category])
            #expect(s.passes, "\(category.rawValue): mean |error| \(s.meanAbsolutePercentError)% > \(s.tolerancePercent)%")
        }
        #expect(Set(outcomes.filter { $0.validationCase.category == .gemm }.compactMap { $0.validationCase.hardware }).count >= 3)
    }
}
