import Foundation
import SPUCore
import SPUWorkload

/// Memoises op evaluations within a sweep: an op with the same shape, formats and roles on a unit
/// configuration already evaluated (same performance-relevant device fields, effective clock,
/// mapping budget and objective, and for the energy and EDP objectives the same energy prices;
/// see `PerformanceModel.cacheKey`) is computed once. Evaluation is a pure function, so hits return exactly what a fresh evaluation
/// would; the cache only saves time. Thread-safe.
public final class OpEvaluationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: OpResult] = [:]
    private var hitCount = 0
    private var missCount = 0

    /// Entries held at most: when full, the cache starts again empty (a pure memo, so results do
    /// not depend on it), which keeps a long sweep over many unit configurations in flat memory.
    public let capacity: Int

    public init(capacity: Int = .max) { self.capacity = max(1, capacity) }

    func value(_ key: String) -> OpResult? {
        lock.withLock {
            let value = entries[key]
            if value != nil { hitCount += 1 } else { missCount += 1 }
            return value
        }
    }

    func store(_ key: String, _ value: OpResult) {
        lock.withLock {
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }

    /// Op evaluations held.
    public var count: Int { lock.withLock { entries.count } }

    public var hits: Int { lock.withLock { hitCount } }
    public var misses: Int { lock.withLock { missCount } }

    /// A key for an op: everything that affects its evaluation except its name and repeat count.
    static func opKey(_ op: Op) -> String {
        var key = "\(op.kind.rawValue)|\(op.einsum)|"
        for letter in op.dims.keys.sorted() { key += "\(letter)\(op.dims[letter]!)," }
        for t in op.inputs { key += "|\(t.format.rawValue):\(t.role.rawValue)" }
        key += "|\(op.output.format.rawValue)|\(op.opsPerElement)|\(op.groupSize)|\(op.collectiveAlgorithm.rawValue)|\(op.fusedWithProducer)"
        return key
    }
}
