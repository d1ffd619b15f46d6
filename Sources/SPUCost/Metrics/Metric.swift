import SPUPerformance

/// Whether larger values of a metric are better (`none` for descriptive quantities).
public enum MetricDirection: String, Sendable, Hashable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    case none
}

/// What a metric is measured over.
public enum MetricScope: String, Sendable, Hashable {
    /// One chip of the group that runs the workload.
    case perChip = "per chip"
    /// The whole group of `devices` chips that runs the workload together (tensor parallelism):
    /// its iteration latency, its throughput, its energy.
    case perGroup = "per group"
    /// A property of one chip of the design, the same for every workload (area, price).
    case perDesign = "per design"
}

/// How a design's score combines a metric over the workloads of a sweep (the `design_scores`
/// view), and the view's column for it.
public enum MetricAggregate: String, Sendable, Hashable {
    /// Σ wᵢ·xᵢ / Σ wᵢ over the workloads with their weights: column `weighted_<name>`.
    case weightedMean = "weighted"
    /// The largest value over the workloads (e.g. the highest average power): `max_<name>`.
    case maximum = "max"
    /// A property of the design, the same for every workload: column `<name>`.
    case designValue = "design"
    /// Not part of a design's score.
    case none
}

/// The inputs a design-level metric is computed from: the design's area, silicon cost and TCO,
/// and in a sweep with a serving or training scenario its serving or training metrics, all known
/// before any workload is evaluated (so sweeps can prune on them).
public struct DesignCost: Sendable {
    public var area: AreaBreakdown
    public var silicon: SiliconCost.Result
    public var tco: TCOBreakdown
    /// nil outside a sweep with a serving scenario.
    public var serving: DesignServingMetrics?
    /// nil outside a sweep with a training scenario.
    public var training: DesignTrainingMetrics?

    public init(area: AreaBreakdown, silicon: SiliconCost.Result, tco: TCOBreakdown, serving: DesignServingMetrics? = nil,
                training: DesignTrainingMetrics? = nil) {
        self.area = area
        self.silicon = silicon
        self.tco = tco
        self.serving = serving
        self.training = training
    }
}

/// One result metric: its name (the `results` column and the JSON key), unit, scope, direction,
/// how a design's score aggregates it, what it means and how it is computed. Every metric is
/// defined once, in `MetricCatalogue.all`; columns, the `design_scores` view, JSON keys, sweep
/// objectives and constraints, query validation and report labels derive from it.
public struct Metric: Sendable, CustomStringConvertible {
    /// How the value is computed: from the design alone (known before any workload runs), from
    /// the performance model's result, or from the costed evaluation (energy, power, cost).
    public enum Computation: Sendable {
        case design(@Sendable (DesignCost) -> Double)
        case performance(@Sendable (EvaluationResult) -> Double)
        case evaluation(@Sendable (CostedEvaluation) -> Double)
    }

    /// snake_case name with its unit: the `results` column and the JSON key. "items" stands for
    /// the workload's throughput unit (tokens, samples).
    public let name: String
    /// The unit, with "items" for the throughput unit: "s", "items/s", "J", "W", "mm2", "usd",
    /// "usd/h", "usd/M items", "items/J", "bytes", "1" for fractions.
    public let unit: String
    /// A short human label for axes and tables ("throughput", "energy efficiency").
    public let label: String
    public let scope: MetricScope
    public let direction: MetricDirection
    public let aggregate: MetricAggregate
    /// One or two sentences: what it measures, over what, and where it comes from.
    public let summary: String
    /// Names this metric had in earlier versions (sweep configs and queries that use them get an
    /// error naming `name`).
    public let formerNames: [String]
    /// Whether an infeasible result still reports this metric: true for the quantities that
    /// explain why it is infeasible (memory required and available) and, implicitly, for every
    /// design-level metric. Everything measured by running the workload (latency, throughput,
    /// energy, power, utilisation and every efficiency) is undefined for an infeasible result:
    /// a design that cannot be built or cannot run the workload carries no efficiency numbers.
    public let explainsInfeasibility: Bool
    /// Whether the metric may have no value for a sound result: the serving and training metrics,
    /// which exist only in a sweep with a serving (training) scenario and only for designs that can
    /// serve (train) it, and the accuracy metrics.
    public let isOptional: Bool
    public let computation: Computation

