import Foundation
import GRDB
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUFormats
@testable import SPUHardware
@testable import SPUReport
@testable import SPUResults
@testable import SPUSweep
@testable import SPUWorkload

/// Precision recipes: parsing, what a recipe changes in a trace, which designs can run it, and
/// recipes as a sweep axis with each design scored on its best recipe.
@Suite(.serialized) struct PrecisionRecipeTests {
    static func parse(_ text: String) throws -> PrecisionRecipe {
        switch PrecisionRecipe.parse(text) {
        case let .success(recipe): return recipe
        case let .failure(error): throw error
        }
    }

    @Test func namesFormatsAndSpellingsParse() throws {
        let fp8 = try Self.parse("fp8")
        #expect(fp8.weights == .fp8E4M3 && fp8.activations == .fp8E4M3 && fp8.kvCache == .fp8E4M3)
        #expect(try Self.parse("pal8").isUniform)
        // A bare format is its uniform recipe; the spelling reads back to an equal recipe.
        #expect(try Self.parse("fp8-e5m2") == .uniform(.fp8E5M2))
        let w4 = try Self.parse("w=int4, a=bf16, kv=fp8-e4m3, acc=exact:40")
        #expect(w4.weights == .int4 && w4.activations == .bf16 && w4.kvCache == .fp8E4M3)
        #expect(w4.accumulation == .init(mode: "exact", widthBits: 40))
        #expect(try Self.parse(w4.spelling) == w4)
        // The MAC multiplies in the wider operand format; attention against an 8-bit cache runs in
        // the activations' format.
        #expect(w4.computeFormat == .bf16 && w4.macFormats == [.bf16])
        #expect(try Self.parse("w=fp8-e4m3,a=fp8-e4m3,kv=bf16").macFormats == [.fp8E4M3, .bf16])
        // Every catalogue recipe has a source and a distinct name.
        #expect(Set(PrecisionRecipe.catalogue.map(\.name)).count == PrecisionRecipe.catalogue.count)
        #expect(PrecisionRecipe.catalogue.allSatisfy { !$0.source.isEmpty })
    }

    @Test(arguments: [
        ("fp9", "unknown recipe"),
        ("w=int4", "needs a=FORMAT"),
        ("w=int4,a=bf17", "unknown format 'bf17'"),
        ("w=int4,a=bf16,w=int8", "given twice"),
        ("w=int4,a=bf16,z=1", "is not one of"),
        ("w=int4,a=bf16,acc=kulisch", "unknown accumulation"),
        ("w=int4,a=bf16,acc=exact:4", "from 8 to 512"),
    ])
    func badRecipesAreRefusedWithTheRule(text: String, message: String) {
        guard case let .failure(error) = PrecisionRecipe.parse(text) else { Issue.record("accepted \(text)"); return }
        #expect(error.description.contains(message), "\(error.description)")
    }

    /// A weight-only recipe stores the weights at their own width and keeps the KV cache and
    /// activations; a uniform recipe's trace equals the format's.
    @Test func recipesSetTheTensorsTheyName() throws {
        let model = try TransformerConfig.load(path: Repo.path("workloads/models/llama-3-8b.json"))
        func trace(_ recipe: PrecisionRecipe) throws -> Workload {
            try TransformerGenerator(model: model, modelName: "llama-3-8b", recipe: recipe).generate(phase: .decode, batch: 8, sequenceLength: 1024, tensorParallel: 1)
        }
        let bf16 = try trace(.uniform(.bf16)), w4 = try trace(try Self.parse("w4a16")), fp8 = try trace(try Self.parse("fp8"))
        #expect(bf16.contentHash == (try TransformerGenerator(model: model, modelName: "llama-3-8b", format: .bf16).generate(phase: .decode, batch: 8, sequenceLength: 1024, tensorParallel: 1)).contentHash)
        let ratio = w4.summary.weightBytes / bf16.summary.weightBytes
        #expect(ratio > 0.25 && ratio < 0.26)        // int4 projections; norm weights stay 16-bit
        #expect(w4.summary.kvCacheBytes == bf16.summary.kvCacheBytes)
        #expect(fp8.summary.kvCacheBytes == bf16.summary.kvCacheBytes / 2)
        #expect(w4.name.hasSuffix("-w4a16"))
    }

