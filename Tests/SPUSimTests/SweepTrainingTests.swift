import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
import SPUHardware
@testable import SPUResults
@testable import SPUSweep
@testable import SPUTraining

/// Sweeps with a training scenario: every design's training step (fixed layout or the best of the
/// layout search) is modelled once, on the cluster of its family, stored with its results as
/// design-level metrics, and constrains (before any workload runs) and ranks like area or price.
@Suite(.serialized) struct SweepTrainingTests {
    /// An H100 variant grid (1 or 5 HBM stacks: 16 or 80 GB; two clocks) on a Llama-3-8B decode
    /// step, the A100 as baseline on its own cluster, and the given `training` block.
    static func config(_ dir: URL, training: String, constraints: String = "[]", strategy: String = #"{"type": "grid"}"#,
                       name: String = "s") throws -> String {
        let text = """
        {"name": "training-test", "base_design": "\(Repo.path("configs/gpus/h100-sxm.json"))",
         "axes": [{"path": "$.memory.offchip.stacks", "values": [1, 5]}, {"path": "$.clock_ghz", "values": [1.2, 1.98]}],
         "workloads": [{"generate": {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "phase": "decode", "batch": 8, "context": 512}}],
         "training": \(training),
         "baselines": ["\(Repo.path("configs/gpus/a100-sxm-80gb.json"))"],
         "constraints": \(constraints), "strategy": \(strategy),
         "tech": "\(Repo.path("configs/tech"))", "tco": "\(Repo.path("configs/tco/default.json"))"}
        """
        let path = dir.appendingPathComponent("\(name).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Llama-3-8B, 16 sequences of 1,024 tokens on 8 devices; `extra` adds keys (`"parallel"`, `"devices"`, …).
    static func block(_ extra: String = #""parallel": "tp=8,pp=1,dp=1""#) -> String {
        """
        {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "cluster": "\(Repo.path("configs/clusters/dgx-h100-superpod.json"))",
         "baseline_clusters": {"\(Repo.path("configs/gpus/a100-sxm-80gb.json"))": "\(Repo.path("configs/clusters/dgx-a100-superpod.json"))"},
         "global_batch": 16, "sequence_length": 1024, \(extra)}
        """
    }

    static let metricColumns = ["training_step_s", "training_tokens_per_s", "training_mfu", "training_j_per_token", "training_usd_per_million_tokens"]

    /// One row per design (the sweep has one workload), in point order, baseline last: stacks, clock,
    /// the training metrics that are not NULL, the layout.
    static func rows(_ db: String) throws -> [(design: String, values: [String: Double], layout: String?)] {
        try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT design_name, \(metricColumns.joined(separator: ", ")), training_layout FROM results ORDER BY is_baseline, point_index")
                .map { row in
                    var values: [String: Double] = [:]
                    for column in metricColumns { if let v: Double = row[column] { values[column] = v } }
                    return (row["design_name"], values, row["training_layout"])
                }
        }
    }

    /// The spec's cost model of a design without its scenarios, for checking a stored value against the step model.
    static func evaluator(_ spec: SweepSpec, _ design: DeviceSpec) throws -> DesignEvaluator {
        let evaluator = try SweepEvaluator(spec: spec, options: SweepOptions(jobs: 1))
        evaluator.runsScenarios = false
        return try evaluator.costModel(design)
    }

    @Test func trainingMetricsAreStoredPerDesignAndNullWhereTheModelDoesNotFit() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("t.sqlite").path
        let config = try Self.config(dir, training: Self.block())
        let summary = try SweepTests.run(config, db: db)
        #expect(summary.evaluatedPairs == 5)
        let rows = try Self.rows(db)
        #expect(rows.count == 5)
        // Points 0 and 1 have one 16 GB stack: Llama-3-8B's 16 GB of weights, gradients and Adam
        // states per device at tp=8 alone fill it, so the step does not fit: no metrics, no layout.
        for row in rows[0..<2] { #expect(row.values.isEmpty && row.layout == nil, "\(row)") }
        for row in rows[2...] {
            #expect(row.values.count == 5 && row.values.values.allSatisfy { $0 > 0 && $0.isFinite }, "\(row)")
            #expect(row.layout == "tp=8,pp=1,dp=1,mb=1,recompute=selective")
            let mfu = try #require(row.values["training_mfu"])
            #expect(mfu > 0.05 && mfu < 1)
            // 16 × 1,024 tokens per step.
            let step = try #require(row.values["training_step_s"]), tokens = try #require(row.values["training_tokens_per_s"])
            #expect(abs(step * tokens - 16 * 1024) < 1e-6 * 16 * 1024)
        }
        // A faster clock trains faster (points 2 and 3 differ in the clock only).
        let slow = try #require(rows[2].values["training_tokens_per_s"]), fast = try #require(rows[3].values["training_tokens_per_s"])
        #expect(fast > slow)
        // design_scores carries the metrics and the layout.
        let scored = try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT training_tokens_per_s, training_layout FROM design_scores ORDER BY is_baseline, point_index")
                .map { (tokens: $0["training_tokens_per_s"] as Double?, layout: $0["training_layout"] as String?) }
        }
        #expect(scored.count == 5)
        #expect(scored[3].tokens == fast && scored[3].layout == rows[3].layout)
        #expect(scored[0].tokens == nil && scored[0].layout == nil)

        // The baseline trains on its own cluster (the DGX A100 SuperPOD), not the swept designs'.
        let spec = try SweepSpec.load(path: config)
        let training = try #require(spec.training)
        let a100 = try Self.evaluator(spec, try Repo.device("configs/gpus/a100-sxm-80gb.json"))
        let own = training.scenario.metrics(for: a100, on: try ClusterSpec.load(path: Repo.path("configs/clusters/dgx-a100-superpod.json")))
        let other = training.scenario.metrics(for: a100, on: try ClusterSpec.load(path: Repo.path("configs/clusters/dgx-h100-superpod.json")))
        #expect(rows[4].values == ["training_step_s": own.stepSeconds, "training_tokens_per_s": own.tokensPerSecond, "training_mfu": own.mfu,
                                   "training_j_per_token": own.facilityJoulesPerToken, "training_usd_per_million_tokens": own.usdPerMillionTokens])
        // Within one 8-GPU node both clusters give the same step time; their hosts differ in power and price.
        #expect(rows[4].values["training_j_per_token"] != other.facilityJoulesPerToken)
        #expect(rows[4].values["training_usd_per_million_tokens"] != other.usdPerMillionTokens)
    }

    /// Without `parallel` the layout search picks the best layout by the objective: at least as
    /// many tokens/s as any fixed layout, and the layout `ParallelLayoutSearch` ranks first.
    @Test func theLayoutSearchPicksTheBestLayout() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.config(dir, training: Self.block(#""devices": 8, "objective": "throughput""#))
        let spec = try SweepSpec.load(path: config)
        let training = try #require(spec.training)
        #expect(training.scenario.layout == nil && training.scenario.devices == 8)
        let design = try Repo.device("configs/gpus/h100-sxm.json")
        let evaluator = try Self.evaluator(spec, design)
        let searched = training.scenario.metrics(for: evaluator, on: training.cluster)
        let model = TrainingStepModel(evaluator: evaluator, cluster: training.cluster, generator: training.scenario.generator,
                                      sequenceLength: 1024, globalBatch: 16)
        let best = try #require(ParallelLayoutSearch(model: model).run(devices: 8, keep: 1).ranked.first)
        #expect(searched.layout == best.layout.description && searched.tokensPerSecond == best.time?.tokensPerSecond)
        let fixed = try #require(try model.evaluate(ParallelLayout.parse("tp=8,pp=1,dp=1")).time)
        #expect(searched.tokensPerSecond >= fixed.tokensPerSecond)
        // A design with too little memory for any layout has none.
        var small = design
        small.memory.offchip.stacks = 1
        #expect(training.scenario.metrics(for: try Self.evaluator(spec, small), on: training.cluster) == .unavailable)
    }

    /// A design whose MAC array lacks the recipe's format cannot train in it: no metrics.
    @Test func aRecipeTheDesignLacksLeavesNoMetrics() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SweepSpec.load(path: try Self.config(dir, training: Self.block(#""parallel": "tp=8,pp=1,dp=1", "recipe": "pal8""#)))
        let training = try #require(spec.training)
        #expect(training.scenario.recipe.name == "pal8")
        let h100 = try Self.evaluator(spec, try Repo.device("configs/gpus/h100-sxm.json"))
        #expect(training.scenario.metrics(for: h100, on: training.cluster) == .unavailable)
    }

    /// A constraint on a training metric prunes designs before their workloads run, designs
    /// that cannot train among them; a dry run neither models the step nor prunes on it.
    @Test func trainingConstraintsPruneBeforeEvaluation() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("a.sqlite").path
        _ = try SweepTests.run(try Self.config(dir, training: Self.block()), db: db)
        let rows = try Self.rows(db)
        let slow = try #require(rows[2].values["training_tokens_per_s"]), fast = try #require(rows[3].values["training_tokens_per_s"])
        let limit = (slow + fast) / 2
        let constrained = try Self.config(dir, training: Self.block(), constraints: #"[{"metric": "training_tokens_per_s", "min": \#(limit)}]"#, name: "c")
        let dry = try SweepRunner(spec: try SweepSpec.load(path: constrained), options: SweepOptions(jobs: 1)).dryRun()
        #expect(dry.prunedBeforeEvaluation == 0)
        let db2 = dir.appendingPathComponent("b.sqlite").path
        let summary = try SweepTests.run(constrained, db: db2)
        #expect(summary.prunedBeforeEvaluation == 3)   // the two that cannot train and the slower clock
        let kept = try Self.rows(db2)
        #expect(kept.count == 2)   // the fast design and the baseline
        #expect(kept[0].values["training_tokens_per_s"] == fast)
        // The baseline is evaluated whatever the constraints, and marked when it fails them.
        let baseline = try ResultsStore(path: db2).read { db in
            try Row.fetchOne(db, sql: "SELECT training_tokens_per_s, meets_constraints FROM results WHERE is_baseline")
                .map { (tokens: $0["training_tokens_per_s"] as Double?, meets: $0["meets_constraints"] as Bool) }
        }
        let baselineTokens = try #require(baseline?.tokens)
        #expect(baseline?.meets == (baselineTokens >= limit))
    }

    /// NSGA-II ranks on training metrics like on any design score.
    @Test func nsga2OptimisesTrainingMetrics() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let strategy = #"{"type": "nsga2", "objectives": ["max:training_tokens_per_s", "min:training_usd_per_million_tokens"], "population": 4, "generations": 1, "seed": 3}"#
        let config = try Self.config(dir, training: Self.block(), strategy: strategy)
        let spec = try SweepSpec.load(path: config)
        guard case let .nsga2(objectives, _, _, _) = spec.strategy else { Issue.record("not nsga2"); return }
        #expect(objectives.map(\.metric.name) == ["training_tokens_per_s", "training_usd_per_million_tokens"])
        let db = dir.appendingPathComponent("n.sqlite").path
        let summary = try SweepTests.run(config, db: db)
        #expect(summary.evaluatedPairs >= 2)
        #expect(try Self.rows(db).contains { $0.values.count == 5 })
    }

    /// Rows, training metrics and layouts are the same whatever the job count.
    @Test func resultsAreIdenticalWhateverTheJobCount() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.config(dir, training: Self.block())
        let one = dir.appendingPathComponent("one.sqlite").path, two = dir.appendingPathComponent("two.sqlite").path
        _ = try SweepTests.run(config, db: one, options: SweepOptions(jobs: 1))
        _ = try SweepTests.run(config, db: two, options: SweepOptions(jobs: 2, batchPointsPerJob: 1))
        #expect(try SweepTests.table(one) == SweepTests.table(two))
        func described(_ db: String) throws -> [String] {
            try Self.rows(db).map { row in "\(row.design) \(Self.metricColumns.map { row.values[$0] }) \(row.layout ?? "-")" }
        }
        #expect(try described(one) == described(two))
    }

    /// Training metrics keep the name they are given (`tokens` is not the throughput unit here).
    @Test func trainingMetricNamesParse() throws {
        for name in Self.metricColumns + ["serving_tokens_per_s"] {
            #expect(try MetricCatalogue.parse(name).name == name)
            #expect(try SweepSpec.Objective(parsing: "max:\(name)").metric.name == name)
        }
        #expect(try MetricCatalogue.parse("tokens_per_joule").name == "items_per_joule")
    }

    @Test(arguments: [
        (#""devices": 8, "parallel": "tp=4,pp=1,dp=1""#, "$.training.devices", "spans tp × pp × dp = 4 devices"),
        (#""global_batch": 16"#, "$.training", "needs \"devices\""),
        (#""parallel": "tp=3,pp=1,dp=1""#, "$.training.parallel", "must divide the 32 attention heads"),
        (#""parallel": "tp=8,pp=1,dp=1,fsdp=2""#, "$.training.parallel", "unknown key \"fsdp\""),
        (#""parallel": "tp=8,pp=1,dp=1", "objective": "cost""#, "$.training.objective", "a fixed \"parallel\" layout is not searched"),
        (#""devices": 8, "objective": "speed""#, "$.training.objective", "unknown value \"speed\""),
        (#""devices": 8, "recipe": "fp9""#, "$.training.recipe", "unknown recipe"),
        (#""devices": 8, "global_bach": 16"#, "$.training.global_bach", "unknown key"),
        (#""devices": 100000"#, "$.training.devices", "exceeds"),
        (#""devices": 8, "sequence_length": 1000000"#, "$.training.sequence_length", "model's context"),
        (#""devices": 37"#, "$.training.devices", "no parallel layout of 37 devices"),
    ])
    func badTrainingBlocksAreClearErrors(extra: String, path: String, message: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Later keys of a JSON object do not override earlier ones here: the block is built without the defaults `extra` replaces.
        var block = Self.block(extra)
        if extra.contains("global_batch") { block = block.replacingOccurrences(of: #""global_batch": 16, "#, with: "") }
        if extra.contains("sequence_length") { block = block.replacingOccurrences(of: #""sequence_length": 1024, "#, with: "") }
        try Self.expectConfigError(try Self.config(dir, training: block), path: path, message: message)
    }

    @Test func baselineClustersMustMatchTheBaselines() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a100 = Repo.path("configs/gpus/a100-sxm-80gb.json"), h100 = Repo.path("configs/gpus/h100-sxm.json")
        let cluster = Repo.path("configs/clusters/dgx-a100-superpod.json")
        let missing = Self.block().replacingOccurrences(of: #""\#(a100)": "\#(cluster)""#, with: "")
        try Self.expectConfigError(try Self.config(dir, training: missing), path: "$.training.baseline_clusters", message: "gives no cluster for baseline")
        let stranger = Self.block().replacingOccurrences(of: #""\#(a100)": "\#(cluster)""#, with: #""\#(a100)": "\#(cluster)", "\#(h100)": "\#(cluster)""#)
        try Self.expectConfigError(try Self.config(dir, training: stranger), path: "$.training.baseline_clusters[", message: "is not a baseline of this sweep")
        let bad = Self.block().replacingOccurrences(of: #""\#(a100)": "\#(cluster)""#, with: #""\#(a100)": 3"#)
        try Self.expectConfigError(try Self.config(dir, training: bad), path: "$.training.baseline_clusters[", message: "must be a cluster file path")
    }

    @Test func trainingMetricsNeedATrainingBlock() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: try Self.config(dir, training: "{}", constraints: #"[{"metric": "training_mfu", "min": 0.3}]"#), encoding: .utf8)
        let path = dir.appendingPathComponent("n.json").path
        try text.replacingOccurrences(of: #""training": {},"#, with: "").write(toFile: path, atomically: true, encoding: .utf8)
        try Self.expectConfigError(path, path: "$", message: "names training_mfu, a training-scenario metric")
    }

    static func expectConfigError(_ config: String, path: String, message: String) throws {
        do {
            _ = try SweepSpec.load(path: config)
            Issue.record("accepted \(config)")
        } catch let SweepError.config(error) {
            #expect(error.path.hasPrefix(path), "\(error.description)")
            #expect(error.message.contains(message), "\(error.description)")
            #expect(error.file == config, "\(error.description)")
        } catch {
            Issue.record("not a ConfigError: \(error)")
        }
    }
}
