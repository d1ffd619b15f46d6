/// A result sink that keeps runs in memory: for tests, notebooks and embedding a sweep without a
/// database. It follows the SQLite store's run semantics (resume reopens the latest run with the
/// same configuration hash and shard; stored metrics omit non-finite values as NULL columns do).
public final class InMemoryResultSink: SweepResultSink {
    /// One run and the rows written to it, in write order.
    public struct Run {
        public var id: Int64
        public var description: SweepRunDescription
        /// nil while running.
        public var status: SweepRunStatus?
        public var rows: [SweepResultRow]
    }

    public private(set) var runs: [Run] = []

    public init() {}

    /// The run with `id`.
    public func run(_ id: Int64) -> Run? { runs.first { $0.id == id } }

    public func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64 {
        if resume, let existing = runs.last(where: { $0.description.configHash == run.configHash && $0.description.shard == run.shard }) {
            return existing.id
        }
        let id = (runs.last?.id ?? 0) + 1
        runs.append(Run(id: id, description: run, status: nil, rows: []))
        return id
    }

    public func storedPairs(runID: Int64) throws -> Set<String> {
        Set(try slot(runID).rows.map(\.pairKey))
    }

    public func storedMetrics(runID: Int64) throws -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for row in try slot(runID).rows {
            out[row.pairKey] = NSGA2Search.metrics(row.evaluation, meets: row.point.meetsConstraints).filter { $0.value.isFinite }
        }
        return out
    }

    public func writeBatch(runID: Int64, rows: [SweepResultRow], storeOps: Bool) throws {
        let index = try position(runID)
        runs[index].rows += rows
    }

    public func finishRun(runID: Int64, status: SweepRunStatus) throws {
        let index = try position(runID)
        runs[index].status = status
    }

    private func position(_ runID: Int64) throws -> Int {
        guard let index = runs.firstIndex(where: { $0.id == runID }) else { throw SweepError.message("no run \(runID) in the in-memory sink") }
        return index
    }

    private func slot(_ runID: Int64) throws -> Run { runs[try position(runID)] }
}