    @Test func designsThatLackARecipesFormatsSayWhich() throws {
        let h100 = try DeviceSpec.load(path: Repo.path("configs/gpus/h100-sxm.json"))
        let array = h100.compute.macArray
        #expect(array.unsupportedReason(for: try Self.parse("fp8"), design: h100.name) == nil)
        #expect(array.unsupportedReason(for: try Self.parse("w4a16"), design: h100.name) == nil)
        let reason = try #require(array.unsupportedReason(for: try Self.parse("pal8"), design: h100.name))
        #expect(reason.contains("does not support pal8") && reason.contains("supported: fp8-e4m3"))
        #expect(array.supportedRecipes(PrecisionRecipe.catalogue).map(\.name).contains("pal8") == false)
        // A required accumulation must be the register the design declares for the MAC format.
        #expect(array.unsupportedReason(for: try Self.parse("w=fp8-e4m3,a=fp8-e4m3,acc=fp32"), design: h100.name) == nil)
        let spu = try DeviceSpec.load(path: Repo.path("configs/chips/spu-datacenter.json"))
        #expect(spu.compute.macArray.unsupportedReason(for: try Self.parse("w=pal8,a=pal8,acc=exact:32"), design: spu.name) == nil)
        let narrower = try #require(spu.compute.macArray.unsupportedReason(for: try Self.parse("w=pal8,a=pal8,acc=exact:24"), design: spu.name))
        #expect(narrower.contains("accumulates pal8 in exact-w32"))
        #expect(array.unsupportedReason(for: try Self.parse("w=fp8-e4m3,a=fp8-e4m3,acc=exact"), design: h100.name) != nil)
    }

    /// Fleet sizing of a design that cannot run the recipe is infeasible for that reason, with no
    /// efficiency numbers.
    @Test func fleetPlansOfUnsupportedRecipesAreInfeasibleWithTheReason() throws {
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        let h100 = try DeviceSpec.load(path: Repo.path("configs/gpus/h100-sxm.json"))
        let model = try TransformerConfig.load(path: Repo.path("workloads/models/llama-3-8b.json"))
        let request = FleetRequest(queriesPerDay: 1e9, inputTokens: 1000, outputTokens: 400, recipe: try Self.parse("pal8"))
        let plan = FleetSizing.plan(model: model, modelName: "llama-3-8b", request: request, evaluator: try DesignEvaluator(device: h100, inputs: inputs))
        #expect(!plan.feasible)
        #expect(plan.reason?.contains("does not support pal8") == true)
        #expect(plan.usdPer1000Queries.isNaN && plan.whPerQuery.isNaN && plan.accelerators.isNaN)
    }

    /// `recipes compare`: each design in its own recipe; an unsupported pair is infeasible with
    /// the reason and NaN (null) efficiency; halving the weights' bytes speeds up decode.
    @Test func recipeComparisonRunsEachDesignInItsOwnRecipe() throws {
        let inputs = try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
        let h100 = try DesignEvaluator(device: try DeviceSpec.load(path: Repo.path("configs/gpus/h100-sxm.json")), inputs: inputs)
        let model = try TransformerConfig.load(path: Repo.path("workloads/models/llama-3-8b.json"))
        let comparison = RecipeComparison(model: model, modelName: "llama-3-8b", scenarios: [.init(phase: .decode, batch: 8, sequenceLength: 1024, tensorParallel: 1)])
        let rows = comparison.rows([.init(evaluator: h100, recipe: try Self.parse("bf16")), .init(evaluator: h100, recipe: try Self.parse("fp8")),
                                    .init(evaluator: h100, recipe: try Self.parse("pal8"))])
        #expect(rows.count == 3)
        #expect(rows[0].feasible && rows[1].feasible && !rows[2].feasible)
        #expect(rows[2].reason?.contains("does not support pal8") == true)
        #expect(rows[2].tokensPerSecondPerChip.isNaN && rows[2].tokensPerJoule.isNaN && rows[2].usdPerMillionTokens.isNaN)
        #expect(rows[1].tokensPerSecondPerChip > rows[0].tokensPerSecondPerChip * 1.3)   // bandwidth-bound decode, half the bytes
        #expect(rows[1].usdPerMillionTokens < rows[0].usdPerMillionTokens)
        // Equal margin re-prices the GPU at cost × margin: cheaper per token than at its list price.
        let equal = RecipeComparison(model: model, modelName: "llama-3-8b", scenarios: comparison.scenarios, pricing: .equalMargin(1.6))
            .rows([.init(evaluator: h100, recipe: try Self.parse("fp8"))])
        #expect(equal[0].usdPerMillionTokens < rows[1].usdPerMillionTokens && equal[0].tokensPerSecondPerChip == rows[1].tokensPerSecondPerChip)
    }

