import Foundation
import SPUPerformance

/// How a sweep runs: threads, resume, shard, mapping-search budget and write batch size.
public struct SweepOptions: Sendable {
    public var jobs: Int
    public var resume: Bool
    /// Shard (k, n): this process runs the points with index % n == k − 1.
    public var shard: (k: Int, n: Int)?
    public var mappingBudget: Int
    /// Points per database transaction (per job).
    public var batchPointsPerJob: Int

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, resume: Bool = false, shard: (k: Int, n: Int)? = nil,
                mappingBudget: Int = MappingSearchOptions().budget, batchPointsPerJob: Int = 8) {
        self.jobs = max(1, jobs)
        self.resume = resume
        self.shard = shard
        self.mappingBudget = mappingBudget
        self.batchPointsPerJob = batchPointsPerJob
    }

    var shardLabel: String? { shard.map { "\($0.k)/\($0.n)" } }

    /// Whether this process owns the point (or baseline) with `index`.
    func inShard(_ index: Int) -> Bool {
        guard let shard else { return true }
        return index % shard.n == shard.k - 1
    }
}

/// A flag a signal handler sets to stop a sweep after the batch in flight.
public final class SweepCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
}
