// Release-build benchmarks on one core:
// 1. the performance model: evaluations (design × workload, mapping search included) per second,
//    then whole evaluations with energy, power (the TDP/DVFS policy), area and cost;
// 2. number-format encoding: values per second for fp8-e4m3, lns8f3 (pal8), bf16 and posit8;
// 3. bulk inserts into the results database: result rows per second (one transaction per batch);
// 4. the serving simulator: one simulated hour at 100 requests/s (360,000 requests) of Llama-3-70B
//    on one TP8 replica of eight H100 (FP8, 1,000 input and 200 output tokens, vLLM-0.6 host time);
// 5. training at scale: one training-step evaluation of GPT-3 175B on 1,024 devices (trace,
//    performance and energy of a micro-batch, then the step), and the parallel-layout search over
//    1,024 devices, on an A100 DGX SuperPOD and on the SPU torus cluster.
//
//   swift run -c release spusim-bench [--seconds S] [--arch FILE] [--model FILE] [--only performance|training]
//
// Each iteration evaluates a different design variant (off-chip bandwidth varied) so no result
// can be reused; the model itself keeps no cache.
import Foundation
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUResults
import SPUServing
import SPUSweep
import SPUTraining
import SPUPerformance
import SPUWorkload

struct Options {
    var seconds = 3.0
    var arch = "configs/chips/spu-datacenter.json"
    var model = "workloads/models/llama-2-70b.json"
    var only: String?

