import ArgumentParser
import Foundation
import SPUCore
import SPUResults

/// `spusim query`: read rows of the results database, filtered, as a table, CSV or JSON.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Query the results database (read-only).",
        discussion: """
            Either structured filters (--table, --run, --where, --order-by, --limit, --columns) or one read-only \
            SQL statement (--sql). Examples:
              spusim query --where "feasible AND area_mm2 < 400" --order-by "items_per_s desc" --limit 10
              spusim query --table design_scores --run 3 --columns design_name,weighted_items_per_s
              spusim query --sql "SELECT design_name, MAX(items_per_s) FROM results GROUP BY design_name"
            """)

    @OptionGroup var query: QueryOptions

    @Option(help: "Output: table, csv or json.")
    var format: ResultsOutputFormat = .table

    func run() throws {
        let result = try withToolErrors { try query.fetch() }
        print(format.render(result))
    }
}

/// The filters shared by `spusim query` and `spusim export`.
struct QueryOptions: ParsableArguments {
    @Option(help: "Results database.")
    var db: String = ResultsStore.defaultPath

    @Option(help: "Table or view: \(ResultsTable.allCases.map(\.rawValue).joined(separator: ", ")) (default results).")
    var table: String?

    @Option(name: .customLong("run"), help: "Only rows of this run id.")
    var runID: Int64?

    @Option(name: .customLong("where"), help: "SQL expression over the table's columns, e.g. \"feasible AND area_mm2 < 400\".")
    var whereExpression: String?

    @Option(help: "Sort by COLUMN [asc|desc][, COLUMN [asc|desc]…].")
    var orderBy: String?

    @Option(help: "At most this many rows.")
    var limit: Int?

    @Option(help: "Comma-separated columns to show (\"*\" for all).")
    var columns: String?

    @Option(help: "One read-only SQL statement (SELECT, WITH, EXPLAIN); excludes the other filters.")
    var sql: String?

    @Option(help: "Seconds the query may run before it is stopped (a view over millions of rows, such as design_scores of a 10^6-point sweep, can need more than the default).")
    var timeLimit: Double = ReadOnlySQL.timeLimitSeconds

    func validate() throws {
        try OptionRange.check(limit, in: OptionRange.rowLimit, option: "--limit")
        try OptionRange.check(timeLimit, in: OptionRange.queryTimeLimitSeconds, option: "--time-limit")
    }

    /// Runs the query on a read-only connection; errors are `ResultsToolError`s.
    func fetch() throws -> QueryResult {
        if let sql {
            let conflicting = [("--table", table != nil), ("--run", runID != nil), ("--where", whereExpression != nil),
                               ("--order-by", orderBy != nil), ("--limit", limit != nil), ("--columns", columns != nil)]
                .filter(\.1).map(\.0)
            guard conflicting.isEmpty else {
                throw ResultsToolError("--sql cannot be combined with \(conflicting.joined(separator: ", ")); put the filters in the SQL")
            }
            return try ResultsReader(path: db, timeLimitSeconds: timeLimit).execute(sql: sql)
        }
        let query = try structured()
        return try ResultsReader(path: db, timeLimitSeconds: timeLimit).query(query)
    }

    func structured() throws -> ResultsQuery {
        ResultsQuery(table: try table.map(ResultsTable.parse) ?? .results, runID: runID, whereExpression: whereExpression,
                     orderBy: orderBy, limit: limit, columns: columns.map(ResultsQuery.parseColumns))
    }
}

/// How the results tools print rows.
enum ResultsOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    func render(_ result: QueryResult) -> String {
        switch self {
        case .csv: return String(result.csv().dropLast())
        case .json: return result.json()
        case .table: return Self.table(result)
        }
    }

    /// A text table: reals with 6 significant digits, NULL as "-", numeric columns right-aligned.
    static func table(_ result: QueryResult) -> String {
        let rows = result.rows.map { $0.map(cell) }
        let numeric = Set(result.columns.indices.filter { i in
            result.rows.contains { !$0[i].isNull } && result.rows.allSatisfy { $0[i].isNull || $0[i].number != nil }
        })
        let count = "(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))"
        return Formatting.table(header: result.columns, rows: rows, rightAligned: numeric) + "\n" + count
    }

    static func cell(_ value: ResultValue) -> String {
        switch value {
        case .null: return "-"
        case let .real(d) where d.isFinite: return String(format: "%.6g", d)
        case let .text(s): return s.replacingOccurrences(of: "\n", with: "\\n")
        default: return value.plainText
        }
    }
}

/// Runs `body`, printing any error (a results-tool or database error) as `error: …` and exiting
/// with status 2.
func withToolErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ResultsToolError {
        printError("error: \(error.message)")
        throw ExitCode(2)
    } catch {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}
