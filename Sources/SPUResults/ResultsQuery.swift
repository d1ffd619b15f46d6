import Foundation
import GRDB
import GRDBSQLite
import SPUCore
import SPUCost

/// An error of the results tools (query, Pareto, compare, merge), worded for the command line:
/// it names the option or file at fault and, where it helps, the values that would be accepted.
public struct ResultsToolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One SQLite value of a query result.
public enum ResultValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(i): self = .integer(i)
        case let .double(d): self = .real(d)
        case let .string(s): self = .text(s)
        case let .blob(b): self = .blob(b)
        }
    }

    /// The value as a number (integers and reals; nil for NULL, text and blobs).
    public var number: Double? {
        switch self {
        case let .integer(i): return Double(i)
        case let .real(d): return d
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }

    /// Plain text without loss: integers as written, reals in shortest round-trip form, NULL as
    /// the empty string, blobs as `x'hex'`.
    public var plainText: String {
        switch self {
        case .null: return ""
        case let .integer(i): return String(i)
        case let .real(d): return d.isFinite ? JSONWriter.formatNumber(d) : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
        case let .text(s): return s
        case let .blob(b): return "x'" + b.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }

    /// The value as JSON: numbers as numbers (non-finite reals as null), NULL as null.
    public var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case let .integer(i): return .number(Double(i))
        case let .real(d): return d.isFinite ? .number(d) : .null
        case let .text(s): return .string(s)
        case .blob: return .string(plainText)
        }
    }
}

