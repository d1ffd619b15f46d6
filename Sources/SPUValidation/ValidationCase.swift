import Foundation
import SPUCore
import SPUHardware
import SPUPerformance
import SPUWorkload

/// One measured figure to check the model against (`validation/<category>/<name>.json`).
///
/// `role` says whether the figure was used to calibrate the hardware description
/// (`calibration`: the check shows the residual of the fit) or not (`held-out`: a prediction).
public struct ValidationCase: Sendable {
    public enum Category: String, CaseIterable, Sendable {
        case gemm, bandwidth, attention, moe, collective, endToEnd = "end-to-end", systolic, power
        /// Energy per output token of LLM serving runs: the power model and the serving time together.
        case servingEnergy = "serving-energy"
        /// Dense-GEMM power of spatial chips against their TDP (bounds, not measurements).
        case tdpBound = "tdp-bound"
        /// Request-level serving (`SPUServing`): throughput, latency percentiles and capacity under
        /// SLOs of published serving benchmarks, or ratios of two such runs.
        case serving
        /// Distributed training steps (`SPUTraining`): published iteration times or achieved
        /// TFLOP/s per GPU of Megatron-LM runs.
        case training

        /// Categories whose cases the cost model predicts (power or energy).
        public var isPower: Bool { self == .power || self == .servingEnergy || self == .tdpBound }
        case area
    }

    public enum Role: String, CaseIterable, Sendable { case calibration, heldOut = "held-out" }

    /// How a kernel microbenchmark was timed, which decides whether the model's per-kernel launch
    /// overhead belongs in the prediction.
    public enum Timing: String, CaseIterable, Sendable {
        /// GPU time of the kernel alone (nvbench, cuBLASLt loops over large kernels): no launch overhead.
        case kernel
        /// Mean time per kernel of back-to-back launches captured in a CUDA graph, as serving stacks
        /// run them: includes the per-kernel gap, ramp and tail that `kernel_launch_overhead_us` models.
        case cudaGraph = "cuda-graph"
    }

    public enum Metric: String, CaseIterable, Sendable {
        case tflops, tbPerS = "tb_per_s", busGBPerS = "bus_gb_per_s", latencyS = "latency_s", tokensPerS = "tokens_per_s", cycles
        /// Average board power of one chip while the case runs (power category).
        case watts
        /// Energy of all chips of the group per output token (power category, transformer cases).
        case joulesPerToken = "joules_per_token"

        /// Die area in mm² (area category, `die_area` cases).
        case mm2

        /// Seconds per training step (training cases).
        case stepS = "step_s"

        // Serving metrics (`serving` cases; `ServingValidation` has their definitions).
        case throughputTokensPerS = "throughput_tokens_per_s"
        case requestsPerS = "requests_per_s"
        case requestsPerSPerChip = "requests_per_s_per_chip"
        case ttftP50S = "ttft_p50_s"
        case tpotP50S = "tpot_p50_s"
        case tpotMeanS = "tpot_mean_s"
        case e2eP50S = "e2e_p50_s"
        case ttftP99S = "ttft_p99_s"
        case tpotP99S = "tpot_p99_s"

        /// Metrics of `serving` cases, and only of them.
        public var isServing: Bool {
            switch self {
            case .throughputTokensPerS, .requestsPerS, .requestsPerSPerChip, .ttftP50S, .tpotP50S, .tpotMeanS, .e2eP50S, .ttftP99S, .tpotP99S:
                return true
            default: return false
            }
        }

        /// Metrics the cost model predicts (the `power` category) rather than the performance model.
        public var isPower: Bool { self == .watts || self == .joulesPerToken }
    }

    public enum Kind: Sendable {
        case gemm(m: Int, n: Int, k: Int, format: NumberFormat)
        /// STREAM-like kernel over `bytes` per array (copy: read 1 write 1; add/triad: read 2 write 1; dot: read 2).
        case stream(kernel: String, bytesPerArray: Double)
        /// An all-reduce of `bytes` over `devices` chips with `algorithm` (`ring` for nccl-tests
        /// cases, `low-latency` for the serving stacks' custom kernels).
        case allReduce(bytes: Double, devices: Int, algorithm: CollectiveAlgorithm)
        /// One layer's decode attention (scores, softmax, context) for `batch` sequences of one
        /// new token attending `kvLength` cached tokens, as the transformer generator emits it.
        case attention(batch: Int, queryHeads: Int, kvHeads: Int, headDim: Int, kvLength: Int, format: NumberFormat)
        /// The routed experts of one MoE layer for `tokens` tokens (gated MLP experts, intermediate
        /// size split over `tensorParallel` chips), as the transformer generator emits them.
        case moe(tokens: Int, hidden: Int, intermediate: Int, experts: Int, topK: Int, tensorParallel: Int, format: NumberFormat)
        /// A transformer step or whole generation run of a model config.
        case transformer(TransformerCase)
        case systolic(rows: Int, cols: Int, dataflow: Dataflow, m: Int, n: Int, k: Int)
        /// The hardware's modelled die area (all dies), from the area model and the technology files.
        case dieArea
        /// A request-level serving simulation (`ServingCase`); with `relativeTo`, the predicted
        /// value is the metric of `serving` divided by the same metric of `relativeTo`.
        case serving(ServingCase, relativeTo: ServingCase?)
        /// One training step of a model on a cluster under a parallel layout (`TrainingCase`).
        case training(TrainingCase)
    }

