import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUServing
import SPUWorkload

/// Runs the performance model on every validation case and compares with the measurement.
///
/// Kernel microbenchmarks (GEMM, STREAM, attention) timed per kernel are evaluated without the
/// per-kernel launch overhead; those timed inside a CUDA graph (`"timing": "cuda-graph"`) and
/// end-to-end cases keep it.
public struct ModelValidation: Sendable {
    public struct Outcome: Sendable {
        public var validationCase: ValidationCase
        public var predicted: Double
        /// (predicted − measured) / measured.
        public var error: Double
    }

    public struct CategorySummary: Sendable {
        public var category: ValidationCase.Category
        public var cases: Int
        public var meanAbsolutePercentError: Double
        public var maxAbsolutePercentError: Double
        /// Mean over the held-out cases only (nil when all cases were used for calibration).
        public var heldOutMeanAbsolutePercentError: Double?
        public var heldOutCases: Int
        public var tolerancePercent: Double
        public var passes: Bool { meanAbsolutePercentError <= tolerancePercent }
    }

    public var cases: [ValidationCase]
    /// Mean-absolute-percentage-error limits by category (validation/tolerances.json).
    public var tolerances: [ValidationCase.Category: Double]

    public static func load(directory: String) throws(ConfigError) -> ModelValidation {
        var cases: [ValidationCase] = []
        let root = URL(fileURLWithPath: directory)
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" { files.append(url.path) }
        }
        files.sort()
        var tolerances: [ValidationCase.Category: Double] = [:]
        for file in files {
            if file.hasSuffix("/tolerances.json") {
                let r = try InputFile.readJSONObject(file)
                for category in ValidationCase.Category.allCases {
                    tolerances[category] = try r.positiveNumber(category.rawValue)
                }
                _ = try r.source()
                try r.finish()
            } else {
                cases.append(try ValidationCase.load(path: file))
            }
        }
        guard !cases.isEmpty else { throw ConfigError(file: directory, path: "$", message: "contains no validation cases") }
        guard !tolerances.isEmpty else { throw ConfigError(file: directory + "/tolerances.json", path: "$", message: "no such file") }
        return ModelValidation(cases: cases, tolerances: tolerances)
    }

    /// - Parameter baseDirectory: directory that relative hardware and model paths in the cases
    ///   are resolved against (the repository root; nil = the current directory).
    ///   - costInputs: technology, model and TCO parameters for the `power` and `area` categories
    ///     (required when they have cases).
    public func run(baseDirectory: String? = nil, costInputs: CostInputs? = nil) throws(ConfigError) -> [Outcome] {
        var devices: [String: DeviceSpec] = [:]
        var outcomes: [Outcome] = []
        let servingCache = OpEvaluationCache()
        for c in cases {
            let resolved = c.resolvingPaths(against: baseDirectory)
            var device: DeviceSpec?
            if let path = resolved.hardware {
                if devices[path] == nil { devices[path] = try DeviceSpec.load(path: path) }
                device = devices[path]
            }
            let predicted: Double
            if case let .serving(serving, relativeTo) = resolved.kind {
                guard let costInputs else { throw ConfigError(file: c.file, path: "$.case.serving", message: "serving cases need the cost inputs (--tech, --tco)") }
                predicted = try ServingValidation.predict(resolved, serving: serving, relativeTo: relativeTo, inputs: costInputs, cache: servingCache)
            } else if case let .training(training) = resolved.kind {
                guard let costInputs else { throw ConfigError(file: c.file, path: "$.case.training", message: "training cases need the cost inputs (--tech, --tco)") }
                predicted = try TrainingValidation.predict(training, metric: c.metric, device: device!, inputs: costInputs, file: c.file)
            } else if c.metric.isPower {
                guard let costInputs else { throw ConfigError(file: c.file, path: "$.metric", message: "power cases need the cost inputs (--tech, --tco)") }
                predicted = try PowerValidation.predict(resolved, device: device!, inputs: costInputs)
            } else if case .dieArea = c.kind {
                guard let costInputs else { throw ConfigError(file: c.file, path: "$.case", message: "die_area cases need the cost inputs (--tech)") }
                predicted = try Self.modelledDieAreaMM2(device!, file: c.file, inputs: costInputs)
            } else {
                predicted = try Self.predict(resolved, device: device)
            }
            outcomes.append(Outcome(validationCase: c, predicted: predicted, error: (predicted - c.measured) / c.measured))
        }
        return outcomes
    }

    public func summaries(_ outcomes: [Outcome]) -> [CategorySummary] {
        ValidationCase.Category.allCases.compactMap { category in
            let inCategory = outcomes.filter { $0.validationCase.category == category }
            let errors = inCategory.map { abs($0.error) * 100 }
            guard !errors.isEmpty else { return nil }
            let heldOut = inCategory.filter { $0.validationCase.role == .heldOut }.map { abs($0.error) * 100 }
            return CategorySummary(category: category, cases: errors.count, meanAbsolutePercentError: errors.reduce(0, +) / Double(errors.count),
                                   maxAbsolutePercentError: errors.max()!,
                                   heldOutMeanAbsolutePercentError: heldOut.isEmpty ? nil : heldOut.reduce(0, +) / Double(heldOut.count),
                                   heldOutCases: heldOut.count, tolerancePercent: (tolerances[category] ?? 0) * 100)
        }
    }

    static func predict(_ c: ValidationCase, device: DeviceSpec?) throws(ConfigError) -> Double {
        switch c.kind {
        case .dieArea:
            throw ConfigError(file: c.file, path: "$.case", message: "die_area cases are priced by the area model (run with cost inputs)")
        case .serving:
            throw ConfigError(file: c.file, path: "$.case", message: "serving cases are run by the serving simulator (run with cost inputs)")
        case .training:
            throw ConfigError(file: c.file, path: "$.case", message: "training cases are run by the training step model (run with cost inputs)")
        case let .systolic(rows, cols, dataflow, m, n, k):
            return SystolicArrayTiming.computeCycles(m: m, n: n, k: k, rows: rows, cols: cols, dataflow: dataflow)
        case let .gemm(m, n, k, format):
            let latency = microbenchmark(device!, [gemmOp(m: m, n: n, k: k, format: format)], timing: c.timing)
            return c.metric == .latencyS ? latency : 2 * Double(m) * Double(n) * Double(k) / latency / 1e12
        case let .stream(kernel, bytes):
            let latency = microbenchmark(device!, [streamOp(kernel: kernel, bytesPerArray: bytes)], timing: c.timing)
            let inputs = (kernel == "copy" || kernel == "mul") ? 1 : 2
            let moved = bytes * Double(inputs) + (kernel == "dot" ? 0 : bytes)
            return moved / latency / 1e12
        case let .attention(batch, queryHeads, kvHeads, headDim, kvLength, format):
            let ops = TransformerGenerator.attentionOps(batch: batch, kvHeads: kvHeads, groups: queryHeads / kvHeads, queryLength: 1,
                                                        keyLength: kvLength, headDim: headDim, format: format, kvFormat: format)
            return microbenchmark(device!, ops, timing: c.timing)
        case let .moe(tokens, hidden, intermediate, experts, topK, tp, format):
            let ops = TransformerGenerator.expertOps(tokens: tokens, hidden: hidden, intermediateShard: intermediate / tp, experts: experts,
                                                     topK: topK, gated: true, format: format)
            return microbenchmark(device!, ops, timing: c.timing)
        case let .allReduce(bytes, devices, algorithm):
            let elements = max(1, Int(bytes / 2))   // bytes ≤ 1e12 (`ValidationCase.bytesRange`): at most 5e11 elements
            let op = Op(name: "all_reduce", kind: .allReduce, dims: ["x": elements], inputs: [TensorRef(dims: ["x"], format: .bf16)],
                        output: TensorRef(dims: ["x"], format: .bf16), groupSize: devices, collectiveAlgorithm: algorithm)
            let w = Workload(name: "all-reduce", phase: .other, devices: devices, throughputUnit: "ops", itemsPerIteration: 1, ops: [op])
            let latency = PerformanceModel(device: device!).evaluate(w).latencySeconds
            if c.metric == .latencyS { return latency }
            // NCCL bus bandwidth: algorithm bandwidth × 2(n−1)/n.
            return bytes / latency * 2 * Double(devices - 1) / Double(devices) / 1e9
        case let .transformer(t):
            let engine = try engineSeconds(t, file: c.file)
            func evaluate(_ phase: Phase, _ length: Int) throws(ConfigError) -> Double {
                PerformanceModel(device: device!).evaluate(try transformerWorkload(t, phase: phase, length: length, file: c.file)).latencySeconds + engine
            }
            let step = try evaluate(t.phase, t.length)
            let stepTokens = Double(t.phase == .prefill ? t.batch * t.length : t.batch)
            guard let generation = t.generation else { return c.metric == .latencyS ? step : stepTokens / step }
            // A whole generation: the prefill yields the first token, then output − 1 decode steps.
            let total = try evaluate(.prefill, generation.prompt) + Double(generation.outputTokens - 1) * step
            return c.metric == .latencyS ? total / Double(generation.outputTokens) : Double(t.batch * generation.outputTokens) / total
        }
    }

    /// The serving engine's time per iteration of a transformer case (`EngineProfile`: host time for
    /// `batch` sequences and the engine's per-layer cost); 0 without an engine.
    static func engineSeconds(_ t: ValidationCase.TransformerCase, file: String) throws(ConfigError) -> Double {
        guard let name = t.engine else { return 0 }
        let profile = try ServingValidation.engineProfile(name, engines: t.engines, file: file, path: "$.case.transformer.engine")
        return profile.engineSeconds(sequences: t.batch, layers: try TransformerConfig.load(path: t.model).layers)
    }

    /// One dense GEMM as cuBLAS runs it (FP8 inputs write BF16).
    static func gemmOp(m: Int, n: Int, k: Int, format: NumberFormat) -> Op {
        Op(name: "gemm", kind: .matmul, dims: ["m": m, "n": n, "k": k],
           inputs: [TensorRef(dims: ["m", "k"], format: format), TensorRef(dims: ["k", "n"], format: format, role: .weight)],
           output: TensorRef(dims: ["m", "n"], format: format == .fp8E4M3 || format == .fp8E5M2 ? .bf16 : format))
    }

    /// One STREAM kernel over fp32 arrays of `bytesPerArray`, as rows × 1024; dot reduces each
    /// row (its output is 1/1024 of an array).
    static func streamOp(kernel: String, bytesPerArray bytes: Double) -> Op {
        let rows = max(1, Int(bytes / 4 / 1024))   // bytes ≤ 1e12 (`ValidationCase.bytesRange`): at most 2.5e8 rows
        let inputs = (kernel == "copy" || kernel == "mul") ? 1 : 2
        let output = kernel == "dot" ? TensorRef(dims: ["r"], format: .fp32) : TensorRef(dims: ["r", "c"], format: .fp32)
        return Op(name: kernel, kind: .elementwise, dims: ["r": rows, "c": 1024],
                  inputs: Array(repeating: TensorRef(dims: ["r", "c"], format: .fp32), count: inputs),
                  output: output, opsPerElement: kernel == "dot" ? 2048 : 2)
    }

    /// The generator's trace of a transformer case at `phase` and `length` (context or prompt).
    static func transformerWorkload(_ t: ValidationCase.TransformerCase, phase: Phase, length: Int, file: String) throws(ConfigError) -> Workload {
        let config = try TransformerConfig.load(path: t.model)
        let generator = TransformerGenerator(model: config, modelName: URL(fileURLWithPath: t.model).deletingPathExtension().lastPathComponent,
                                             format: t.format, kvFormat: t.kvFormat)
        do {
            return try generator.generate(phase: phase, batch: t.batch, sequenceLength: length, tensorParallel: t.tensorParallel)
        } catch {
            throw ConfigError(file: file, path: "$.case.transformer", message: error.description)
        }
    }

    /// Latency of one kernel's ops (a fused kernel's ops, or one op) as a microbenchmark times
    /// them: without the launch overhead for `kernel` timing, with it for `cuda-graph` timing.
    static func microbenchmark(_ device: DeviceSpec, _ ops: [Op], timing: ValidationCase.Timing) -> Double {
        var d = device
        if timing == .kernel { d.calibration.kernelLaunchOverheadSeconds = 0 }
        let w = Workload(name: ops[0].name, phase: .other, throughputUnit: "ops", itemsPerIteration: 1, ops: ops)
        return PerformanceModel(device: d).evaluate(w).latencySeconds
    }
}
