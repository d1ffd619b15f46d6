import Foundation
import SPUCore
import SPUWorkload

/// Memoises op evaluations within a sweep: an op with the same shape, formats and roles on a unit
/// configuration already evaluated (same performance-relevant device fields, effective clock,
/// mapping budget and objective, and for the energy and EDP objectives the same energy prices;
/// see `PerformanceModel.cacheKey`) is computed once. Evaluation is a pure function, so hits return exactly what a fresh evaluation
/// would; the cache only saves time. Thread-safe.
public final class OpEvaluationCache: @unchecked Sendable {
    /// The design part of a key (`PerformanceModel.cacheKey`), hashed once per model.
    struct DesignKey: Sendable, Hashable {
        let text: String
        let hash: Int

        init(_ text: String) {
            self.text = text
            hash = text.hashValue
        }

        static func == (a: DesignKey, b: DesignKey) -> Bool { a.hash == b.hash && a.text == b.text }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// An op evaluation's key: the design part and the op's `evaluationKey` (`OpFacts`), both
    /// hashed once; equal exactly when both texts are equal.
    struct Key: Hashable {
        let design: String
        let op: String
        let hash: Int

        init(design: DesignKey, op: OpFacts) {
            self.design = design.text
            self.op = op.evaluationKey
            hash = design.hash ^ (op.evaluationKeyHash &* -7046029254386353131)   // 0x9E3779B97F4A7C15: spreads the op's bits
        }

        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.design == b.design && a.op == b.op }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private let lock = NSLock()
    private var entries: [Key: OpResult] = [:]
    private var hitCount = 0
    private var missCount = 0
    /// Lookups and hits since the admission policy last looked (see `admits`).
    private var windowLookups = 0
    private var windowHits = 0
    /// Whether hits are rare, so a design part is only admitted once seen before.
    private var sparse = false
    private var seenPairs = Set<SeenPair>()

    /// Entries held at most: when full, the cache starts again empty (a pure memo, so results do
    /// not depend on it), which keeps a long sweep over many unit configurations in flat memory.
    public let capacity: Int

    public init(capacity: Int = .max) { self.capacity = max(1, capacity) }

    /// Lookups per look of the admission policy, and the hit rate below which it turns sparse.
    static let window = 4096
    static let sparseHitRate = 1.0 / 64

    /// Whether an evaluation of a workload's ops on the design part `design` (one model's)
    /// should look its ops up and store them. Always, while the cache hits; when fewer than 1 in
    /// 64 lookups of the last 4,096 hit (every design of a random sweep has its own units and
    /// clock, and the storing alone cost more than the rare hit saves), only a design part seen
    /// before with the same workload (`workload` tags it): a pair is stored from its second
    /// evaluation on (a grid axis the ops do not see, such as TDP), not when the next workload of
    /// a sweep runs on the design (3.5 % of a 10⁶-point grid's time went to storing those, which
    /// never hit). If hits come back the policy turns dense again. Results do not depend on it (a
    /// pure memo).
    func admits(_ design: DesignKey, workload: Int) -> Bool {
        lock.withLock {
            guard sparse else { return true }
            let seen = SeenPair(design: design, workload: workload)
            if seenPairs.contains(seen) { return true }
            if seenPairs.count >= 100_000 { seenPairs.removeAll(keepingCapacity: true) }
            seenPairs.insert(seen)
            return false
        }
    }

    /// A design part and a workload's tag, as the sparse admission policy remembers them.
    struct SeenPair: Hashable {
        let design: DesignKey
        let workload: Int
    }

    /// Counts op evaluations served by a memo outside the table (an earlier op of the same
    /// evaluation with the same key).
    func countHits(_ n: Int) {
        guard n > 0 else { return }
        lock.withLock { hitCount += n }
    }

    func value(_ key: Key) -> OpResult? {
        lock.withLock {
            let value = entries[key]
            if value != nil { hitCount += 1; windowHits += 1 } else { missCount += 1 }
            windowLookups += 1
            if windowLookups >= Self.window {
                let wasSparse = sparse
                sparse = Double(windowHits) < Double(windowLookups) * Self.sparseHitRate
                if sparse != wasSparse { seenPairs.removeAll() }
                windowLookups = 0
                windowHits = 0
            }
            return value
        }
    }

    func store(_ key: Key, _ value: OpResult) {
        lock.withLock {
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }

    /// Op evaluations held.
    public var count: Int { lock.withLock { entries.count } }

    public var hits: Int { lock.withLock { hitCount } }
    public var misses: Int { lock.withLock { missCount } }
}
