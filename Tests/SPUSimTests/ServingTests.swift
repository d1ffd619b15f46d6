import Foundation
import Testing
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUPerformance
import SPUServing
import SPUWorkload

/// The serving simulator (`SPUServing`): agreement with the per-iteration model it is built on,
/// conservation, monotonicity, determinism, the scheduler's limits, and bad input.
@Suite struct ServingTests {
    static let inputs: CostInputs = {
        try! CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
    }()

    static func system(gpu: String = "h100-sxm", model: String = "llama-3-8b", tp: Int = 1, replicas: Int = 1,
                       scheduler: SchedulerOptions = SchedulerOptions(), engine: EngineProfile = .ideal,
                       decode: (gpu: String, tp: Int, replicas: Int)? = nil) throws -> ServingSystem {
        let evaluator = try DesignEvaluator(device: try Repo.device("configs/gpus/\(gpu).json"), inputs: inputs)
        let decodePool = try decode.map {
            ServingPool(evaluator: try DesignEvaluator(device: try Repo.device("configs/gpus/\($0.gpu).json"), inputs: inputs),
                        tensorParallel: $0.tp, replicas: $0.replicas)
        }
        return ServingSystem(model: try Repo.model(model), modelName: model, format: .bf16,
                             prefill: ServingPool(evaluator: evaluator, tensorParallel: tp, replicas: replicas), decode: decodePool,
                             scheduler: scheduler, engine: engine)
    }

    static func generated(_ arrivals: ArrivalProcess, count: Int, input: LengthDistribution = .fixed(512), output: LengthDistribution = .fixed(128),
                          seed: UInt64 = 7) -> RequestSource {
        .generated(arrivals: arrivals, count: count, inputTokens: input, outputTokens: output, seed: seed)
    }

    /// Acceptance (issue 16): at constant load with no SLO the simulator's throughput is the static
    /// formula's. Static batching of b identical requests runs one prefill of the batch and O − 1
    /// decode steps at contexts I + 1 … I + O − 1; with exact shapes (no bucketing) and no host
    /// time, the makespan is exactly the sum of those iterations' latencies from the performance
    /// model, so throughput = b · O / (prefill + Σ decode). `FleetSizing`'s formula prices every
    /// step at the longest context, I + O, so it is a lower bound within a few per cent.
    @Test func constantLoadThroughputEqualsTheStaticFormula() throws {
        var scheduler = SchedulerOptions()
        scheduler.batching = .static
        scheduler.maxSequences = 16
        scheduler.bucketBits = 30
        let system = try Self.system(scheduler: scheduler)
        let (b, input, output) = (16, 512, 64)
        let report = try ServingSimulator(system: system).run(Self.generated(.offline, count: b, input: .fixed(input), output: .fixed(output)))
        let generator = TransformerGenerator(model: system.model, modelName: system.modelName, format: .bf16)
        let evaluator = system.prefill.evaluator
        func latency(_ phase: Phase, _ length: Int) throws -> Double {
            evaluator.evaluate(try generator.generate(phase: phase, batch: b, sequenceLength: length, tensorParallel: 1)).performance.latencySeconds
        }
        var formulaSeconds = try latency(.prefill, input)
        for context in (input + 1)..<(input + output) { formulaSeconds += try latency(.decode, context) }
        let formula = Double(b * output) / formulaSeconds
        #expect(abs(report.throughputTokensPerSecond / formula - 1) < 1e-12)
        #expect(report.iterations == output)

        // FleetSizing's static formula: decode at the longest context, O steps, prefill per query.
        let decodeRate = Double(b) / (try latency(.decode, input + output))
        let prefillRate = Double(b * input) / (try latency(.prefill, input))
        let fleetFormula = 1 / (Double(output) / decodeRate + Double(input) / prefillRate) * Double(output)
        #expect(fleetFormula <= report.throughputTokensPerSecond)
        #expect(fleetFormula > 0.95 * report.throughputTokensPerSecond)
    }

