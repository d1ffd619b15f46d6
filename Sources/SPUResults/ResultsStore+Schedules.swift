import GRDB

extension ResultsStore {
    /// One simulated execution of a task graph on a platform, as stored in the `schedules`
    /// table (`spusim schedule --db`): what ran where, under which scheduler, and what it cost.
    public struct ScheduleRow: Sendable, Equatable {
        /// The graph: a file name, a workload, or a pipeline with its parameters.
        public var graph: String
        /// Requests in the graph when it is a pipeline of requests (energy per request is derived from it); nil otherwise.
        public var requests: Int?
        public var platform: String
        /// Device count by device name, e.g. `cpu=2 gpu=8 spu=4` (the platform mix).
        public var mix: String
        public var scheduler: String
        /// σ of the performance model's log error the scheduler decided with.
        public var modelError: Double
        public var seed: Int
        public var tasks: Int
        public var edges: Int
        public var processors: Int
        /// Metric name → value: the columns of `scheduleMetricColumns`.
        public var metrics: [String: Double]
        /// Per-processor utilisation and energy, per-link traffic (JSON text), for notebooks.
        public var detailJSON: String
        /// Every task's placement (JSON text: processors, then [task, processor, start_s, finish_s] rows);
        /// nil above `placementTaskLimit` tasks.
        public var placementsJSON: String?

        public init(graph: String, requests: Int?, platform: String, mix: String, scheduler: String, modelError: Double, seed: Int,
                    tasks: Int, edges: Int, processors: Int, metrics: [String: Double], detailJSON: String, placementsJSON: String?) {
            self.graph = graph
            self.requests = requests
            self.platform = platform
            self.mix = mix
            self.scheduler = scheduler
            self.modelError = modelError
            self.seed = seed
            self.tasks = tasks
            self.edges = edges
            self.processors = processors
            self.metrics = metrics
            self.detailJSON = detailJSON
            self.placementsJSON = placementsJSON
        }
    }

    /// Placements are stored for graphs up to this many tasks (a Gantt chart of more is unreadable anyway).
    public static let placementTaskLimit = 20_000

    /// The measured columns of the `schedules` table, in order (seconds, joules, bytes, counts).
    public static let scheduleMetricColumns = [
        "makespan_s", "planned_makespan_s", "critical_path_bound_s", "work_bound_s",
        "energy_j", "compute_energy_j", "idle_energy_j", "link_energy_j", "energy_j_per_request", "makespan_s_per_request",
        "tco_usd_per_hour", "cost_usd", "usd_per_request",
        "bytes_moved", "transfers", "write_backs", "mean_utilisation",
    ]

    static func createSchedulesTable(_ db: Database) throws {
        try db.create(table: "schedules") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade).indexed()
            t.column("graph", .text).notNull()
            t.column("requests", .integer)
            t.column("platform", .text).notNull()
            t.column("mix", .text).notNull()
            t.column("scheduler", .text).notNull().indexed()
            t.column("model_error", .double).notNull()
            t.column("seed", .integer).notNull()
            t.column("tasks", .integer).notNull()
            t.column("edges", .integer).notNull()
            t.column("processors", .integer).notNull()
            for column in scheduleMetricColumns { t.column(column, .double) }
            t.column("detail_json", .text).notNull()
            t.column("placements_json", .text)
        }
    }

    /// Stores the executions of one command with its run, in one transaction; returns the run id.
    @discardableResult
    public func recordSchedules(run: RunInfo, rows: [ScheduleRow]) throws -> Int64 {
        try guardedWrite { db in
            let runID = try insertRun(db, run)
            let fixed = ["run_id", "graph", "requests", "platform", "mix", "scheduler", "model_error", "seed", "tasks", "edges", "processors"]
            let columns = fixed + Self.scheduleMetricColumns + ["detail_json", "placements_json"]
            let sql = "INSERT INTO schedules (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
            for row in rows {
                var values: [(any DatabaseValueConvertible)?] = [runID, row.graph, row.requests, row.platform, row.mix, row.scheduler,
                                                                 row.modelError, row.seed, row.tasks, row.edges, row.processors]
                values += Self.scheduleMetricColumns.map { name -> Double? in row.metrics[name].flatMap { $0.isFinite ? $0 : nil } }
                values += [row.detailJSON, row.placementsJSON]
                try db.execute(sql: sql, arguments: StatementArguments(values))
            }
            return runID
        }
    }

    /// The schedules stored by run `runID`, in insertion order.
    public func schedules(run runID: Int64) throws -> [ScheduleRow] {
        try pool.read { db in try Self.schedules(db, run: runID) }
    }

    /// `schedules(run:)` on an open connection (empty for a database without the table).
    public static func schedules(_ db: Database, run runID: Int64) throws -> [ScheduleRow] {
            guard try db.tableExists("schedules") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM schedules WHERE run_id = ? ORDER BY id", arguments: [runID]).map { r in
                var metrics: [String: Double] = [:]
                for column in Self.scheduleMetricColumns { if let v: Double = r[column] { metrics[column] = v } }
                return ScheduleRow(graph: r["graph"], requests: r["requests"], platform: r["platform"], mix: r["mix"], scheduler: r["scheduler"],
                                   modelError: r["model_error"], seed: r["seed"], tasks: r["tasks"], edges: r["edges"], processors: r["processors"],
                                   metrics: metrics, detailJSON: r["detail_json"], placementsJSON: r["placements_json"])
            }
    }
}