    init(_ arguments: [String]) {
        var i = 0
        while i + 1 < arguments.count {
            switch arguments[i] {
            case "--seconds": seconds = Double(arguments[i + 1]) ?? seconds
            case "--arch": arch = arguments[i + 1]
            case "--model": model = arguments[i + 1]
            case "--only": only = arguments[i + 1]
            default: break
            }
            i += 2
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
if options.only == "training" {
    do { try benchmarkTraining() } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
    exit(0)
}
do {
    let base = try DeviceSpec.load(path: options.arch)
    let config = try TransformerConfig.load(path: options.model)
    let workload = try TransformerGenerator(model: config, modelName: "bench").generate(phase: .decode, batch: 8, sequenceLength: 2048, tensorParallel: 8)
    let variants: [DeviceSpec] = (0..<64).map { i in
        var d = base
        d.memory.offchip.bandwidthBytesPerSecondPerStack *= 1 + Double(i) / 64
        return d
    }
    let matmuls = workload.ops.filter { $0.kind == .matmul }.count
    print("benchmark: \(base.name) × \(workload.name) (\(workload.ops.count) ops, \(matmuls) matmuls with mapping search)")
    let clock = ContinuousClock()
    var evaluations = 0
    var checksum = 0.0
    var candidates = 0
    let start = clock.now
    let deadline = start + .milliseconds(Int(options.seconds * 1000))
    while clock.now < deadline {
        for _ in 0..<16 {
            let result = PerformanceModel(device: variants[evaluations % variants.count]).evaluate(workload)
            checksum += result.latencySeconds
            candidates += result.ops.reduce(0) { $0 + $1.mappingCandidatesEvaluated }
            evaluations += 1
        }
    }
    let elapsed = (clock.now - start) / .seconds(1)
    print(String(format: "evaluations: %d in %.2f s = %.0f evaluations/s on one core", evaluations, elapsed, Double(evaluations) / elapsed))
    print(String(format: "mapping candidates per evaluation: %.0f; mean latency %.4g s", Double(candidates) / Double(evaluations), checksum / Double(evaluations)))
    if options.only == "performance" { exit(0) }
    try benchmarkCostedEvaluations(variants: variants, workload: workload, seconds: options.seconds)
    benchmarkEncoding(seconds: options.seconds / 2)
    try benchmarkInserts(device: base, workload: workload)
    try benchmarkServing()
    try benchmarkTraining()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}

/// Evaluations through `DesignEvaluator` (performance, then energy with the TDP/DVFS policy,
/// area, silicon cost, TCO), each on another design variant with its own evaluator, as a sweep
/// point is; the TDP is lowered to 60 % of the first variant's power so the policy throttles.
func benchmarkCostedEvaluations(variants: [DeviceSpec], workload: Workload, seconds: Double) throws {
    let inputs = try CostInputs.load()
    let power = try DesignEvaluator(device: variants[0], inputs: inputs).evaluate(workload).cost.averagePowerW
    let throttled = variants.map { d -> DeviceSpec in
        var t = d
        t.tdpWatts = power * (Double(ProcessInfo.processInfo.environment["BENCH_TDP"] ?? "") ?? 0.6)
        return t
    }
    let clock = ContinuousClock()
    var evaluations = 0
    var throttle = 0.0
    let start = clock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    while clock.now < deadline {
        for _ in 0..<8 {
            let e = try DesignEvaluator(device: throttled[evaluations % throttled.count], inputs: inputs).evaluate(workload)
            throttle += e.cost.throttleFactor
            evaluations += 1
        }
    }
    let elapsed = (clock.now - start) / .seconds(1)
    print(String(format: "costed evaluations (TDP-throttled): %d in %.2f s = %.0f evaluations/s on one core; mean throttle %.3f",
                 evaluations, elapsed, Double(evaluations) / elapsed, throttle / Double(evaluations)))
}

/// Encodes a fixed array of Gaussian-distributed values (scaled into range) repeatedly.
func benchmarkEncoding(seconds: Double) {
    let values = Distribution.gaussian.samples(count: 1 << 16, seed: 3).map { $0 * 4 }
    let share = seconds / 4
    measure(MiniFloat.fp8E4M3, values, share)
    measure(FormatRegistry.pal8, values, share)
    measure(MiniFloat.bf16, values, share)
    measure(Posit(n: 8, es: 0), values, share)
}

/// Generic over the concrete format so the encoder is specialised, as in a quantisation kernel.
func measure<F: ScalarFormat>(_ format: F, _ values: [Double], _ seconds: Double) {
    do {
        let clock = ContinuousClock()
        var encoded = 0
        var checksum: UInt32 = 0
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        while clock.now < deadline {
            for v in values { checksum &+= format.encode(v, saturate: true) }
            encoded += values.count
        }
        let elapsed = (clock.now - start) / .seconds(1)
        print(String(format: "encode %@: %.1f M values/s (checksum %u)", format.name, Double(encoded) / elapsed / 1e6, checksum))
    }
}

/// Writes 20,000 results (each with its per-op rows) in batches of 1,000 per transaction.
func benchmarkInserts(device: DeviceSpec, workload: Workload) throws {
    let inputs = try CostInputs.load()
    let evaluation = try DesignEvaluator(device: device, inputs: inputs).evaluate(workload)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ResultsStore(path: directory.appendingPathComponent("bench.sqlite").path)
    let total = 20_000, batch = 1_000
    let workloadHash = workload.contentHash
    var rows: [SweepResultRow] = []
    for i in 0..<total {
        var design = device
        design.canonicalJSON += "#\(i)"   // a distinct content hash per row
        rows.append(.init(design: design, workload: workload, workloadHash: workloadHash, evaluation: evaluation, point: .init(pointIndex: i)))
    }
    let clock = ContinuousClock()
    for storeOps in [false, false, true] {
        let run = try store.beginRun(kind: "bench", name: "bench", command: "spusim-bench", configJSON: "{}", configHash: "bench-\(UUID().uuidString)", shard: nil)
        let start = clock.now
        for chunk in stride(from: 0, to: total, by: batch) {
            try store.writeBatch(runID: run, rows: Array(rows[chunk..<min(chunk + batch, total)]), storeOps: storeOps)
        }
        let elapsed = (clock.now - start) / .seconds(1)
        let opRows = storeOps ? total * evaluation.performance.ops.count : 0
        print(String(format: "bulk insert: %d result rows (+%d op rows) in %.2f s = %.0f result rows/s (%.0f rows/s in all)",
                     total, opRows, elapsed, Double(total) / elapsed, Double(total + opRows) / elapsed))
    }
}

/// One simulated hour at 100 requests/s of Llama-3-70B on 8 × H100 (the issue-16 speed target: < 10 s).
func benchmarkServing() throws {
    let inputs = try CostInputs.load()
    let evaluator = try DesignEvaluator(device: try DeviceSpec.load(path: "configs/gpus/h100-sxm.json"), inputs: inputs)
    let model = try TransformerConfig.load(path: "workloads/models/llama-3-70b.json")
    let engine = EngineProfile(name: "vllm", version: "0.6-bench", perIterationSeconds: 0, perSequenceSeconds: 0, perLayerSeconds: 0.0000496, overlapped: false, source: "bench: vllm-0.6")
    let system = ServingSystem(model: model, modelName: "llama-3-70b", format: .fp8E4M3, prefill: ServingPool(evaluator: evaluator, tensorParallel: 8),
                               engine: engine)
    let source = RequestSource.generated(arrivals: .poisson(ratePerSecond: 100), count: 360_000, inputTokens: .fixed(1000), outputTokens: .fixed(200), seed: 1)
    let clock = ContinuousClock()
    let start = clock.now
    let report = try ServingSimulator(system: system).run(source)
    let elapsed = (clock.now - start) / .seconds(1)
    print(String(format: "serving: %d requests (1 h at 100/s offered), %d iterations, %d shapes in %.2f s = %.0f requests/s simulated on one core",
                 report.requests, report.iterations, report.evaluatedShapes, elapsed, Double(report.requests) / elapsed))
}

/// One training-step evaluation of GPT-3 175B on 1,024 devices, from scratch (the micro-batch
/// trace generated and evaluated, then the pipeline/data-parallel step), and the layout search
/// over 1,024 devices, for a GPU and an SPU cluster.
func benchmarkTraining() throws {
    let inputs = try CostInputs.load(techDirectory: "configs/tech", tcoFile: "configs/tco/default.json")
    let gpt3 = try TransformerConfig.load(path: "workloads/models/gpt-3-175b.json")
    let cases = [("configs/gpus/a100-sxm-80gb.json", "configs/clusters/dgx-a100-superpod.json"),
                 ("configs/chips/spu-training.json", "configs/clusters/spu-torus-cluster.json")]
    for (arch, clusterFile) in cases {
        let evaluator = try DesignEvaluator(device: try DeviceSpec.load(path: arch), inputs: inputs)
        let cluster = try ClusterSpec.load(path: clusterFile)
        let model = TrainingStepModel(evaluator: evaluator, cluster: cluster, generator: TrainingGenerator(model: gpt3, modelName: "gpt-3-175b"),
                                      sequenceLength: 2048, globalBatch: 1536)
        let layout = ParallelLayout(tensor: 8, pipeline: 8, data: 16, microBatch: 1, recompute: .selective)
        let clock = ContinuousClock()
        var steps = 0, checksum = 0.0
        let start = clock.now
        while clock.now - start < .seconds(2) || steps < 3 {
            checksum += try model.evaluate(layout).time?.stepSeconds ?? 0
            steps += 1
        }
        let perStep = (clock.now - start) / .seconds(1) / Double(steps)
        print(String(format: "training step (%@, GPT-3 175B, %@, 1,024 devices): %.2f ms per evaluation (%d evaluations; step %.3g s)",
                     evaluator.device.name, layout.description, perStep * 1000, steps, checksum / Double(steps)))
        let searchStart = clock.now
        let outcome = ParallelLayoutSearch(model: model).run(devices: 1024, keep: 1)
        let searchSeconds = (clock.now - searchStart) / .seconds(1)
        print(String(format: "layout search (%@, 1,024 devices): %d layouts, %d micro-batch profiles in %.2f s; best %@",
                     evaluator.device.name, outcome.layoutsEvaluated, outcome.profilesEvaluated, searchSeconds,
                     outcome.ranked.first?.layout.description ?? "none feasible"))
    }
}
