import ArgumentParser
import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUResults
@testable import SPUSimCLI
@testable import SPUWorkload

/// Real evaluations shared by the results-tools tests: a few designs (two SPU variants, the
/// edge SPU and an H100) on two small workloads.
private struct ToolsFixture: Sendable {
    var designs: [DeviceSpec]
    var workloads: [Workload]
    /// evaluations[design][workload]
    var evaluations: [[CostedEvaluation]]

    static let shared: ToolsFixture? = try? ToolsFixture()

    init() throws {
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        designs = [
            try Repo.device("configs/chips/spu-edge-inference.json"),
            try JSONEdit.variant("configs/chips/spu-edge-inference.json", [(["name"], .string("edge-fast")), (["clock_ghz"], .number(1.4))]),
            try JSONEdit.variant("configs/chips/spu-edge-inference.json", [(["name"], .string("edge-slow")), (["clock_ghz"], .number(0.7))]),
            try Repo.device("configs/gpus/h100-sxm.json"),
        ]
        workloads = [
            try Repo.transformer("llama-2-7b", phase: .decode, batch: 4, length: 256),
            try CNNGenerator.resnet50(batch: 2),
        ]
        let options = MappingSearchOptions(budget: 64)
        let workloads = self.workloads
        evaluations = try designs.map { design in
            let evaluator = try DesignEvaluator(device: design, inputs: inputs, options: options)
            return workloads.map { evaluator.evaluate($0) }
        }
    }

    /// Writes one run holding the (design, workload) pairs, then sets the sweep columns.
    @discardableResult
    func writeRun(to store: ResultsStore, pairs: [(Int, Int)], kind: String = "sweep", name: String? = "test-sweep",
                  configHash: String = "cfg-1", shard: String? = nil, status: String = "finished",
                  baseline: String = "h100-sxm") throws -> Int64 {
        try store.pool.write { db in
            let runID = try store.insertRun(db, .init(command: "test", configHash: configHash, startedAt: Date(), finishedAt: Date()))
            try db.execute(sql: "UPDATE runs SET kind = ?, name = ?, shard = ?, status = ? WHERE id = ?",
                           arguments: [kind, name, shard, status, runID])
            for (d, w) in pairs {
                let evaluation = evaluations[d][w]
                let resultID = try store.insertResult(db, runID: runID, design: designs[d], workload: workloads[w],
                                                      result: evaluation.performance, cost: evaluation.cost)
                try db.execute(sql: "UPDATE results SET point_index = ?, is_baseline = ?, workload_weight = ? WHERE id = ?",
                               arguments: [d, designs[d].name == baseline, w == 0 ? 2.0 : 1.0, resultID])
            }
            return runID
        }
    }
}