    /// A measurement that covers a whole generation: one prefill of `prompt` tokens per sequence
    /// (which yields the first output token) and `outputTokens` − 1 decode steps.
    public struct Generation: Sendable, Equatable {
        public var prompt: Int
        public var outputTokens: Int
    }

    /// A transformer workload as the generator builds it: one decode step (`length` = context) or
    /// prefill (`length` = prompt), or with `generation` a whole run whose decode steps are priced
    /// at `length`. `kvFormat` is the KV cache's format when it differs from `format`.
    public struct TransformerCase: Sendable, Equatable {
        public var model: String
        public var phase: Phase
        public var batch: Int
        public var length: Int
        public var tensorParallel: Int
        public var format: NumberFormat
        public var kvFormat: NumberFormat?
        public var generation: Generation?
        /// The serving engine that produced the figure (`name-version` of `engines`): its time per
        /// iteration (`EngineProfile`) is added to each step; nil: kernels only.
        public var engine: String? = nil
        public var engines: String = ServingCase.defaultEngines
    }

    public var name: String
    public var file: String
    public var category: Category
    public var role: Role
    public var hardware: String?
    public var kind: Kind
    public var metric: Metric
    /// Kernel microbenchmarks (gemm, stream, attention, moe) only; default `kernel`.
    public var timing: Timing
    public var measured: Double
    public var source: String
    /// Relative uncertainty (σ of ln) of the figure, for the power fit; nil: the fit's default
    /// measurement σ. Set for figures that bound rather than measure (a chip's TDP bounds its
    /// dense-GEMM power).
    public var uncertainty: Double? = nil

    /// Relative uncertainties a case may state: 1 % to a factor e.
    public static let uncertaintyRange = 0.01...1.0

    /// Sizes in bytes of the stream and all-reduce cases: 1 byte to 1e12 bytes (a terabyte;
    /// real microbenchmarks go up to ~1e10), so element counts fit a trace dimension.
    public static let bytesRange = 1.0...1e12
    /// Measured values (seconds, TB/s, TFLOP/s, GB/s): 1e-12 to 1e15 of their unit.
    public static let measuredRange = 1e-12...1e15

