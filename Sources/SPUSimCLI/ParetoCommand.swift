import ArgumentParser
import Foundation
import SPUResults

/// `spusim pareto`: the non-dominated designs (or results) for a set of objectives.
struct ParetoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pareto",
        abstract: "Print the Pareto front of designs for several objectives.",
        discussion: """
            Rows with NULL in an objective are left out, and so are rows that are infeasible or miss the \
            constraints unless --all is given. Example:
              spusim pareto --objectives "max:weighted_items_per_s,min:area_mm2" --run 3
            """)

    @Option(help: "Comma-separated objectives, each max:COLUMN or min:COLUMN.")
    var objectives: String

    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Option(help: "design_scores (one row per design of a run) or results (one row per design and workload).")
    var table: String = ResultsTable.designScores.rawValue

    @Option(name: .customLong("run"), help: "The run (default: the latest sweep, else the latest run, as compare and report).")
    var runID: Int64?

    @Option(name: .customLong("where"), help: "SQL expression filtering the rows first.")
    var whereExpression: String?

    @Option(help: "Comma-separated columns to show besides the objectives.")
    var columns: String?

    @Flag(help: "Keep rows that are infeasible or do not meet the constraints.")
    var all = false

    @Option(help: "Output: table, csv or json.")
    var format: ResultsOutputFormat = .table

    @Option(help: "Seconds the query may run before it is stopped (design_scores of a 10^6-point sweep aggregates millions of rows).")
    var timeLimit: Double = ReadOnlySQL.timeLimitSeconds

    func validate() throws {
        try OptionRange.check(timeLimit, in: OptionRange.queryTimeLimitSeconds, option: "--time-limit")
    }

    func run() throws {
        let front = try withToolErrors { () throws -> QueryResult in
            let table = try ResultsTable.parse(self.table)
            let parsed = try ParetoObjective.parseList(objectives)
            let reader = try ResultsReader(path: db, timeLimitSeconds: timeLimit)
            let available = try reader.columns(of: table.rawValue)
            for objective in parsed where !available.contains(objective.column) {
                throw ResultsToolError.unknownColumn(objective.column, option: "--objectives", available: available, table: table.rawValue)
            }
            // One run, like compare and report: the given one, else the latest.
            let run = try runID ?? reader.latestRunID()
            let shown: [String]
            if let columns {
                shown = ResultsQuery.parseColumns(columns)
            } else {
                let identity = table == .results ? ["id", "run_id", "design_name", "workload_name"] : ["run_id", "point_index", "design_name"]
                shown = identity.filter(available.contains)
            }
            let display = shown + parsed.map(\.column).filter { !shown.contains($0) }
            let rows = try reader.query(ResultsQuery(table: table, runID: run, whereExpression: whereExpression, columns: display,
                                                     feasibleOnly: !all))
            var front = try ParetoFront.compute(rows: rows, objectives: parsed)
            // Best first on the first objective.
            if let key = front.index(of: parsed[0].column) {
                let descending = parsed[0].sense == .max
                front.rows.sort { a, b in
                    let x = a[key].number ?? 0, y = b[key].number ?? 0
                    return descending ? x > y : x < y
                }
            }
            return front
        }
        print(format.render(front))
    }
}