    /// Every request completes, tokens are conserved and latencies are ordered.
    @Test func requestsCompleteAndLatenciesAreConsistent() throws {
        let system = try Self.system(engine: EngineProfile(name: "test", version: "1", perIterationSeconds: 0.002, perSequenceSeconds: 1e-5,
                                                           perLayerSeconds: 0, overlapped: false, source: "test"))
        let source = Self.generated(.poisson(ratePerSecond: 8), count: 300, input: .uniform(min: 64, max: 2048), output: .lognormal(median: 100, sigma: 0.8, max: 1000))
        let requests = source.requests()
        let report = try ServingSimulator(system: system).run(requests: requests)
        #expect(report.requests == 300)
        #expect(report.outputTokens == requests.reduce(0) { $0 + $1.outputTokens })
        #expect(report.makespanSeconds >= requests.last!.arrivalSeconds)
        #expect(report.ttft.p50 > 0 && report.ttft.p50 <= report.ttft.p90 && report.ttft.p90 <= report.ttft.p99 && report.ttft.p99 <= report.ttft.max)
        #expect(report.endToEnd.p50 >= report.ttft.p50)
        #expect(report.tpot.p50 > 0.002)   // at least the host time of an iteration
        #expect(report.kvOccupancyMax <= 1 && report.kvOccupancyMean >= 0)
        // Energy: at least every chip's leakage over the makespan, and at most TDP over it.
        let device = system.prefill.evaluator.device
        #expect(report.energyJ >= system.prefill.evaluator.staticPowerW * report.makespanSeconds * 0.999)
        #expect(report.energyJ <= device.tdpWatts * report.makespanSeconds)
        // Under light load the system keeps up: throughput ≈ offered rate × mean output.
        let offered = 8 * Double(report.outputTokens) / Double(report.requests)
        #expect(abs(report.throughputTokensPerSecond / offered - 1) < 0.15)
    }

    @Test func simulationsAreDeterministic() throws {
        let system = try Self.system()
        let source = Self.generated(.gamma(ratePerSecond: 10, cv: 2), count: 200, input: .lognormal(median: 400, sigma: 1, max: 4000))
        let a = try ServingSimulator(system: system).run(source)
        let b = try ServingSimulator(system: system).run(source)
        #expect(a.makespanSeconds == b.makespanSeconds && a.ttft == b.ttft && a.tpot == b.tpot && a.energyJ == b.energyJ)
    }

    /// More load never makes latency better, and no rate beats the offline throughput.
    @Test func latencyGrowsWithLoadAndThroughputSaturates() throws {
        let system = try Self.system()
        let simulator = ServingSimulator(system: system)
        let offline = try simulator.run(Self.generated(.offline, count: 400))
        var previousTTFT = 0.0, previousTPOT = 0.0
        for rate in [2.0, 10, 40, 200] {
            let r = try simulator.run(Self.generated(.poisson(ratePerSecond: rate), count: 400))
            #expect(r.ttft.p90 >= previousTTFT * 0.98)
            #expect(r.tpot.p50 >= previousTPOT * 0.98)
            #expect(r.throughputTokensPerSecond <= offline.throughputTokensPerSecond * 1.02)
            previousTTFT = r.ttft.p90
            previousTPOT = r.tpot.p50
        }
    }

    /// Memoised shapes (6 significant bits) stay within a few per cent of exact shapes and
    /// evaluate far fewer of them.
    @Test func bucketingIsAccurateAndBounded() throws {
        #expect(IterationCostModel.bucket(63, bits: 6) == 63)
        #expect(IterationCostModel.bucket(1000, bits: 6) == 1008)
        for v in [1, 17, 100, 4095, 65_537, 1_000_003] {
            let q = IterationCostModel.bucket(v, bits: 6)
            #expect(abs(Double(q - v)) <= Double(v) / 64)
        }
        var exact = SchedulerOptions()
        exact.bucketBits = 30
        let source = Self.generated(.poisson(ratePerSecond: 20), count: 300, input: .uniform(min: 100, max: 1500), output: .uniform(min: 20, max: 300))
        let a = try ServingSimulator(system: try Self.system()).run(source)
        let b = try ServingSimulator(system: try Self.system(scheduler: exact)).run(source)
        #expect(abs(a.throughputTokensPerSecond / b.throughputTokensPerSecond - 1) < 0.02)
        #expect(abs(a.tpot.p50 / b.tpot.p50 - 1) < 0.03)
        #expect(a.evaluatedShapes < b.evaluatedShapes)
    }

