import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUWorkload

/// How a replica batches requests.
public enum BatchingPolicy: String, Sendable, CaseIterable {
    /// Iteration-level continuous batching with chunked prefill (Sarathi-Serve; vLLM V1's default):
    /// every iteration runs all decodes plus prefill chunks up to the token budget.
    case chunked
    /// Continuous batching, prefills first (Orca; vLLM V0's default without chunked prefill): an
    /// iteration either prefills whole prompts that fit the token budget or decodes every running
    /// sequence.
    case prefillFirst = "prefill-first"
    /// Static batching (FasterTransformer; TensorRT-LLM `gptSessionBenchmark`): a batch of up to
    /// `maxSequences` requests is prefilled together and decoded until its last request ends,
    /// before the next batch is admitted.
    case `static`
}

/// What a preempted sequence's KV cache becomes when the pool runs out of blocks (vLLM's two modes).
public enum PreemptionMode: String, Sendable, CaseIterable {
    /// Freed; the sequence's prompt and generated tokens are prefilled again on resumption.
    case recompute
    /// Copied to host memory and back over the host link (`swapBytesPerSecond`).
    case swap
}

/// The engine-side settings of a serving replica (the knobs of vLLM's `EngineArgs`; defaults are
/// vLLM's where one exists).
public struct SchedulerOptions: Sendable, Equatable {
    public var batching: BatchingPolicy = .chunked
    /// Most sequences in one iteration (vLLM `max_num_seqs`, default 256).
    public var maxSequences = 256
    /// Most new tokens in one iteration (vLLM `max_num_batched_tokens`; 8192 is vLLM V1's default
    /// for online serving on data-centre GPUs, `vllm/engine/arg_utils.py`, and the ML.ENERGY runs').
    public var tokenBudget = 8192
    /// Tokens per KV-cache block (vLLM `block_size`, default 16).
    public var blockTokens = 16
    /// Share of device memory the engine may use for weights, activations and KV cache (vLLM
    /// `gpu_memory_utilization`, default 0.9).
    public var memoryUtilization = 0.9
    public var preemption: PreemptionMode = .recompute
    /// Host-link bandwidth per chip for swapping KV blocks (PCIe 5.0 x16: 64 GB/s raw per
    /// direction; about 50 GB/s achieved; assumption).
    public var swapBytesPerSecond = 50e9
    /// Significant bits kept when bucketing iteration shapes (`IterationCostModel`).
    public var bucketBits = 6
    /// Admission control at the door: a request arriving at a replica with this many requests
    /// already waiting is rejected (load shedding; counted, never served). nil: unlimited.
    public var maxQueuedRequests: Int? = nil

    public init() {}

    public func validated() throws(ServingError) -> SchedulerOptions {
        guard (1...65536).contains(maxSequences) else { throw .invalid("max sequences per iteration must be in [1, 65536], got \(maxSequences)") }
        guard (1...(1 << 20)).contains(tokenBudget) else { throw .invalid("the token budget must be in [1, 1048576], got \(tokenBudget)") }
        guard (1...4096).contains(blockTokens) else { throw .invalid("KV block size must be in [1, 4096] tokens, got \(blockTokens)") }
        guard memoryUtilization.isFinite, memoryUtilization > 0, memoryUtilization <= 1 else {
            throw .invalid("memory utilisation must be in (0, 1], got \(memoryUtilization)")
        }
        guard swapBytesPerSecond.isFinite, swapBytesPerSecond > 0 else { throw .invalid("the swap bandwidth must be positive") }
        guard (2...30).contains(bucketBits) else { throw .invalid("bucket bits must be in [2, 30], got \(bucketBits)") }
        if let limit = maxQueuedRequests, !(1...(1 << 30)).contains(limit) { throw .invalid("the queue limit must be in [1, 1073741824] requests, got \(limit)") }
        return self
    }
}

/// A pool of identical replicas: `replicas` model instances, each on `tensorParallel` chips of one design.
public struct ServingPool: Sendable {
    public var evaluator: DesignEvaluator
    public var tensorParallel: Int
    public var replicas: Int

