import Foundation
import SPUCore
import SPUFormats
import SPUServing
import SPUWorkload

extension SweepSpec {
    /// The `serving` block of a sweep (`docs/sweeps.md`): a scenario the serving simulator runs on
    /// every design, whose metrics (`goodput_requests_per_s`, `ttft_p99_s`, `tpot_p99_s`,
    /// `serving_tokens_per_s`, `energy_j_per_query`) sweeps constrain and optimise:
    ///
    ///     "serving": {"model": "workloads/models/llama-3-70b.json", "format": "fp8-e4m3", "tensor_parallel": 8,
    ///                 "replicas": 1, "engine": "vllm-0.11", "input_tokens": "1000", "output_tokens": "400",
    ///                 "requests": 500, "seed": 1,
    ///                 "max_rate": {"slo_ttft_ms": 2000, "slo_tpot_ms": 200, "percentile": 99}}
    ///
    /// with exactly one of `offline: {}`, `poisson: {"rate_per_s": R}`, `closed_loop: {"concurrency": C}` or
    /// `max_rate: {...}` (`ServingRequests`); optional
    /// `kv_format`, `engines` (the profiles file), `batching`, `max_seqs`, `token_budget`,
    /// `memory_utilization`, and `slo_ttft_ms`/`slo_tpot_ms` for goodput of offline and Poisson runs.
    /// Returns the scenario and its canonical form (the model and engine profile inlined, so the
    /// sweep's hash changes when either file does).
    static func decodeServing(_ s: JSONObjectReader) throws -> (ServingScenario, JSONValue) {
        s.expecting(["model", "format", "kv_format", "recipe", "tensor_parallel", "replicas", "engine", "engines", "batching", "max_seqs", "token_budget",
                     "memory_utilization", "input_tokens", "output_tokens", "requests", "seed", "offline", "poisson", "closed_loop", "max_rate",
                     "slo_ttft_ms", "slo_tpot_ms"])
        func fail(_ key: String?, _ message: String) -> SweepError { .config(s.fail(key, message)) }
        func served<T>(_ key: String, _ body: () throws(ServingError) -> T) throws -> T {
            do { return try body() } catch {
                if case let .input(inner) = error { throw SweepError.config(inner) }
                throw fail(key, error.description)
            }
        }
        let modelPath = try s.string("model")
        let model = try TransformerConfig.load(path: modelPath)
        let recipe: PrecisionRecipe
        if s.has("recipe") {
            guard !s.has("format"), !s.has("kv_format") else { throw fail("recipe", "give a recipe, or format and kv_format, not both") }
            switch PrecisionRecipe.parse(try s.string("recipe")) {
            case let .success(parsed): recipe = parsed
            case let .failure(error): throw fail("recipe", error.description)
            }
        } else {
            let format = s.has("format") ? try s.choice("format", as: NumberFormat.self) : .bf16
            let kvFormat = s.has("kv_format") ? try s.choice("kv_format", as: NumberFormat.self) : nil
            recipe = PrecisionRecipe(name: format.rawValue, weights: format, activations: format, kvCache: kvFormat ?? format)
        }
        let tp = try s.optionalInt("tensor_parallel", in: WorkloadLimits.devices) ?? 1
        let replicas = try s.optionalInt("replicas", in: 1...4096) ?? 1
        let enginesPath = try s.optionalString("engines") ?? Self.defaultEnginesFile
        let engineName = try s.optionalString("engine") ?? "vllm-0.11"
        let engine = try served("engine") { () throws(ServingError) in try EngineProfile.named(engineName, inFile: enginesPath) }
        var scheduler = SchedulerOptions()
        if s.has("batching") { scheduler.batching = try s.choice("batching", as: BatchingPolicy.self) }
        scheduler.maxSequences = try s.optionalInt("max_seqs", in: 1...65536) ?? scheduler.maxSequences
        scheduler.tokenBudget = try s.optionalInt("token_budget", in: 1...(1 << 20)) ?? scheduler.tokenBudget
        scheduler.memoryUtilization = try s.optionalNumber("memory_utilization", in: 0.01...1) ?? scheduler.memoryUtilization
        let inputText = try s.optionalString("input_tokens") ?? "1000"
        let outputText = try s.optionalString("output_tokens") ?? "400"
        let input = try served("input_tokens") { () throws(ServingError) in try LengthDistribution.parse(inputText, output: false, maxTokens: model.maxPositions) }
        let output = try served("output_tokens") { () throws(ServingError) in try LengthDistribution.parse(outputText, output: true, maxTokens: model.maxPositions) }
        guard input.maximum + output.maximum <= model.maxPositions else {
            throw fail("input_tokens", "prompt + output can reach \(input.maximum + output.maximum) tokens, more than the model's context, \(model.maxPositions)")
        }
        let count = try s.optionalInt("requests", in: SweepLimits.servingRequests) ?? 500
        let seed = UInt64(try s.optionalInt("seed", in: 0...Int.max) ?? 1)
        let slo = ServingSLO(ttftSeconds: try s.optionalNumber("slo_ttft_ms", in: 1e-6...8.64e7).map { $0 / 1000 },
                             tpotSeconds: try s.optionalNumber("slo_tpot_ms", in: 1e-6...8.64e7).map { $0 / 1000 })
        let requests: ServingRequests
        do throws(ConfigError) { requests = try ServingRequests.decode(in: s) } catch { throw SweepError.config(error) }
        try s.finish()
        let name = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        let scenario = ServingScenario(model: model, modelName: name, recipe: recipe, tensorParallel: tp, replicas: replicas,
                                       engine: engine, scheduler: scheduler, inputTokens: input, outputTokens: output, requestCount: count,
                                       seed: seed, requests: requests, slo: slo)
        // Canonical: the block as written, with the model's and the engine profile's content in place of their files.
        var canonical: [(String, JSONValue)] = []
        if case let .object(pairs) = s.value {
            canonical = pairs.filter { $0.key != "model" && $0.key != "engines" }.map { ($0.key, $0.value) }
        }
        canonical.append(("model_config", try InputFile.readJSONObject(modelPath).value))
        canonical.append(("engine_profile", .array([.string(engine.identifier), .number(engine.perIterationSeconds),
                                                    .number(engine.perSequenceSeconds), .number(engine.perLayerSeconds), .bool(engine.overlapped)])))
        return (scenario, .object(canonical))
    }

    /// The engine profiles a sweep's serving block uses unless it names a file.
    public static let defaultEnginesFile = "configs/serving/engines.json"
}
