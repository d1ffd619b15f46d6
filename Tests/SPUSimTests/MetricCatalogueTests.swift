import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUResults
@testable import SPUSweep
@testable import SPUWorkload

/// The metric catalogue is the one place a metric is defined: the `results` columns, the
/// `design_scores` view, the JSON keys and the report labels all derive from it.
@Suite struct MetricCatalogueTests {
    /// A decode on 8 chips (tensor parallel), so per-chip and per-group metrics differ.
    static func evaluation() throws -> (DeviceSpec, Workload, CostedEvaluation) {
        let design = try Repo.device("configs/gpus/h100-sxm.json")
        let workload = try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 1024, tp: 8)
        let evaluator = try DesignEvaluator(device: design, inputs: try CostModelTests.inputs())
        return (design, workload, evaluator.evaluate(workload))
    }

    @Test func namesAreUniqueAndStateTheirUnit() {
        let names = MetricCatalogue.all.map(\.name)
        #expect(Set(names).count == names.count)
        let former = MetricCatalogue.all.flatMap(\.formerNames)
        #expect(Set(former).count == former.count && Set(former).isDisjoint(with: names))
        for metric in MetricCatalogue.all {
            #expect(!metric.summary.isEmpty && !metric.label.isEmpty && !metric.unit.isEmpty, "\(metric.name)")
            // The name ends with its unit (or is a ratio or count of one, or a dimensionless
            // similarity: a cosine or a rank correlation, both in [−1, 1]).
            let suffixes = ["_s", "_w", "_j", "_mm2", "_usd", "_per_hour", "_bytes", "_per_joule", "_per_million_items", "_per_chip",
                            "_utilization", "_factor", "_ghz", "_v", "_per_query", "_cosine", "_cosine_min", "_spearman",
                            "_mfu", "_per_token", "_per_million_tokens"]
            #expect(suffixes.contains { metric.name.hasSuffix($0) }, "\(metric.name) does not state its unit")
        }
    }

    /// Every catalogue metric, bound, activity quantity and energy and area component is a
    /// `results` column, and `results` has no other columns but the identity and sweep ones.
    @Test func resultsColumnsDeriveFromTheCatalogue() throws {
        let queue = try DatabaseQueue()
        try ResultsSchema.migrate(queue)
        let columns = try queue.read { db in try db.columns(in: "results").map(\.name) }
        let expected = ["id"] + ResultsSchema.resultColumns
        #expect(Set(columns) == Set(expected))
        #expect(columns.count == expected.count)
        for metric in MetricCatalogue.all { #expect(columns.contains(metric.name)) }
        for bound in Bound.allCases { #expect(columns.contains("time_\(bound.rawValue)_s")) }
        for quantity in ActivityQuantity.allCases { #expect(columns.contains(quantity.rawValue)) }
        for component in EnergyComponent.allCases { #expect(columns.contains("energy_\(component.rawValue)_j")) }
        for component in AreaComponent.allCases { #expect(columns.contains("area_\(component.rawValue)_mm2")) }
    }

    /// `design_scores` has one column per scored metric, named by its aggregate, and nothing else
    /// but the identity columns.
    @Test func designScoresDeriveFromTheCatalogue() throws {
        let queue = try DatabaseQueue()
        try ResultsSchema.migrate(queue)
        let columns = try queue.read { db in try ResultsReader.columns(of: "design_scores", in: db) }
        #expect(columns == ResultsSchema.designScoreIdentityColumns + MetricCatalogue.scoreColumns)
        for metric in MetricCatalogue.all {
            switch metric.aggregate {
            case .weightedMean: #expect(columns.contains("weighted_" + metric.name))
            case .maximum: #expect(columns.contains("max_" + metric.name))
            case .designValue: #expect(columns.contains(metric.name))
            case .none: #expect(!columns.contains { $0.hasSuffix(metric.name) && $0 != metric.name })
            }
        }
    }

    /// The stored row and the JSON of one evaluation carry every metric under its catalogue
    /// name, with the value the catalogue computes.
    @Test func storedRowsAndJSONCarryEveryMetric() throws {
        let (design, workload, evaluation) = try Self.evaluation()
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("m.sqlite").path)
        let ids = try store.record(run: .init(command: "t", configHash: "h", startedAt: Date(), finishedAt: Date()), design: design,
                                   workload: workload, result: evaluation.performance, cost: evaluation.cost)
        let row: [String: Double] = try store.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM results WHERE id = ?", arguments: [ids.resultID])!
            return Dictionary(uniqueKeysWithValues: zip(row.columnNames, row.databaseValues).compactMap { name, value in
                Double.fromDatabaseValue(value).map { (name, $0) }
            })
        }
        guard case let .object(json) = evaluation.jsonValue() else { Issue.record("not an object"); return }
        let keys = Dictionary(json, uniquingKeysWith: { a, _ in a })
        for metric in MetricCatalogue.all {
            let value = metric.value(evaluation)
            if metric.isOptional {
                // A serving or training metric outside a sweep with that scenario: no value, NULL, JSON null.
                #expect(value.isNaN && row[metric.name] == nil && keys[metric.name] == .null, "\(metric.name)")
                continue
            }
            #expect(value.isFinite, "\(metric.name)")
            #expect(row[metric.name] == value, "\(metric.name) stored")
            #expect(keys[metric.name] == .number(value), "\(metric.name) in JSON")
            if metric.name.contains("items") {
                #expect(keys[metric.name.replacingOccurrences(of: "items", with: "tokens")] == .number(value))
            }
        }
        // Scalar JSON keys are catalogue metrics or identify the result; nothing is spelled twice.
        let identity: Set<String> = ["design", "workload", "feasible", "reason", "throughput_unit", "bound", "devices"]
        let aliases = Set(MetricCatalogue.all.map { $0.name.replacingOccurrences(of: "items", with: "tokens") })
        for (key, value) in json {
            switch value {
            case .number, .bool, .string, .null:
                #expect(identity.contains(key) || MetricCatalogue.metric(named: key) != nil || aliases.contains(key), "\(key) is not in the catalogue")
            default: continue
            }
        }
        // Breakdowns in JSON name the component enums.
        guard case let .object(energy)? = keys["energy_breakdown_j"], case let .object(area)? = keys["area_breakdown_mm2"],
              case let .object(times)? = keys["time_by_bound_s"] else { Issue.record("missing breakdowns"); return }
        #expect(energy.map(\.key) == EnergyComponent.allCases.map(\.rawValue) + [EnergyComponent.staticEnergyName])
        #expect(area.map(\.key) == AreaComponent.allCases.map(\.rawValue))
        #expect(times.map(\.key) == Bound.allCases.map(\.rawValue))
    }

    /// Scope is explicit: per-chip throughput is the group's over its chips, and items per joule
    /// equals per-chip throughput over per-chip power (the quantity the old
    /// `throughput_per_s_per_w` score should have been).
    @Test func scopesAgree() throws {
        let (_, workload, e) = try Self.evaluation()
        let value = { (name: String) in MetricCatalogue.metric(named: name)!.value(e) }
        #expect(workload.devices == 8)
        #expect(abs(value("items_per_s_per_chip") * 8 - value("items_per_s")) <= 1e-9 * value("items_per_s"))
        #expect(abs(value("items_per_s_per_chip") / value("avg_power_w") / value("items_per_joule") - 1) < 1e-9)
    }

    /// Old names are refused with the new one named.
    @Test func formerNamesPointToTheNewOnes() {
        #expect(MetricCatalogue.renamed(from: "throughput_per_s")?.name == "items_per_s")
        #expect(MetricCatalogue.unknownNameHint("weighted_throughput_per_s", accepted: MetricCatalogue.scoreColumns)
            .contains("\"weighted_items_per_s\""))
        #expect(MetricCatalogue.unknownNameHint("weighted_throughput_per_s_per_w", accepted: MetricCatalogue.scoreColumns)
            .contains("\"weighted_items_per_joule\""))
    }

    /// A database written before the catalogue (schema v6) migrates: the renamed column keeps
    /// its values, new columns are derived or added, and the view is rebuilt.
    @Test func olderDatabasesMigrate() throws {
        let (design, workload, evaluation) = try Self.evaluation()
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v6.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try ResultsSchema.migrator.migrate(queue, upTo: "v6-breakdowns")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (started_at, tool_version, command, config_hash) VALUES ('2026-01-01', 'old', 'c', 'h')")
            try db.execute(sql: "INSERT INTO designs VALUES (?, ?, 'gpu', '{}')", arguments: [design.contentHash, design.name])
            try db.execute(sql: "INSERT INTO workloads VALUES (?, ?, 'decode', 8, 'tokens', 1, 1, 1, 1, '{}')",
                           arguments: [workload.contentHash, workload.name])
            try db.execute(sql: """
                INSERT INTO results (run_id, design_hash, workload_hash, design_name, workload_name, feasible, latency_s, throughput_per_s,
                  throughput_unit, bound, time_compute_s, time_sram_s, time_noc_s, time_offchip_s, time_chiplink_s, time_overhead_s,
                  mac_utilization, devices, memory_required_bytes, memory_available_bytes, macs, vector_ops, local_sram_read_bytes,
                  local_sram_write_bytes, shared_sram_read_bytes, shared_sram_write_bytes, offchip_read_bytes, offchip_write_bytes,
                  noc_byte_hops, chip_link_bytes, items_per_joule, avg_power_w)
                VALUES (1, ?, ?, 'd', 'w', 1, 0.01, 800, 'tokens', 'offchip', 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 400)
                """, arguments: [design.contentHash, workload.contentHash])
        }
        try queue.close()
        let store = try ResultsStore(path: path)
        let (total, perChip, weightedTotal, weightedPerJoule, current) = try store.read { db in
            (try Double.fetchOne(db, sql: "SELECT items_per_s FROM results"), try Double.fetchOne(db, sql: "SELECT items_per_s_per_chip FROM results"),
             try Double.fetchOne(db, sql: "SELECT weighted_items_per_s FROM design_scores"),
             try Double.fetchOne(db, sql: "SELECT weighted_items_per_joule FROM design_scores"), try ResultsSchema.isCurrent(db))
        }
        #expect(total == 800 && perChip == 100 && weightedTotal == 800 && weightedPerJoule == 2 && current)
        _ = evaluation
    }

    /// Labels come from the catalogue, with the run's throughput unit.
    @Test func labelsComeFromTheCatalogue() {
        #expect(MetricCatalogue.metric(scoreColumn: "weighted_items_per_joule")?.axisLabel(throughputUnit: "tokens") == "energy efficiency (tokens/J)")
        #expect(MetricCatalogue.metric(named: "area_mm2")?.axisLabel(throughputUnit: "tokens") == "area (mm²)")
    }

    /// Sweep constraints and objectives name catalogue metrics; old names get an error naming
    /// the new one; an objective aggregates as its `design_scores` column does.
    @Test func sweepsNameCatalogueMetrics() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func loadError(constraints: String = "[]", strategy: String = #"{"type": "grid"}"#) -> String? {
            do {
                let path = try SweepTests.sweepFile(dir, axes: SweepTests.smallAxes, strategy: strategy, constraints: constraints)
                _ = try SweepSpec.load(path: path)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let renamed = loadError(constraints: #"[{"metric": "throughput_per_s", "min": 1}]"#)
        #expect(renamed?.contains("$.constraints[0].metric") == true && renamed?.contains("is now called \"items_per_s\"") == true, "\(renamed ?? "")")
        #expect(loadError(constraints: #"[{"metric": "items_per_s_per_chip", "min": 1}, {"metric": "modelled_area_mm2", "max": 900}]"#) == nil)
        let unknown = loadError(constraints: #"[{"metric": "speed", "min": 1}]"#)
        #expect(unknown?.contains("expected one of: latency_s, items_per_s") == true)
        let nsga = { (objective: String) in #"{"type": "nsga2", "objectives": ["\#(objective)"], "population": 4, "generations": 1, "seed": 1}"# }
        #expect(loadError(strategy: nsga("max:throughput_per_s_per_w"))?.contains("is now called \"items_per_joule\"") == true)
        #expect(loadError(strategy: nsga("min:energy_j"))?.contains("unknown metric \"energy_j\"") == true)   // no design score
        #expect(loadError(strategy: nsga("max:tokens_per_joule")) == nil)
        #expect(loadError(strategy: nsga("max:weighted_items_per_s_per_chip")) == nil)

        // Pre-evaluation constraints are the design-level metrics.
        let area = try SweepSpec.Constraint(subject: SweepSpec.Constraint.subject(named: "per_die_area_mm2"), max: 800)
        #expect(area.isPreEvaluation)
        #expect(try !SweepSpec.Constraint(subject: SweepSpec.Constraint.subject(named: "avg_power_w"), max: 1).isPreEvaluation)

        // Objectives score as design_scores does: power by its maximum, others by weighted mean.
        let power = try SweepSpec.Objective(parsing: "min:avg_power_w")
        #expect(power.score([300, 500], weights: [3, 1]) == 500)
        let throughput = try SweepSpec.Objective(parsing: "max:items_per_s")
        #expect(throughput.score([300, 500], weights: [3, 1]) == 350)
    }
}