/// Column names and rows of a query, with renderers for CSV and JSON (the text table is drawn
/// by the command line).
public struct QueryResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[ResultValue]]

    public init(columns: [String], rows: [[ResultValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The index of a column, or nil.
    public func index(of column: String) -> Int? { columns.firstIndex(of: column) }

    /// The same rows restricted to (and reordered as) `columns`, which must all exist.
    public func projected(to columns: [String]) throws -> QueryResult {
        let indices = try columns.map { name -> Int in
            guard let i = index(of: name) else { throw ResultsToolError.unknownColumn(name, option: "--columns", available: self.columns) }
            return i
        }
        return QueryResult(columns: columns, rows: rows.map { row in indices.map { row[$0] } })
    }

    /// RFC 4180 CSV: a header line, then one line per row; a field is quoted (with `"` doubled)
    /// when it holds a comma, a double quote, CR or LF, or starts or ends with a space. NULL is an
    /// empty field. Lines end with LF.
    public func csv() -> String {
        var out = Self.csvLine(columns)
        for row in rows { out += Self.csvLine(row.map(\.plainText)) }
        return out
    }

    /// One CSV field, quoted when needed (RFC 4180).
    public static func csvField(_ field: String) -> String {
        let needsQuotes = field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func csvLine(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",") + "\n"
    }

    /// An array with one object per row, keys in column order.
    public var jsonValue: JSONValue {
        .array(rows.map { row in .object(zip(columns, row).map { (key: $0, value: $1.jsonValue) }) })
    }

    /// `jsonValue` pretty-printed.
    public func json() -> String { JSONWriter.pretty(jsonValue) }
}

/// Guards for SQL typed by users: only single read-only statements pass.
///
/// The verdict is SQLite's: the text is prepared on a connection and must be exactly one
/// statement that SQLite reports read-only (`sqlite3_stmt_readonly`) and that starts with
/// SELECT, WITH, EXPLAIN or VALUES (SQLite calls ATTACH, BEGIN and PRAGMA assignments read-only
/// because they write no database page, so the leading keyword is checked as well). Callers also
/// execute it only on a read-only connection (`ResultsReader`), so a statement that slipped
/// through could still not write.
public enum ReadOnlySQL {
    static let allowedKeywords: Set<String> = ["SELECT", "WITH", "EXPLAIN", "VALUES"]
    /// The largest string or blob a query may produce, bytes.
    static let maximumValueBytes: Int32 = 64 << 20
    /// How long one user query may run before it is interrupted, seconds.
    public static let timeLimitSeconds: Double = 60
    /// The most values (rows × columns) one query may return (about 1–2 GB in memory).
    static let maximumCells = 50_000_000

    /// Checks `sql` against an empty database with the current results schema; throws a
    /// `ResultsToolError` ("--sql must be a read-only query: …") when it is not one read-only
    /// statement or does not compile.
    public static func validate(_ sql: String) throws {
        let queue = try DatabaseQueue()
        try ResultsSchema.migrate(queue)
        try queue.read { db in _ = try validate(sql, in: db) }
    }

    /// Prepares `sql` on `db` and returns the statement if it is one read-only query.
    public static func validate(_ sql: String, in db: Database, option: String = "--sql") throws -> Statement {
        func reject(_ why: String) -> ResultsToolError { ResultsToolError("\(option) must be a read-only query: \(why)") }
        guard let keyword = leadingKeyword(sql) else { throw reject("the statement is empty") }
        guard allowedKeywords.contains(keyword) else {
            let hint = keyword == "PRAGMA" ? " (read a pragma with its table-valued function, e.g. SELECT * FROM pragma_table_info('results'))" : ""
            throw reject("it starts with \(keyword); only SELECT, WITH, EXPLAIN and VALUES statements are allowed\(hint)")
        }
        let statement: Statement
        do {
            statement = try db.makeStatement(sql: sql)
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_MISUSE, (error.message ?? "").hasPrefix("Multiple statements") {
                throw reject("it holds more than one statement")
            }
            throw reject(ResultsToolError.sqliteMessage(error))
        }
        guard statement.isReadonly else { throw reject("SQLite reports that it writes to the database") }
        return statement
    }

    /// The first keyword of `sql`, upper-cased, after whitespace and comments; nil if none.
    static func leadingKeyword(_ sql: String) -> String? {
        var rest = Substring(sql)
        while true {
            rest = rest.drop(while: { $0.isWhitespace })
            if rest.hasPrefix("--") {
                guard let newline = rest.firstIndex(where: { $0 == "\n" || $0 == "\r" }) else { return nil }
                rest = rest[newline...]
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return nil }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        let word = rest.prefix(while: { $0.isLetter || $0 == "_" })
        return word.isEmpty ? (rest.isEmpty ? nil : String(rest.prefix(1))) : word.uppercased()
    }
}

/// The tables and views that `ResultsQuery` reads.
public enum ResultsTable: String, Sendable, CaseIterable {
    case results
    case designScores = "design_scores"
    case opResults = "op_results"
    case runs
    case formatStudies = "format_studies"
    case formatDotProducts = "format_dot_products"
    case serving
    case schedules
    case designs
    case workloads

    /// Columns shown when none are asked for (nil: all; the bulky JSON columns are left out).
    var defaultColumns: [String]? {
        switch self {
        case .results:
            return ["id", "run_id", "design_name", "workload_name", "feasible", "latency_s", "items_per_s", "throughput_unit",
                    "bound", "avg_power_w", "area_mm2", "tco_usd_per_hour", "usd_per_million_items", "items_per_joule"]
        case .runs:
            return ["id", "kind", "name", "status", "shard", "started_at", "finished_at", "duration_s", "tool_version", "config_hash", "command"]
        case .designs: return ["hash", "name", "kind"]
        case .workloads:
            return ["hash", "name", "phase", "devices", "throughput_unit", "op_count", "flops", "weight_bytes", "kv_cache_bytes"]
        case .serving:
            return ["id", "run_id", "design", "decode_design", "model", "chips", "engine", "offered_rate_per_s", "feasible", "ttft_p99_s",
                    "tpot_p99_s", "throughput_tokens_per_s", "goodput_requests_per_s", "energy_j_per_query"]
        case .schedules:
            return ["id", "run_id", "graph", "platform", "mix", "scheduler", "model_error", "tasks", "makespan_s", "planned_makespan_s",
                    "energy_j", "energy_j_per_request", "bytes_moved", "write_backs", "mean_utilisation"]
        case .designScores, .opResults, .formatStudies, .formatDotProducts: return nil
        }
    }

    /// Order of rows when no `--order-by` is given, so output is stable.
    var defaultOrder: String {
        switch self {
        case .results, .runs, .formatStudies, .formatDotProducts, .serving, .schedules: return "\"id\""
        case .opResults: return "\"result_id\", \"op_index\""
        case .designScores: return "\"run_id\", \"point_index\", \"design_name\", \"design_hash\""
        case .designs, .workloads: return "\"name\", \"hash\""
        }
    }

    /// SQL condition selecting the rows that belong to run `?`.
    var runCondition: String {
        switch self {
        case .results, .designScores, .formatStudies, .formatDotProducts, .serving, .schedules: return "\"run_id\" = ?"
        case .runs: return "\"id\" = ?"
        case .opResults: return "\"result_id\" IN (SELECT id FROM results WHERE run_id = ?)"
        case .designs: return "\"hash\" IN (SELECT design_hash FROM results WHERE run_id = ?)"
        case .workloads: return "\"hash\" IN (SELECT workload_hash FROM results WHERE run_id = ?)"
        }
    }

    /// Parses a table name, with an error listing the accepted ones.
    public static func parse(_ name: String) throws -> ResultsTable {
        guard let table = ResultsTable(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
            throw ResultsToolError("unknown --table \"\(name)\"\(Suggestion.hint(for: name, in: allCases.map(\.rawValue))) (one of: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return table
    }
}

/// A filtered read of one results table: the structured form of `spusim query`.
///
/// Every part a user types is checked against the database before anything runs: columns and
/// order-by columns must exist in the table, the `--where` expression is compiled inside a
/// SELECT that must stay one read-only statement, and the query executes on a read-only
/// connection. The run id and the limit are bound as arguments.
public struct ResultsQuery: Sendable, Equatable {
    public var table: ResultsTable
    /// Only rows of this run (for `op_results`, `designs` and `workloads`: reached through `results`).
    public var runID: Int64?
    /// An SQL expression over the table's columns, e.g. `feasible AND area_mm2 < 400`.
    public var whereExpression: String?
    /// Comma-separated `COLUMN [asc|desc]` terms.
    public var orderBy: String?
    public var limit: Int?
    /// Columns to return; nil for the table's defaults; `["*"]` for all.
    public var columns: [String]?
    /// Keep only rows that are feasible and meet the constraints (where the table has those columns).
    public var feasibleOnly: Bool

    public init(table: ResultsTable = .results, runID: Int64? = nil, whereExpression: String? = nil, orderBy: String? = nil,
                limit: Int? = nil, columns: [String]? = nil, feasibleOnly: Bool = false) {
        self.table = table
        self.runID = runID
        self.whereExpression = whereExpression
        self.orderBy = orderBy
        self.limit = limit
        self.columns = columns
        self.feasibleOnly = feasibleOnly
    }

    /// Splits a comma-separated column list (`--columns a,b,c`), dropping empty entries.
    public static func parseColumns(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The SQL and arguments of this query, checked against the columns of `db`.
    public func sql(in db: Database) throws -> (sql: String, arguments: StatementArguments) {
        let available = try ResultsReader.columns(of: table.rawValue, in: db)
        let selected: [String]
        if let columns, !columns.isEmpty {
            if columns == ["*"] {
                selected = available
            } else {
                for column in columns where !available.contains(column) {
                    throw ResultsToolError.unknownColumn(column, option: "--columns", available: available, table: table.rawValue)
                }
                selected = columns
            }
        } else {
            selected = table.defaultColumns.map { $0.filter(available.contains) } ?? available
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let runID {
            conditions.append(table.runCondition)
            arguments += [runID]
        }
        if feasibleOnly {
            for column in ["feasible", "meets_constraints"] where available.contains(column) {
                conditions.append("\"\(column)\" = 1")
            }
        }
        if let expression = whereExpression?.trimmingCharacters(in: .whitespacesAndNewlines), !expression.isEmpty {
            // On lines of its own, so a trailing `--` comment cannot swallow the closing parenthesis.
            conditions.append("(\n\(expression)\n)")
        }
        var sql = "SELECT \(selected.map(Self.quote).joined(separator: ", ")) FROM \(Self.quote(table.rawValue))"
        if !conditions.isEmpty { sql += "\nWHERE " + conditions.joined(separator: "\nAND ") }
        sql += "\nORDER BY " + (try orderBy.map { try Self.orderClause($0, available: available, table: table.rawValue) } ?? table.defaultOrder)
        if let limit {
            guard limit >= 0 else { throw ResultsToolError("--limit must not be negative (got \(limit))") }
            sql += "\nLIMIT ?"
            arguments += [limit]
        }
        return (sql, arguments)
    }

    /// `col [asc|desc], …` as an ORDER BY clause with quoted, validated columns.
    static func orderClause(_ text: String, available: [String], table: String) throws -> String {
        let terms = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !terms.isEmpty, terms.allSatisfy({ !$0.isEmpty }) else { throw ResultsToolError("--order-by is empty or has an empty term: \"\(text)\"") }
        return try terms.map { term -> String in
            let words = term.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            let column = words[0]
            guard available.contains(column) else {
                throw ResultsToolError.unknownColumn(column, option: "--order-by", available: available, table: table)
            }
            var direction = ""
            if words.count == 2 {
                switch words[1].lowercased() {
                case "asc": direction = " ASC"
                case "desc": direction = " DESC"
                default: throw ResultsToolError("--order-by: expected \"asc\" or \"desc\" after \(column), got \"\(words[1])\"")
                }
            } else if words.count > 2 {
                throw ResultsToolError("--order-by: expected COLUMN [asc|desc], got \"\(term)\"")
            }
            return quote(column) + direction
        }.joined(separator: ", ")
    }

    /// An identifier in double quotes.
    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

extension ResultsToolError {
    public static func unknownColumn(_ column: String, option: String, available: [String], table: String? = nil) -> ResultsToolError {
        let hint = MetricCatalogue.unknownNameHint(column, accepted: available)
        let listing = hint.hasPrefix("expected") ? "available: \(available.joined(separator: ", "))" : hint
        return ResultsToolError("\(option): unknown column \"\(column)\"\(table.map { " in \($0)" } ?? "") (\(listing))")
    }

    /// SQLite's message, with the new name of a renamed metric column when that is what it misses.
    static func sqliteMessage(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error)"
        let prefix = "no such column: "
        guard message.hasPrefix(prefix) else { return message }
        let column = String(message.dropFirst(prefix.count))
        let names = MetricCatalogue.all.map(\.name) + MetricCatalogue.scoreColumns
        let hint = MetricCatalogue.unknownNameHint(column, accepted: names)
        return hint.hasPrefix("expected") ? message : "\(message) (\(hint))"
    }
}

/// A results database opened for reading only: the connection is opened read-only, so nothing
/// run through it can write.
///
/// Opening checks that the file exists and is an SPUSim results database of the current schema.
/// Reading never writes: a database written by an older SPUSim is refused with the command that
/// upgrades it (`spusim migrate`), one written by a newer SPUSim is refused outright, and a
/// read-only file in a read-only directory can be read.
public final class ResultsReader: Sendable {
    public let path: String
    let queue: DatabaseQueue
    /// When the query in flight must stop (`timeLimitSeconds` after it started).
    private let deadline = QueryDeadline()
    /// How long one query may run, seconds.
    let timeLimitSeconds: Double

    public init(path: String, timeLimitSeconds: Double = ReadOnlySQL.timeLimitSeconds) throws {
        self.path = path
        self.timeLimitSeconds = timeLimitSeconds
        let queue = try Self.openReadOnly(path: path, deadline: deadline)
        try queue.read { db in
            try ResultsSchema.checkKnown(db, path: path)
            guard try ResultsSchema.isCurrent(db) else {
                throw ResultsToolError("\(path): written by an older SPUSim (schema \(try ResultsSchema.migrator.appliedIdentifiers(db).max() ?? "unknown")); upgrade it once with: spusim migrate --db \(path)")
            }
        }
        self.queue = queue
    }

    /// Opens `path` read-only after checking it exists and holds the SPUSim tables. With a
    /// `deadline`, statements are interrupted once it has passed.
    static func openReadOnly(path: String, deadline: QueryDeadline? = nil) throws -> DatabaseQueue {
        let sizeBytes = try DatabaseFileCheck.requireRegularFile(path, allowAbsent: false) ?? 0
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        // No single value may exceed 64 MiB (a user's `randomblob(1000000000)` fails cleanly
        // instead of exhausting memory).
        configuration.prepareDatabase { db in
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, ReadOnlySQL.maximumValueBytes)
            if let deadline { deadline.install(on: db.sqliteConnection) }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let tables = try queue.read { db in
                (try db.tableExists("grdb_migrations"), try db.tableExists("results"), try db.tableExists("runs"))
            }
            guard tables.0, tables.1, tables.2 else {
                throw ResultsToolError("\(path): not an SPUSim results database (no grdb_migrations, runs and results tables)")
            }
            if sizeBytes <= DatabaseFileCheck.readerQuickCheckBytes {
                try queue.read { db in try DatabaseFileCheck.requireIntact(db, path: path) }
            }
        } catch let error as DatabaseError {
            throw ResultsToolError(DatabaseFileCheck.damageMessage(error, path: path)
                                   ?? "\(path): not an SPUSim results database (\(error.message ?? "\(error)"))")
        }
        return queue
    }

    /// Runs `body` on the read-only connection. A damaged file met while reading is reported as
    /// such (`DatabaseFileCheck.damageMessage`), not as the raw SQLite error.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            if let message = DatabaseFileCheck.damageMessage(error, path: path) { throw ResultsToolError(message) }
            throw error
        }
    }

    /// The latest run: the latest sweep, else the latest run of any kind (what `compare`,
    /// `report` and `pareto` use when no `--run` is given); nil for a database without runs.
    public func latestRunID() throws -> Int64? {
        try queue.read { db in try Self.latestRunID(in: db) }
    }

    /// Throws unless run `id` exists, listing the runs that do.
    public func checkRun(_ id: Int64) throws {
        try queue.read { db in try Self.checkRun(id, in: db, path: path) }
    }

    /// `latestRunID()` on an open connection.
    public static func latestRunID(in db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM runs ORDER BY kind = 'sweep' DESC, id DESC LIMIT 1")
    }

    /// `checkRun(_:)` on an open connection; `path` names the database in the error.
    public static func checkRun(_ id: Int64, in db: Database, path: String) throws {
        let runs = try Int64.fetchAll(db, sql: "SELECT id FROM runs ORDER BY id")
        guard runs.contains(id) else {
            let known = runs.isEmpty ? "it has no runs" : "its runs are \(runs.count > 20 ? "\(runs.first!)…\(runs.last!)" : runs.map(String.init).joined(separator: ", "))"
            throw ResultsToolError("--run \(id): no run with that id in \(path) (\(known))")
        }
    }

    /// Runs a structured query.
    public func query(_ query: ResultsQuery) throws -> QueryResult {
        if let runID = query.runID { try checkRun(runID) }
        deadline.start(seconds: timeLimitSeconds)
        defer { deadline.clear() }
        let path = self.path
        return try read { db in
            let (sql, arguments) = try query.sql(in: db)
            let statement: Statement
            do {
                statement = try ReadOnlySQL.validate(sql, in: db, option: "--where")
            } catch let error as ResultsToolError {
                throw ResultsToolError(error.message.replacingOccurrences(of: "--where must be a read-only query: ", with: "--where is not a valid expression: "))
            }
            return try Self.fetch(statement, arguments: arguments, option: "--where", timeLimitSeconds: timeLimitSeconds, path: path)
        }
    }

    /// Runs one user-written read-only statement (`--sql`).
    public func execute(sql: String) throws -> QueryResult {
        deadline.start(seconds: timeLimitSeconds)
        defer { deadline.clear() }
        let path = self.path
        return try read { db in
            try Self.fetch(try ReadOnlySQL.validate(sql, in: db), arguments: StatementArguments(), option: "--sql", timeLimitSeconds: timeLimitSeconds, path: path)
        }
    }

    /// The column names of a table or view.
    public func columns(of table: String) throws -> [String] {
        try queue.read { db in try Self.columns(of: table, in: db) }
    }

    static func columns(of table: String, in db: Database) throws -> [String] {
        try db.makeStatement(sql: "SELECT * FROM \(ResultsQuery.quote(table)) LIMIT 0").columnNames
    }

    static func fetch(_ statement: Statement, arguments: StatementArguments, option: String, timeLimitSeconds: Double, path: String = "") throws -> QueryResult {
        do {
            var rows: [[ResultValue]] = []
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            let width = max(1, statement.columnCount)
            while let row = try cursor.next() {
                guard (rows.count + 1) * width <= ReadOnlySQL.maximumCells else {
                    throw ResultsToolError("\(option): the result has more than \(ReadOnlySQL.maximumCells) values; add a LIMIT or narrow the query")
                }
                rows.append(row.databaseValues.map(ResultValue.init))
            }
            return QueryResult(columns: statement.columnNames, rows: rows)
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_INTERRUPT {
                throw ResultsToolError("\(option): stopped after \(JSONWriter.formatNumber(timeLimitSeconds)) s (the time limit for one query); add a LIMIT, narrow the query, or allow more with --time-limit SECONDS")
            }
            if let message = DatabaseFileCheck.damageMessage(error, path: path) { throw ResultsToolError(message) }
            throw ResultsToolError("\(option): \(ResultsToolError.sqliteMessage(error))")
        }
    }
}

/// The time limit of the query in flight on one read-only connection, enforced by SQLite's
/// progress handler (every 10,000 virtual-machine steps it asks whether to interrupt). A reader
/// runs one query at a time, so the deadline needs no lock.
final class QueryDeadline: @unchecked Sendable {
    private var deadlineNanoseconds: UInt64 = .max

    func start(seconds: Double) { deadlineNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9) }
    func clear() { deadlineNanoseconds = .max }
    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds > deadlineNanoseconds }

    func install(on connection: OpaquePointer?) {
        sqlite3_progress_handler(connection, 10_000, { context in
            Unmanaged<QueryDeadline>.fromOpaque(context!).takeUnretainedValue().hasPassed ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }
}