    static func sweep(_ dir: URL, recipes: String, extra: String = "") throws -> String {
        let text = """
        {"name": "recipes", "base_design": "\(Repo.path("configs/chips/spu-datacenter.json"))", \(extra)
         "axes": [{"path": "$.clock_ghz", "values": [1.0, 1.3]}],
         "recipes": \(recipes),
         "workloads": [{"generate": {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "phase": "decode", "batch": 16, "context": 1024}, "weight": 3},
                       {"generate": {"model": "\(Repo.path("workloads/models/llama-3-8b.json"))", "phase": "prefill", "batch": 2, "prompt": 512}}],
         "baselines": ["\(Repo.path("configs/gpus/h100-sxm.json"))"],
         "tech": "\(Repo.path("configs/tech"))", "tco": "\(Repo.path("configs/tco/default.json"))"}
        """
        let path = dir.appendingPathComponent("s.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `select: best`: every variant is stored, and a design's score is the weighted mean of its
    /// cheapest feasible variant per workload: the H100 on FP8 (it has no PAL8), the SPU on the
    /// cheaper of its recipes.
    @Test func eachDesignIsScoredOnItsBestRecipe() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        let config = try Self.sweep(dir, recipes: #"{"candidates": ["bf16", "fp8", "pal8"], "select": "best", "objective": "min:usd_per_million_items"}"#)
        let summary = try SweepTests.run(config, db: db)
        #expect(summary.evaluatedPairs == 3 * 6)
        try ResultsStore(path: db).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT design_hash, recipe, recipe_group, feasible, usd_per_million_items, workload_weight, selection_score FROM results")
            #expect(rows.count == 18)
            var best: [String: [String: (cost: Double, weight: Double)]] = [:]
            for row in rows {
                let feasible: Bool = row["feasible"]
                let recipe: String = row["recipe"]
                if !feasible {
                    #expect(recipe == "pal8")
                    #expect((row["selection_score"] as Double?) == nil && (row["usd_per_million_items"] as Double?) == nil)
                    continue
                }
                let cost: Double = row["usd_per_million_items"], group: String = row["recipe_group"], design: String = row["design_hash"]
                #expect((row["selection_score"] as Double?) == cost)
                if cost < best[design]?[group]?.cost ?? .infinity { best[design, default: [:]][group] = (cost, row["workload_weight"]) }
            }
            let scores = try Row.fetchAll(db, sql: "SELECT design_hash, workloads, weighted_usd_per_million_items, chosen_recipes FROM design_scores")
            #expect(scores.count == 3)
            for score in scores {
                let design: String = score["design_hash"]
                let groups = try #require(best[design])
                let expected = groups.values.reduce(0) { $0 + $1.cost * $1.weight } / groups.values.reduce(0) { $0 + $1.weight }
                #expect((score["workloads"] as Int) == 2)
                let value: Double = score["weighted_usd_per_million_items"]
                #expect(abs(value - expected) <= 1e-12 * expected)
                let chosen: String = score["chosen_recipes"]
                #expect(!chosen.isEmpty)
            }
        }
    }

    /// `select: all` (the default): each variant is a workload of its own, so a design without
    /// PAL8 is infeasible for the sweep, its scores NULL.
    @Test func everyRecipeIsAWorkloadByDefault() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        _ = try SweepTests.run(try Self.sweep(dir, recipes: #"{"candidates": ["fp8", "pal8"]}"#), db: db)
        try ResultsStore(path: db).read { db in
            let h100 = try Row.fetchOne(db, sql: "SELECT feasible, workloads, weighted_usd_per_million_items FROM design_scores WHERE is_baseline")
            #expect((h100?["feasible"] as Bool?) == false && (h100?["workloads"] as Int?) == 4)
            #expect((h100?["weighted_usd_per_million_items"] as Double?) == nil)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE recipe_group IS NOT NULL") == 0)
        }
    }

    /// An accuracy budget chooses among recipes: with `embedding_cosine ≥ c` every chosen variant
    /// meets it, a recipe below it is never chosen, and accuracy follows the format (bf16 closer to
    /// fp32 than fp8). The tiny test BERT stands in for all-MiniLM-L6-v2 (same architecture).
    @Test func anAccuracyBudgetChoosesAmongRecipes() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let accuracy = #"{"model_dir": "\#(Repo.path("Tests/SPUSimTests/Data/tiny-bert"))", "sentences": "\#(Repo.path("validation/accuracy/sentences.txt"))"}"#
        let recipes = #"{"candidates": ["bf16", "fp8", "mxfp4"], "select": "best", "objective": "min:usd_per_million_items"}"#
        // First without a budget, to read each recipe's accuracy.
        let path = try Self.sweep(dir, recipes: recipes, extra: #""accuracy": \#(accuracy),"#)
        let db = dir.appendingPathComponent("a.sqlite").path
        _ = try SweepTests.run(path, db: db)
        let cosines = try ResultsStore(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT recipe, embedding_cosine FROM results WHERE feasible AND design_name = 'h100-sxm' AND workload_name LIKE '%decode%'")
                .reduce(into: [String: Double]()) { $0[$1["recipe"]] = $1["embedding_cosine"] }
        }
        let bf16 = try #require(cosines["bf16"]), fp8 = try #require(cosines["fp8"])
        #expect(bf16 > fp8 && bf16 <= 1 + 1e-12 && fp8 > 0.5)
        #expect(cosines["mxfp4"] == nil)   // the H100 has no MXFP4: infeasible, no accuracy either
        // The report's accuracy figures show every feasible (design, recipe) result with an accuracy.
        let report = try ReportData.load(path: db, runID: nil)
        let figures = report.accuracyFigures()
        #expect(figures.count == 2)
        let measured = try ResultsStore(path: db).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE feasible AND embedding_cosine IS NOT NULL") ?? 0
        }
        #expect(figures.reduce(0) { $0 + $1.energy.series.reduce(0) { $0 + $1.points.count } } == measured)
        #expect(try HTMLReport.render(report, options: ReportOptions()).contains("id=\"accuracy-energy-"))
        // A budget between bf16 and fp8 rules fp8 out: every design scores on bf16.
        let budget = (bf16 + fp8) / 2
        let strict = try Self.sweep(dir, recipes: recipes, extra: #""accuracy": \#(accuracy), "constraints": [{"metric": "embedding_cosine", "min": \#(budget)}],"#)
        let db2 = dir.appendingPathComponent("b.sqlite").path
        _ = try SweepTests.run(strict, db: db2)
        try ResultsStore(path: db2).read { db in
            let chosen = try String.fetchAll(db, sql: "SELECT chosen_recipes FROM design_scores")
            #expect(chosen.count == 3 && chosen.allSatisfy { $0.split(separator: ",").allSatisfy { $0 == "bf16" } })
            let best = try Double.fetchAll(db, sql: "SELECT weighted_embedding_cosine FROM design_scores")
            #expect(best.allSatisfy { $0 >= budget })
        }
    }

    @Test func accuracyMetricsNeedAnAccuracyBlock() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.sweep(dir, recipes: #"{"candidates": ["fp8"]}"#, extra: #""constraints": [{"metric": "embedding_cosine", "min": 0.99}],"#)
        #expect(throws: SweepError.self) { try SweepSpec.load(path: path) }
        let missing = try Self.sweep(dir, recipes: #"{"candidates": ["fp8"]}"#, extra: #""accuracy": {"model_dir": "/nonexistent-minilm"},"#)
        do {
            _ = try SweepSpec.load(path: missing)
            Issue.record("accepted a missing model directory")
        } catch {
            #expect(error.description.contains("$.accuracy") && error.description.contains("minilm_reference.py"), "\(error.description)")
        }
    }

    @Test(arguments: [
        (#"{"candidates": []}"#, "at least one recipe"),
        (#"{"candidates": ["fp8", "fp8-e4m3"]}"#, "twice"),
        (#"{"candidates": ["fp9"]}"#, "unknown recipe"),
        (#"{"candidates": ["fp8"], "select": "best"}"#, "objective"),
        (#"{"candidates": ["fp8"], "select": "all", "objective": "min:usd_per_million_items"}"#, "only"),
        (#"{"candidates": ["fp8"], "select": "cheapest"}"#, "must be \"all\""),
    ])
    func badRecipeBlocksAreClearErrors(block: String, message: String) throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.sweep(dir, recipes: block)
        do {
            _ = try SweepSpec.load(path: config)
            Issue.record("accepted \(block)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.contains("$.recipes"), "\(error.description)")
        }
    }
}
