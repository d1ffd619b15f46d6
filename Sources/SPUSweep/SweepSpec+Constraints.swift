import SPUCost

extension SweepSpec {
    /// Whether a design meets the pre-evaluation constraints (metrics known from the design
    /// alone: area, cost, a serving or training scenario's metrics), before any workload runs.
    func passesPreEvaluationConstraints(_ e: DesignEvaluator) -> Bool {
        let design = e.designCost
        for c in constraints where c.isPreEvaluation {
            guard case let .metric(metric) = c.subject, let value = metric.designValue(design) else { continue }
            if metric.isOptional, !Self.scenarioRan(for: metric, design) { continue }   // not simulated (a dry run)
            if !c.allows(value) { return false }
        }
        return true
    }

    /// Whether the scenario an optional design-level metric comes from was run on the design (a
    /// dry run runs none): the training scenario for the training metrics, else the serving one.
    static func scenarioRan(for metric: Metric, _ design: DesignCost) -> Bool {
        trainingMetrics.contains(metric.name) ? design.training != nil : design.serving != nil
    }

    /// Whether one evaluation meets the post-evaluation constraints.
    func meetsPostEvaluationConstraints(_ e: CostedEvaluation) -> Bool {
        for c in constraints where !c.isPreEvaluation {
            switch c.subject {
            case .memoryFits: if !e.performance.capacity.fits { return false }
            case let .metric(metric): if !c.allows(metric.value(e)) { return false }
            }
        }
        return true
    }
}