    public init(evaluator: DesignEvaluator, tensorParallel: Int, replicas: Int = 1) {
        self.evaluator = evaluator
        self.tensorParallel = tensorParallel
        self.replicas = replicas
    }

    public var chips: Int { tensorParallel * replicas }
}

/// How prefilled KV caches travel from the prefill pool to the decode pool (disaggregated
/// serving, DistServe / Splitwise): one transfer at a time into each decode replica, over
/// `min(prefill TP, decode TP)` chips in parallel, each at `bytesPerSecondPerChip`.
public struct KVTransferLink: Sendable, Equatable {
    public var bytesPerSecondPerChip: Double
    public var latencySeconds: Double
    public var source: String

    public init(bytesPerSecondPerChip: Double, latencySeconds: Double, source: String) {
        self.bytesPerSecondPerChip = bytesPerSecondPerChip
        self.latencySeconds = latencySeconds
        self.source = source
    }

    /// Between two designs: their chip links when both have them (the slower design's bandwidth
    /// per chip, the larger latency), else a 400 Gb/s network port per chip.
    public static func between(_ a: DeviceSpec, _ b: DeviceSpec) -> KVTransferLink {
        let la = a.chipLinks, lb = b.chipLinks
        if la.count > 0, lb.count > 0 {
            return KVTransferLink(bytesPerSecondPerChip: min(la.totalBytesPerSecondPerDirection, lb.totalBytesPerSecondPerDirection),
                                  latencySeconds: max(la.latencySeconds, lb.latencySeconds),
                                  source: "chip links of \(a.name) and \(b.name) (the slower per chip)")
        }
        return network
    }

    /// One 400 Gb/s port per chip (DGX H100: eight ConnectX-7 400 Gb/s NICs for eight GPUs),
    /// 50 GB/s, with 10 µs of latency (assumption: RDMA transfer set-up).
    public static let network = KVTransferLink(bytesPerSecondPerChip: 50e9, latencySeconds: 10e-6,
                                               source: "400 Gb/s network port per chip (DGX H100: eight 400 Gb/s ConnectX-7 for eight GPUs), 10 µs latency (assumption)")
}

/// A serving system: one pool doing both phases, or a prefill pool and a decode pool.
public struct ServingSystem: Sendable {
    public var model: TransformerConfig
    public var modelName: String
    /// The precision recipe the model is served in (weights, activations, KV cache).
    public var recipe: PrecisionRecipe
    /// The activations' format.
    public var format: NumberFormat { recipe.activations }
    /// The KV cache's format.
    public var kvFormat: NumberFormat { recipe.kvCache }
    /// The pool that prefills (and decodes, when `decode` is nil).
    public var prefill: ServingPool
    /// The decode pool of a disaggregated system.
    public var decode: ServingPool?
    public var kvLink: KVTransferLink
    public var scheduler: SchedulerOptions
    public var engine: EngineProfile

    public init(model: TransformerConfig, modelName: String, format: NumberFormat, kvFormat: NumberFormat? = nil,
                prefill: ServingPool, decode: ServingPool? = nil, kvLink: KVTransferLink? = nil,
                scheduler: SchedulerOptions = SchedulerOptions(), engine: EngineProfile = .ideal) {
        self.init(model: model, modelName: modelName,
                  recipe: PrecisionRecipe(name: format.rawValue, weights: format, activations: format, kvCache: kvFormat ?? format),
                  prefill: prefill, decode: decode, kvLink: kvLink, scheduler: scheduler, engine: engine)
    }

    public init(model: TransformerConfig, modelName: String, recipe: PrecisionRecipe,
                prefill: ServingPool, decode: ServingPool? = nil, kvLink: KVTransferLink? = nil,
                scheduler: SchedulerOptions = SchedulerOptions(), engine: EngineProfile = .ideal) {
        self.model = model
        self.modelName = modelName
        self.recipe = recipe
        self.prefill = prefill
        self.decode = decode
        self.kvLink = kvLink ?? decode.map { KVTransferLink.between(prefill.evaluator.device, $0.evaluator.device) } ?? .network
        self.scheduler = scheduler
        self.engine = engine
    }

    public var chips: Int { prefill.chips + (decode?.chips ?? 0) }
}
