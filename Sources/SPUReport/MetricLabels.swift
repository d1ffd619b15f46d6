import SPUResults

/// Axis labels with units for `design_scores` columns; `unit` is the run's throughput unit.
public enum MetricLabels {
    public static func label(_ column: String, unit: String) -> String {
        switch column {
        case "weighted_throughput_per_s": return "throughput (\(unit)/s)"
        case "weighted_latency_s": return "latency per iteration (s)"
        case "weighted_items_per_joule": return "energy efficiency (\(unit)/J)"
        case "weighted_usd_per_million_items": return "TCO cost ($/M \(unit))"
        case "weighted_throughput_per_s_per_w": return "throughput/W (\(unit)/s/W)"
        case "max_avg_power_w": return "max average power (W)"
        case "area_mm2": return "area (mm²)"
        case "die_cost_usd": return "die cost ($)"
        case "price_usd": return "price ($)"
        case "tco_usd_per_hour": return "TCO ($/h)"
        default: return column
        }
    }

    /// A short name for tables.
    public static func short(_ column: String, unit: String) -> String {
        label(column, unit: unit)
    }

    /// `label` with the direction of the objective, e.g. "throughput/W (tokens/s/W), higher is better".
    public static func describe(_ objective: ParetoObjective, unit: String) -> String {
        label(objective.column, unit: unit) + (objective.sense == .max ? ", higher is better" : ", lower is better")
    }
}
