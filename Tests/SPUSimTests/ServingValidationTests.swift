import Foundation
import Testing
import SPUCore
import SPUCost
@testable import SPUValidation

/// The `serving` category of `spusim validate-model`: cases decoded strictly from `case.serving`,
/// run by the serving simulator, compared with published serving benchmarks.
@Suite struct ServingValidationTests {
    static let goodCase = """
        {"name": "s", "category": "serving", "role": "held-out", "hardware": "configs/gpus/a100-sxm-80gb.json",
         "case": {"serving": {"model": "workloads/models/opt-13b.json", "format": "fp16", "engine": "ideal", "batching": "prefill-first",
                              "max_seqs": 64, "input_tokens": "512", "output_tokens": "16", "requests": 40,
                              "scenario": {"poisson": {"rate_per_s": 2}},
                              "relative_to": {"model": "workloads/models/opt-13b.json", "format": "fp16", "engine": "ideal-0", "batching": "chunked",
                                              "max_seqs": 32, "input_tokens": "500", "output_tokens": "15", "requests": 30,
                                              "scenario": {"offline": {}}}}},
         "metric": "requests_per_s", "measured": 0.5, "source": "test"}
        """

    private func withCase(_ text: String, _ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-serving-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path)
    }

    @Test func servingCasesLoadWithTheirScenarios() throws {
        let validation = try ModelValidation.load(directory: Repo.path("validation"))
        let serving = validation.cases.filter { $0.category == .serving }
        #expect(serving.count >= 8)
        var ratios = 0, maxRates = 0
        for c in serving {
            #expect(c.metric.isServing)
            guard case let .serving(s, relativeTo) = c.kind else { Issue.record("\(c.name) is not a serving case"); continue }
            if relativeTo != nil { ratios += 1 }
            if case .maxRate = s.scenario { maxRates += 1 }
        }
        #expect(ratios >= 3)     // two MLPerf server/offline ratios, the DistServe gain
        #expect(maxRates >= 3)
        try withCase(Self.goodCase) { path in
            let c = try ValidationCase.load(path: path)
            guard case let .serving(s, relativeTo) = c.kind else { Issue.record("not a serving case"); return }
            #expect(s.scenario == .poisson(ratePerSecond: 2))
            #expect(relativeTo?.scenario == .offline)
            #expect(s.hardware == "configs/gpus/a100-sxm-80gb.json" && relativeTo?.hardware == s.hardware)
        }
    }

    /// A ratio case predicts metric(serving) / metric(relative_to): a Poisson rate well below
    /// saturation completes about its offered rate, well under the offline rate.
    @Test func ratioCasesDivideTheTwoRuns() throws {
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        try withCase(Self.goodCase) { path in
            let validation = ModelValidation(cases: [try ValidationCase.load(path: path)], tolerances: [.serving: 0.1])
            let ratio = try #require(try validation.run(baseDirectory: Repo.root.path, costInputs: inputs).first).predicted
            #expect(ratio > 0 && ratio < 0.5)
        }
    }

    @Test(arguments: [
        (#""max_seqs": 64"#, #""max_seqs": 0"#, "$.case.serving.max_seqs"),
        (#""requests": 40,"#, #""requests": 40, "rate": 3,"#, "$.case.serving.rate"),
        (#""rate_per_s": 2"#, #""rate_per_s": -2"#, "$.case.serving.scenario.poisson.rate_per_s"),
        (#""input_tokens": "512", "output_tokens": "16", "requests": 40,"#, #""input_tokens": "lognormal:x:1", "output_tokens": "16", "requests": 40,"#, "$.case.serving.input_tokens"),
        (#""batching": "prefill-first","#, #""batching": "fcfs","#, "$.case.serving.batching"),
        (#""scenario": {"offline": {}}"#, #""scenario": {"max_rate": {"percentile": 99}}"#, "$.case.serving.relative_to.scenario.max_rate"),
        (#""metric": "requests_per_s""#, #""metric": "tflops""#, "$.metric"),
        (#""category": "serving""#, #""category": "end-to-end""#, "$.category"),
    ])
    func malformedServingCasesNameFileAndPath(good: String, bad: String, path expected: String) throws {
        #expect(Self.goodCase.contains(good))
        try withCase(Self.goodCase.replacingOccurrences(of: good, with: bad)) { path in
            do throws(ConfigError) {
                _ = try ValidationCase.load(path: path)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(error.file == path)
                #expect(error.path == expected, "\(error.description)")
            }
        }
    }

    /// An engine the profiles file does not list fails when the case runs, naming the case's file and key.
    @Test func unknownEnginesAreConfigErrors() throws {
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        try withCase(Self.goodCase.replacingOccurrences(of: #""engine": "ideal","#, with: #""engine": "vllm-9.9","#)) { path in
            let validation = ModelValidation(cases: [try ValidationCase.load(path: path)], tolerances: [.serving: 0.1])
            do throws(ConfigError) {
                _ = try validation.run(baseDirectory: Repo.root.path, costInputs: inputs)
                Issue.record("engine vllm-9.9 was accepted")
            } catch {
                #expect(error.file == path)
                #expect(error.path == "$.case.serving.engine")
                #expect(error.message.contains("vllm-0.6"))
            }
        }
    }

    /// The category meets its tolerance, and the disaggregation case keeps DistServe's direction
    /// (2P1D beats colocated per GPU) within the issue's ±20 %.
    @Test func servingCategoryPasses() throws {
        var validation = try ModelValidation.load(directory: Repo.path("validation"))
        validation.cases = validation.cases.filter { $0.category == .serving }
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        let outcomes = try validation.run(baseDirectory: Repo.root.path, costInputs: inputs)
        for o in outcomes { #expect(o.predicted.isFinite && o.predicted > 0, "\(o.validationCase.name)") }
        let summary = try #require(validation.summaries(outcomes).first { $0.category == .serving })
        #expect(summary.passes, "serving: mean |error| \(summary.meanAbsolutePercentError)% > \(summary.tolerancePercent)%")
        let distserve = try #require(outcomes.first { $0.validationCase.name.hasPrefix("distserve") })
        #expect(distserve.predicted > 1)
        #expect(abs(distserve.error) <= 0.2)
    }
}