    /// A small KV cache forces preemption; every request still completes, by recompute or swap,
    /// and recomputation costs time.
    @Test func preemptionRecomputesOrSwapsAndEveryRequestCompletes() throws {
        var small = SchedulerOptions()
        small.memoryUtilization = 0.3   // 24 GB of 80: ~3.6 GB of KV (27 k tokens) after 16 GB of weights and 4 GB of workspace
        let source = Self.generated(.offline, count: 120, input: .fixed(2000), output: .fixed(300))
        let recompute = try ServingSimulator(system: try Self.system(scheduler: small)).run(source)
        #expect(recompute.preemptions > 0)
        #expect(recompute.requests == 120)
        small.preemption = .swap
        let swap = try ServingSimulator(system: try Self.system(scheduler: small)).run(source)
        #expect(swap.preemptions > 0)
        #expect(swap.requests == 120)
        var roomy = SchedulerOptions()
        roomy.memoryUtilization = 0.9
        let unconstrained = try ServingSimulator(system: try Self.system(scheduler: roomy)).run(source)
        #expect(unconstrained.preemptions == 0)   // 120 × 2,300 tokens fit the 52 GB pool (400 k tokens)
        #expect(unconstrained.throughputTokensPerSecond > recompute.throughputTokensPerSecond)
    }