    public static func load(path: String) throws(ConfigError) -> ValidationCase {
        let r = try InputFile.readJSONObject(path)
        r.expecting(["name", "category", "role", "hardware", "case", "metric", "timing", "measured", "uncertainty", "source"])
        let name = try r.string("name")
        let category = try r.choice("category", as: Category.self)
        let role = try r.choice("role", as: Role.self)
        let hardware = try r.optionalString("hardware")
        let c = try r.object("case")
        let kind: Kind
        switch c.keys.first {
        case "gemm":
            let g = try c.object("gemm")
            g.expecting(["m", "n", "k", "format"])
            kind = .gemm(m: try g.int("m", in: WorkloadLimits.dimension), n: try g.int("n", in: WorkloadLimits.dimension), k: try g.int("k", in: WorkloadLimits.dimension), format: try g.choice("format", as: NumberFormat.self))
            try g.finish()
        case "stream":
            let s = try c.object("stream")
            s.expecting(["kernel", "bytes_per_array"])
            let kernel = try s.string("kernel")
            guard ["copy", "mul", "add", "triad", "dot"].contains(kernel) else { throw s.fail("kernel", "must be copy, mul, add, triad or dot") }
            kind = .stream(kernel: kernel, bytesPerArray: try s.number("bytes_per_array", in: ValidationCase.bytesRange))
            try s.finish()
        case "all_reduce":
            let a = try c.object("all_reduce")
            a.expecting(["bytes", "devices", "algorithm"])
            kind = .allReduce(bytes: try a.number("bytes", in: ValidationCase.bytesRange), devices: try a.int("devices", in: WorkloadLimits.devices),
                              algorithm: a.has("algorithm") ? try a.choice("algorithm", as: CollectiveAlgorithm.self) : .ring)
            try a.finish()
        case "transformer":
            let t = try c.object("transformer")
            t.expecting(["model", "phase", "batch", "context", "prompt", "tensor_parallel", "format", "kv_format", "generation", "engine", "engines"])
            let phase = try t.choice("phase", as: Phase.self)
            var generation: Generation?
            if t.has("generation") {
                guard phase == .decode else { throw t.fail("generation", "applies to decode cases (their context is the average over the generation)") }
                let g = try t.object("generation")
                g.expecting(["prompt", "output_tokens"])
                generation = Generation(prompt: try g.int("prompt", in: WorkloadLimits.sequenceLength), outputTokens: try g.int("output_tokens", in: WorkloadLimits.sequenceLength))
                try g.finish()
            }
            kind = .transformer(TransformerCase(
                model: try t.string("model"), phase: phase, batch: try t.int("batch", in: WorkloadLimits.batch),
                length: phase == .prefill ? try t.int("prompt", in: WorkloadLimits.sequenceLength) : try t.int("context", in: WorkloadLimits.sequenceLength),
                tensorParallel: try t.optionalInt("tensor_parallel", in: WorkloadLimits.devices) ?? 1,
                format: t.has("format") ? try t.choice("format", as: NumberFormat.self) : .bf16,
                kvFormat: t.has("kv_format") ? try t.choice("kv_format", as: NumberFormat.self) : nil, generation: generation,
                engine: try t.optionalString("engine"), engines: try t.optionalString("engines") ?? ServingCase.defaultEngines))
            try t.finish()
        case "attention":
            let a = try c.object("attention")
            a.expecting(["batch", "q_heads", "kv_heads", "head_dim", "kv_length", "format"])
            let queryHeads = try a.int("q_heads", in: WorkloadLimits.modelCount), kvHeads = try a.int("kv_heads", in: WorkloadLimits.modelCount)
            guard queryHeads % kvHeads == 0 else { throw a.fail("kv_heads", "must divide q_heads (\(queryHeads)), got \(kvHeads)") }
            kind = .attention(batch: try a.int("batch", in: WorkloadLimits.batch), queryHeads: queryHeads, kvHeads: kvHeads, headDim: try a.int("head_dim", in: WorkloadLimits.modelWidth),
                              kvLength: try a.int("kv_length", in: WorkloadLimits.sequenceLength), format: try a.choice("format", as: NumberFormat.self))
            try a.finish()
        case "moe":
            let e = try c.object("moe")
            e.expecting(["tokens", "hidden", "intermediate", "experts", "top_k", "tensor_parallel", "format"])
            let intermediate = try e.int("intermediate", in: WorkloadLimits.modelWidth), tp = try e.optionalInt("tensor_parallel", in: WorkloadLimits.devices) ?? 1
            guard intermediate % tp == 0 else { throw e.fail("tensor_parallel", "must divide intermediate (\(intermediate)), got \(tp)") }
            let experts = try e.int("experts", in: WorkloadLimits.modelCount), topK = try e.int("top_k", in: WorkloadLimits.modelCount)
            guard topK <= experts else { throw e.fail("top_k", "must not exceed experts (\(experts)), got \(topK)") }
            kind = .moe(tokens: try e.int("tokens", in: WorkloadLimits.dimension), hidden: try e.int("hidden", in: WorkloadLimits.modelWidth), intermediate: intermediate, experts: experts,
                        topK: topK, tensorParallel: tp, format: try e.choice("format", as: NumberFormat.self))
            try e.finish()
        case "systolic":
            let s = try c.object("systolic")
            s.expecting(["rows", "cols", "dataflow", "m", "n", "k"])
            kind = .systolic(rows: try s.int("rows", in: HardwareLimits.macArraySide), cols: try s.int("cols", in: HardwareLimits.macArraySide), dataflow: try s.choice("dataflow", as: Dataflow.self),
                             m: try s.int("m", in: WorkloadLimits.dimension), n: try s.int("n", in: WorkloadLimits.dimension), k: try s.int("k", in: WorkloadLimits.dimension))
            try s.finish()
        case "die_area":
            try c.object("die_area").finish()
            kind = .dieArea
        case "serving":
            guard let hardware else { throw r.fail("hardware", "is required for serving cases (the hardware of the serving pool)") }
            let s = try c.object("serving")
            let relative = try s.optionalObject("relative_to").map { (o) throws(ConfigError) in try ServingCase.decode(o, hardware: hardware, nested: true) }
            kind = .serving(try ServingCase.decode(s, hardware: hardware, nested: false), relativeTo: relative)   // finishes `s`
        case "training":
            kind = .training(try TrainingCase.decode(try c.object("training")))   // finishes the object
        default:
            throw c.fail(nil, "must hold one of gemm, stream, attention, moe, all_reduce, transformer, systolic, die_area, serving, training")
        }
        try c.finish()
        let metric = try r.choice("metric", as: Metric.self)
        let timing = r.has("timing") ? try r.choice("timing", as: Timing.self) : .kernel
        switch kind {
        case .gemm, .stream, .attention, .moe: break
        default: if r.has("timing") { throw r.fail("timing", "applies to gemm, stream, attention and moe cases only") }
        }
        let isDieArea: Bool = if case .dieArea = kind { true } else { false }
        if isDieArea != (metric == .mm2) { throw r.fail("metric", isDieArea ? "must be mm2 for die_area cases" : "mm2 applies to die_area cases only") }
        if isDieArea != (category == .area) { throw r.fail("category", isDieArea ? "must be area for die_area cases" : "area holds die_area cases only") }
        let isServing: Bool = if case .serving = kind { true } else { false }
        if isServing != (category == .serving) { throw r.fail("category", isServing ? "must be serving for serving cases" : "serving holds serving cases only") }
        if isServing != metric.isServing {
            throw r.fail("metric", isServing ? "must be one of \(Metric.allCases.filter(\.isServing).map(\.rawValue).joined(separator: ", ")) for serving cases"
                                             : "\(metric.rawValue) applies to serving cases only")
        }
        let isTraining: Bool = if case .training = kind { true } else { false }
        if isTraining != (category == .training) { throw r.fail("category", isTraining ? "must be training for training cases" : "training holds training cases only") }
        if isTraining, metric != .stepS, metric != .tflops { throw r.fail("metric", "must be step_s or tflops (per GPU, Narayanan et al. eq. 3) for training cases") }
        if !isTraining, metric == .stepS { throw r.fail("metric", "step_s applies to training cases only") }
        let measured = try r.number("measured", in: ValidationCase.measuredRange)
        let uncertainty = try r.optionalNumber("uncertainty", in: ValidationCase.uncertaintyRange)
        if uncertainty != nil, !category.isPower { throw r.fail("uncertainty", "applies to power and tdp-bound cases only (the power fit's weight)") }
        let source = try r.source()
        try r.finish()
        if hardware == nil, category != .systolic { throw r.fail("hardware", "is required for \(category.rawValue) cases") }
        try checkPowerMetric(category: category, metric: metric, kind: kind, reader: r)
        return ValidationCase(name: name, file: path, category: category, role: role, hardware: hardware, kind: kind, metric: metric,
                              timing: timing, measured: measured, source: source, uncertainty: uncertainty)
    }
}

