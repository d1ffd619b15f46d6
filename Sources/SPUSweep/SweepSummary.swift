/// Progress of a running sweep, in design × workload pairs.
public struct SweepProgress: Sendable {
    public var pointsDone: Int
    /// Pairs still planned plus those done; an adaptive search's total shrinks as repeated or
    /// stored designs need no evaluation, and equals `pointsDone` at the end.
    public var pointsTotal: Int
    public var elapsedSeconds: Double
    public var pointsPerSecond: Double { elapsedSeconds > 0 ? Double(pointsDone) / elapsedSeconds : 0 }
    public var etaSeconds: Double? { pointsDone > 0 && pointsDone < pointsTotal ? Double(pointsTotal - pointsDone) / pointsPerSecond : nil }
}

/// What a sweep would do (`--dry-run`) or did.
public struct SweepSummary: Sendable {
    public var runID: Int64?
    /// Points the source proposed (for NSGA-II, counting repeated proposals).
    public var designPoints: Int
    public var baselinePoints: Int
    public var workloads: Int
    /// Distinct valid points this shard owns (evaluated or pruned).
    public var pointsInShard: Int
    public var prunedBeforeEvaluation: Int
    public var invalidDesigns: [String]
    public var alreadyStored: Int
    public var evaluatedPairs: Int
    public var failingConstraints: Int
    public var cancelled: Bool
    public var seconds: Double
    /// For a dry run of a sweep larger than `SweepLimits.dryRunSample`: the points actually decoded
    /// and checked against the constraints (the first ones); `prunedBeforeEvaluation` and
    /// `invalidDesigns` are then estimated from them. Nil when every point was checked.
    public var sampledPoints: Int? = nil
    /// `--dry-run`'s estimate of the run's wall time on `--jobs` threads (`SweepRunner.estimatedSeconds`).
    public var estimatedSeconds: Double? = nil
}
