import Foundation
import GRDB

/// What `ResultsMerger.merge` copied and skipped.
public struct MergeReport: Sendable, Equatable {
    public struct Count: Sendable, Equatable {
        public var copied = 0
        public var skipped = 0
    }

    public var output: String
    public var inputs: [String]
    /// Input runs inserted as new runs of the output.
    public var runsCreated = 0
    /// Input runs folded into a run already in the output (same kind, name and config hash).
    public var runsMerged = 0
    public var designs = Count()
    public var workloads = Count()
    public var results = Count()
    public var opResults = Count()
    public var formatStudies = Count()
    public var formatDotProducts = Count()
    public var serving = Count()
    public var schedules = Count()

    /// A few lines for the terminal.
    public var summary: String {
        func line(_ name: String, _ c: Count) -> String { "  \(name): \(c.copied) copied, \(c.skipped) already present" }
        return ([
            "merged \(inputs.count) database\(inputs.count == 1 ? "" : "s") into \(output)",
            "  runs: \(runsCreated) created, \(runsMerged) merged into existing runs",
            line("designs", designs), line("workloads", workloads), line("results", results), line("op_results", opResults),
            line("format_studies", formatStudies), line("format_dot_products", formatDotProducts), line("serving", serving),
            line("schedules", schedules),
        ]).joined(separator: "\n")
    }
}

