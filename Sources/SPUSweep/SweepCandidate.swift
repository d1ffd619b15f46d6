import SPUCost
import SPUHardware

/// A design ready to evaluate: a decoded design point (or a baseline) with its cost model.
struct SweepCandidate: Sendable {
    /// The point's index (baselines are numbered after the source's points).
    var index: Int
    var design: DeviceSpec
    var isBaseline: Bool
    var evaluator: DesignEvaluator
    /// False only for a design kept (and marked) although it fails a pre-evaluation constraint.
    var passesPreConstraints: Bool
    /// How a point's design is stored: the base design plus its overrides (nil for baselines).
    var delta: DesignDelta? = nil
}

/// A batch of points after decoding, de-duplication and pre-evaluation constraints.
struct PreparedBatch {
    /// What became of each point, in batch order.
    enum PointStatus {
        case outsideShard
        case invalid(String)
        case pruned
        case duplicate(designHash: String)
        /// Every pair already stored (a resumed run): not decoded again.
        case stored(designHash: String)
        /// Index into `candidates`.
        case candidate(Int)
    }

    var points: [DesignPoint]
    var statuses: [PointStatus]
    /// The points to evaluate, in point order (then any baselines).
    var candidates: [SweepCandidate]
    var pruned: Int
    var invalid: [String]
    /// Points skipped because the run holds every pair of them (`PointStatus.stored`).
    var stored = 0
    /// What the run holds for the batch's points, by point index (a resumed streamed run; empty otherwise).
    var storedPoints: [Int: StoredPoint] = [:]
    /// Whether this is the batch of baselines (evaluated after the source's last batch).
    var isBaselines = false

    /// The batch of baselines.
    init(baselines: [SweepCandidate]) {
        self.init(points: [], statuses: [], candidates: baselines, pruned: 0, invalid: [])
        isBaselines = true
    }

    init(points: [DesignPoint], statuses: [PointStatus], candidates: [SweepCandidate], pruned: Int, invalid: [String]) {
        self.points = points
        self.statuses = statuses
        self.candidates = candidates
        self.pruned = pruned
        self.invalid = invalid
    }
}
