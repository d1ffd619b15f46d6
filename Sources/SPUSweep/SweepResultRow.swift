import SPUCore
import SPUCost
import SPUHardware
import SPUWorkload

/// One evaluated (design, workload) pair of a sweep: what the evaluator hands to a result sink.
public struct SweepResultRow: Sendable {
    public var design: DeviceSpec
    public var workload: Workload
    /// The workload's content hash, computed once per sweep.
    public var workloadHash: String
    public var evaluation: CostedEvaluation
    public var point: SweepPointInfo

    public init(design: DeviceSpec, workload: Workload, workloadHash: String? = nil, evaluation: CostedEvaluation, point: SweepPointInfo) {
        self.design = design
        self.workload = workload
        self.workloadHash = workloadHash ?? workload.contentHash
        self.evaluation = evaluation
        self.point = point
    }

    /// "design_hash|workload_hash": the pair's identity within a run (what resuming skips).
    public var pairKey: String { SweepPair.key(designHash: design.contentHash, workloadHash: workloadHash) }
}

/// Sweep bookkeeping stored with a result: where the pair comes from and whether it meets the
/// sweep's constraints.
public struct SweepPointInfo: Sendable {
    /// The design point's index in its source (baselines follow the points); nil outside sweeps.
    public var pointIndex: Int?
    public var workloadWeight: Double
    public var isBaseline: Bool
    public var meetsConstraints: Bool
    /// The precision recipe the workload runs in (`SweepSpec.WorkloadEntry.recipe`), by name.
    public var recipe: String?
    /// The workload entry this recipe variant is an alternative for (`recipes.select = "best"`).
    public var recipeGroup: String?
    /// How good this variant is within its group, lower is better: the recipe objective's value
    /// (negated when maximised) when the result is feasible and meets every constraint, else nil.
    /// A design is scored on the variant with the lowest value (`design_scores`).
    public var selectionScore: Double?
    /// A sweep point's design as the base design plus its overrides, for the results store to keep
    /// instead of the whole design; nil for baselines and outside sweeps.
    public var designDelta: DesignDelta?

    public init(pointIndex: Int? = nil, workloadWeight: Double = 1, isBaseline: Bool = false, meetsConstraints: Bool = true,
                recipe: String? = nil, recipeGroup: String? = nil, selectionScore: Double? = nil, designDelta: DesignDelta? = nil) {
        self.pointIndex = pointIndex
        self.workloadWeight = workloadWeight
        self.isBaseline = isBaseline
        self.meetsConstraints = meetsConstraints
        self.recipe = recipe
        self.recipeGroup = recipeGroup
        self.selectionScore = selectionScore
        self.designDelta = designDelta
    }
}

/// A sweep point's design as the sweep's base design and the point's overrides
/// (`JSONOverrides`): applying `overrides` to `base.canonicalJSON` gives the design's canonical
/// JSON. The results store keeps the base once and each point's overrides (~200 bytes instead of
/// the ~8 KB of a design with its sources).
public struct DesignDelta: Sendable {
    public var base: DeviceSpec
    public var overrides: JSONValue
    public init(base: DeviceSpec, overrides: JSONValue) {
        self.base = base
        self.overrides = overrides
    }
}

/// The key of a (design, workload) pair, as stored results are looked up when resuming.
public enum SweepPair {
    public static func key(designHash: String, workloadHash: String) -> String { designHash + "|" + workloadHash }
}
