/// The first stage of source → evaluator → sink: proposes design points in batches.
///
/// The sweep driver asks for a batch, evaluates it, and hands the outcome of every point back
/// with `observe` before asking for the next batch, so an adaptive search (NSGA-II) can choose
/// its next generation from the last one. A sampling strategy (grid, random, Latin hypercube)
/// knows all its points up front: it yields them as one batch and ignores what it is told.
public protocol DesignPointSource {
    /// Whether `observe` needs each point's metrics (the driver then keeps them for the batch and
    /// reads stored metrics back on resume); false for sampling strategies.
    var isAdaptive: Bool { get }

    /// Points proposed so far, counting each proposal of a design the source had proposed before.
    var proposedPoints: Int { get }

    /// An upper bound on the points still to come (for progress).
    var remainingPoints: Int { get }

    /// How the evaluator treats a design that fails a pre-evaluation constraint.
    var preEvaluationPolicy: PreEvaluationPolicy { get }

    /// The next points to evaluate (possibly none, when every proposal was seen before), or nil
    /// when the source is exhausted. Indices are unique within the sweep.
    mutating func nextBatch() -> [DesignPoint]?

    /// The outcomes of the last batch's points, in batch order. The driver calls it only when the
    /// source `isAdaptive`.
    mutating func observe(_ outcomes: [PointOutcome])
}

/// What the evaluator does with a design that fails a pre-evaluation constraint (area, cost).
public enum PreEvaluationPolicy: Sendable {
    /// Skip it without evaluating any workload (counted as pruned).
    case prune
    /// Evaluate it and store its rows with `meets_constraints = 0` (a search ranks it below every
    /// design that meets them).
    case evaluateAndMark
}

/// What became of one proposed point.
public struct PointOutcome {
    public enum Status {
        /// The point's design did not decode or could not be costed.
        case invalid(String)
        /// Skipped by the pre-evaluation constraints.
        case pruned
        /// Not in this process's shard.
        case outsideShard
        /// Its design is the same as an earlier point's (same content hash).
        case duplicate(designHash: String)
        /// Evaluated (or read back) on every workload, in workload order.
        case evaluated(designHash: String, pairs: [PairOutcome])
    }

    public var point: DesignPoint
    public var status: Status
}

/// One (design, workload) pair of an evaluated point: a new row, or metrics stored by an earlier
/// run that is being resumed. Only adaptive sources receive these (`isAdaptive`).
public enum PairOutcome {
    case evaluated(SweepResultRow)
    case stored(metrics: [String: Double])
}