    /// Admission control: past the queue limit an overloaded replica turns requests away; the
    /// rest are served, and waiting stays bounded, so their TTFT is far below the unlimited run's.
    @Test func admissionControlRejectsPastTheQueueLimit() throws {
        var limited = SchedulerOptions()
        limited.maxQueuedRequests = 8
        let source = Self.generated(.poisson(ratePerSecond: 200), count: 600, input: .fixed(1000), output: .fixed(64))
        let a = try ServingSimulator(system: try Self.system(scheduler: limited)).run(source)
        let b = try ServingSimulator(system: try Self.system()).run(source)
        #expect(a.rejectedRequests > 0 && a.requests + a.rejectedRequests == 600)
        #expect(b.rejectedRequests == 0 && b.requests == 600)
        #expect(a.queueMax <= 8)
        #expect(a.ttft.p99 < b.ttft.p99 / 2)
        #expect(throws: ServingError.self) {
            var zero = SchedulerOptions()
            zero.maxQueuedRequests = 0
            _ = try zero.validated()
        }
    }

    /// Chunked prefill keeps decodes flowing while prompts arrive; prefill-first stalls them
    /// (Sarathi-Serve's observation), so TPOT tails are longer and TTFT shorter.
    @Test func chunkedPrefillSmoothsDecodes() throws {
        var chunked = SchedulerOptions()
        chunked.tokenBudget = 512
        var prefillFirst = SchedulerOptions()
        prefillFirst.batching = .prefillFirst
        prefillFirst.tokenBudget = 8192
        let source = Self.generated(.poisson(ratePerSecond: 6), count: 300, input: .fixed(4000), output: .fixed(200))
        let a = try ServingSimulator(system: try Self.system(scheduler: chunked)).run(source)
        let b = try ServingSimulator(system: try Self.system(scheduler: prefillFirst)).run(source)
        #expect(a.tpot.max < b.tpot.max)
        #expect(a.ttft.p50 > b.ttft.p50)
    }

    /// Disaggregation removes prefill interference from decode: TPOT falls, and the KV cache moves
    /// once per request.
    @Test func disaggregationRemovesPrefillInterference() throws {
        let source = Self.generated(.poisson(ratePerSecond: 4), count: 200, input: .fixed(3000), output: .fixed(100))
        let colocated = try ServingSimulator(system: try Self.system(replicas: 2)).run(source)
        let split = try ServingSimulator(system: try Self.system(decode: ("h100-sxm", 1, 1))).run(source)
        #expect(split.requests == 200)
        #expect(split.tpot.p90 < colocated.tpot.p90)
        #expect(split.ttft.p50 > 0)
    }

    @Test func capacitySearchFindsTheHighestRateWithinTheSLO() throws {
        let system = try Self.system()
        let slo = ServingSLO(ttftSeconds: 0.5, tpotSeconds: 0.05)
        let capacity = ServingCapacity(system: system, inputTokens: .fixed(512), outputTokens: .fixed(128), slo: slo, requestsPerTrial: 300)
        let result = try capacity.search()
        #expect(result.ratePerSecond > 0)
        #expect(result.report?.meets(slo, atPercentile: 99) == true)
        // The offline run's request rate includes its ramp-down, so capacity is above half of it.
        #expect(result.ratePerSecond > 0.5 * result.offline.requestsPerSecond)
        #expect(result.ratePerSecond <= result.saturatedRatePerSecond ?? result.offline.requestsPerSecond)
        // 10 % more load breaks the SLO in a run long enough to reach steady state (a 300-request
        // trial would absorb it into the running batch, which is why the search lengthens passing trials).
        let above = try ServingSimulator(system: system).run(Self.generated(.poisson(ratePerSecond: result.ratePerSecond * 1.1), count: 3000, seed: 1))
        #expect(!above.meets(slo, atPercentile: 99))
        #expect(result.report.map { Double($0.requests) >= ServingCapacity.steadyStateFactor * result.ratePerSecond * $0.endToEnd.mean } == true)
    }

    /// No rate is rated above what the system completes under overload (MLPerf's server/offline
    /// rule: a server never beats its own offline throughput). Before the ceiling, trials too short
    /// to see the queue build rated a KV-bound system above its saturated completion rate.
    @Test func capacityNeverExceedsTheSaturatedCompletionRate() throws {
        var scheduler = SchedulerOptions()
        scheduler.maxSequences = 64
        let system = try Self.system(scheduler: scheduler)
        let input = LengthDistribution.lognormal(median: 400, sigma: 0.8, max: 2048)
        let output = LengthDistribution.lognormal(median: 50, sigma: 0.8, max: 1024)
        let slo = ServingSLO(ttftSeconds: 2, tpotSeconds: 0.2)
        let result = try ServingCapacity(system: system, inputTokens: input, outputTokens: output, slo: slo, requestsPerTrial: 300,
                                         relativeTolerance: 0.1).search()
        #expect(result.ratePerSecond > 0)
        // The SLO holds at the offline run's rate here, so the ceiling is measured, and the answer
        // stays one tolerance step below it.
        let ceiling = try #require(result.saturatedRatePerSecond)
        #expect(result.ratePerSecond <= ceiling * (1 - 0.1) * (1 + 1e-12))
        #expect(result.ratePerSecond >= result.offline.requestsPerSecond)
        // The ceiling is the steady state: a long overloaded run completes the same rate (±3 %)
        // in its saturated window, and a long offline run no more than it (+3 %).
        let simulator = ServingSimulator(system: system)
        let long = try simulator.run(.generated(arrivals: .poisson(ratePerSecond: 1.3 * ceiling), count: 4000,
                                                inputTokens: input, outputTokens: output, seed: 2))
        let steady = try #require(long.saturatedRequestsPerSecond)
        #expect(abs(steady / ceiling - 1) < 0.03, "\(steady) vs \(ceiling)")
        let offline = try simulator.run(.generated(arrivals: .offline, count: 4000, inputTokens: input, outputTokens: output, seed: 2))
        #expect(offline.requestsPerSecond < 1.03 * ceiling)
    }

    /// The saturated window: an overloaded run has one inside the run (after the first completion,
    /// before the drain) in which it completes at least its whole-run rate; a run the system keeps
    /// up with has none.
    @Test func saturatedWindowIsTheOverloadedStretch() throws {
        let system = try Self.system()
        let simulator = ServingSimulator(system: system)
        let lengths = (input: LengthDistribution.lognormal(median: 400, sigma: 0.8, max: 2048),
                       output: LengthDistribution.lognormal(median: 100, sigma: 0.8, max: 1024))
        let overloaded = try simulator.run(Self.generated(.poisson(ratePerSecond: 200), count: 3000, input: lengths.input, output: lengths.output))
        let window = try #require(overloaded.saturatedWindow)
        #expect(window.lowerBound > 0 && window.upperBound < overloaded.makespanSeconds)
        #expect(window.upperBound - window.lowerBound > 0.75 * overloaded.makespanSeconds)
        let saturated = try #require(overloaded.saturatedRequestsPerSecond)
        #expect(saturated >= overloaded.requestsPerSecond)
        #expect(saturated < 200)
        let light = try simulator.run(Self.generated(.poisson(ratePerSecond: 0.2 * saturated), count: 500, input: lengths.input, output: lengths.output))
        #expect(light.saturatedWindow == nil)
        #expect(light.saturatedThroughputTokensPerSecond == nil)
    }

    /// Closed loop (AIPerf/genai-perf `--concurrency`): one client sends its requests one after
    /// another; as many clients as requests is the offline scenario; more clients load the system
    /// more (throughput and TPOT rise), and never more than that many requests wait.
    @Test func closedLoopClientsSendWhenTheirRequestCompletes() throws {
        let simulator = ServingSimulator(system: try Self.system())
        let lengths = (input: LengthDistribution.lognormal(median: 400, sigma: 0.8, max: 2048), output: LengthDistribution.fixed(64))
        func run(_ arrivals: ArrivalProcess, _ count: Int) throws -> ServingReport {
            try simulator.run(Self.generated(arrivals, count: count, input: lengths.input, output: lengths.output))
        }
        let single = try run(.closedLoop(concurrency: 1), 40)
        #expect(single.requests == 40)
        #expect(abs(single.makespanSeconds / (single.endToEnd.mean * 40) - 1) < 1e-9)
        #expect(single.queueMax == 0)

        let all = try run(.closedLoop(concurrency: 200), 200)
        let offline = try run(.offline, 200)
        #expect(all.makespanSeconds == offline.makespanSeconds)
        #expect(all.ttft.p50 == offline.ttft.p50)
        #expect(all.outputTokens == offline.outputTokens)

        var previous: ServingReport?
        for clients in [1, 4, 16, 64] {
            let report = try run(.closedLoop(concurrency: clients), 10 * clients)
            #expect(report.requests == 10 * clients)
            #expect(report.queueMax < clients)
            if let previous {
                #expect(report.throughputTokensPerSecond > previous.throughputTokensPerSecond)
                #expect(report.tpot.mean >= previous.tpot.mean)
            }
            previous = report
        }
        #expect(throws: ServingError.self) { try ArrivalProcess.closedLoop(concurrency: 0).validated() }
    }

    @Test func arrivalProcessesHaveTheirMeanRates() {
        var rng = SplitMix64(seed: 3)
        for process in [ArrivalProcess.poisson(ratePerSecond: 50), .gamma(ratePerSecond: 50, cv: 3),
                        .diurnal(meanRatePerSecond: 50, peakToAverage: 1.8, periodSeconds: 100, peakAtSeconds: 50)] {
            let times = process.arrivalTimes(count: 20_000, rng: &rng)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
            let rate = Double(times.count) / times.last!
            #expect(abs(rate / 50 - 1) < 0.06, "\(process): \(rate)/s")
        }
        // Gamma with cv 3 is burstier than Poisson: the inter-arrival cv is near 3.
        let times = ArrivalProcess.gamma(ratePerSecond: 10, cv: 3).arrivalTimes(count: 50_000, rng: &rng)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
        #expect(abs(sd / mean - 3) < 0.2)
    }

    @Test func badInputIsRefusedWithTheRule() throws {
        #expect(throws: ServingError.self) { try ArrivalProcess.poisson(ratePerSecond: -1).validated() }
        #expect(throws: ServingError.self) { try LengthDistribution.parse("0", output: false, maxTokens: 100) }
        #expect(throws: ServingError.self) { try LengthDistribution.parse("uniform:9:3", output: false, maxTokens: 100) }
        #expect(throws: ServingError.self) { try LengthDistribution.parse("zipf:3", output: true, maxTokens: 100) }
        // Lengths beyond 2^24 are refused before any sum of lengths can overflow (a fuzzer finding).
        #expect(throws: ServingError.self) { try LengthDistribution.parse("9223372036854775807", output: false, maxTokens: 100) }
        #expect(throws: ServingError.self) {
            try ServingSimulator(system: try Self.system()).run(requests: [ServingRequest(arrivalSeconds: 0, inputTokens: .max, outputTokens: .max)])
        }
        let system = try Self.system()
        // Longer than the model's context (Llama-3-8B: 8192 positions).
        #expect(throws: ServingError.self) {
            try ServingSimulator(system: system).run(Self.generated(.offline, count: 1, input: .fixed(8000), output: .fixed(500)))
        }
        #expect(throws: ServingError.self) { try ServingSimulator(system: system).run(requests: []) }

        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.csv").path
        try "TIMESTAMP,ContextTokens,GeneratedTokens\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: ServingError.self) { try RequestTrace.load(path: empty) }
        let bad = dir.appendingPathComponent("bad.csv").path
        try "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,100,20\n2023-11-16 18:15:47.00,-4,20\n".write(toFile: bad, atomically: true, encoding: .utf8)
        do {
            _ = try RequestTrace.load(path: bad)
            Issue.record("a negative length was accepted")
        } catch {
            #expect(error.description.contains("bad.csv: line 3"))
        }
    }

    /// Azure-style traces: dates become seconds from the first request, sorted.
    @Test func tracesReplayInArrivalOrder() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("azure.csv").path
        try """
            TIMESTAMP,ContextTokens,GeneratedTokens
            2023-11-16 18:15:47.5000000,374,44
            2023-11-16 18:15:46.0000000,1020,210
            2023-11-16 18:16:46.0000000,88,3
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let requests = try RequestTrace.load(path: path)
        #expect(requests.map(\.arrivalSeconds) == [0, 1.5, 60])
        #expect(requests.map(\.inputTokens) == [1020, 374, 88])
        let report = try ServingSimulator(system: try Self.system()).run(.trace(requests, name: "azure"))
        #expect(report.requests == 3 && report.outputTokens == 257)
    }

    /// The shipped engine profiles load, each with its source, and host time adds to kernel time
    /// (serialised) or hides behind it (overlapped).
    @Test func shippedEngineProfilesLoad() throws {
        let profiles = try EngineProfile.loadAll(path: Repo.path("configs/serving/engines.json"))
        #expect(profiles.count >= 4)
        for p in profiles { #expect(!p.source.isEmpty && p.perIterationSeconds >= 0 && p.perSequenceSeconds >= 0) }
        let v1 = try #require(EngineProfile.find("vllm-0.11", in: profiles))
        #expect(EngineProfile.find("vllm", in: profiles) != nil)
        #expect(EngineProfile.find("vllm-9.9", in: profiles) == nil)
        #expect(v1.iterationSeconds(deviceSeconds: 0.01, sequences: 64, layers: 32) > 0.01)
        let v06 = try #require(EngineProfile.find("vllm-0.6", in: profiles))
        // A per-layer cost: a deeper model pays proportionally more.
        #expect(abs(v06.engineSeconds(sequences: 8, layers: 80) / v06.engineSeconds(sequences: 8, layers: 32) - 2.5) < 1e-12)
        let overlapped = EngineProfile(name: "x", version: "1", perIterationSeconds: 0.004, perSequenceSeconds: 0, overlapped: true, source: "test")
        #expect(overlapped.iterationSeconds(deviceSeconds: 0.01, sequences: 8, layers: 32) == 0.01)
        #expect(overlapped.iterationSeconds(deviceSeconds: 0.001, sequences: 8, layers: 32) == 0.004)
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("engines.json").path
        try #"{"engines": [{"name": "x", "version": "1", "per_iteration_s": -1, "per_sequence_s": 0, "per_layer_s": 0, "overlapped": false, "source": "s"}]}"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: ServingError.self) { try EngineProfile.loadAll(path: bad) }
    }

    /// A design that cannot hold the model is infeasible with the reason, before any request runs.
    @Test func aModelThatDoesNotFitIsInfeasible() throws {
        let system = try Self.system(model: "llama-3-70b")
        let outcome = Result { () throws(ServingError) -> ServingReport in try ServingSimulator(system: system).run(Self.generated(.offline, count: 4)) }
        guard case let .failure(error) = outcome, case let .infeasible(design, reason) = error else {
            Issue.record("Llama-3-70B in BF16 on one H100 was served")
            return
        }
        #expect(design == "h100-sxm")
        #expect(reason.contains("leave no KV cache"))
    }
}
