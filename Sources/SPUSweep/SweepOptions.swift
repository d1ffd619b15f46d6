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
    /// Points a sampling source (grid, random, Latin hypercube) hands the evaluator at once.
    public var pointsPerBatch: Int

    /// Clamps `jobs` to [1, `SweepLimits.jobs`] and the batch sizes to their limits (the command
    /// line refuses out-of-range values before it gets here).
    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, resume: Bool = false, shard: (k: Int, n: Int)? = nil,
                mappingBudget: Int = MappingSearchOptions().budget, batchPointsPerJob: Int = SweepOptions.defaultBatchPointsPerJob,
                pointsPerBatch: Int = SweepOptions.defaultPointsPerBatch) {
        self.jobs = min(max(1, jobs), SweepLimits.jobs)
        self.resume = resume
        self.shard = shard
        self.mappingBudget = mappingBudget
        self.batchPointsPerJob = min(max(1, batchPointsPerJob), SweepLimits.batchPointsPerJob)
        self.pointsPerBatch = min(max(1, pointsPerBatch), SweepLimits.pointsPerBatch)
    }

    /// Points per job per database transaction by default: 256 (× jobs × workloads rows per
    /// commit; a kill loses at most that, well under a second of work). Fewer, larger commits
    /// touch each page of the results index once per commit instead of once per few rows.
    public static let defaultBatchPointsPerJob = 256
    /// Points a sampling source hands the evaluator at once by default: 1,024 decoded designs
    /// (kilobytes each) keep a sweep's memory near 100 MB whatever its size.
    public static let defaultPointsPerBatch = 1_024

    /// Pairs per database transaction: jobs × points per job × workloads (saturating; the
    /// factors are clamped, so it stays far below `Int.max`).
    func chunkPairs(workloads: Int) -> Int {
        SweepLimits.saturatingProduct([jobs, batchPointsPerJob, max(1, workloads)])
    }

    var shardLabel: String? { shard.map { "\($0.k)/\($0.n)" } }

    /// How many of the points 0..<total this process owns.
    func pointsInShard(_ total: Int) -> Int {
        guard let shard else { return total }
        let first = shard.k - 1
        return first < total ? (total - first - 1) / shard.n + 1 : 0
    }

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
