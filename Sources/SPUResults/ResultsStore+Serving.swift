import GRDB

extension ResultsStore {
    /// One serving simulation as stored in the `serving` table: the system simulated and what it
    /// measured. Metrics are nil when the system is infeasible (with `reason`).
    public struct ServingRow: Sendable {
        public var design: String
        public var decodeDesign: String?
        public var model: String
        public var format: String
        public var tensorParallel: Int
        public var replicas: Int
        public var decodeTensorParallel: Int?
        public var decodeReplicas: Int?
        public var chips: Int
        public var engine: String
        public var batching: String
        /// The request source: arrival process, count and lengths, or the trace file.
        public var requestSource: String
        public var offeredRatePerSecond: Double?
        public var sloTTFTSeconds: Double?
        public var sloTPOTSeconds: Double?
        public var feasible: Bool
        public var reason: String?
        /// Metric name → value (`ttft_p50_s`, `throughput_tokens_per_s`, …; the columns of `servingMetricColumns`).
        public var metrics: [String: Double]

        public init(design: String, decodeDesign: String?, model: String, format: String, tensorParallel: Int, replicas: Int,
                    decodeTensorParallel: Int?, decodeReplicas: Int?, chips: Int, engine: String, batching: String, requestSource: String,
                    offeredRatePerSecond: Double?, sloTTFTSeconds: Double?, sloTPOTSeconds: Double?, feasible: Bool, reason: String?,
                    metrics: [String: Double]) {
            self.design = design
            self.decodeDesign = decodeDesign
            self.model = model
            self.format = format
            self.tensorParallel = tensorParallel
            self.replicas = replicas
            self.decodeTensorParallel = decodeTensorParallel
            self.decodeReplicas = decodeReplicas
            self.chips = chips
            self.engine = engine
            self.batching = batching
            self.requestSource = requestSource
            self.offeredRatePerSecond = offeredRatePerSecond
            self.sloTTFTSeconds = sloTTFTSeconds
            self.sloTPOTSeconds = sloTPOTSeconds
            self.feasible = feasible
            self.reason = reason
            self.metrics = metrics
        }
    }

    /// The measured columns of the `serving` table, in order (seconds, tokens, requests, joules, watts).
    public static let servingMetricColumns = [
        "requests", "rejected_requests", "makespan_s",
        "ttft_mean_s", "ttft_p50_s", "ttft_p90_s", "ttft_p99_s",
        "tpot_mean_s", "tpot_p50_s", "tpot_p90_s", "tpot_p99_s",
        "e2e_mean_s", "e2e_p50_s", "e2e_p90_s", "e2e_p99_s",
        "throughput_tokens_per_s", "requests_per_s", "goodput_requests_per_s", "slo_attainment",
        "energy_j_per_query", "energy_j_per_output_token", "avg_power_w_per_chip",
        "kv_occupancy_mean", "kv_occupancy_max", "queue_mean", "queue_max", "preemptions", "iterations",
    ]

    static func createServingTable(_ db: Database) throws {
        try db.create(table: "serving") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade).indexed()
            t.column("design", .text).notNull().indexed()
            t.column("decode_design", .text)
            t.column("model", .text).notNull()
            t.column("format", .text).notNull()
            t.column("tensor_parallel", .integer).notNull()
            t.column("replicas", .integer).notNull()
            t.column("decode_tensor_parallel", .integer)
            t.column("decode_replicas", .integer)
            t.column("chips", .integer).notNull()
            t.column("engine", .text).notNull()
            t.column("batching", .text).notNull()
            t.column("request_source", .text).notNull()
            t.column("offered_rate_per_s", .double)
            t.column("slo_ttft_s", .double)
            t.column("slo_tpot_s", .double)
            t.column("feasible", .boolean).notNull()
            t.column("reason", .text)
            for column in servingMetricColumns { t.column(column, .double) }
        }
    }

    /// Stores a serving simulation with its run, in one transaction; returns the row id.
    @discardableResult
    public func recordServing(run: RunInfo, row: ServingRow) throws -> Int64 {
        try guardedWrite { db in
            let runID = try insertRun(db, run)
            let fixed = ["run_id", "design", "decode_design", "model", "format", "tensor_parallel", "replicas", "decode_tensor_parallel",
                         "decode_replicas", "chips", "engine", "batching", "request_source", "offered_rate_per_s", "slo_ttft_s", "slo_tpot_s",
                         "feasible", "reason"]
            let columns = fixed + Self.servingMetricColumns
            var values: [(any DatabaseValueConvertible)?] = [
                runID, row.design, row.decodeDesign, row.model, row.format, row.tensorParallel, row.replicas, row.decodeTensorParallel,
                row.decodeReplicas, row.chips, row.engine, row.batching, row.requestSource, row.offeredRatePerSecond, row.sloTTFTSeconds,
                row.sloTPOTSeconds, row.feasible, row.reason,
            ]
            // An infeasible system stores no metrics; non-finite values (a percentile of nothing) are NULL.
            values += Self.servingMetricColumns.map { name -> Double? in
                guard row.feasible, let v = row.metrics[name], v.isFinite else { return nil }
                return v
            }
            try db.execute(sql: "INSERT INTO serving (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
                           arguments: StatementArguments(values))
            return db.lastInsertedRowID
        }
    }
}
