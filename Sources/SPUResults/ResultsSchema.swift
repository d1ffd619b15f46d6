import GRDB
import SPUCore
import SPUCost
import SPUPerformance

/// The results database schema, as GRDB migrations. Documented in `docs/results-schema.md`.
/// Never edit a shipped migration: add a new one, so databases kept for months keep opening.
public enum ResultsSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("started_at", .text).notNull()
                t.column("finished_at", .text)
                t.column("tool_version", .text).notNull()
                t.column("command", .text).notNull()
                t.column("config_hash", .text).notNull()
                t.column("duration_s", .double)
            }
            try db.create(table: "designs") { t in
                t.primaryKey("hash", .text)
                t.column("name", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("json", .text).notNull()
            }
            try db.create(table: "workloads") { t in
                t.primaryKey("hash", .text)
                t.column("name", .text).notNull().indexed()
                t.column("phase", .text).notNull()
                t.column("devices", .integer).notNull()
                t.column("throughput_unit", .text).notNull()
                t.column("op_count", .integer).notNull()
                t.column("flops", .double).notNull()
                t.column("weight_bytes", .double).notNull()
                t.column("kv_cache_bytes", .double).notNull()
                t.column("json", .text).notNull()
            }
            try db.create(table: "results") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade).indexed()
                t.column("design_hash", .text).notNull().references("designs").indexed()
                t.column("workload_hash", .text).notNull().references("workloads").indexed()
                t.column("design_name", .text).notNull()
                t.column("workload_name", .text).notNull()
                t.column("feasible", .boolean).notNull()
                t.column("reason", .text)
                t.column("latency_s", .double)
                t.column("throughput_per_s", .double)
                t.column("throughput_unit", .text).notNull()
                t.column("bound", .text).notNull()
                for bound in ["compute", "sram", "noc", "offchip", "chiplink", "overhead"] {
                    t.column("time_\(bound)_s", .double).notNull()
                }
                t.column("mac_utilization", .double).notNull()
                t.column("devices", .integer).notNull()
                t.column("memory_required_bytes", .double).notNull()
                t.column("memory_available_bytes", .double).notNull()
                t.column("macs", .double).notNull()
                t.column("vector_ops", .double).notNull()
                t.column("local_sram_read_bytes", .double).notNull()
                t.column("local_sram_write_bytes", .double).notNull()
                t.column("shared_sram_read_bytes", .double).notNull()
                t.column("shared_sram_write_bytes", .double).notNull()
                t.column("offchip_read_bytes", .double).notNull()
                t.column("offchip_write_bytes", .double).notNull()
                t.column("noc_byte_hops", .double).notNull()
                t.column("chip_link_bytes", .double).notNull()
                t.uniqueKey(["run_id", "design_hash", "workload_hash"])
            }
            try db.create(table: "op_results") { t in
                t.column("result_id", .integer).notNull().references("results", onDelete: .cascade)
                t.column("op_index", .integer).notNull()
                t.primaryKey(["result_id", "op_index"])
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("repeat", .integer).notNull()
                t.column("einsum", .text).notNull()
                t.column("bound", .text).notNull()
                t.column("latency_s", .double).notNull()
                t.column("compute_cycles", .double).notNull()
                for bound in ["compute", "sram", "noc", "offchip", "chiplink", "overhead"] {
                    t.column("time_\(bound)_s", .double).notNull()
                }
                t.column("flops", .double).notNull()
                t.column("macs", .double).notNull()
                t.column("offchip_read_bytes", .double).notNull()
                t.column("offchip_write_bytes", .double).notNull()
                t.column("noc_byte_hops", .double).notNull()
                t.column("chip_link_bytes", .double).notNull()
                t.column("mapping", .text)
            }
        }
        migrator.registerMigration("v2-format-studies") { db in
            try db.create(table: "format_studies") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade).indexed()
                t.column("data_source", .text).notNull()
                t.column("value_count", .integer).notNull()
                t.column("format", .text).notNull().indexed()
                t.column("scaling", .text).notNull()
                t.column("bits_per_element", .double).notNull()
                t.column("sqnr_db", .double)
                t.column("mean_relative_error", .double).notNull()
                t.column("max_relative_error", .double).notNull()
                t.column("decimal_accuracy", .double).notNull()
                t.column("fraction_flushed", .double).notNull()
                t.column("fraction_saturated", .double).notNull()
                t.column("dynamic_range_decades", .double)
            }
            try db.create(table: "format_dot_products") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade).indexed()
                t.column("format", .text).notNull()
                t.column("accumulation", .text).notNull()
                t.column("length", .integer).notNull()
                t.column("trials", .integer).notNull()
                t.column("output_snr_db", .double)
            }
        }
        migrator.registerMigration("v3-energy-area-cost") { db in
            try db.alter(table: "results") { t in
                for column in ["energy_j", "avg_power_w", "throttle_factor", "area_mm2", "die_cost_usd", "manufacturing_cost_usd",
                               "price_usd", "tco_usd_per_hour", "usd_per_million_items", "items_per_joule"] {
                    t.add(column: column, .double)
                }
            }
            try db.alter(table: "op_results") { t in t.add(column: "energy_j", .double) }
        }
        migrator.registerMigration("v4-sweeps") { db in
            try db.alter(table: "runs") { t in
                t.add(column: "kind", .text).notNull().defaults(to: "run")
                t.add(column: "name", .text)
                t.add(column: "config_json", .text)
                t.add(column: "status", .text).notNull().defaults(to: "finished")
                t.add(column: "shard", .text)
            }
            try db.alter(table: "results") { t in
                t.add(column: "point_index", .integer)
                t.add(column: "workload_weight", .double).notNull().defaults(to: 1)
                t.add(column: "is_baseline", .boolean).notNull().defaults(to: false)
                t.add(column: "meets_constraints", .boolean).notNull().defaults(to: true)
            }
            try db.create(index: "results_on_run_point", on: "results", columns: ["run_id", "point_index"])
            try db.create(index: "runs_on_config_hash", on: "runs", columns: ["config_hash"])
            // One row per design of a run: metrics averaged over its workloads with their weights.
            try db.execute(sql: """
                CREATE VIEW design_scores AS
                SELECT run_id, design_hash, MIN(design_name) AS design_name, MIN(point_index) AS point_index,
                       MAX(is_baseline) AS is_baseline, MIN(feasible) AS feasible, MIN(meets_constraints) AS meets_constraints,
                       COUNT(*) AS workloads,
                       SUM(workload_weight * throughput_per_s) / SUM(workload_weight) AS weighted_throughput_per_s,
                       SUM(workload_weight * latency_s) / SUM(workload_weight) AS weighted_latency_s,
                       SUM(workload_weight * items_per_joule) / SUM(workload_weight) AS weighted_items_per_joule,
                       SUM(workload_weight * usd_per_million_items) / SUM(workload_weight) AS weighted_usd_per_million_items,
                       SUM(workload_weight * throughput_per_s / avg_power_w) / SUM(workload_weight) AS weighted_throughput_per_s_per_w,
                       MAX(avg_power_w) AS max_avg_power_w, MIN(area_mm2) AS area_mm2, MIN(die_cost_usd) AS die_cost_usd,
                       MIN(price_usd) AS price_usd, MIN(tco_usd_per_hour) AS tco_usd_per_hour
                FROM results GROUP BY run_id, design_hash
                """)
        }
        migrator.registerMigration("v5-lean-result-indexes") { db in
            // Bulk sweeps insert tens of thousands of rows per second; these single-column hash
            // indexes cost a random B-tree insert each and duplicate the unique (run, design,
            // workload) index for the lookups SPUSim makes.
            try db.drop(index: "results_on_design_hash")
            try db.drop(index: "results_on_workload_hash")
        }
        migrator.registerMigration("v6-breakdowns") { db in
            // Energy by component (all chips, one iteration; the parts sum to energy_j) and
            // modelled area by component, for the report's breakdown figures.
            try db.alter(table: "results") { t in
                for column in ["energy_mac_j", "energy_vector_j", "energy_local_sram_j", "energy_shared_sram_j", "energy_noc_j",
                               "energy_offchip_j", "energy_chip_link_j", "energy_static_j",
                               "area_mac_arrays_mm2", "area_vector_units_mm2", "area_compute_overhead_mm2", "area_local_sram_mm2",
                               "area_shared_sram_mm2", "area_noc_mm2", "area_memory_phy_mm2", "area_chip_link_phy_mm2",
                               "area_die_to_die_phy_mm2", "area_control_io_mm2"] {
                    t.add(column: column, .double)
                }
            }
        }
        migrator.registerMigration("v7-metric-catalogue") { db in
            // Metric names state their scope: throughput_per_s (the group's) is items_per_s, and
            // items_per_s_per_chip divides it by the group's chips. The old design_scores column
            // weighted_throughput_per_s_per_w divided group throughput by per-chip power; it is
            // gone (items_per_joule is throughput per watt of all chips). The view is rebuilt
            // from the catalogue by `synchronise`.
            try db.execute(sql: "DROP VIEW IF EXISTS design_scores")
            try db.execute(sql: "ALTER TABLE results RENAME COLUMN throughput_per_s TO items_per_s")
            try db.execute(sql: "ALTER TABLE results ADD COLUMN items_per_s_per_chip REAL")
            try deriveNewColumns(db)
        }
        migrator.registerMigration("v8-infeasible-without-metrics") { db in
            // An infeasible result carries no measured metrics (`Metric.isDefined(feasible:)`):
            // rows stored before this rule lose theirs. The list is the catalogue's
            // workload-dependent metrics as of this version, frozen here.
            let measured = ["latency_s", "items_per_s", "items_per_s_per_chip", "mac_utilization", "energy_j", "avg_power_w",
                            "throttle_factor", "usd_per_million_items", "items_per_joule"]
            // mac_utilization and the time-by-bound columns were created NOT NULL; an undefined
            // value of an infeasible result is NULL like every other. SQLite drops a NOT NULL
            // constraint by editing the stored schema text (the documented procedure of "Making
            // Other Kinds Of Table Schema Changes": same transaction, schema_version bumped,
            // checked with quick_check).
            let relaxed = ["mac_utilization"] + ["compute", "sram", "noc", "offchip", "chiplink", "overhead"].map { "time_\($0)_s" }
            try relaxNotNull(db, columns: relaxed.map { ($0, "DOUBLE") })
            try db.execute(sql: "UPDATE results SET \(measured.map { "\($0) = NULL" }.joined(separator: ", ")) WHERE NOT feasible")
        }
        migrator.registerMigration("v9-serving") { db in
            try ResultsStore.createServingTable(db)
        }
        migrator.registerMigration("v10-precision-recipes") { db in
            // The recipe a workload runs in, and for recipe alternatives (`recipes.select = "best"`)
            // their group and selection score (`SweepPointInfo`); NULL in older rows.
            try db.execute(sql: "ALTER TABLE results ADD COLUMN recipe TEXT")
            try db.execute(sql: "ALTER TABLE results ADD COLUMN recipe_group TEXT")
            try db.execute(sql: "ALTER TABLE results ADD COLUMN selection_score REAL")
        }
        migrator.registerMigration("v11-schedules") { db in
            // Simulated executions of task graphs on platforms (`spusim schedule --db`).
            try ResultsStore.createSchedulesTable(db)
        }
        migrator.registerMigration("v12-training-layout") { db in
            // The parallel layout of a sweep's training scenario on the row's design (the one
            // behind the training_* metrics); NULL without a scenario, when no layout fits, and in older rows.
            try db.execute(sql: "ALTER TABLE results ADD COLUMN training_layout TEXT")
        }
        migrator.registerMigration("v13-design-overrides") { db in
            // A sweep point's design as its base design (base_hash, stored whole) plus the point's
            // overrides (`JSONOverrides`), with json empty: ~200 bytes instead of ~8 KB a design.
            // NULL for designs stored whole (baselines, single runs, older rows).
            try db.execute(sql: "ALTER TABLE designs ADD COLUMN base_hash TEXT")
            try db.execute(sql: "ALTER TABLE designs ADD COLUMN overrides TEXT")
        }
        migrator.registerMigration("v14-results-point-key") { db in
            try rebuildResultsWithPointKey(db)
        }
        return migrator
    }

    /// Migration v14 rebuilds `results` (SQLite's procedure for changing a table's constraints:
    /// create the new table, copy the rows, drop the old one, rename), for two changes:
    ///
    /// - A design that cannot be built is not run on its workloads (`PerformanceModel.notRun`):
    ///   its rows have no bound and no activity counts (NULL), like its times since v8.
    /// - One index instead of three: UNIQUE (run_id, point_index, design_hash, workload_hash).
    ///   A sweep writes in point order, so each insert appends at the end of it; under the former
    ///   UNIQUE (run_id, design_hash, workload_hash) each insert went to a random place in an
    ///   index that outgrows any page cache (~400 MB at 3 M rows, a page written per row), and the
    ///   indexes on run_id and (run_id, point_index) repeated its prefixes. A design has one
    ///   point index in a sweep run (repeated points are evaluated once) and none (NULL) in a
    ///   single run, so the key still admits each (design, workload) pair once per run.
    static func rebuildResultsWithPointKey(_ db: Database) throws {
        guard var sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'results'") else {
            throw DatabaseError(message: "no results table to rebuild")
        }
        func replace(_ old: String, _ new: String) throws {
            guard sql.contains(old) else { throw DatabaseError(message: "results schema lacks \(old): cannot rebuild it") }
            sql = sql.replacingOccurrences(of: old, with: new)
        }
        try replace("CREATE TABLE \"results\"", "CREATE TABLE \"results_v14\"")
        try replace("UNIQUE (\"run_id\", \"design_hash\", \"workload_hash\")", "UNIQUE (\"run_id\", \"point_index\", \"design_hash\", \"workload_hash\")")
        try replace("\"bound\" TEXT NOT NULL", "\"bound\" TEXT")
        for column in ["macs", "vector_ops", "local_sram_read_bytes", "local_sram_write_bytes", "shared_sram_read_bytes",
                       "shared_sram_write_bytes", "offchip_read_bytes", "offchip_write_bytes", "noc_byte_hops", "chip_link_bytes"] {
            try replace("\"\(column)\" DOUBLE NOT NULL", "\"\(column)\" DOUBLE")
        }
        // The view names the table (a rename checks it); `synchronise` creates it again.
        try db.execute(sql: "DROP VIEW IF EXISTS design_scores")
        try db.execute(sql: sql)
        let columns = try db.columns(in: "results").map { "\"\($0.name)\"" }.joined(separator: ", ")
        try db.execute(sql: "INSERT INTO results_v14 (\(columns)) SELECT \(columns) FROM results ORDER BY id")
        try db.execute(sql: "DROP TABLE results")
        try db.execute(sql: "ALTER TABLE results_v14 RENAME TO results")
    }

    /// Drops the NOT NULL constraint of `results` columns (name, declared type) by editing the
    /// stored schema text: SQLite's documented procedure for schema changes that leave the stored
    /// rows valid ("Making Other Kinds Of Table Schema Changes": same transaction, schema_version
    /// bumped, checked with quick_check), with no copy of the table.
    static func relaxNotNull(_ db: Database, columns: [(name: String, type: String)]) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        let edited = columns.reduce("sql") { sql, column in
            "replace(\(sql), '\"\(column.name)\" \(column.type) NOT NULL', '\"\(column.name)\" \(column.type)')"
        }
        try db.execute(sql: "UPDATE sqlite_master SET sql = \(edited) WHERE type = 'table' AND name = 'results'")
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        guard try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok" else {
            throw DatabaseError(message: "integrity check failed after relaxing NOT NULL on results columns")
        }
    }

    /// Brings a database to the current schema: the migrations, then the catalogue columns and
    /// the `design_scores` view (`synchronise`). Every writer opens through this.
    static func migrate(_ writer: some DatabaseWriter) throws {
        try migrator.migrate(writer)
        try writer.write { db in try synchronise(db) }
    }

    /// Throws unless `db` is empty or an SPUSim results database this version can upgrade:
    /// another application's tables and a newer SPUSim's migrations are refused, so SPUSim never
    /// adds its tables to a foreign file or writes a schema it does not know.
    static func checkWritable(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
        guard !tables.isEmpty else { return }
        guard tables.contains("grdb_migrations"), tables.contains("runs"), tables.contains("results") else {
            throw ResultsToolError("\(path): not an SPUSim results database (it holds other tables: \(tables.prefix(5).joined(separator: ", "))); choose another --db")
        }
        try checkKnown(db, path: path)
    }

    /// Throws when `db` was migrated by a newer SPUSim (migrations this version does not know).
    static func checkKnown(_ db: Database, path: String) throws {
        guard try db.tableExists("grdb_migrations") else { return }
        let unknown = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")).subtracting(migrator.migrations)
        guard unknown.isEmpty else {
            throw ResultsToolError("\(path): written by a newer SPUSim (unknown schema migrations: \(unknown.sorted().joined(separator: ", "))); use that version")
        }
    }

    /// Whether `db` is at the current schema (migrations done, catalogue columns and view current).
    static func isCurrent(_ db: Database) throws -> Bool {
        guard try db.tableExists("grdb_migrations"), try db.tableExists("results"),
              try migrator.hasCompletedMigrations(db), try !migrator.hasBeenSuperseded(db) else { return false }
        let columns = Set(try db.columns(in: "results").map(\.name))
        guard resultValueColumns.allSatisfy(columns.contains) else { return false }
        return try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'design_scores'") == designScoresSQL
    }

    /// Adds the `results` columns that the metric catalogue, `Bound`, `ActivityQuantity` and the
    /// energy and area components name but the table lacks (NULL in older rows), and rebuilds
    /// `design_scores` when its definition differs from the catalogue's. So adding a metric is
    /// one entry in `MetricCatalogue`, with no migration to write.
    static func synchronise(_ db: Database) throws {
        let existing = Set(try db.columns(in: "results").map(\.name))
        for column in resultValueColumns where !existing.contains(column) {
            try db.execute(sql: "ALTER TABLE results ADD COLUMN \(column) REAL")
        }
        let current = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'design_scores'")
        if current != designScoresSQL {
            try db.execute(sql: "DROP VIEW IF EXISTS design_scores")
            try db.execute(sql: designScoresSQL)
        }
    }

    /// Fills metrics added in v7 for rows written before them, from columns those rows have
    /// (also run by `merge` after copying an older input).
    static func deriveNewColumns(_ db: Database) throws {
        try db.execute(sql: "UPDATE results SET items_per_s_per_chip = items_per_s / devices WHERE items_per_s_per_chip IS NULL")
    }

    /// Former names of `results` columns by current name (from the catalogue's `formerNames`),
    /// so older databases can be merged.
    static let formerColumnNames: [String: [String]] = Dictionary(uniqueKeysWithValues: MetricCatalogue.all.compactMap { metric in
        metric.formerNames.isEmpty ? nil : (metric.name, metric.formerNames)
    })

    // MARK: - Columns derived from the catalogue

    /// `results` columns that identify and describe a result (from the migrations).
    static let resultIdentityColumns = ["run_id", "design_hash", "workload_hash", "design_name", "workload_name", "feasible", "reason",
                                        "throughput_unit", "bound", "devices"]
    /// Sweep bookkeeping columns of `results` (migration v4).
    static let resultPointColumns = ["point_index", "workload_weight", "is_baseline", "meets_constraints"]
    /// Precision-recipe columns of `results` (migration v10).
    static let resultRecipeColumns = ["recipe", "recipe_group", "selection_score"]
    /// Training-scenario columns of `results` (migration v12).
    static let resultTrainingColumns = ["training_layout"]
    /// Latency of one iteration by bound, seconds: `time_<bound>_s`.
    public static let boundColumns = Bound.allCases.map { "time_\($0.rawValue)_s" }
    /// Activity counts of one iteration per chip, one column per `ActivityQuantity`.
    public static let activityColumns = ActivityQuantity.allCases.map(\.rawValue)
    /// One column per metric of `MetricCatalogue`.
    public static let metricColumns = MetricCatalogue.all.map(\.name)
    /// Energy by component for all chips of one iteration, then static energy (the parts sum to `energy_j`).
    public static let energyBreakdownColumns = EnergyComponent.allCases.map { "energy_\($0.rawValue)_j" }
        + ["energy_\(EnergyComponent.staticEnergyName)_j"]
    /// Modelled area by component, mm².
    public static let areaBreakdownColumns = AreaComponent.allCases.map { "area_\($0.rawValue)_mm2" }

    /// Numeric `results` columns derived from the catalogues (created by `synchronise` when missing).
    static let resultValueColumns = boundColumns + activityColumns + metricColumns + energyBreakdownColumns + areaBreakdownColumns

    /// Every `results` column SPUSim writes, in insert order.
    static let resultColumns = resultIdentityColumns + boundColumns + activityColumns + metricColumns + resultPointColumns
        + energyBreakdownColumns + areaBreakdownColumns + resultRecipeColumns + resultTrainingColumns

    /// The `design_scores` view: one row per design of a run, each metric aggregated over its
    /// workloads as the catalogue says (`Metric.aggregate`). A score is NULL when any of the
    /// design's workloads lacks the metric (an infeasible workload, an undefined value): SQL's
    /// SUM and MAX skip NULLs, which would score a design on its feasible workloads only.
    ///
    /// Recipe alternatives (rows with a `recipe_group`) count once per group: the row with the
    /// lowest `selection_score` (the best feasible variant meeting the constraints; the first
    /// stored when none is), so a design is scored on its best supported recipe.
    public static let designScoresSQL: String = {
        let scores = MetricCatalogue.all.compactMap { metric -> String? in
            guard let column = metric.scoreColumn else { return nil }
            let complete = "COUNT(\(metric.name)) = COUNT(*)"
            switch metric.aggregate {
            case .weightedMean:
                return "CASE WHEN \(complete) THEN SUM(workload_weight * \(metric.name)) / SUM(workload_weight) END AS \(column)"
            case .maximum: return "CASE WHEN \(complete) THEN MAX(\(metric.name)) END AS \(column)"
            case .designValue: return "MIN(\(metric.name)) AS \(column)"
            case .none: return nil
            }
        }
        return """
            CREATE VIEW design_scores AS
            SELECT run_id, design_hash, MIN(design_name) AS design_name, point_index,
                   MAX(is_baseline) AS is_baseline, MIN(feasible) AS feasible, MIN(meets_constraints) AS meets_constraints,
                   COUNT(*) AS workloads,
                   GROUP_CONCAT(CASE WHEN recipe_group IS NOT NULL AND selection_score IS NOT NULL THEN recipe END, ',') AS chosen_recipes,
                   MIN(training_layout) AS training_layout,
                   \(scores.joined(separator: ",\n       "))
            FROM results r
            WHERE recipe_group IS NULL OR rowid = (
                SELECT s.rowid FROM results s
                WHERE s.run_id = r.run_id AND s.point_index IS r.point_index AND s.design_hash = r.design_hash
                      AND s.recipe_group = r.recipe_group
                ORDER BY s.selection_score IS NULL, s.selection_score, s.rowid LIMIT 1)
            GROUP BY run_id, point_index, design_hash
            """
    }()

    /// `design_scores` columns that are not scores (identify the design and its status).
    public static let designScoreIdentityColumns = ["run_id", "design_hash", "design_name", "point_index", "is_baseline", "feasible",
                                                    "meets_constraints", "workloads", "chosen_recipes", "training_layout"]
}
