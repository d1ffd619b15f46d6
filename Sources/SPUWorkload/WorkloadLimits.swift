/// The accepted range of every number of a workload: model configs (`workloads/models/`),
/// generator arguments (batch, prompt or context, tensor parallelism) and traces
/// (`workloads/traces/`, GEMM lists). The trace reader and the generators check the same
/// constants (`check(_:)`), so a generator never writes a trace its own reader rejects.
///
/// Each range is far wider than any real model or serving setup; its job is to keep the integer
/// arithmetic of the generators and of the GEMM shapes exact (every product below 2^63) and the
/// model's op counts finite. The table in `docs/limits.md` lists them with these reasons.
public enum WorkloadLimits {
    // MARK: Model configs

    /// Hidden size, intermediate size, head dimension, vocabulary: 2^24 (16.7 M; real: up to
    /// ~50 k, vocabularies ~260 k). Products of two of them and a head count stay below 2^63.
    public static let modelWidth = 1...(1 << 24)
    /// Layers, attention heads, key/value heads, experts, experts per token: 2^16 (real: ≤ 256).
    public static let modelCount = 1...(1 << 16)
    /// Maximum position embeddings: 2^31 (2 G tokens; real: up to ~10 M).
    public static let positions = 1...(1 << 31)

    // MARK: Generators

    /// Sequences in a batch: 2^24 (real serving batches: 1–4096).
    public static let batch = 1...(1 << 24)
    /// Prompt or context length in tokens: 2^24 (16.7 M; ≥ 10× the longest context window of any
    /// model today). With `batch`, tokens per iteration ≤ 2^48 cannot overflow before the
    /// dimension check below refuses them. The command line's `--prompt`, `--context` and
    /// `fleet --input-tokens`/`--output-tokens` use this same range.
    public static let sequenceLength = 1...(1 << 24)

    // MARK: Traces

    /// Chips a trace runs on (and a collective's group): 2^20 (1 M; the largest clusters have ~2e5).
    public static let devices = 1...(1 << 20)
    /// Size of one einsum dimension: 2^40 (1.1e12; real: up to ~1e7 tokens of a long prefill
    /// batch, ~4e9 elements of an 8 GB all-reduce).
    public static let dimension = 1...(1 << 40)
    /// The product of all dimension sizes of one op (its iteration space, MACs of a matmul):
    /// 2^62 (4.6e18; an hour of a 1-PFLOP/s chip). Keeps every product of dimensions — batch, M,
    /// N and K of the GEMM shape — below 2^63.
    public static let opIterationSpace = 1...(1 << 62)
    /// Executions of one op per iteration (`repeat`, a model's layers): 2^20 (real: ≤ 256).
    public static let repeatCount = 1...(1 << 20)
    /// Vector operations per output element: 0 to 1e6 (real: 1–50).
    public static let opsPerElement = 0.0...1e6
    /// Resident copies of an operand (`resident_multiplier`, MoE experts stored but not read): 1 to 1e6.
    public static let residentMultiplier = 1.0...1e6
    /// Throughput items per iteration (tokens, samples): 1e-12 to 1e15.
    public static let itemsPerIteration = 1e-12...1e15

    /// Bytes per device of a training trace's memory entries: 0 to 1e18 (1 EB; real: ≤ 1e13).
    public static let trainingBytes = 0.0...1e18
    /// Model FLOPs per device of a training step: 0 to 1e24 (real: ≤ 1e18 per micro-batch).
    public static let trainingFLOPs = 0.0...1e24

    /// Why `op` breaks a trace limit (dimension sizes, their product, repeat, ops per element,
    /// resident multipliers, group), or nil. The trace reader and the generators both call it.
    public static func check(_ op: Op) -> String? {
        for (letter, size) in op.dims.sorted(by: { $0.key < $1.key }) where !dimension.contains(size) {
            return "dimension \"\(letter)\" of op \(op.name) must be in [\(dimension.lowerBound), \(dimension.upperBound)], got \(size)"
        }
        // In Double, so the check itself cannot overflow; 2^62 is exact.
        let space = op.dims.values.reduce(1.0) { $0 * Double($1) }
        if space > Double(opIterationSpace.upperBound) {
            return "op \(op.name): the product of its dimension sizes (\(space)) must be at most 2^62 = \(opIterationSpace.upperBound)"
        }
        if !repeatCount.contains(op.repeatCount) {
            return "op \(op.name): repeat must be in [\(repeatCount.lowerBound), \(repeatCount.upperBound)], got \(op.repeatCount)"
        }
        if !opsPerElement.contains(op.opsPerElement) {
            return "op \(op.name): ops_per_element must be in [0, 1e+06], got \(op.opsPerElement)"
        }
        if let tensor = op.inputs.first(where: { !residentMultiplier.contains($0.residentMultiplier) }) {
            return "op \(op.name): resident_multiplier must be in [1, 1e+06], got \(tensor.residentMultiplier)"
        }
        if !devices.contains(op.groupSize) {
            return "op \(op.name): group must be in [\(devices.lowerBound), \(devices.upperBound)], got \(op.groupSize)"
        }
        return nil
    }
}

/// A generator argument or model outside `WorkloadLimits`, or a combination the generator cannot
/// build (tensor parallelism that does not divide the heads). The message names the argument.
public enum WorkloadGeneratorError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self { case let .invalid(message): return message }
    }
}
