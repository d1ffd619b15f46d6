import SPUCore

/// What an op does, which decides how the performance model prices it.
public enum OpKind: String, CaseIterable, Sendable, Hashable {
    /// A contraction (matmul, batched matmul, conv lowered to GEMM) on the MAC arrays.
    case matmul
    /// Pointwise arithmetic on the vector units (residual add, activation, rotary embedding).
    case elementwise
    /// Softmax over the last output dimension, on the vector units.
    case softmax
    /// Layer/RMS normalisation, on the vector units.
    case norm
    /// Table lookup: gathers output rows from a weight table (`"vd->td"`).
    case embedding
    /// Collectives over the chips of a tensor-parallel group (see `CollectiveAlgorithm`).
    case allReduce = "all-reduce"
    case allGather = "all-gather"
    case reduceScatter = "reduce-scatter"

    public var isCollective: Bool { self == .allReduce || self == .allGather || self == .reduceScatter }
    public var isVector: Bool { self == .elementwise || self == .softmax || self == .norm || self == .embedding }

    /// Default vector operations per output element (overridable per op with `ops_per_element`).
    /// Softmax: max, subtract, exp, sum, divide. Norm: square, sum, rsqrt share, scale, weight.
    public var defaultOpsPerElement: Double {
        switch self {
        case .elementwise: return 1
        case .softmax: return 5
        case .norm: return 5
        case .embedding, .matmul, .allReduce, .allGather, .reduceScatter: return 0
        }
    }
}

/// How a collective is carried out.
///
/// `ring` is NCCL's bandwidth-optimal ring (what `nccl-tests` measures). `lowLatency` is the
/// one-shot / two-shot all-reduce that serving stacks (TensorRT-LLM, vLLM, SGLang) run for small
/// messages through peer-mapped buffers, priced by the device's `low_latency_all_reduce`
/// calibration. `auto` takes the faster of the two where the device has the low-latency kernel and
/// the message fits its buffer, as those stacks do; otherwise the ring.
public enum CollectiveAlgorithm: String, CaseIterable, Sendable, Hashable {
    case auto
    case ring
    case lowLatency = "low-latency"
}

/// What a tensor is, for capacity accounting and for where it lives.
public enum TensorRole: String, CaseIterable, Sendable, Hashable {
    /// Produced by another op; may stay on chip.
    case activation
    /// Model parameters, resident in off-chip memory.
    case weight
    /// Attention keys/values kept across decode steps, resident in off-chip memory.
    case kvCache = "kv_cache"
}

/// One operand or result of an op: its dimensions (einsum letters), format and role.
public struct TensorRef: Sendable, Hashable {
    /// Optional name; weights with the same name are stored once (e.g. tied embeddings).
    public var name: String?
    /// Einsum letters, outermost first ("td" = tokens x hidden).
    public var dims: [Character]
    public var format: NumberFormat
    public var role: TensorRole
    /// How many copies of this operand's size are resident in memory although only one is read
    /// (e.g. MoE: all experts stored, only the routed ones read). At least 1.
    public var residentMultiplier: Double

    public init(name: String? = nil, dims: [Character], format: NumberFormat, role: TensorRole = .activation, residentMultiplier: Double = 1) {
        self.name = name
        self.dims = dims
        self.format = format
        self.role = role
        self.residentMultiplier = residentMultiplier
    }
}

/// One operation of a workload, in einsum form with named dimensions.
///
/// `inputs`/`output` give each operand's dimension letters; `dims` gives every letter's size.
/// For a matmul, letters in both inputs but not the output are contracted (K), letters in the
/// first input and the output are M, in the second input and the output N, in all three batch.
/// `repeat` evaluates identical ops (a model's layers) once and multiplies.
public struct Op: Sendable, Hashable {
    public var name: String
    public var kind: OpKind
    public var repeatCount: Int
    /// Size of every einsum letter used by the op, in first-use order.
    public var dims: [Character: Int]
    public var inputs: [TensorRef]
    public var output: TensorRef
    /// Vector ops per output element (vector kinds only).
    public var opsPerElement: Double
    /// Chips in the collective's group (collectives only; 1 otherwise).
    public var groupSize: Int
    /// Algorithm of a collective (collectives only; `auto` otherwise).
    public var collectiveAlgorithm: CollectiveAlgorithm
    /// Names of the ops whose outputs this op consumes (producer → consumer edges).
    public var after: [String]
    /// Runs in the same kernel as its producer (the first op of `after`): no launch of its own.
    /// Set on softmax and context of attention, which serving stacks run as one fused kernel.
    public var fusedWithProducer: Bool

    public init(name: String, kind: OpKind, repeatCount: Int = 1, dims: [Character: Int], inputs: [TensorRef], output: TensorRef,
                opsPerElement: Double? = nil, groupSize: Int = 1, collectiveAlgorithm: CollectiveAlgorithm = .auto,
                after: [String] = [], fusedWithProducer: Bool = false) {
        self.name = name
        self.kind = kind
        self.repeatCount = repeatCount
        self.dims = dims
        self.inputs = inputs
        self.output = output
        self.opsPerElement = opsPerElement ?? kind.defaultOpsPerElement
        self.groupSize = groupSize
        self.collectiveAlgorithm = collectiveAlgorithm
        self.after = after
        self.fusedWithProducer = fusedWithProducer
    }

    /// The einsum string, e.g. `"td,dn->tn"`.
    public var einsum: String {
        inputs.map { String($0.dims) }.joined(separator: ",") + "->" + String(output.dims)
    }

    public func elements(_ tensor: TensorRef) -> Double {
        tensor.dims.reduce(1.0) { $0 * Double(dims[$1] ?? 1) }
    }

    public func bytes(_ tensor: TensorRef) -> Double { elements(tensor) * tensor.format.bytesPerElement }

    public var outputElements: Double { elements(output) }

    /// A grouped GEMM (MoE experts): a matmul whose weight operand has a batch dimension, so each
    /// group multiplies its tokens by its own weights.
    public var isGroupedGEMM: Bool {
        guard kind == .matmul, inputs.count == 2, inputs[1].role == .weight else { return false }
        return inputs[1].dims.contains { inputs[0].dims.contains($0) && output.dims.contains($0) }   // a handful of letters: no sets
    }

    /// Reads a KV cache (the score and context matmuls of attention).
    public var readsKVCache: Bool { inputs.contains { $0.role == .kvCache } }

    /// Multiply-accumulates of one execution (matmul: product of all dimension sizes).
    public var macs: Double {
        guard kind == .matmul else { return 0 }
        return dims.values.reduce(1.0) { $0 * Double($1) }
    }

    /// Floating-point (or integer) operations of one execution: 2 per MAC plus vector ops.
    public var flops: Double {
        switch kind {
        case .matmul: return 2 * macs
        case .elementwise, .softmax, .norm, .embedding: return outputElements * opsPerElement
        case .allReduce: return outputElements * Double(groupSize - 1) / Double(max(groupSize, 1))
        case .allGather, .reduceScatter: return 0
        }
    }
}
