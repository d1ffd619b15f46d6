import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUResults
@testable import SPUWorkload

@Suite struct ResultsStoreTests {
    @Test func recordsARunWithPerOpRowsInWALMode() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/results.sqlite").path
        let store = try ResultsStore(path: path)
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 4, length: 512)
        let result = PerformanceModel(device: device).evaluate(workload)
        let info = ResultsStore.RunInfo(command: "test", configHash: "abc", startedAt: Date(), finishedAt: Date())
        let ids = try store.record(run: info, design: device, workload: workload, result: result)
        try store.record(run: info, design: device, workload: workload, result: result)   // same design/workload, new run

        let counts = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM designs")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM workloads")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM op_results WHERE result_id = ?", arguments: [ids.resultID])!,
             try String.fetchOne(db, sql: "PRAGMA journal_mode")!)
        }
        #expect(counts.0 == 2 && counts.1 == 1 && counts.2 == 1 && counts.3 == 2)
        #expect(counts.4 == workload.ops.count)
        #expect(counts.5 == "wal")
        let row = try store.read { db -> (Double, Double, String, String) in
            let row = try Row.fetchOne(db, sql: "SELECT latency_s, items_per_s, bound, design_hash FROM results WHERE id = ?", arguments: [ids.resultID])!
            return (row["latency_s"], row["items_per_s"], row["bound"], row["design_hash"])
        }
        #expect(row.0 == result.latencySeconds)
        #expect(row.1 == result.throughputPerSecond)
        #expect(row.2 == result.bound?.rawValue)
        #expect(row.3 == device.contentHash)
        // Per-op latencies times repeat add up to the stored latency.
        let sum = try store.read { db in try Double.fetchOne(db, sql: "SELECT SUM(latency_s * repeat) FROM op_results WHERE result_id = ?", arguments: [ids.resultID])! }
        #expect(abs(sum - result.latencySeconds) < 1e-12)
        // Reopening runs the migrations idempotently.
        _ = try ResultsStore(path: path)
    }

    @Test func infeasibleLatencyIsStoredAsNull() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("r.sqlite").path)
        let device = try Repo.device("configs/gpus/a100-sxm-80gb.json")
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128, format: .fp8E4M3)
        let result = PerformanceModel(device: device).evaluate(workload)
        try store.record(run: .init(command: "t", configHash: "h", startedAt: Date(), finishedAt: Date()), design: device, workload: workload, result: result)
        let row = try store.read { db -> (Bool, String, Double?) in
            let row = try Row.fetchOne(db, sql: "SELECT feasible, reason, latency_s FROM results")!
            return (row["feasible"], row["reason"], row["latency_s"])
        }
        #expect(row.0 == false)
        #expect(row.1.contains("fp8-e4m3"))
        #expect(row.2 == nil)
        // No measured metric (throughput, efficiency, utilisation, power) on an infeasible row;
        // the memory it needs and the design's area stay, as they explain the verdict.
        let stored = try store.read { db -> [String: Double?] in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM results")!
            return Dictionary(uniqueKeysWithValues: MetricCatalogue.all.map { ($0.name, row[$0.name] as Double?) })
        }
        for metric in MetricCatalogue.all where !metric.isDesignLevel {   // recorded without cost inputs
            let value: Double? = stored[metric.name] ?? nil
            if metric.isDefined(feasible: false) {
                #expect(value != nil, "\(metric.name) explains an infeasible result and must be stored")
            } else {
                #expect(value == nil, "\(metric.name) must be NULL on an infeasible row, got \(value.map(String.init(describing:)) ?? "nil")")
            }
        }
        #expect(MetricCatalogue.metric(named: "items_per_joule")?.isDefined(feasible: false) == false)
        #expect(MetricCatalogue.metric(named: "area_mm2")?.isDefined(feasible: false) == true)
    }

    /// A design that cannot be built (seven HBM stacks on an H100-sized die) is not run: its
    /// result has the packaging reason and the memory check, no ops, bound, times, activity or
    /// energy, and its row stores those as NULL while keeping the area and cost that explain it.
    @Test func unbuildableDesignIsNotRunAndStoredWithoutBreakdowns() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("r.sqlite").path)
        let device = try JSONEdit.variant("configs/gpus/h200.json", [(["memory", "offchip", "stacks"], .number(7)),
                                                                      (["silicon", "physical_memory_stacks"], .number(7))])
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 1024)
        let evaluator = try DesignEvaluator(device: device, inputs: try CostModelTests.inputs())
        let r = evaluator.evaluate(workload)
        #expect(!r.performance.wasRun && !r.performance.feasible && r.performance.ops.isEmpty && r.performance.bound == nil)
        #expect(r.performance.reason == evaluator.silicon.packaging.reasons.joined(separator: "; "))
        #expect(r.performance.capacity.requiredBytes > 0 && r.performance.capacity.fits)
        try store.record(run: .init(command: "t", configHash: "h", startedAt: Date(), finishedAt: Date()), design: device, workload: workload,
                         result: r.performance, cost: r.cost)
        let row = try store.read { db -> [String: DatabaseValue] in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM results")!
            return Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
        }
        for column in ["bound", "latency_s", "energy_j", "avg_power_w"] + ResultsSchema.boundColumns + ResultsSchema.activityColumns
            + ResultsSchema.energyBreakdownColumns {
            #expect(row[column]?.isNull == true, "\(column) must be NULL for a design not run")
        }
        for column in ["area_mm2", "price_usd", "memory_required_bytes", "package_cost_usd"] + ResultsSchema.areaBreakdownColumns {
            #expect(row[column].flatMap { Double.fromDatabaseValue($0) }.map { $0 >= 0 } == true, "\(column) explains the verdict and must be stored")
        }
        let json = JSONWriter.canonical(r.jsonValue())
        #expect(json.contains("\"bound\":null") && json.contains("\"time_by_bound_s\":null") && json.contains("\"activity\":null"))
        // With six stacks (the shipped H200) the design is buildable and runs.
        let six = try DesignEvaluator(device: try JSONEdit.variant("configs/gpus/h200.json", []), inputs: try CostModelTests.inputs())
        #expect(six.evaluate(workload).performance.wasRun)
    }

    /// Migration v14 rebuilds `results` with one index, UNIQUE (run_id, point_index,
    /// design_hash, workload_hash), and a nullable bound: every row survives unchanged, and the
    /// key still refuses a second row of the same design and workload at the same point.
    @Test func v14RebuildKeepsRowsAndKeysResultsByPoint() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v13.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try ResultsSchema.migrator.migrate(queue, upTo: "v13-design-overrides")
        let insert = """
            INSERT INTO results (run_id, design_hash, workload_hash, design_name, workload_name, feasible, items_per_s, throughput_unit,
              bound, time_compute_s, time_sram_s, time_noc_s, time_offchip_s, time_chiplink_s, time_overhead_s, mac_utilization, devices,
              memory_required_bytes, memory_available_bytes, macs, vector_ops, local_sram_read_bytes, local_sram_write_bytes,
              shared_sram_read_bytes, shared_sram_write_bytes, offchip_read_bytes, offchip_write_bytes, noc_byte_hops, chip_link_bytes,
              point_index)
            VALUES (1, ?, ?, ?, 'w', 1, ?, 'tokens', 'offchip', 0, 0, 0, 1, 0, 0, 0.5, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ?)
            """
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (started_at, tool_version, command, config_hash) VALUES ('2026-01-01', 'old', 'c', 'h')")
            try db.execute(sql: "INSERT INTO workloads VALUES ('w1', 'w', 'decode', 1, 'tokens', 1, 1, 1, 1, '{}')")
            for point in 0..<3 {
                try db.execute(sql: "INSERT INTO designs (hash, name, kind, json) VALUES (?, ?, 'spu', '{}')", arguments: ["d\(point)", "design\(point)"])
                try db.execute(sql: insert, arguments: ["d\(point)", "w1", "design\(point)", 100 * point, point])
            }
        }
        @Sendable func values(_ db: Database) throws -> [[String: DatabaseValue]] {
            try Row.fetchAll(db, sql: "SELECT * FROM results ORDER BY id").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
            }
        }
        let before = try queue.read(values)
        try queue.close()
        let store = try ResultsStore(path: path)
        let (after, indexes, nullBound, duplicate) = try store.read { db in
            (try values(db),
             try Row.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'results'").map { $0[0] as String },
             try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'results'")?.contains("\"bound\" TEXT,"),
             try db.indexes(on: "results").map(\.columns))
        }
        #expect(after.count == 3)
        // Every stored value unchanged (the catalogue columns v13 lacked are added, NULL).
        #expect(before == after.map { row in row.filter { before[0][$0.key] != nil } })
        #expect(indexes == ["sqlite_autoindex_results_1"] && duplicate == [["run_id", "point_index", "design_hash", "workload_hash"]])
        #expect(nullBound == true)
        let scores = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT design_hash, weighted_items_per_s FROM design_scores ORDER BY point_index")
                .map { ($0["design_hash"] as String, $0["weighted_items_per_s"] as Double) }
        }
        #expect(scores.map(\.0) == ["d0", "d1", "d2"] && scores.map(\.1) == [0, 100, 200])
        // The same pair at the same point is refused, as under the former key.
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in try db.execute(sql: insert, arguments: ["d1", "w1", "design1", 1, 1]) }
        }
    }

    /// The safety net's verdict reaches the database: an infeasible result whose model arithmetic
    /// gave a non-finite bound time is stored with NULL there, not refused by a NOT NULL column.
    @Test func nonFiniteTimesOfAnInfeasibleResultAreStoredAsNull() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("r.sqlite").path)
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128)
        var result = PerformanceModel(device: device).evaluate(workload)
        result.feasible = false
        result.reason = "latency is not finite"
        result.timeByBound[.compute] = .nan
        result.macUtilization = .nan
        try store.record(run: .init(command: "t", configHash: "h", startedAt: Date(), finishedAt: Date()), design: device, workload: workload, result: result)
        let (compute, utilization) = try store.read { db -> (Double?, Double?) in
            let row = try Row.fetchOne(db, sql: "SELECT time_compute_s, mac_utilization FROM results")!
            return (row["time_compute_s"], row["mac_utilization"])
        }
        #expect(compute == nil && utilization == nil)
    }

    /// A design's score needs every workload's value: SQL's SUM would otherwise average over the
    /// feasible workloads only and flatter a design that cannot run the others.
    @Test func designScoreIsNullWhenAnyWorkloadLacksTheMetric() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("r.sqlite").path)
        let device = try Repo.device("configs/gpus/a100-sxm-80gb.json")
        let runs = ResultsStore.RunInfo(command: "t", configHash: "h", startedAt: Date(), finishedAt: Date())
        let fits = try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128)
        let noFP8 = try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128, format: .fp8E4M3)
        let first = try store.record(run: runs, design: device, workload: fits, result: PerformanceModel(device: device).evaluate(fits))
        let second = try store.record(run: runs, design: device, workload: noFP8, result: PerformanceModel(device: device).evaluate(noFP8))
        // Both workloads in one run, as a sweep stores them.
        try store.pool.write { db in
            try db.execute(sql: "UPDATE results SET run_id = ? WHERE id = ?", arguments: [first.runID, second.resultID])
        }
        let (workloads, feasible, latency) = try store.read { db -> (Int, Bool, Double?) in
            let row = try Row.fetchOne(db, sql: "SELECT workloads, feasible, weighted_latency_s FROM design_scores WHERE run_id = ?", arguments: [first.runID])!
            return (row["workloads"], row["feasible"], row["weighted_latency_s"])
        }
        #expect(workloads == 2 && !feasible)
        #expect(latency == nil, "a design infeasible on one workload has no weighted latency")
    }

    /// Processes (here: connections) that create one new database at the same moment migrate it
    /// one after another; every writer lands its run.
    @Test func concurrentFirstOpensAllSucceed() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("new.sqlite").path
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 4, length: 512)
        let result = PerformanceModel(device: device).evaluate(workload)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let store = try ResultsStore(path: path)
                try store.record(run: .init(command: "writer \(i)", configHash: "h\(i)", startedAt: Date(), finishedAt: Date()),
                                 design: device, workload: workload, result: result)
            } catch {
                failures.append("\(i): \(error)")
            }
        }
        #expect(failures.values.isEmpty, "\(failures.values)")
        let counts = try ResultsStore(path: path).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results")!)
        }
        #expect(counts.0 == 8 && counts.1 == 8)
    }

    /// Another application's SQLite file is refused and left untouched; so is a newer SPUSim's.
    @Test func foreignAndNewerDatabasesAreRefused() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let foreign = dir.appendingPathComponent("app.sqlite").path
        try DatabaseQueue(path: foreign).write { db in try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)") }
        let error = #expect(throws: ResultsToolError.self) { try ResultsStore(path: foreign) }
        #expect(error?.message.contains("not an SPUSim results database") == true)
        let tables = try DatabaseQueue(path: foreign).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["customers"])

        let newer = dir.appendingPathComponent("newer.sqlite").path
        _ = try ResultsStore(path: newer)
        try DatabaseQueue(path: newer).write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        let newerError = #expect(throws: ResultsToolError.self) { try ResultsStore(path: newer) }
        #expect(newerError?.message.contains("v99-future") == true)
    }
}

/// Error messages collected from concurrent work.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func append(_ message: String) { lock.withLock { messages.append(message) } }
    var values: [String] { lock.withLock { messages } }
}
