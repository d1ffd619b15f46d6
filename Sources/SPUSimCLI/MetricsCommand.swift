import ArgumentParser
import SPUCore
import SPUCost

/// `spusim metrics`: the metric catalogue, so users (and scripts) see every result metric with
/// its unit, scope, direction and `design_scores` column without reading the code.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "List every result metric: name (results column and JSON key), unit, scope, direction, design score column.",
        discussion: """
            "items" in a unit is the workload's throughput unit (tokens, samples). Scope: per chip, per group (the chips \
            that run a workload together), per design (the same for every workload).
            Examples:
              spusim metrics
              spusim metrics --json
              spusim metrics --names          # one results column per line (scripts)
              spusim metrics --score-columns  # one design_scores column per line
            """)

    @Flag(help: "Print the catalogue as JSON.")
    var json = false

    @Flag(help: "Print only the metric names (the results columns), one per line.")
    var names = false

    @Flag(help: "Print only the design_scores columns, one per line.")
    var scoreColumns = false

    func run() throws {
        let metrics = MetricCatalogue.all
        if names {
            print(metrics.map(\.name).joined(separator: "\n"))
        } else if scoreColumns {
            print(MetricCatalogue.scoreColumns.joined(separator: "\n"))
        } else if json {
            print(JSONWriter.pretty(.array(metrics.map { m in
                .object([
                    ("name", .string(m.name)), ("unit", .string(m.unit)), ("label", .string(m.label)), ("scope", .string(m.scope.rawValue)),
                    ("better", m.direction == .none ? .null : .string(m.direction.rawValue)),
                    ("known_before_evaluation", .bool(m.isDesignLevel)),
                    ("design_score_column", m.scoreColumn.map(JSONValue.string) ?? .null),
                    ("former_names", .array(m.formerNames.map(JSONValue.string))), ("description", .string(m.summary)),
                ])
            })))
        } else {
            print(Formatting.table(header: ["metric", "unit", "scope", "better", "design_scores column", "description"], rows: metrics.map { m in
                [m.name, m.unit, m.scope.rawValue, m.direction == .none ? "" : m.direction.rawValue, m.scoreColumn ?? "", m.summary]
            }))
        }
    }
}
