import Foundation
import GRDB
import Testing
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
        #expect(row.2 == result.bound.rawValue)
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
