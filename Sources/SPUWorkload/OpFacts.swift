import Foundation
import SPUCore

/// What evaluating one op reads over and over, computed once per workload (`Workload.opFacts`; a
/// class, so handing it down costs one reference count)
/// instead of once per evaluation: element and byte counts of every operand (each a product over
/// the `dims` dictionary keyed by `Character`, whose hashing dominated the vector-op model), the
/// einsum string, FLOPs, the GEMM form of a matmul and the op's evaluation-cache key.
///
/// Every value is computed by the same expression as the `Op` helper it stands for
/// (`elements`, `bytes`, `einsum`, `flops`, `isGroupedGEMM`, `readsKVCache`), so using it
/// changes no result, bit for bit.
public final class OpFacts: Sendable {
    /// `op.elements(op.inputs[i])` and `op.bytes(op.inputs[i])`.
    public let inputElements: [Double]
    public let inputBytes: [Double]
    /// `op.outputElements` and `op.bytes(op.output)`.
    public let outputElements: Double
    public let outputBytes: Double
    public let einsum: String
    public let flops: Double
    public let isGroupedGEMM: Bool
    public let readsKVCache: Bool
    /// A two-input op in batched GEMM form (letters in both inputs and the output: batch; first
    /// input and output: M; second input and output: N; the rest: K); all 1 otherwise.
    public let gemmBatch: Int, gemmM: Int, gemmN: Int, gemmK: Int
    /// `op.evaluationKey` and its hash value (this process's seed).
    public let evaluationKey: String
    public let evaluationKeyHash: Int
    /// The first earlier op of the workload with the same `evaluationKey` (it evaluates the same
    /// on any design), nil if none.
    public let sameAs: Int?

    public convenience init(_ op: Op) { self.init(op, key: op.evaluationKey, sameAs: nil) }

    init(_ op: Op, key: String, sameAs: Int?) {
        self.sameAs = sameAs
        inputElements = op.inputs.map { op.elements($0) }
        inputBytes = op.inputs.map { op.bytes($0) }
        outputElements = op.outputElements
        outputBytes = op.bytes(op.output)
        einsum = op.einsum
        flops = op.flops
        isGroupedGEMM = op.isGroupedGEMM
        readsKVCache = op.readsKVCache
        var batch = 1, m = 1, n = 1, k = 1
        if op.inputs.count == 2 {
            let a = op.inputs[0].dims, b = op.inputs[1].dims, out = op.output.dims
            for (letter, size) in op.dims {
                switch (a.contains(letter), b.contains(letter), out.contains(letter)) {
                case (true, true, true): batch *= size
                case (true, false, true): m *= size
                case (false, true, true): n *= size
                default: k *= size
                }
            }
        }
        (gemmBatch, gemmM, gemmN, gemmK) = (batch, m, n, k)
        evaluationKey = key
        evaluationKeyHash = key.hashValue
    }

    /// The facts of every op of `ops`, with `sameAs` filled in.
    static func of(_ ops: [Op]) -> [OpFacts] {
        var first: [String: Int] = [:]
        return ops.indices.map { index in
            let key = ops[index].evaluationKey
            let earlier = first[key]
            if earlier == nil { first[key] = index }
            return OpFacts(ops[index], key: key, sameAs: earlier)
        }
    }
}

extension Op {
    /// Identifies what affects the op's evaluation on a given design, except its name and repeat
    /// count: kind, einsum, dimension sizes (sorted by letter), operand formats and roles, output
    /// format, vector ops per element, group size, collective algorithm and fusion.
    public var evaluationKey: String {
        var key = "\(kind.rawValue)|\(einsum)|"
        for letter in dims.keys.sorted() { key += "\(letter)\(dims[letter]!)," }
        for t in inputs { key += "|\(t.format.rawValue):\(t.role.rawValue)" }
        key += "|\(output.format.rawValue)|\(opsPerElement)|\(groupSize)|\(collectiveAlgorithm.rawValue)|\(fusedWithProducer)"
        return key
    }
}

/// The per-workload memo behind `Workload.opFacts` and `Workload.summary`: filled on first use,
/// shared by copies of the workload, replaced whenever its ops change. Thread-safe.
final class WorkloadMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var facts: [OpFacts]?
    private var summary: WorkloadSummary?

    func opFacts(_ make: () -> [OpFacts]) -> [OpFacts] {
        if let facts = lock.withLock({ facts }) { return facts }
        let made = make()
        return lock.withLock {
            if facts == nil { facts = made }
            return facts!
        }
    }

    func summary(_ make: () -> WorkloadSummary) -> WorkloadSummary {
        if let summary = lock.withLock({ summary }) { return summary }
        let made = make()
        return lock.withLock {
            if summary == nil { summary = made }
            return summary!
        }
    }
}
