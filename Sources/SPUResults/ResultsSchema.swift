import GRDB

/// The results database schema, as GRDB migrations. Documented in `docs/results-schema.md`.
/// Never edit a shipped migration: add a new one, so databases kept for months keep opening.
enum ResultsSchema {
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
        return migrator
    }
}
