import Foundation
/// A result sink that keeps runs in memory: for tests, notebooks and embedding a sweep without a
/// database. It follows the SQLite store's run semantics (resume reopens the latest run with the
/// same configuration hash and shard; stored metrics omit non-finite values as NULL columns do).
/// Thread-safe: every access holds its lock.
public final class InMemoryResultSink: SweepResultSink, @unchecked Sendable {
    /// One run and the rows written to it, in write order.
    public struct Run {
        public var id: Int64
        public var description: SweepRunDescription
        /// nil while running.
        public var status: SweepRunStatus?
        public var rows: [SweepResultRow]
    }

    private let lock = NSLock()
    private var storage: [Run] = []

    /// The runs, in the order they were opened.
    public var runs: [Run] { lock.withLock { storage } }

    public init() {}

    /// The run with `id`.
    public func run(_ id: Int64) -> Run? { runs.first { $0.id == id } }

    public func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64 {
        lock.withLock {
            if resume, let existing = storage.last(where: { $0.description.configHash == run.configHash && $0.description.shard == run.shard }) {
                return existing.id
            }
            let id = (storage.last?.id ?? 0) + 1
            storage.append(Run(id: id, description: run, status: nil, rows: []))
            return id
        }
    }

    public func storedPoints(runID: Int64, in points: Range<Int>) throws -> [Int: StoredPoint] {
        var out: [Int: StoredPoint] = [:]
        for row in try slot(runID).rows {
            guard let index = row.point.pointIndex, points.contains(index) else { continue }
            out[index, default: StoredPoint(designHash: row.design.contentHash, workloadHashes: [])].workloadHashes.insert(row.workloadHash)
        }
        return out
    }

    public func storedMetrics(runID: Int64) throws -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for row in try slot(runID).rows {
            out[row.pairKey] = NSGA2Search.metrics(row.evaluation, meets: row.point.meetsConstraints).filter { $0.value.isFinite }
        }
        return out
    }

    public func writeBatch(runID: Int64, rows: [SweepResultRow], storeOps: Bool) throws {
        try lock.withLock { storage[try position(runID)].rows += rows }
    }

    public func finishRun(runID: Int64, status: SweepRunStatus) throws {
        try lock.withLock { storage[try position(runID)].status = status }
    }

    /// The run's index in `storage`; the caller holds the lock.
    private func position(_ runID: Int64) throws -> Int {
        guard let index = storage.firstIndex(where: { $0.id == runID }) else { throw SweepError.message("no run \(runID) in the in-memory sink") }
        return index
    }

    private func slot(_ runID: Int64) throws -> Run { try lock.withLock { storage[try position(runID)] } }
}
