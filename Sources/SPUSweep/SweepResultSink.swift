/// Where a sweep's rows go: the last stage of source → evaluator → sink.
///
/// A sink keeps runs. The sweep driver opens (or, with `--resume`, reopens) one run, reads what
/// it already holds so stored pairs are not evaluated again, writes rows in batches in point
/// order, and closes the run as finished or interrupted. Every call comes from the driving
/// thread, one at a time, except `storedPoints`, which a streamed sweep's producer thread calls
/// while the driving thread writes other points. `ResultsStore` (SQLite, in SPUResults) and
/// `InMemoryResultSink` are the two implementations.
public protocol SweepResultSink: AnyObject, Sendable {
    /// Starts a run; when `resume`, returns instead the latest run with the same configuration
    /// hash and shard, if there is one.
    func openRun(_ run: SweepRunDescription, resume: Bool) throws -> Int64

    /// What the run holds for its points with an index in `points`, by point index: the design
    /// and the workloads stored for it (a resumed run reads this a batch at a time). Safe to call
    /// from another thread while the driving thread writes points outside `points`.
    func storedPoints(runID: Int64, in points: Range<Int>) throws -> [Int: StoredPoint]

    /// The metrics an adaptive search ranks on (`NSGA2Search.metrics`) of every pair stored for
    /// the run, by `SweepPair.key`; non-finite values are absent.
    func storedMetrics(runID: Int64) throws -> [String: [String: Double]]

    /// Stores a batch of rows atomically (per-op rows too when `storeOps`). The driver never
    /// writes a pair that is already stored.
    func writeBatch(runID: Int64, rows: [SweepResultRow], storeOps: Bool) throws

    /// Closes the run.
    func finishRun(runID: Int64, status: SweepRunStatus) throws
}

/// The pairs a run holds for one of its points: its design and the workloads stored with it.
public struct StoredPoint: Sendable, Equatable {
    public var designHash: String
    public var workloadHashes: Set<String>

    public init(designHash: String, workloadHashes: Set<String>) {
        self.designHash = designHash
        self.workloadHashes = workloadHashes
    }
}

/// The provenance a sink records for a run.
public struct SweepRunDescription: Sendable, Equatable {
    public var kind: String
    public var name: String
    public var command: String
    /// Canonical JSON of the sweep specification, and its hash (what `--resume` matches).
    public var configJSON: String
    public var configHash: String
    /// "K/N" when sharded.
    public var shard: String?

    public init(kind: String = "sweep", name: String, command: String, configJSON: String, configHash: String, shard: String?) {
        self.kind = kind
        self.name = name
        self.command = command
        self.configJSON = configJSON
        self.configHash = configHash
        self.shard = shard
    }
}

/// How a run ended (stored as the run's `status`).
public enum SweepRunStatus: String, Sendable {
    case finished
    /// Stopped by a cancellation after the batch in flight; `--resume` continues it.
    case interrupted
}