/// Merges results databases, e.g. the shards of a sweep run on several machines, into one.
///
/// Designs and workloads are copied by content hash. A run whose (kind, name, config_hash)
/// already exists in the output, or was copied earlier in the same merge, is folded into that
/// run: its results go under the existing run id (the run becomes `finished` if any copy is,
/// keeps the earliest start and the latest finish, and its `shard` is cleared); other runs are
/// inserted with new ids. Results are inserted unless the output already holds the same
/// (run, design, workload), in which case the row and its per-op rows are skipped; format
/// studies of a folded run are skipped when an identical row exists. Merging the same input
/// twice therefore changes nothing the second time.
///
/// Every input is checked (exists, is an SPUSim database of a schema this version knows)
/// before the output is opened, and all copying is one write transaction on the output.
public enum ResultsMerger {
    @discardableResult
    public static func merge(into outPath: String, from inputs: [String]) throws -> MergeReport {
        guard !inputs.isEmpty else { throw ResultsToolError("merge: give at least one input database") }
        let known = Set(ResultsSchema.migrator.migrations)
        let outIdentity = identity(outPath)
        var sources: [(path: String, queue: DatabaseQueue)] = []
        for input in inputs {
            guard identity(input) != outIdentity else { throw ResultsToolError("\(input): an input cannot also be the output") }
            let queue = try ResultsReader.openReadOnly(path: input)
            try checkSchema(queue, path: input, known: known)
            sources.append((input, queue))
        }
        if FileManager.default.fileExists(atPath: outPath) {
            // One write transaction: a failure or a kill leaves the existing output as it was.
            try checkSchema(try ResultsReader.openReadOnly(path: outPath), path: outPath, known: known)
            return try copy(sources, into: outPath, reportedAs: outPath)
        }
        // A new output is built under a temporary name in the same directory and renamed into
        // place once complete, so a failure or a kill never leaves a half-made OUT behind.
        let partial = outPath + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        func removePartial() { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: partial + suffix) } }
        removePartial()
        do {
            let report = try copy(sources, into: partial, reportedAs: outPath)
            try ResultsStore.closeIntoSingleFile(path: partial)
            guard rename(partial, outPath) == 0 else {
                throw ResultsToolError("\(outPath): cannot move the merged database into place (\(String(cString: strerror(errno))))")
            }
            try? FileManager.default.removeItem(atPath: partial + ".lock")
            return report
        } catch {
            removePartial()
            throw error
        }
    }

    private static func copy(_ sources: [(path: String, queue: DatabaseQueue)], into outPath: String, reportedAs name: String) throws -> MergeReport {
        let store = try ResultsStore(path: outPath)
        var report = MergeReport(output: name, inputs: sources.map(\.path))
        try store.pool.write { out in
            for source in sources {
                try source.queue.read { input in try copy(from: input, path: source.path, into: out, report: &report) }
            }
        }
        return report
    }

    private static func copy(from input: Database, path: String, into out: Database, report: inout MergeReport) throws {
        for table in ["designs", "workloads"] {
            var count = MergeReport.Count()
            try copyRows(table, from: input, into: out, verb: "INSERT OR IGNORE") { _, values in
                values
            } inserted: { _, changed in
                if changed { count.copied += 1 } else { count.skipped += 1 }
            }
            if table == "designs" { report.designs = add(report.designs, count) } else { report.workloads = add(report.workloads, count) }
        }

        // Runs: fold into an existing run with the same identity, else insert.
        var runMap: [Int64: Int64] = [:]
        var foldedRuns = Set<Int64>()
        let inRunColumns = try ResultsReader.columns(of: "runs", in: input)
        let runColumns = try ResultsReader.columns(of: "runs", in: out).filter { inRunColumns.contains($0) && $0 != "id" && $0 != "shard" }
        let runs = try Row.fetchAll(input, sql: "SELECT * FROM runs ORDER BY id")
        for run in runs {
            let inID: Int64 = run["id"]
            let kind: String = run["kind"] ?? "run"
            let name: String? = run["name"]
            let configHash: String = run["config_hash"]
            let status: String = run["status"] ?? "finished"
            if let existing = try Row.fetchOne(out, sql: """
                SELECT id FROM runs WHERE kind = ? AND name IS ? AND config_hash = ? ORDER BY id LIMIT 1
                """, arguments: [kind, name, configHash]) {
                let outID: Int64 = existing["id"]
                let startedAt: String? = run["started_at"], finishedAt: String? = run["finished_at"]
                try out.execute(sql: """
                    UPDATE runs SET shard = NULL,
                      status = CASE WHEN ? = 'finished' THEN 'finished' ELSE status END,
                      started_at = CASE WHEN ? IS NOT NULL AND ? < started_at THEN ? ELSE started_at END,
                      finished_at = CASE WHEN finished_at IS NULL OR (? IS NOT NULL AND ? > finished_at) THEN COALESCE(?, finished_at) ELSE finished_at END
                    WHERE id = ?
                    """, arguments: [status, startedAt, startedAt, startedAt, finishedAt, finishedAt, finishedAt, outID])
                runMap[inID] = outID
                foldedRuns.insert(inID)
                report.runsMerged += 1
            } else {
                let values = runColumns.map { run[$0] as DatabaseValue }
                try out.execute(sql: "INSERT INTO runs (\(list(runColumns))) VALUES (\(placeholders(runColumns.count)))",
                                arguments: StatementArguments(values))
                runMap[inID] = out.lastInsertedRowID
                report.runsCreated += 1
            }
        }
        func mappedRun(_ id: DatabaseValue, table: String) throws -> Int64 {
            guard let inID = Int64.fromDatabaseValue(id), let outID = runMap[inID] else {
                throw ResultsToolError("\(path): \(table) row refers to run \(id), which is not in its runs table")
            }
            return outID
        }

        // Results, then the per-op rows of the results actually inserted.
        var resultMap: [Int64: Int64] = [:]
        try copyRows("results", from: input, into: out, verb: "INSERT OR IGNORE", keepID: true) { columns, values in
            var values = values
            if let i = columns.firstIndex(of: "run_id") { values[i] = try mappedRun(values[i], table: "results").databaseValue }
            return values
        } inserted: { inID, changed in
            if changed, let inID {
                resultMap[inID] = out.lastInsertedRowID
                report.results.copied += 1
            } else {
                report.results.skipped += 1
            }
        }
        try copyRows("op_results", from: input, into: out, verb: "INSERT OR IGNORE", order: "result_id, op_index") { columns, values in
            var values = values
            guard let i = columns.firstIndex(of: "result_id"), let inID = Int64.fromDatabaseValue(values[i]),
                  let outID = resultMap[inID] else { return nil }
            values[i] = outID.databaseValue
            return values
        } inserted: { _, changed in
            if changed { report.opResults.copied += 1 } else { report.opResults.skipped += 1 }
        }

        // Numerics studies, serving simulations and schedules: rows of a folded run are skipped
        // when an identical row is present.
        for table in ["format_studies", "format_dot_products", "serving", "schedules"] where try input.tableExists(table) {
            var count = MergeReport.Count()
            try copyRows(table, from: input, into: out, verb: "INSERT", keepID: true, duplicateCheck: { columns, values in
                guard let i = columns.firstIndex(of: "run_id"), let inRun = Int64.fromDatabaseValue(values[i]) else { return false }
                return foldedRuns.contains(inRun)
            }) { columns, values in
                var values = values
                if let i = columns.firstIndex(of: "run_id") { values[i] = try mappedRun(values[i], table: table).databaseValue }
                return values
            } inserted: { _, changed in
                if changed { count.copied += 1 } else { count.skipped += 1 }
            }
            switch table {
            case "format_studies": report.formatStudies = add(report.formatStudies, count)
            case "format_dot_products": report.formatDotProducts = add(report.formatDotProducts, count)
            case "schedules": report.schedules = add(report.schedules, count)
            default: report.serving = add(report.serving, count)
            }
        }
        try ResultsSchema.deriveNewColumns(out)
    }

    /// Streams the rows of `table` from `input` into `out`, with the columns both have (the id
    /// column left for the output to assign). `transform` rewrites a row's values (nil: skip the
    /// row, counted as not inserted); `duplicateCheck` (given the columns and the untransformed
    /// values) asks for the insert to be skipped when an identical row already exists.
    private static func copyRows(_ table: String, from input: Database, into out: Database, verb: String, keepID: Bool = false,
                                 order: String? = nil,
                                 duplicateCheck: (([String], [DatabaseValue]) throws -> Bool)? = nil,
                                 transform: ([String], [DatabaseValue]) throws -> [DatabaseValue]?,
                                 inserted: (Int64?, Bool) throws -> Void) throws {
        let inColumns = try ResultsReader.columns(of: table, in: input)
        let outColumns = try ResultsReader.columns(of: table, in: out)
        // An input written before a metric was renamed holds it under a former name.
        let renamed = table == "results" ? ResultsSchema.formerColumnNames : [:]
        func source(_ column: String) -> String? {
            if inColumns.contains(column) { return column }
            return renamed[column]?.first(where: inColumns.contains)
        }
        let columns = outColumns.filter { source($0) != nil && !(keepID && $0 == "id") }
        let hasID = keepID && inColumns.contains("id")
        let selected = (hasID ? ["id"] : []) + columns.map { source($0)! }
        let insert = try out.makeStatement(sql: "\(verb) INTO \(quote(table)) (\(list(columns))) VALUES (\(placeholders(columns.count)))")
        let existing = try duplicateCheck.map { _ in
            try out.makeStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM \(quote(table)) WHERE \(columns.map { "\(quote($0)) IS ?" }.joined(separator: " AND ")))
                """)
        }
        let orderClause = order ?? (hasID ? "id" : "rowid")
        let rows = try Row.fetchCursor(input, sql: "SELECT \(list(selected)) FROM \(quote(table)) ORDER BY \(orderClause)")
        while let row = try rows.next() {
            var values = Array(row.databaseValues)
            let inID: Int64? = hasID ? Int64.fromDatabaseValue(values.removeFirst()) : nil
            let check = try duplicateCheck?(columns, values) ?? false
            guard let mapped = try transform(columns, values) else {
                try inserted(inID, false)
                continue
            }
            if check, let existing, try Bool.fetchOne(existing, arguments: StatementArguments(mapped)) == true {
                try inserted(inID, false)
                continue
            }
            try insert.execute(arguments: StatementArguments(mapped))
            try inserted(inID, out.changesCount > 0)
        }
    }

    /// Refuses files that are not SPUSim databases or were migrated by a newer SPUSim.
    private static func checkSchema(_ queue: DatabaseQueue, path: String, known: Set<String>) throws {
        let applied = try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw ResultsToolError("\(path): written by a newer SPUSim (unknown schema migrations: \(unknown.joined(separator: ", "))); merge with that version")
        }
    }

    /// The path with symlinks resolved, to tell whether two paths name one file.
    private static func identity(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func add(_ a: MergeReport.Count, _ b: MergeReport.Count) -> MergeReport.Count {
        MergeReport.Count(copied: a.copied + b.copied, skipped: a.skipped + b.skipped)
    }

    private static func quote(_ identifier: String) -> String { ResultsQuery.quote(identifier) }
    private static func list(_ columns: [String]) -> String { columns.map(quote).joined(separator: ", ") }
    private static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}