    public init(_ name: String, unit: String, label: String, scope: MetricScope, direction: MetricDirection,
                aggregate: MetricAggregate, formerNames: [String] = [], explainsInfeasibility: Bool = false, isOptional: Bool = false,
                summary: String, _ computation: Computation) {
        self.name = name
        self.unit = unit
        self.label = label
        self.scope = scope
        self.direction = direction
        self.aggregate = aggregate
        self.formerNames = formerNames
        self.explainsInfeasibility = explainsInfeasibility
        self.isOptional = isOptional
        self.summary = summary
        self.computation = computation
    }

    /// The value for one evaluated (design, workload) pair. Non-finite values mean "undefined"
    /// (stored as NULL, written as JSON null); so does every workload-dependent metric of an
    /// infeasible result (`isDefined(feasible:)`).
    public func value(_ evaluation: CostedEvaluation) -> Double {
        guard isDefined(feasible: evaluation.performance.feasible) else { return .nan }
        switch computation {
        case let .design(f): return f(evaluation.cost.design)
        case let .performance(f): return f(evaluation.performance)
        case let .evaluation(f): return f(evaluation)
        }
    }

    /// The value from a performance result alone (no energy or cost), or nil for metrics that
    /// need them; NaN (undefined) for a workload-dependent metric of an infeasible result.
    public func value(_ performance: EvaluationResult) -> Double? {
        guard case let .performance(f) = computation else { return nil }
        return isDefined(feasible: performance.feasible) ? f(performance) : .nan
    }

    /// Whether the metric has a value for a result that is (not) feasible.
    public func isDefined(feasible: Bool) -> Bool { feasible || isDesignLevel || explainsInfeasibility }

    /// The value from the design alone, or nil when the metric needs a workload evaluation.
    public func designValue(_ design: DesignCost) -> Double? {
        if case let .design(f) = computation { return f(design) }
        return nil
    }

    /// Whether the value is known before any workload is evaluated (sweeps prune on these).
    public var isDesignLevel: Bool {
        if case .design = computation { return true }
        return false
    }

    /// The `design_scores` column of this metric, or nil when design scores leave it out.
    public var scoreColumn: String? {
        switch aggregate {
        case .weightedMean, .maximum: return aggregate.rawValue + "_" + name
        case .designValue: return name
        case .none: return nil
        }
    }

    /// The unit with "items" replaced by a workload's throughput unit ("tokens/s").
    public func unit(throughputUnit: String) -> String {
        unit.replacingOccurrences(of: "items", with: throughputUnit)
    }

    /// An axis label: "throughput (tokens/s)", "area (mm²)".
    public func axisLabel(throughputUnit: String) -> String {
        let shown = unit(throughputUnit: throughputUnit).replacingOccurrences(of: "mm2", with: "mm²")
            .replacingOccurrences(of: "usd", with: "$")
        return shown == "1" ? label : "\(label) (\(shown))"
    }

    public var description: String { name }
}

extension Metric: Hashable {
    /// Metrics are identified by name (the catalogue lists each name once).
    public static func == (a: Metric, b: Metric) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension CostResult {
    /// The design-level part of the cost (area, silicon, TCO, scenario metrics).
    public var design: DesignCost { DesignCost(area: area, silicon: silicon, tco: tco, serving: serving, training: training) }
}

extension DesignEvaluator {
    /// The design-level cost, known before any workload is evaluated.
    public var designCost: DesignCost { DesignCost(area: area, silicon: silicon, tco: tco, serving: serving, training: training) }
}
