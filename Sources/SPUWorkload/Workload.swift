import SPUCore

/// What one run of a trace stands for.
public enum Phase: String, CaseIterable, Sendable {
    /// Processing the prompt; latency is time to first token for the batch.
    case prefill
    /// One autoregressive step; latency is the time of one decode step.
    case decode
    /// One training step (forward and backward).
    case training
    /// A forward pass of a non-LLM model (CNN inference).
    case inference
    /// A list of independent ops (e.g. a GEMM list).
    case other
}

/// A workload trace: the ops one chip executes for one iteration, in dependency order.
///
/// Traces are per chip: a model sharded over `devices` chips by tensor parallelism lists one
/// shard's ops, with collectives for the communication. See `docs/workload-format.md`.
public struct Workload: Sendable {
    public var name: String
    public var description: String?
    public var phase: Phase
    /// Chips that run this trace together (each runs the same per-chip ops).
    public var devices: Int
    /// Unit of useful work ("tokens", "samples", "gemms") and how many one iteration produces.
    public var throughputUnit: String
    public var itemsPerIteration: Double
    public var ops: [Op] { didSet { memo = WorkloadMemo() } }
    /// How the trace was made (generator and its arguments), free-form; not hashed.
    public var provenance: String?
    /// The step a `training` trace stands for (micro-batch, recomputation, memory); nil otherwise.
    public var training: TrainingStep?
    /// `opFacts` and `summary`, computed on first use; a new (empty) one whenever `ops` changes.
    private var memo = WorkloadMemo()

    public init(name: String, description: String? = nil, phase: Phase, devices: Int = 1, throughputUnit: String,
                itemsPerIteration: Double, ops: [Op], provenance: String? = nil, training: TrainingStep? = nil) {
        self.name = name
        self.description = description
        self.phase = phase
        self.devices = devices
        self.throughputUnit = throughputUnit
        self.itemsPerIteration = itemsPerIteration
        self.ops = ops
        self.provenance = provenance
        self.training = training
    }
}

/// Totals of a workload, per chip: what `spusim workload show` prints and capacity checks use.
public struct WorkloadSummary: Sendable, Equatable {
    /// Ops in the trace (distinct entries) and ops executed (weighted by repeat).
    public var opEntries: Int
    public var opsExecuted: Int
    public var flops: Double
    public var macs: Double
    /// Resident parameter bytes per chip (same-named weights counted once).
    public var weightBytes: Double
    /// Parameters per chip (weight elements, including resident MoE experts).
    public var parameters: Double
    public var kvCacheBytes: Double
    /// Largest single-op activation footprint (inputs + output), a lower bound on live activations.
    public var peakActivationBytes: Double
    /// Bytes one chip sends through collectives per iteration.
    public var collectiveBytes: Double
}

extension Workload {
    /// `OpFacts` of every op, in op order: computed once per workload (copies share them until
    /// their ops change).
    public var opFacts: [OpFacts] { memo.opFacts { OpFacts.of(ops) } }

    /// Computed once per workload, like `opFacts`.
    public var summary: WorkloadSummary { memo.summary { computeSummary() } }

    private func computeSummary() -> WorkloadSummary {
        var flops = 0.0, macs = 0.0, executed = 0, peakActivation = 0.0, collective = 0.0
        var residentByName: [String: (bytes: Double, elements: Double)] = [:]
        var anonymousWeightBytes = 0.0, anonymousWeightElements = 0.0
        var kvByName: [String: Double] = [:]
        var anonymousKV = 0.0
        for op in ops {
            let r = Double(op.repeatCount)
            flops += op.flops * r
            macs += op.macs * r
            executed += op.repeatCount
            var activation = op.bytes(op.output)
            for tensor in op.inputs {
                let bytes = op.bytes(tensor) * tensor.residentMultiplier * r
                let elements = op.elements(tensor) * tensor.residentMultiplier * r
                switch tensor.role {
                case .weight:
                    if let name = tensor.name {
                        let old = residentByName[name] ?? (0, 0)
                        residentByName[name] = (max(old.bytes, bytes), max(old.elements, elements))
                    } else {
                        anonymousWeightBytes += bytes
                        anonymousWeightElements += elements
                    }
                case .kvCache:
                    if let name = tensor.name { kvByName[name] = max(kvByName[name] ?? 0, bytes) } else { anonymousKV += bytes }
                case .activation:
                    activation += op.bytes(tensor)
                }
            }
            peakActivation = max(peakActivation, activation)
            if op.kind.isCollective { collective += op.bytes(op.output) * r }
        }
        let named = residentByName.values
        return WorkloadSummary(
            opEntries: ops.count, opsExecuted: executed, flops: flops, macs: macs,
            weightBytes: anonymousWeightBytes + named.reduce(0) { $0 + $1.bytes },
            parameters: anonymousWeightElements + named.reduce(0) { $0 + $1.elements },
            kvCacheBytes: anonymousKV + kvByName.values.reduce(0, +),
            peakActivationBytes: peakActivation, collectiveBytes: collective)
    }
}