extension ValidationCase {
    /// The `power` category measures `watts` or `joules_per_token`, and only it does; power cases
    /// run a GEMM, a STREAM kernel or a transformer trace, and energy per token needs a transformer.
    static func checkPowerMetric(category: Category, metric: Metric, kind: Kind, reader r: JSONObjectReader) throws(ConfigError) {
        let isPowerCategory = category.isPower
        guard isPowerCategory == metric.isPower else {
            throw r.fail("metric", isPowerCategory ? "must be watts or joules_per_token in the \(category.rawValue) category"
                                                   : "\(metric.rawValue) belongs to the power or serving-energy category")
        }
        guard isPowerCategory else { return }
        switch kind {
        case .gemm, .stream: if metric == .joulesPerToken { throw r.fail("metric", "joules_per_token needs a transformer case") }
        case .transformer: break
        default: throw r.fail("case", "power cases run gemm, stream or transformer")
        }
    }
}

extension ValidationCase {
    /// The case with its relative hardware and model paths resolved against `baseDirectory` (the
    /// repository root; nil leaves them relative to the current directory).
    public func resolvingPaths(against baseDirectory: String?) -> ValidationCase {
        guard let baseDirectory else { return self }
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : baseDirectory + "/" + path }
        var out = self
        out.hardware = hardware.map(resolve)
        if case var .transformer(t) = kind {
            t.model = resolve(t.model)
            t.engines = resolve(t.engines)
            out.kind = .transformer(t)
        }
        if case let .serving(serving, relativeTo) = kind {
            out.kind = .serving(serving.resolvingPaths(resolve), relativeTo: relativeTo?.resolvingPaths(resolve))
        }
        if case var .training(t) = kind {
            t.cluster = resolve(t.cluster)
            out.kind = .training(t)
        }
        return out
    }
}
