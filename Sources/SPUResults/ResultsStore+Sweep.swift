import Foundation
import GRDB
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUSweep
import SPUWorkload

extension ResultsStore {
    /// Starts a run row with status `running`.
    public func beginRun(kind: String, name: String, command: String, configJSON: String, configHash: String, shard: String?) throws -> Int64 {
        try pool.write { db in
            try insertRunning(db, kind: kind, name: name, command: command, configJSON: configJSON, configHash: configHash, shard: shard)
        }
    }

    /// Inserts a run row with status `running` inside the caller's transaction.
    func insertRunning(_ db: Database, kind: String, name: String, command: String, configJSON: String, configHash: String,
                       shard: String?) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO runs (started_at, tool_version, command, config_hash, kind, name, config_json, status, shard)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)
            """, arguments: [ISO8601DateFormatter().string(from: Date()), SPUSimVersion.current, command, configHash, kind, name,
                             configJSON, shard])
        return db.lastInsertedRowID
    }

    /// The latest run of the same configuration and shard, to resume into.
    public func resumableRun(configHash: String, shard: String?) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE config_hash = ? AND shard IS ? ORDER BY id DESC LIMIT 1",
                               arguments: [configHash, shard])
        }
    }

    /// What a run holds for its points in `points`, by point index: one range scan of the
    /// (run_id, point_index, design_hash, workload_hash) key, which holds every column it reads.
    public func storedPoints(runID: Int64, in points: Range<Int>) throws -> [Int: StoredPoint] {
        try pool.read { db in
            var out: [Int: StoredPoint] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT point_index, design_hash, workload_hash FROM results WHERE run_id = ? AND point_index >= ? AND point_index < ?
                """, arguments: [runID, points.lowerBound, points.upperBound])
            while let row = try rows.next() {
                out[row[0], default: StoredPoint(designHash: row[1], workloadHashes: [])].workloadHashes.insert(row[2])
            }
            return out
        }
    }

    /// Stored metrics of a run's results by "design_hash|workload_hash" (for resuming adaptive
    /// searches): every catalogue metric by name, plus `feasible` and `meets_constraints` as 0/1.
    public func storedMetrics(runID: Int64) throws -> [String: [String: Double]] {
        try pool.read { db in
            var out: [String: [String: Double]] = [:]
            let columns = MetricCatalogue.all.map(\.name) + ["feasible", "meets_constraints"]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT design_hash || '|' || workload_hash AS pair, \(columns.joined(separator: ", "))
                FROM results WHERE run_id = ?
                """, arguments: [runID])
            while let row = try rows.next() {
                var metrics: [String: Double] = [:]
                for column in columns {
                    if let value = row[column] as Double? { metrics[column] = value }
                }
                out[row["pair"]] = metrics
            }
            return out
        }
    }

    /// Writes a batch of results in one transaction, with their per-op rows when `storeOps`.
    public func writeBatch(runID: Int64, rows: [SweepResultRow], storeOps: Bool = true) throws {
        guard !rows.isEmpty else { return }
        try guardedWrite { db in
            for row in rows {
                _ = try insertResult(db, runID: runID, design: row.design, workload: row.workload, workloadHash: row.workloadHash,
                                     result: row.evaluation.performance, cost: row.evaluation.cost, point: row.point, storeOps: storeOps)
            }
        }
    }

    /// Marks a run finished (or interrupted) with its end time and duration.
    public func finishRun(runID: Int64, status: String) throws {
        try pool.write { db in
            let now = Date()
            let started = try String.fetchOne(db, sql: "SELECT started_at FROM runs WHERE id = ?", arguments: [runID])
                .flatMap { ISO8601DateFormatter().date(from: $0) } ?? now
            try db.execute(sql: "UPDATE runs SET finished_at = ?, duration_s = ?, status = ? WHERE id = ?",
                           arguments: [ISO8601DateFormatter().string(from: now), now.timeIntervalSince(started), status, runID])
        }
    }
}

extension ResultsStore {
    /// One design of a run with its workload-weighted scores (the `design_scores` view).
    public struct DesignScore: Sendable {
        public var designName: String
        public var isBaseline: Bool
        public var feasible: Bool
        public var meetsConstraints: Bool
        public var itemsPerS: Double?
        public var latencyS: Double?
        public var itemsPerJoule: Double?
        public var usdPerMillionItems: Double?
        public var areaMM2: Double?
        public var maxAveragePowerW: Double?
        /// Serving metrics of a sweep with a serving scenario (nil otherwise).
        public var goodputRequestsPerS: Double? = nil
        public var ttftP99S: Double? = nil
        public var tpotP99S: Double? = nil
        /// The recipe each recipe group scored the design on (`recipes.select = "best"`), comma-separated.
        public var chosenRecipes: String? = nil
        /// Training metrics of a sweep with a training scenario, and the layout behind them (nil otherwise).
        public var trainingTokensPerS: Double? = nil
        public var trainingMFU: Double? = nil
        public var trainingUSDPerMillionTokens: Double? = nil
        public var trainingLayout: String? = nil
    }

    /// The run's `best` best swept designs, then its baselines (at most `baselines`), each
    /// group best first by `usd_per_million_items` then throughput (feasible ones first).
    /// Ranked in SQL with a limit, in one pass over the run's rows: a run of a million designs
    /// is never held in memory.
    public func designScores(runID: Int64, best: Int, baselines: Int) throws -> [DesignScore] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT design_name, is_baseline, feasible, meets_constraints, weighted_items_per_s, weighted_latency_s,
                       weighted_items_per_joule, weighted_usd_per_million_items, area_mm2, max_avg_power_w,
                       goodput_requests_per_s, ttft_p99_s, tpot_p99_s, chosen_recipes,
                       training_tokens_per_s, training_mfu, training_usd_per_million_tokens, training_layout
                FROM design_scores WHERE run_id = ?
                ORDER BY is_baseline DESC, (feasible AND meets_constraints) DESC, weighted_usd_per_million_items IS NULL,
                         weighted_usd_per_million_items, weighted_items_per_s DESC, design_name
                LIMIT ?
                """, arguments: [runID, best + baselines])
            // Baselines sort first; fewer of them (a shard's share) leave extra swept designs.
            let swept = rows.filter { !($0["is_baseline"] as Bool) }.prefix(best)
            return (swept + rows.filter { $0["is_baseline"] as Bool }).map { row in
                DesignScore(designName: row["design_name"], isBaseline: row["is_baseline"], feasible: row["feasible"],
                            meetsConstraints: row["meets_constraints"], itemsPerS: row["weighted_items_per_s"],
                            latencyS: row["weighted_latency_s"], itemsPerJoule: row["weighted_items_per_joule"],
                            usdPerMillionItems: row["weighted_usd_per_million_items"], areaMM2: row["area_mm2"],
                            maxAveragePowerW: row["max_avg_power_w"], goodputRequestsPerS: row["goodput_requests_per_s"],
                            ttftP99S: row["ttft_p99_s"], tpotP99S: row["tpot_p99_s"], chosenRecipes: row["chosen_recipes"],
                            trainingTokensPerS: row["training_tokens_per_s"], trainingMFU: row["training_mfu"],
                            trainingUSDPerMillionTokens: row["training_usd_per_million_tokens"], trainingLayout: row["training_layout"])
            }
        }
    }
}