/// A small deterministic generator (SplitMix64) for the randomized Pareto check.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ResultsToolsTests {
    private func fixture() throws -> ToolsFixture { try #require(ToolsFixture.shared) }

    /// A database with one sweep run: every design on every workload.
    private func sweepDatabase(_ dir: URL, name: String = "r.sqlite") throws -> (path: String, runID: Int64) {
        let f = try fixture()
        let path = dir.appendingPathComponent(name).path
        let store = try ResultsStore(path: path)
        let pairs = f.designs.indices.flatMap { d in f.workloads.indices.map { (d, $0) } }
        let runID = try f.writeRun(to: store, pairs: pairs)
        return (path, runID)
    }

    private func counts(_ path: String) throws -> [String: Int] {
        let reader = try ResultsReader(path: path)
        return try reader.read { db in
            var out: [String: Int] = [:]
            for table in ["runs", "designs", "workloads", "results", "op_results", "format_studies", "format_dot_products"] {
                out[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
            }
            return out
        }
    }

    // MARK: read-only enforcement

    @Test func readOnlySQLAcceptsQueriesAndRejectsWrites() throws {
        for sql in ["SELECT * FROM results", "  -- comment\n select 1", "/* c */ WITH x AS (SELECT 1) SELECT * FROM x",
                    "EXPLAIN QUERY PLAN SELECT * FROM results WHERE run_id = 1", "VALUES (1, 2)",
                    "SELECT * FROM pragma_table_info('results')", "SELECT 1;"] {
            #expect(throws: Never.self, "\(sql)") { try ReadOnlySQL.validate(sql) }
        }
        let writes = ["INSERT INTO runs (started_at, tool_version, command, config_hash) VALUES ('a', 'b', 'c', 'd')",
                      "DELETE FROM results", "UPDATE results SET feasible = 0", "DROP TABLE results", "CREATE TABLE x (a)",
                      "ALTER TABLE results ADD COLUMN x", "ATTACH DATABASE 'other.db' AS other", "DETACH other",
                      "PRAGMA writable_schema = 1", "PRAGMA writable_schema", "VACUUM", "REPLACE INTO designs VALUES ('h', 'n', 'k', 'j')",
                      "BEGIN", "SELECT 1; DELETE FROM results", "WITH x AS (SELECT 1) DELETE FROM results",
                      "WITH x AS (SELECT 1) INSERT INTO designs SELECT 'h', 'n', 'k', 'j' FROM x", "", "   -- only a comment",
                      "SELECT * FROM no_such_table"]
        for sql in writes {
            let error = #expect(throws: ResultsToolError.self, "\(sql)") { try ReadOnlySQL.validate(sql) }
            #expect(error?.message.hasPrefix("--sql must be a read-only query: ") == true, "\(sql): \(error?.message ?? "")")
        }
    }

    /// A user's query cannot run forever or exhaust memory, and an old metric name points to the new one.
    @Test func queriesHaveLimits() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, _) = try sweepDatabase(dir)
        let reader = try ResultsReader(path: path, timeLimitSeconds: 0.5)
        let endless = #expect(throws: ResultsToolError.self) {
            try reader.execute(sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT MAX(x) FROM c")
        }
        #expect(endless?.message.contains("time limit") == true && endless?.message.contains("--time-limit") == true)
        let huge = #expect(throws: ResultsToolError.self) { try reader.execute(sql: "SELECT randomblob(1000000000)") }
        #expect(huge?.message.hasPrefix("--sql") == true)
        // The reader still works after an interrupted query.
        #expect(try reader.execute(sql: "SELECT COUNT(*) FROM results").rows.count == 1)
        let renamed = #expect(throws: ResultsToolError.self) { try reader.execute(sql: "SELECT throughput_per_s FROM results") }
        #expect(renamed?.message.contains("\"items_per_s\"") == true)
        let column = #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(columns: ["throughput_per_s"])) }
        #expect(column?.message.contains("is now called \"items_per_s\"") == true)
    }

    @Test func queriesCannotWriteTheDatabase() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, _) = try sweepDatabase(dir)
        let before = try counts(path)
        let reader = try ResultsReader(path: path)
        for sql in ["DELETE FROM results", "DROP TABLE results", "ATTACH DATABASE '\(dir.path)/x.db' AS x", "PRAGMA writable_schema = 1",
                    "INSERT INTO runs (started_at, tool_version, command, config_hash) VALUES ('a', 'b', 'c', 'd')",
                    "SELECT 1; DROP TABLE results", "UPDATE results SET items_per_s = 0"] {
            #expect(throws: ResultsToolError.self, "\(sql)") { try reader.execute(sql: sql) }
        }
        // The connection itself is read-only, whatever runs on it.
        #expect(throws: (any Error).self) { try reader.read { db in try db.execute(sql: "DELETE FROM results") } }
        // Injection through --where: rejected (more than one statement), or harmless (still one read-only SELECT).
        let injected = #expect(throws: ResultsToolError.self) {
            try reader.query(ResultsQuery(whereExpression: "1); DROP TABLE results; --"))
        }
        #expect(injected?.message.hasPrefix("--where") == true)
        #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(whereExpression: "1) ; DELETE FROM results WHERE (1")) }
        #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(whereExpression: "no_such_column > 1")) }
        let widened = try reader.query(ResultsQuery(whereExpression: "0) OR (1", limit: 3))
        #expect(widened.rows.count == 3)
        let commented = try reader.query(ResultsQuery(whereExpression: "feasible -- trailing comment"))
        #expect(commented.rows.count == before["results"])
        #expect(try counts(path) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.db").path))
        // A query the user wrote runs and returns its own columns.
        let grouped = try reader.execute(sql: "SELECT design_name, COUNT(*) AS n FROM results GROUP BY design_name ORDER BY design_name")
        #expect(grouped.columns == ["design_name", "n"])
        #expect(grouped.rows.map { $0[0] } == [.text("edge-fast"), .text("edge-slow"), .text("h100-sxm"), .text("spu-edge-inference")])
        #expect(grouped.rows.allSatisfy { $0[1] == .integer(2) })
    }

    // MARK: structured queries

    @Test func structuredQueryFiltersOrdersAndValidatesColumns() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, runID) = try sweepDatabase(dir)
        let reader = try ResultsReader(path: path)
        let defaults = try reader.query(ResultsQuery())
        #expect(defaults.columns == ["id", "run_id", "design_name", "workload_name", "feasible", "latency_s", "items_per_s",
                                     "throughput_unit", "bound", "avg_power_w", "area_mm2", "tco_usd_per_hour", "usd_per_million_items",
                                     "items_per_joule"])
        #expect(defaults.rows.count == 8)
        let sorted = try reader.query(ResultsQuery(runID: runID, whereExpression: "workload_name LIKE 'llama%'",
                                                   orderBy: "items_per_s desc", limit: 2, columns: ["design_name", "items_per_s"]))
        #expect(sorted.columns == ["design_name", "items_per_s"])
        #expect(sorted.rows.count == 2)
        let t = sorted.rows.compactMap { $0[1].number }
        #expect(t.count == 2 && t[0] >= t[1])
        // An unknown run is an error naming the runs there are, not an empty answer.
        let noRun = #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(runID: runID + 100)) }
        #expect(noRun?.message.contains("its runs are \(runID)") == true)
        // Tables without run_id are filtered through results.
        let ops = try reader.query(ResultsQuery(table: .opResults, runID: runID, columns: ["result_id"]))
        let opTotal = try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM op_results") ?? 0 }
        #expect(ops.rows.count == opTotal)
        let scores = try reader.query(ResultsQuery(table: .designScores, runID: runID))
        #expect(scores.rows.count == 4)
        #expect(scores.columns.contains("weighted_items_per_s"))

        let unknown = #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(columns: ["design_name", "speed"])) }
        #expect(unknown?.message.contains("unknown column \"speed\"") == true)
        #expect(unknown?.message.contains("items_per_s") == true)   // lists the available ones
        let badOrder = #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(orderBy: "speed desc")) }
        #expect(badOrder?.message.hasPrefix("--order-by: unknown column \"speed\"") == true)
        #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(orderBy: "latency_s; DROP TABLE results")) }
        #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(orderBy: "latency_s upward")) }
        #expect(throws: ResultsToolError.self) { try reader.query(ResultsQuery(limit: -1)) }
        #expect(throws: ResultsToolError.self) { try ResultsTable.parse("sqlite_master") }
        #expect(throws: ResultsToolError.self) { try ResultsReader(path: dir.appendingPathComponent("missing.sqlite").path) }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing.sqlite").path))
    }

    // MARK: rendering

    @Test func csvQuotesPerRFC4180() {
        let result = QueryResult(columns: ["name", "n", "x", "note"], rows: [
            [.text("plain"), .integer(3), .real(0.5), .null],
            [.text("a,b"), .integer(-7), .real(1e-9), .text("say \"hi\"")],
            [.text("two\nlines"), .integer(0), .real(1e20), .text(" padded ")],
            [.text("cr\r\nlf"), .null, .real(2), .text("")],
        ])
        #expect(result.csv() == """
            name,n,x,note
            plain,3,0.5,
            "a,b",-7,1e-09,"say ""hi\"\"\"
            "two
            lines",0,1e+20," padded "
            "cr\r\nlf",,2,

            """)
    }

    @Test func jsonIsAnArrayOfObjectsWithNumbersAndNulls() throws {
        let result = QueryResult(columns: ["name", "n", "x", "missing"], rows: [
            [.text("a \"q\""), .integer(42), .real(0.25), .null],
            [.text("b"), .integer(-1), .real(.infinity), .real(3)],
        ])
        let parsed = try JSONParser.parse(result.json())
        guard case let .array(items) = parsed else { Issue.record("not an array"); return }
        #expect(items.count == 2)
        #expect(items[0]["name"] == .string("a \"q\""))
        #expect(items[0]["n"] == .number(42))
        #expect(items[0]["x"] == .number(0.25))
        #expect(items[0]["missing"] == .null)
        #expect(items[1]["x"] == .null)   // non-finite reals are not JSON numbers
        if case let .object(pairs) = items[0] { #expect(pairs.map(\.key) == ["name", "n", "x", "missing"]) }
        #expect(QueryResult(columns: ["a"], rows: []).json() == "[]")

        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, _) = try sweepDatabase(dir)
        let rows = try ResultsReader(path: path).query(ResultsQuery(columns: ["id", "design_name", "latency_s", "reason"]))
        guard case let .array(objects) = try JSONParser.parse(rows.json()) else { Issue.record("not an array"); return }
        #expect(objects.count == rows.rows.count)
        for object in objects {
            guard case .number = object["id"], case .string = object["design_name"] else { Issue.record("bad types in \(object)"); continue }
            #expect(object["reason"] != nil)
        }
    }

    // MARK: Pareto

    @Test func paretoMatchesBruteForceOnRandomPoints() throws {
        var rng = SplitMix64(state: 42)
        for dimension in [1, 2, 3, 4] {
            for trial in 0..<4 {
                // Coarse values so that ties and exact duplicates occur; a few NULLs.
                let grid = trial % 2 == 0 ? 20 : 1_000_000
                var rows: [[ResultValue]] = []
                for i in 0..<500 {
                    var row: [ResultValue] = [.integer(Int64(i))]
                    for _ in 0..<dimension {
                        row.append(Int.random(in: 0..<60, using: &rng) == 0 ? .null
                                   : (Bool.random(using: &rng) ? .real(Double(Int.random(in: 0..<grid, using: &rng)) / 7)
                                                               : .integer(Int64(Int.random(in: 0..<grid, using: &rng)))))
                    }
                    rows.append(row)
                }
                let columns = ["id"] + (0..<dimension).map { "c\($0)" }
                let senses: [ParetoObjective.Sense] = (0..<dimension).map { _ in Bool.random(using: &rng) ? .max : .min }
                let objectives = zip(senses, columns.dropFirst()).map { ParetoObjective($0, $1) }
                let front = try ParetoFront.compute(rows: QueryResult(columns: columns, rows: rows), objectives: objectives)

                // Brute force straight from the definition.
                let valid = rows.filter { row in row.dropFirst().allSatisfy { !$0.isNull } }
                func better(_ a: [ResultValue], _ b: [ResultValue]) -> Bool {   // a dominates b
                    var strictly = false
                    for (k, sense) in senses.enumerated() {
                        let x = a[k + 1].number!, y = b[k + 1].number!
                        let (p, q) = sense == .max ? (x, y) : (-x, -y)
                        if p < q { return false }
                        if p > q { strictly = true }
                    }
                    return strictly
                }
                let expected = valid.filter { b in !valid.contains { a in better(a, b) } }.map { $0[0] }
                #expect(front.rows.map { $0[0] } == expected, "dimension \(dimension), trial \(trial)")
                #expect(!expected.isEmpty)
            }
        }
    }

    @Test func paretoObjectivesParseStrictly() throws {
        #expect(try ParetoObjective.parseList("max:a, min:b") == [ParetoObjective(.max, "a"), ParetoObjective(.min, "b")])
        for bad in ["", "max", "max:", "maximize:a", "MAX:a", "max:a,", "max:a,min:a", "min:a b", ":a"] {
            #expect(throws: ResultsToolError.self, "\(bad)") { try ParetoObjective.parseList(bad) }
        }
        let rows = QueryResult(columns: ["name", "x"], rows: [[.text("a"), .integer(1)]])
        #expect(throws: ResultsToolError.self) { try ParetoFront.compute(rows: rows, objectives: ["max:y"]) }
        #expect(throws: ResultsToolError.self) { try ParetoFront.compute(rows: rows, objectives: ["max:name"]) }
        // Identical points are all kept; a point worse on one objective and equal on the other is not.
        let ties = QueryResult(columns: ["id", "t", "a"], rows: [
            [.integer(1), .real(10), .real(5)], [.integer(2), .real(10), .real(5)], [.integer(3), .real(10), .real(6)],
            [.integer(4), .real(12), .real(9)], [.integer(5), .null, .real(1)],
        ])
        let front = try ParetoFront.compute(rows: ties, objectives: ["max:t", "min:a"])
        #expect(front.rows.map { $0[0] } == [.integer(1), .integer(2), .integer(4)])
    }

    @Test func paretoOverDesignScores() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, runID) = try sweepDatabase(dir)
        let reader = try ResultsReader(path: path)
        let rows = try reader.query(ResultsQuery(table: .designScores, runID: runID, columns: ["design_name", "weighted_items_per_s", "area_mm2"],
                                                 feasibleOnly: true))
        let front = try ParetoFront.compute(rows: rows, objectives: ["max:weighted_items_per_s", "min:area_mm2"])
        #expect(!front.rows.isEmpty)
        for row in rows.rows where !front.rows.contains(row) {
            // Each dropped design is dominated by a kept one.
            #expect(front.rows.contains { f in
                f[1].number! >= row[1].number! && f[2].number! <= row[2].number! && (f[1].number! > row[1].number! || f[2].number! < row[2].number!)
            })
        }
        #expect(CLI.run(["pareto", "--db", path, "--objectives", "max:weighted_items_per_s,min:area_mm2", "--format", "csv"]) == 0)
        #expect(CLI.run(["pareto", "--db", path, "--objectives", "max:speed"]) == 2)
        #expect(CLI.run(["pareto", "--db", path, "--objectives", "fast:weighted_items_per_s"]) == 2)
    }

    // MARK: compare

    @Test func compareRatiosOnAHandMadeCase() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try fixture()
        let path = dir.appendingPathComponent("c.sqlite").path
        let store = try ResultsStore(path: path)
        try f.writeRun(to: store, pairs: [(0, 0), (3, 0)], configHash: "older")
        let runID = try f.writeRun(to: store, pairs: [(0, 0), (1, 0), (2, 0), (3, 0), (0, 1), (3, 1)])
        try f.writeRun(to: store, pairs: [(0, 0)], configHash: "newer-without-baseline")
        // Hand-set metrics: baseline h100 on workload 0, and three candidates.
        func set(_ design: String, workload: Int, _ values: [String: DatabaseValueConvertible?]) throws {
            try store.pool.write { db in
                for (column, value) in values {
                    try db.execute(sql: "UPDATE results SET \(column) = ? WHERE run_id = ? AND design_name = ? AND workload_hash = ?",
                                   arguments: [value, runID, design, f.workloads[workload].contentHash])
                }
            }
        }
        let metrics = ["items_per_s", "latency_s", "items_per_joule", "usd_per_million_items", "area_mm2", "energy_j"]
        func values(_ numbers: [Double]) -> [String: DatabaseValueConvertible?] {
            Dictionary(uniqueKeysWithValues: zip(metrics, numbers.map { $0 as DatabaseValueConvertible? }))
        }
        try set("h100-sxm", workload: 0, values([100, 0.01, 2, 4, 800, 10]))
        try set("spu-edge-inference", workload: 0, values([300, 0.005, 3, 1, 200, 5]))
        try set("edge-fast", workload: 0, values([1000, 0.001, 1, 8, 100, 20]).merging(["meets_constraints": false]) { $1 })
        try set("edge-slow", workload: 0, values([50, 0.02, 4, 2, 400, 40]))

        let reader = try ResultsReader(path: path)
        let comparison = try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", top: 5)
        #expect(comparison.runID == runID)   // the latest run with the baseline flagged
        #expect(comparison.workloads.count == 2)
        let w0 = try #require(comparison.workloads.first { $0.workloadHash == f.workloads[0].contentHash })
        #expect(w0.baseline.designName == "h100-sxm")
        // edge-fast misses the constraints; the rest are ranked by throughput.
        #expect(w0.designs.map(\.design.designName) == ["spu-edge-inference", "edge-slow"])
        let r = w0.designs[0].ratios
        #expect(r == BaselineComparison.Ratios(design: w0.designs[0].design, baseline: w0.baseline))
        #expect(r.throughput == 3)
        #expect(r.speedup == 2)
        #expect(r.itemsPerJoule == 1.5)
        #expect(r.throughputPerTCODollar == 4)
        #expect(r.area == 0.25)
        #expect(r.energy == 0.5)
        let slow = w0.designs[1].ratios
        #expect(slow.throughput == 0.5 && slow.speedup == 0.5 && slow.throughputPerTCODollar == 2 && slow.area == 0.5 && slow.energy == 4)
        #expect(try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", top: 1).workloads[0].designs.count == 1)
        // Missing values give no ratio rather than a wrong one.
        let partial = BaselineComparison.Ratios(
            design: .init(designName: "d", itemsPerS: 5, latencyS: nil, itemsPerJoule: 1, usdPerMillionItems: 0, areaMM2: 1, energyJ: 1),
            baseline: .init(designName: "b", itemsPerS: 0, latencyS: 1, itemsPerJoule: nil, usdPerMillionItems: 1, areaMM2: 2, energyJ: 1))
        #expect(partial.throughput == nil && partial.speedup == nil && partial.itemsPerJoule == nil && partial.throughputPerTCODollar == nil)
        #expect(partial.area == 0.5)

        let missing = #expect(throws: ResultsToolError.self) { try BaselineComparison.compute(reader: reader, baseline: "a100") }
        #expect(missing?.message.contains("h100-sxm") == true && missing?.message.contains("edge-fast") == true)
        #expect(throws: ResultsToolError.self) { try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", runID: runID + 1) }
        #expect(throws: ResultsToolError.self) { try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", runID: 999) }
        #expect(throws: ResultsToolError.self) { try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", top: 0) }
        // An explicit run that holds the baseline.
        #expect(try BaselineComparison.compute(reader: reader, baseline: "h100-sxm", runID: 1).runID == 1)

        guard case let .object(pairs) = comparison.jsonValue else { Issue.record("not an object"); return }
        #expect(pairs.map(\.key) == ["run_id", "baseline", "top", "pricing", "workloads"])
        #expect(CLI.run(["compare", "--db", path, "--baseline", "h100-sxm"]) == 0)
        #expect(CLI.run(["compare", "--db", path, "--baseline", "h100-sxm", "--format", "json"]) == 0)
        #expect(CLI.run(["compare", "--db", path, "--baseline", "nope"]) == 2)
    }

    // MARK: merge

    @Test func mergesShardsOfOneRunIdempotently() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try fixture()
        let a = dir.appendingPathComponent("shard-a.sqlite").path, b = dir.appendingPathComponent("shard-b.sqlite").path
        let storeA = try ResultsStore(path: a), storeB = try ResultsStore(path: b)
        try f.writeRun(to: storeA, pairs: [(0, 0), (3, 0), (0, 1)], shard: "0/2", status: "running")
        try f.writeRun(to: storeB, pairs: [(1, 0), (0, 0), (3, 1)], shard: "1/2", status: "finished")   // (0, 0) in both
        try f.writeRun(to: storeA, pairs: [(2, 1)], kind: "run", name: nil, configHash: "single")          // another run
        try storeA.pool.write { db in
            try db.execute(sql: """
                INSERT INTO format_studies (run_id, data_source, value_count, format, scaling, bits_per_element, sqnr_db, mean_relative_error,
                  max_relative_error, decimal_accuracy, fraction_flushed, fraction_saturated, dynamic_range_decades)
                VALUES (2, 'distribution:gaussian', 100, 'pal8', 'absmax', 8, 30.5, 0.01, 0.1, 2, 0, 0, NULL)
                """)
        }

        let out = dir.appendingPathComponent("merged/out.sqlite").path
        let report = try ResultsMerger.merge(into: out, from: [a, b])
        #expect(report.runsCreated == 2 && report.runsMerged == 1)
        #expect(report.results.copied == 6 && report.results.skipped == 1)
        #expect(report.designs.copied == 4 && report.workloads.copied == 2)
        #expect(report.formatStudies.copied == 1)
        let expectedOps = [(0, 0), (3, 0), (0, 1), (1, 0), (3, 1), (2, 1)].reduce(0) { $0 + f.workloads[$1.1].ops.count }
        #expect(report.opResults.copied == expectedOps)

        let reader = try ResultsReader(path: out)
        let runs = try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, name, status, shard, config_hash FROM runs ORDER BY id")
                .map { ($0["kind"] as String, $0["name"] as String?, $0["status"] as String, $0["shard"] as String?, $0["id"] as Int64) }
        }
        #expect(runs.count == 2)
        #expect(runs[0].0 == "sweep" && runs[0].1 == "test-sweep" && runs[0].2 == "finished" && runs[0].3 == nil)
        let sweepResults = try reader.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE run_id = ?", arguments: [runs[0].4]) ?? 0
        }
        #expect(sweepResults == 5)
        // Every merged result keeps its metrics and its per-op rows.
        let source = try ResultsReader(path: b)
        let original = try source.query(ResultsQuery(whereExpression: "design_name = 'edge-fast'", columns: ["*"]))
        let merged = try reader.query(ResultsQuery(whereExpression: "design_name = 'edge-fast'", columns: ["*"]))
        let skip = Set(["id", "run_id"])
        let keep = original.columns.filter { !skip.contains($0) }
        #expect(try merged.projected(to: keep) == original.projected(to: keep))
        let orphanOps = try reader.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results r WHERE (SELECT COUNT(*) FROM op_results o WHERE o.result_id = r.id) = 0") ?? -1
        }
        #expect(orphanOps == 0)
        let before = try counts(out)

        // Merging again changes nothing.
        let again = try ResultsMerger.merge(into: out, from: [a, b])
        #expect(again.runsCreated == 0 && again.runsMerged == 3)
        #expect(again.results.copied == 0 && again.results.skipped == 7)
        #expect(again.opResults.copied == 0 && again.formatStudies.copied == 0 && again.formatStudies.skipped == 1)
        #expect(try counts(out) == before)
        #expect(before["results"] == 6 && before["runs"] == 2 && before["format_studies"] == 1)
        // The CLI does the same.
        #expect(CLI.run(["merge", out, a, b]) == 0)
        #expect(try counts(out) == before)
        #expect(try counts(a)["results"] == 4)   // inputs untouched
    }

    @Test func mergeRejectsNonSPUSimInputsWithoutTouchingTheOutput() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (good, _) = try sweepDatabase(dir, name: "good.sqlite")
        let text = dir.appendingPathComponent("notes.sqlite").path
        try "just some text, not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let other = dir.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE results (id INTEGER PRIMARY KEY)") }
        try queue.close()
        let missing = dir.appendingPathComponent("missing.sqlite").path

        let fresh = dir.appendingPathComponent("fresh.sqlite").path
        for bad in [text, other, missing] {
            let error = #expect(throws: ResultsToolError.self, "\(bad)") { try ResultsMerger.merge(into: fresh, from: [good, bad]) }
            #expect(error?.message.hasPrefix(bad) == true, "\(error?.message ?? "")")
            #expect(!FileManager.default.fileExists(atPath: fresh))
        }
        // An existing output keeps its bytes.
        let existing = dir.appendingPathComponent("existing.sqlite").path
        try ResultsMerger.merge(into: existing, from: [good])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: existing))
        #expect(throws: ResultsToolError.self) { try ResultsMerger.merge(into: existing, from: [good, text]) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == bytes)
        #expect(throws: ResultsToolError.self) { try ResultsMerger.merge(into: good, from: [good]) }
        #expect(CLI.run(["merge", existing, other]) == 2)
        #expect(CLI.run(["merge", existing]) == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == bytes)
    }

    @Test func olderAndNewerSchemas() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (good, _) = try sweepDatabase(dir, name: "good.sqlite")
        // A database written before the sweep migration (v3), holding the same rows.
        let old = dir.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: old)
        try ResultsSchema.migrator.migrate(queue, upTo: "v3-energy-area-cost")
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [good])
            for table in ["runs", "designs", "workloads", "results", "op_results"] {
                let columns = try ResultsReader.columns(of: table, in: db)
                let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                // The v3 schema still calls items_per_s throughput_per_s.
                let selected = columns.map { $0 == "throughput_per_s" ? "\"items_per_s\"" : "\"\($0)\"" }.joined(separator: ", ")
                try db.execute(sql: "INSERT INTO main.\(table) (\(list)) SELECT \(selected) FROM src.\(table)")
            }
            try db.execute(sql: "DETACH DATABASE src")
        }
        try queue.close()

        // Merging reads it as it is (the input is not upgraded); the new columns take their defaults.
        let out = dir.appendingPathComponent("out.sqlite").path
        let report = try ResultsMerger.merge(into: out, from: [old])
        #expect(report.results.copied == 8 && report.runsCreated == 1)
        // Renamed metric columns are carried over under their new names; new ones are derived.
        let outRows = try DatabaseQueue(path: out).read { db in
            try Row.fetchAll(db, sql: "SELECT items_per_s, items_per_s_per_chip, devices FROM results")
        }
        #expect(outRows.count == 8 && outRows.allSatisfy { row in
            guard let total = row["items_per_s"] as Double?, let perChip = row["items_per_s_per_chip"] as Double? else { return false }
            return abs(perChip * Double(row["devices"] as Int) - total) <= 1e-9 * total
        })
        let migrated = try DatabaseQueue(path: old).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") }
        #expect(migrated == 3)
        let run = try ResultsReader(path: out).query(ResultsQuery(table: .runs, columns: ["kind", "status", "shard"]))
        #expect(run.rows == [[.text("run"), .text("finished"), .null]])
        // The query tools only read: an older database is refused with the command that upgrades
        // it, and is left as it was.
        let refused = #expect(throws: ResultsToolError.self) { try ResultsReader(path: old) }
        #expect(refused?.message.contains("spusim migrate --db \(old)") == true)
        #expect(try DatabaseQueue(path: old).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") } == 3)
        #expect(CLI.run(["migrate", "--db", old]) == 0)
        let scores = try ResultsReader(path: old).query(ResultsQuery(table: .designScores))
        #expect(scores.rows.count == 4)
        #expect(try ResultsStore.upgrade(path: old).applied.isEmpty)

        // A database from a newer SPUSim is not merged (its extra columns would be lost).
        let newer = dir.appendingPathComponent("newer.sqlite").path
        _ = try sweepDatabase(dir, name: "newer.sqlite")
        try DatabaseQueue(path: newer).write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        let error = #expect(throws: ResultsToolError.self) { try ResultsMerger.merge(into: out, from: [newer]) }
        #expect(error?.message.contains("v99-future") == true)
        // Nor read or written: its schema is unknown to this version.
        let readError = #expect(throws: ResultsToolError.self) { try ResultsReader(path: newer) }
        #expect(readError?.message.contains("newer SPUSim") == true)
        #expect(throws: ResultsToolError.self) { try ResultsStore(path: newer) }
    }

    // MARK: command line

    @Test func queryAndExportCommands() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, _) = try sweepDatabase(dir)
        #expect(CLI.run(["query", "--db", path]) == 0)
        #expect(CLI.run(["query", "--db", path, "--table", "design_scores", "--format", "json"]) == 0)
        #expect(CLI.run(["query", "--db", path, "--sql", "SELECT COUNT(*) FROM results", "--format", "csv"]) == 0)
        #expect(CLI.run(["query", "--db", path, "--sql", "DELETE FROM results"]) == 2)
        #expect(CLI.run(["query", "--db", path, "--sql", "SELECT 1", "--limit", "1"]) == 2)
        #expect(CLI.run(["query", "--db", path, "--columns", "nope"]) == 2)
        #expect(CLI.run(["query", "--db", path, "--where", "1); DROP TABLE results; --"]) == 2)
        #expect(CLI.run(["query", "--db", path, "--table", "sqlite_master"]) == 2)
        let missing = dir.appendingPathComponent("none.sqlite").path
        #expect(CLI.run(["query", "--db", missing]) == 2)
        #expect(!FileManager.default.fileExists(atPath: missing))

        let csv = dir.appendingPathComponent("out/rows.csv").path
        #expect(CLI.run(["export", "--db", path, "--to", csv, "--columns", "design_name,items_per_s", "--order-by", "design_name"]) == 0)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "design_name,items_per_s")
        #expect(lines.count == 9)
        let json = dir.appendingPathComponent("rows.JSON").path
        #expect(CLI.run(["export", "--db", path, "--to", json, "--table", "runs"]) == 0)
        guard case let .array(runs) = try JSONParser.parse(String(contentsOfFile: json, encoding: .utf8)) else {
            Issue.record("not an array"); return
        }
        #expect(runs.count == 1)
        let txt = dir.appendingPathComponent("rows.txt").path
        #expect(CLI.run(["export", "--db", path, "--to", txt]) == 2)
        #expect(!FileManager.default.fileExists(atPath: txt))
    }
}
