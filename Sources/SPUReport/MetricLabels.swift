import SPUCost
import SPUResults

/// Axis and table labels with units for result columns and `design_scores` columns, from the
/// metric catalogue; `unit` is the run's throughput unit.
public enum MetricLabels {
    public static func label(_ column: String, unit: String) -> String {
        if let metric = MetricCatalogue.metric(scoreColumn: column) {
            let label = metric.axisLabel(throughputUnit: unit)
            return metric.aggregate == .maximum ? "max " + label : label
        }
        return MetricCatalogue.metric(named: column)?.axisLabel(throughputUnit: unit) ?? column
    }

    /// `label` with the direction of the objective, e.g. "energy efficiency (tokens/J), higher is better".
    public static func describe(_ objective: ParetoObjective, unit: String) -> String {
        label(objective.column, unit: unit) + (objective.sense == .max ? ", higher is better" : ", lower is better")
    }
}
