import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUServing
import SPUWorkload

/// Predicts `serving` validation cases with the request-level serving simulator (`SPUServing`).
///
/// Metric definitions (those of vLLM's `benchmark_serving.py`, SGLang's `bench_serving` and MLPerf):
/// - offline, Poisson and closed-loop runs: `throughput_tokens_per_s` = output tokens / makespan (first
///   arrival to last completion), `requests_per_s` = requests / makespan; latency means and percentiles
///   over all requests (`tpot_mean_s`: AIPerf's inter-token latency, the mean over requests).
/// - `max_rate`: `requests_per_s` is the highest Poisson rate meeting the SLO (`ServingCapacity`) and
///   `throughput_tokens_per_s` that rate × the mean output tokens per request: what a long run at that
///   rate completes (MLPerf's "completed tokens per second" over 10+ minutes), not output / makespan of a
///   short trial, whose drain after the last arrival would bias it low. Latencies are the trial's at that rate.
/// - `requests_per_s_per_chip` = `requests_per_s` / all chips of the system (both pools).
/// With `relative_to`, the prediction is metric(serving) / metric(relative_to).
enum ServingValidation {
    static func predict(_ c: ValidationCase, serving: ValidationCase.ServingCase, relativeTo: ValidationCase.ServingCase?,
                        inputs: CostInputs, cache: OpEvaluationCache) throws(ConfigError) -> Double {
        let value = try metric(c.metric, of: serving, file: c.file, path: "$.case.serving", inputs: inputs, cache: cache)
        guard let relativeTo else { return value }
        let base = try metric(c.metric, of: relativeTo, file: c.file, path: "$.case.serving.relative_to", inputs: inputs, cache: cache)
        return value / base
    }

    static func metric(_ metric: ValidationCase.Metric, of s: ValidationCase.ServingCase, file: String, path: String,
                       inputs: CostInputs, cache: OpEvaluationCache) throws(ConfigError) -> Double {
        let system = try system(s, file: file, path: path, inputs: inputs, cache: cache)
        func fail(_ error: ServingError) -> ConfigError {
            if case let .input(inner) = error { return inner }
            return ConfigError(file: file, path: path, message: error.description)
        }
        do throws(ServingError) {
            let input = try LengthDistribution.parse(s.inputTokens, output: false, maxTokens: system.model.maxPositions)
            let output = try LengthDistribution.parse(s.outputTokens, output: true, maxTokens: system.model.maxPositions)
            let simulator = ServingSimulator(system: system)
            func generated(_ arrivals: ArrivalProcess) -> RequestSource {
                .generated(arrivals: arrivals, count: s.requests, inputTokens: input, outputTokens: output, seed: s.seed)
            }
            guard case let .maxRate(slo, percentile, tolerance) = s.scenario else {
                return value(metric, try simulator.run(generated(s.scenario.arrivals ?? .offline)), chips: system.chips)
            }
            let capacity = ServingCapacity(system: system, inputTokens: input, outputTokens: output, slo: slo, percentile: percentile,
                                           requestsPerTrial: s.requests, relativeTolerance: tolerance, seed: s.seed)
            let found = try capacity.search()
            guard let report = found.report else { return metric.isRate ? 0 : .nan }
            switch metric {
            case .requestsPerS: return found.ratePerSecond
            case .requestsPerSPerChip: return found.ratePerSecond / Double(system.chips)
            case .throughputTokensPerS: return found.ratePerSecond * Double(report.outputTokens) / Double(report.requests)
            default: return value(metric, report, chips: system.chips)
            }
        } catch {
            throw fail(error)
        }
    }

    static func value(_ metric: ValidationCase.Metric, _ r: ServingReport, chips: Int) -> Double {
        switch metric {
        case .throughputTokensPerS: return r.throughputTokensPerSecond
        case .requestsPerS: return r.requestsPerSecond
        case .requestsPerSPerChip: return r.requestsPerSecond / Double(chips)
        case .ttftP50S: return r.ttft.p50
        case .tpotP50S: return r.tpot.p50
        case .tpotMeanS: return r.tpot.mean
        case .e2eP50S: return r.endToEnd.p50
        case .ttftP99S: return r.ttft.p99
        case .tpotP99S: return r.tpot.p99
        default: return .nan
        }
    }

    /// The serving system a case describes: its model, pools, scheduler and engine profile.
    static func system(_ s: ValidationCase.ServingCase, file: String, path: String, inputs: CostInputs,
                       cache: OpEvaluationCache) throws(ConfigError) -> ServingSystem {
        let model = try TransformerConfig.load(path: s.model)
        func evaluator(_ hardware: String, _ key: String) throws(ConfigError) -> DesignEvaluator {
            let device = try DeviceSpec.load(path: hardware)
            do throws(CostError) {
                return try DesignEvaluator(device: device, inputs: inputs, cache: cache)
            } catch {
                throw ConfigError(file: file, path: key, message: error.description)
            }
        }
        let profile = try engineProfile(s.engine, engines: s.engines, file: file, path: path + ".engine")
        var scheduler = SchedulerOptions()
        scheduler.batching = s.batching
        scheduler.maxSequences = s.maxSequences
        scheduler.tokenBudget = s.tokenBudget
        scheduler.memoryUtilization = s.memoryUtilization
        let prefill = ServingPool(evaluator: try evaluator(s.hardware, "$.hardware"), tensorParallel: s.tensorParallel, replicas: s.replicas)
        let decode = try s.decode.map { (d) throws(ConfigError) in
            ServingPool(evaluator: try evaluator(d.hardware, path + ".decode.hardware"), tensorParallel: d.tensorParallel, replicas: d.replicas)
        }
        return ServingSystem(model: model, modelName: URL(fileURLWithPath: s.model).deletingPathExtension().lastPathComponent, format: s.format,
                             kvFormat: s.kvFormat, prefill: prefill, decode: decode, scheduler: scheduler, engine: profile)
    }

    /// The engine profile `name` names in the profiles file `engines` (or the built-in `ideal`);
    /// an unknown name is an error at `path` of the case file.
    static func engineProfile(_ name: String, engines: String, file: String, path: String) throws(ConfigError) -> EngineProfile {
        do throws(ServingError) {
            return try EngineProfile.named(name, inFile: engines)
        } catch {
            if case let .input(inner) = error { throw inner }
            throw ConfigError(file: file, path: path, message: error.description)
        }
    }
}

extension ValidationCase.Metric {
    /// Serving metrics that count requests or tokens per second (0 when no rate meets an SLO).
    var isRate: Bool { self == .throughputTokensPerS || self == .requestsPerS || self == .requestsPerSPerChip }
}
