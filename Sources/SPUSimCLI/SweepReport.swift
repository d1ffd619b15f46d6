import Foundation
import SPUCore
import SPUResults
import SPUSweep

/// Text printed by `spusim sweep`.
enum SweepReport {
    static func dryRun(spec: SweepSpec, summary s: SweepSummary) -> String {
        var lines = ["sweep \(spec.name) (dry run): strategy \(spec.strategy.name), \(spec.axes.count) axes (\(spec.axes.map { "\($0.label) × \($0.count)" }.joined(separator: ", ")))"]
        if let sample = s.sampledPoints {
            lines.append("design points: \(s.designPoints); in this shard: \(s.designPoints == s.pointsInShard ? "all" : "about \(s.pointsInShard)"); pruned by constraints before evaluation: about \(s.prunedBeforeEvaluation)")
            lines.append("(pruning and invalid designs estimated on a sample: \(sample) points spread over the sweep were decoded and checked)")
        } else {
            lines.append("design points: \(s.designPoints); in this shard: \(s.pointsInShard); pruned by constraints before evaluation: \(s.prunedBeforeEvaluation)")
        }
        lines.append("baselines: \(s.baselinePoints) (shard-local count may be lower); workloads: \(s.workloads) (\(spec.workloads.map { "\($0.workload.name) ×\(JSONWriter.formatNumber($0.weight))" }.joined(separator: ", ")))")
        lines.append("pairs to evaluate: about \((s.pointsInShard - s.prunedBeforeEvaluation + s.baselinePoints) * s.workloads)")
        if let seconds = s.estimatedSeconds {
            lines.append("estimated time: \(Formatting.seconds(seconds)) (\(SweepLimits.dryRunTimedPoints) sample designs timed on every workload, extrapolated over the pairs and --jobs; storage and scenarios not included)")
        }
        if let serving = spec.serving {
            lines.append("serving scenario: \(serving.modelName) on every design (\(serving.requestCount) requests\(serving.requests == .offline ? ", offline" : "")), simulated when the sweep runs; a dry run neither simulates it nor prunes on its metrics")
        }
        if let training = spec.training {
            let scenario = training.scenario
            let how = scenario.layout.map { "layout \($0)" } ?? "the best layout by \(scenario.objective.rawValue)"
            lines.append("training scenario: \(scenario.modelName), global batch \(scenario.globalBatch) × \(scenario.sequenceLength) tokens on \(scenario.devices) devices of each design's cluster (\(how)), modelled when the sweep runs; a dry run neither models it nor prunes on its metrics")
        }
        if !s.invalidDesigns.isEmpty {
            lines.append("invalid design points (skipped)\(s.sampledPoints == nil ? "" : " in the sample"): \(s.invalidDesigns.count); first: \(s.invalidDesigns[0])")
        }
        return lines.joined(separator: "\n")
    }

    /// The objective recipe alternatives are chosen by (`recipes.objective`).
    static func recipeObjective(_ spec: SweepSpec) -> String {
        if case let .best(objective)? = spec.recipes?.selection { return objective.description }
        return "-"
    }

    static func summary(spec: SweepSpec, summary s: SweepSummary, store: ResultsStore, db: String, top: Int) throws -> String {
        var lines: [String] = []
        let rate = s.seconds > 0 ? Double(s.evaluatedPairs) / s.seconds : 0
        lines.append("sweep \(spec.name): run \(s.runID ?? 0) in \(db)")
        lines.append(String(format: "evaluated %d design × workload pairs in %.1f s (%.0f pairs/s)", s.evaluatedPairs, s.seconds, rate)
                     + (s.alreadyStored > 0 ? "; \(s.alreadyStored) already stored (resumed)" : ""))
        lines.append("design points: \(s.designPoints) (\(s.prunedBeforeEvaluation) pruned by constraints, \(s.invalidDesigns.count) invalid); baselines: \(s.baselinePoints); workloads: \(s.workloads)"
                     + (spec.recipes.map { " (\($0.candidates.count) recipes each for the generated transformers)" } ?? "")
                     + (s.failingConstraints > 0 ? "; \(s.failingConstraints) pairs fail constraints after evaluation" : ""))
        guard let runID = s.runID else { return lines.joined(separator: "\n") }
        let scores = try store.designScores(runID: runID, best: top, baselines: spec.baselines.count)
        let unit = spec.workloads.first?.workload.throughputUnit ?? "items"
        func f(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "-" }
        let best = scores.filter { !$0.isBaseline }
        let baselines = scores.filter(\.isBaseline)
        let serving = spec.serving != nil
        let training = spec.training != nil
        let choosing = spec.workloads.contains { $0.recipeGroup != nil }
        let rows = (best + baselines).map { d -> [String] in
            [d.designName + (d.isBaseline ? " (baseline)" : ""), d.feasible && d.meetsConstraints ? "yes" : "no",
             f(d.itemsPerS, "%.4g"), f(d.latencyS.map { $0 * 1000 }, "%.3g"), f(d.itemsPerJoule, "%.3g"),
             f(d.usdPerMillionItems, "%.4g"), f(d.areaMM2, "%.0f"), f(d.maxAveragePowerW, "%.0f")]
            + (choosing ? [d.chosenRecipes ?? "-"] : [])
            + (serving ? [f(d.goodputRequestsPerS, "%.3g"), f(d.ttftP99S.map { $0 * 1000 }, "%.3g"), f(d.tpotP99S.map { $0 * 1000 }, "%.3g")] : [])
            + (training ? [f(d.trainingTokensPerS, "%.4g"), f(d.trainingMFU.map { $0 * 100 }, "%.1f"), f(d.trainingUSDPerMillionTokens, "%.3g"),
                           d.trainingLayout ?? "-"] : [])
        }
        lines.append("")
        let groups = Set(spec.workloads.map { $0.recipeGroup ?? $0.hash }).count
        lines.append("best designs by weighted $ per million \(unit) (weights over \(groups) workload\(groups == 1 ? "" : "s")"
                     + (choosing ? "; each design on its best recipe by \(Self.recipeObjective(spec))):" : "):"))
        let extraHeader = (choosing ? ["recipes"] : []) + (serving ? ["goodput req/s", "TTFT p99 ms", "TPOT p99 ms"] : [])
            + (training ? ["train tok/s", "MFU %", "$/M train tok", "layout"] : [])
        // Text columns (recipes, layout) are left-aligned.
        let textColumns = Set((choosing ? [8] : []) + (training ? [8 + extraHeader.count - 1] : []))
        lines.append(Formatting.table(header: ["design", "ok", "\(unit)/s", "latency ms", "\(unit)/J", "$/M \(unit)", "area mm²", "max W"] + extraHeader,
                                      rows: rows, rightAligned: Set(2..<(8 + extraHeader.count)).subtracting(textColumns)))
        if serving {
            lines.append("goodput, TTFT and TPOT: the serving scenario on the serving simulator (docs/sweeps.md, \"Serving scenario\")")
        }
        if training {
            lines.append("train tok/s, MFU, $/M train tok and layout: the training scenario, one step on each design's cluster (docs/sweeps.md, \"Training scenario\")")
        }
        lines.append("")
        lines.append("next: spusim query --db \(db) --run \(runID)   |   spusim pareto --db \(db) --run \(runID) --objectives \"max:weighted_items_per_joule,min:weighted_usd_per_million_items\"")
        return lines.joined(separator: "\n")
    }
}
