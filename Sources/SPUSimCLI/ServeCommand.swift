import ArgumentParser
import Foundation
import SPUCore
import SPUFormats
import SPUCost
import SPUHardware
import SPUPerformance
import SPUResults
import SPUServing
import SPUWorkload

/// `spusim serve`: a request-level serving simulation (continuous batching, paged KV cache,
/// SLOs, disaggregated prefill/decode pools) of one model on one or two designs.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Simulate LLM serving request by request: latency percentiles, throughput, goodput under SLOs, energy per query.",
        discussion: """
            Requests come from --rate R --requests N (Poisson; --cv for bursty gamma arrivals, --diurnal-peak for a daily curve), \
            --trace CSV (Azure LLM inference trace columns) or --offline N (all at time zero). Lengths: N, uniform:MIN:MAX, \
            lognormal:MEDIAN:SIGMA[:MAX] or csv:FILE[:COLUMN]. With --decode-arch, prefill and decode run on separate pools \
            and KV caches move between them. See docs/serving.md.
            """)

    @Option(help: "Hardware config of the (prefill) pool.") var arch: String
    @Option(name: .customLong("decode-arch"), help: "Hardware config of a separate decode pool (disaggregated serving).") var decodeArch: String?
    @Option(help: "Hugging Face style config.json of the served model.") var model: String
    @Option(name: .customLong("tensor-parallel"), help: "Chips per replica of the (prefill) pool.") var tensorParallel = 1
    @Option(name: .customLong("decode-tensor-parallel"), help: "Chips per decode replica (default: --tensor-parallel).") var decodeTensorParallel: Int?
    @Option(help: "Replicas of the (prefill) pool.") var replicas = 1
    @Option(name: .customLong("decode-replicas"), help: "Replicas of the decode pool.") var decodeReplicas = 1
    @Option(help: "Precision recipe: a recipe name (bf16, fp8, fp8-kv16, int8-w8a8, w4a16, mxfp8, mxfp4, pal8, pal16), a format name, or w=F,a=F,kv=F.") var format = "bf16"
    @Option(name: .customLong("kv-format"), help: "Number format of the KV cache (default: --format).") var kvFormat: String?

    @Option(help: "Mean request rate per second (Poisson unless --cv or --diurnal-peak).") var rate: Double?
    @Option(help: "Requests to simulate with --rate.") var requests: Int?
    @Option(help: "Coefficient of variation of inter-arrival times (gamma arrivals; 1 = Poisson).") var cv: Double?
    @Option(name: .customLong("diurnal-peak"), help: "Peak-to-average ratio of a daily sinusoidal rate (1–2).") var diurnalPeak: Double?
    @Option(name: .customLong("diurnal-period-s"), help: "Period of the diurnal curve, seconds.") var diurnalPeriod = 86400.0
    @Option(help: "Request trace CSV (timestamp, input tokens, output tokens).") var trace: String?
    @Option(help: "Submit N requests at time zero (MLPerf offline scenario).") var offline: Int?
    @Option(help: "Closed loop: C clients, each sending its next request when the previous one completes (AIPerf/genai-perf --concurrency); with --requests N.") var concurrency: Int?
    @Option(name: .customLong("input-tokens"), help: "Prompt length: N, uniform:MIN:MAX, lognormal:MEDIAN:SIGMA[:MAX] or csv:FILE[:COLUMN].") var inputTokens = "1000"
    @Option(name: .customLong("output-tokens"), help: "Output length, same forms as --input-tokens.") var outputTokens = "400"
    @Option(help: "Random seed of arrivals and lengths.") var seed: UInt64 = 1

    @Option(name: .customLong("slo-ttft-ms"), help: "Time-to-first-token target, ms (goodput counts requests within both targets).") var sloTTFTMs: Double?
    @Option(name: .customLong("slo-tpot-ms"), help: "Time-per-output-token target, ms.") var sloTPOTMs: Double?
    @Flag(name: .customLong("max-rate"), help: "Find the highest Poisson rate meeting the SLOs at --slo-percentile (MLPerf server scenario); --requests per trial.") var maxRate = false
    @Option(name: .customLong("slo-percentile"), help: "Percentile of TTFT and TPOT that --max-rate holds to the SLOs.") var sloPercentile = 99.0

    @Option(help: "Batching: chunked (continuous with chunked prefill), prefill-first or static.") var batching = "chunked"
    @Option(name: .customLong("max-seqs"), help: "Most sequences per iteration (vLLM max_num_seqs).") var maxSeqs = 256
    @Option(name: .customLong("token-budget"), help: "Most new tokens per iteration (vLLM max_num_batched_tokens).") var tokenBudget = 8192
    @Option(name: .customLong("block-size"), help: "Tokens per KV-cache block.") var blockSize = 16
    @Option(name: .customLong("memory-utilization"), help: "Share of device memory for weights, activations and KV cache.") var memoryUtilization = 0.9
    @Option(help: "Preemption: recompute or swap.") var preemption = "recompute"
    @Option(name: .customLong("max-queue"), help: "Admission control: reject requests arriving at a replica with this many waiting.") var maxQueue: Int?
    @Option(name: .customLong("bucket-bits"), help: "Significant bits of memoised iteration shapes (more: exacter, slower).") var bucketBits = 6
    @Option(help: "Serving engine profile (host time per iteration), e.g. vllm-0.11; 'ideal' for none.") var engine = "vllm-0.11"
    @Option(help: "Engine profiles file; default: configs/serving/engines.json of the SPUSim installation.") var engines: String?
    @Option(name: .customLong("kv-link-gb-per-s"), help: "KV transfer bandwidth per chip, GB/s (default: chip links, else 50).") var kvLinkGBPerS: Double?
    @Option(name: .customLong("kv-link-latency-us"), help: "KV transfer latency, µs.") var kvLinkLatencyUs: Double?

    @Option(help: "Technology directory; default: configs/tech of the SPUSim installation.") var tech: String?
    @Option(help: "TCO parameters file; default: configs/tco/default.json of the SPUSim installation.") var tco: String?
    @Option(help: "Results database to store the simulation in (table serving).") var db: String?
    @Flag(help: "Print JSON.") var json = false

    static let maximumRequests = 50_000_000

    func validate() throws {
        try OptionRange.check(tensorParallel, in: OptionRange.tensorParallel, option: "--tensor-parallel")
        try OptionRange.check(decodeTensorParallel, in: OptionRange.tensorParallel, option: "--decode-tensor-parallel")
        try OptionRange.check(replicas, in: 1...4096, option: "--replicas")
        try OptionRange.check(decodeReplicas, in: 1...4096, option: "--decode-replicas")
        try OptionRange.check(sloTTFTMs, in: OptionRange.latencyMs, option: "--slo-ttft-ms")
        try OptionRange.check(sloTPOTMs, in: OptionRange.latencyMs, option: "--slo-tpot-ms")
        try OptionRange.check(maxSeqs, in: 1...65536, option: "--max-seqs")
        try OptionRange.check(tokenBudget, in: 1...(1 << 20), option: "--token-budget")
        try OptionRange.check(blockSize, in: 1...4096, option: "--block-size")
        try OptionRange.check(memoryUtilization, in: 0.01...1, option: "--memory-utilization")
        try OptionRange.check(bucketBits, in: 2...30, option: "--bucket-bits")
        try OptionRange.check(maxQueue, in: 1...(1 << 30), option: "--max-queue")
        try OptionRange.check(kvLinkGBPerS, in: 1e-6...1e6, option: "--kv-link-gb-per-s")
        try OptionRange.check(kvLinkLatencyUs, in: 0...1e9, option: "--kv-link-latency-us")
        try OptionRange.check(sloPercentile, in: 1...100, option: "--slo-percentile")
        if maxRate {
            guard sloTTFTMs != nil || sloTPOTMs != nil else { throw ValidationError("--max-rate needs --slo-ttft-ms and/or --slo-tpot-ms") }
            guard requests != nil, rate == nil, trace == nil, offline == nil, concurrency == nil, cv == nil, diurnalPeak == nil else {
                throw ValidationError("--max-rate searches Poisson rates itself: give --requests N (requests per trial) and no other request source")
            }
            return
        }
        let sources = [rate != nil || concurrency != nil || requests != nil, trace != nil, offline != nil].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give exactly one request source: --rate R --requests N, --concurrency C --requests N, --trace CSV or --offline N")
        }
        if rate != nil, concurrency != nil { throw ValidationError("--rate (open loop) and --concurrency (closed loop) are different arrival processes; give one") }
        if rate != nil, requests == nil { throw ValidationError("--rate needs --requests N (how many requests to simulate)") }
        if concurrency != nil, requests == nil { throw ValidationError("--concurrency needs --requests N (how many requests the clients send in all)") }
        if requests != nil, rate == nil, concurrency == nil {
            throw ValidationError("--requests needs --rate R or --concurrency C (use --offline N for requests at time zero)")
        }
        if cv != nil, diurnalPeak != nil { throw ValidationError("--cv and --diurnal-peak are different arrival processes; give one") }
        if (cv != nil || diurnalPeak != nil), rate == nil { throw ValidationError("--cv and --diurnal-peak shape --rate arrivals") }
    }

    func run() throws {
        let started = Date()
        func formatNamed(_ name: String, _ option: String) throws -> NumberFormat {
            guard let f = NumberFormat(rawValue: name) else { throw unknownValue(option, name, accepted: NumberFormat.allCases.map(\.rawValue)) }
            return f
        }
        var recipe: PrecisionRecipe
        switch PrecisionRecipe.parse(format) {
        case let .success(parsed): recipe = parsed
        case let .failure(error): throw ValidationError("--format: \(error.description)")
        }
        if let kv = try kvFormat.map({ try formatNamed($0, "--kv-format") }), kv != recipe.kvCache {
            recipe.kvCache = kv
            recipe.name = recipe.isUniform ? kv.rawValue : recipe.spelling
        }
        guard let batchingPolicy = BatchingPolicy(rawValue: batching) else { throw unknownValue("--batching", batching, accepted: BatchingPolicy.allCases.map(\.rawValue)) }
        guard let preemptionMode = PreemptionMode(rawValue: preemption) else { throw unknownValue("--preemption", preemption, accepted: PreemptionMode.allCases.map(\.rawValue)) }
        let config: TransformerConfig, prefillDesign: DeviceSpec, decodeDesign: DeviceSpec?
        do {
            config = try TransformerConfig.load(path: model)
            prefillDesign = try DeviceSpec.load(path: arch)
            decodeDesign = try decodeArch.map { (path) throws(ConfigError) in try DeviceSpec.load(path: path) }
        } catch {
            throw failInput(error)
        }
        let inputs = try loadCostInputs(tech: tech, tco: tco)
        let profile = try loadEngineProfile(engine, file: engines)
        let modelName = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
        var scheduler = SchedulerOptions()
        scheduler.batching = batchingPolicy
        scheduler.maxSequences = maxSeqs
        scheduler.tokenBudget = tokenBudget
        scheduler.blockTokens = blockSize
        scheduler.memoryUtilization = memoryUtilization
        scheduler.preemption = preemptionMode
        scheduler.bucketBits = bucketBits
        scheduler.maxQueuedRequests = maxQueue
        let slo = ServingSLO(ttftSeconds: sloTTFTMs.map { $0 / 1000 }, tpotSeconds: sloTPOTMs.map { $0 / 1000 })

        let cache = OpEvaluationCache()
        let prefillPool = ServingPool(evaluator: try evaluator(prefillDesign, inputs, cache), tensorParallel: tensorParallel, replicas: replicas)
        let decodePool = try decodeDesign.map {
            ServingPool(evaluator: try evaluator($0, inputs, cache), tensorParallel: decodeTensorParallel ?? tensorParallel, replicas: decodeReplicas)
        }
        var link: KVTransferLink?
        if let decodeDesign, kvLinkGBPerS != nil || kvLinkLatencyUs != nil {
            let base = KVTransferLink.between(prefillDesign, decodeDesign)
            link = KVTransferLink(bytesPerSecondPerChip: kvLinkGBPerS.map { $0 * 1e9 } ?? base.bytesPerSecondPerChip,
                                  latencySeconds: kvLinkLatencyUs.map { $0 / 1e6 } ?? base.latencySeconds, source: "command line")
        }
        let system = ServingSystem(model: config, modelName: modelName, recipe: recipe,
                                   prefill: prefillPool, decode: decodePool, kvLink: link, scheduler: scheduler, engine: profile)
        let outcome: Result<ServingReport, ServingError>
        var capacityRate: Double?, ceilingRate: Double?
        do throws(ServingError) {
            // A design without the recipe's MAC formats cannot serve it: infeasible with that reason.
            for design in [prefillDesign] + (decodeDesign.map { [$0] } ?? []) {
                if let unsupported = design.compute.macArray.unsupportedReason(for: recipe, design: design.name) {
                    throw ServingError.infeasible(design: design.name, reason: unsupported)
                }
            }
            if maxRate {
                let capacity = try ServingCapacity(
                    system: system, inputTokens: try LengthDistribution.parse(inputTokens, output: false, maxTokens: config.maxPositions),
                    outputTokens: try LengthDistribution.parse(outputTokens, output: true, maxTokens: config.maxPositions), slo: slo,
                    percentile: sloPercentile, requestsPerTrial: requests ?? 1000, seed: seed).search()
                capacityRate = capacity.ratePerSecond
                ceilingRate = capacity.saturatedRatePerSecond
                guard let report = capacity.report else {
                    throw ServingError.infeasible(design: prefillDesign.name, reason: "no request rate meets the SLOs at p\(JSONWriter.formatNumber(sloPercentile))")
                }
                outcome = .success(report)
            } else {
                outcome = .success(try ServingSimulator(system: system).run(try requestSource(maxTokens: config.maxPositions)))
            }
        } catch {
            guard case .infeasible = error else {
                printError("error: \(error.description)")
                throw ExitCode(2)
            }
            outcome = .failure(error)
        }
        var summary = ServingSummary(designs: [prefillDesign.name] + (decodeDesign.map { [$0.name] } ?? []), model: modelName, system: system,
                                     outcome: outcome, slo: slo, wallSeconds: Date().timeIntervalSince(started))
        summary.requestSourceDescription = capacityRate.map {
            "highest Poisson rate meeting the SLOs at p\(JSONWriter.formatNumber(sloPercentile)): \(Formatting.fixed($0, 3))/s"
                + (ceilingRate.map { " (ceiling \(Formatting.fixed($0, 3))/s, completed under overload)" } ?? "")
                + ", \(requests ?? 1000) requests per trial, input \(inputTokens), output \(outputTokens) tokens, seed \(seed)"
        } ?? sourceDescription
        summary.offeredRate = capacityRate ?? (offline == nil && trace == nil ? rate : nil)
        summary.capacityRate = capacityRate
        summary.rateCeiling = ceilingRate
        if let db {
            let command = (["spusim"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try withToolErrors { try ResultsStore(path: db) }.recordServing(
                run: .init(command: command, configHash: SHA256.hex(command), startedAt: started, finishedAt: Date()), row: summary.row)
        }
        if json {
            print(JSONWriter.pretty(summary.json))
        } else {
            print(summary.text)
        }
    }

    /// The request source in words (stored with the results).
    private var sourceDescription: String {
        if let trace { return "trace \(trace)" }
        let lengths = "input \(inputTokens), output \(outputTokens) tokens, seed \(seed)"
        if let offline { return "offline \(offline) requests, \(lengths)" }
        if let concurrency { return "closed loop, \(concurrency) concurrent, \(requests ?? 0) requests, \(lengths)" }
        let process = cv.map { "gamma cv \($0)" } ?? diurnalPeak.map { "diurnal peak/average \($0), period \(diurnalPeriod) s" } ?? "Poisson"
        return "\(process) \(rate ?? 0)/s, \(requests ?? 0) requests, \(lengths)"
    }

    private func evaluator(_ design: DeviceSpec, _ inputs: CostInputs, _ cache: OpEvaluationCache) throws -> DesignEvaluator {
        do throws(CostError) {
            return try DesignEvaluator(device: design, inputs: inputs, cache: cache)
        } catch {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
    }

    private func requestSource(maxTokens: Int) throws(ServingError) -> RequestSource {
        if let trace {
            return .trace(try RequestTrace.load(path: trace), name: trace)
        }
        let input = try LengthDistribution.parse(inputTokens, output: false, maxTokens: maxTokens)
        let output = try LengthDistribution.parse(outputTokens, output: true, maxTokens: maxTokens)
        for (count, option) in [(offline, "--offline"), (requests, "--requests")] {
            if let count, !(1...Self.maximumRequests).contains(count) {
                throw .invalid("\(option) must be in [1, \(Self.maximumRequests)], got \(count)")
            }
        }
        if let offline {
            return .generated(arrivals: .offline, count: offline, inputTokens: input, outputTokens: output, seed: seed)
        }
        let rate = rate ?? 1, count = requests ?? 1
        let arrivals: ArrivalProcess
        if let concurrency {
            arrivals = .closedLoop(concurrency: concurrency)
        } else if let cv {
            arrivals = .gamma(ratePerSecond: rate, cv: cv)
        } else if let diurnalPeak {
            arrivals = .diurnal(meanRatePerSecond: rate, peakToAverage: diurnalPeak, periodSeconds: diurnalPeriod, peakAtSeconds: diurnalPeriod / 2)
        } else {
            arrivals = .poisson(ratePerSecond: rate)
        }
        return .generated(arrivals: try arrivals.validated(), count: count, inputTokens: input, outputTokens: output, seed: seed)
    }
}

/// The engine profile `name` names in the profiles file (`--engines`, default
/// configs/serving/engines.json), or the built-in `ideal`; a bad file exits 2, an unknown name 64.
func loadEngineProfile(_ name: String, file: String?) throws -> EngineProfile {
    if name == EngineProfile.ideal.name || name == EngineProfile.ideal.identifier { return .ideal }
    let path = try resolveDefault(engines: file)
    let profiles: [EngineProfile]
    do throws(ServingError) {
        profiles = try EngineProfile.loadAll(path: path)
    } catch {
        printError("error: \(error.description)")
        throw ExitCode(2)
    }
    guard let found = EngineProfile.find(name, in: profiles) else {
        throw unknownValue("--engine", name, accepted: ["ideal"] + profiles.map(\.identifier))
    }
    return found
}
