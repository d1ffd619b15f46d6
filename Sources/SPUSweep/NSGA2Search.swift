import Foundation
import SPUCore
import SPUCost
import SPUFormats
import SPUResults

/// NSGA-II (Deb et al. 2002) over the axes' value indices: a population evaluated per generation,
/// parents chosen by binary tournament on (non-domination rank, crowding distance), uniform
/// crossover and per-axis mutation (probability 1/axes), and elitist survival of the best
/// `population` of parents ∪ children. Objectives are weighted workload averages (or design
/// properties such as area). Infeasible designs and those failing constraints are dominated by
/// every feasible one. Evaluations: population × (generations + 1). Deterministic for a seed;
/// on `--resume` stored pairs are read back instead of re-evaluated.
struct NSGA2Search {
    let runner: SweepRunner

    struct Individual {
        var choice: [Int]
        var objectives: [Double]   // all minimised (maximised objectives negated)
        var feasible: Bool
        var rank = 0
        var crowding = 0.0
    }

    func run(store: ResultsStore, command: String, cancellation: SweepCancellation,
             progress: @Sendable (SweepProgress) -> Void, start: Date) throws -> SweepSummary {
        let spec = runner.spec
        guard case let .nsga2(objectives, population, generations, seed) = spec.strategy else { preconditionFailure() }
        guard runner.options.shard == nil else { throw SweepError.message("--shard is not supported with the nsga2 strategy (its generations depend on each other)") }
        let runID = try runner.openRun(store: store, command: command)
        let stored = try store.storedMetrics(runID: runID)
        var rng = SplitMix64(seed: seed)
        let counts = spec.axes.map(\.count)
        let total = population * (generations + 1)
        var done = 0, evaluatedPairs = 0, failing = 0, alreadyStored = 0, invalid: [String] = []
        var nextIndex = 0
        var seenDesigns: [String: Individual] = [:]
        var cancelled = false

        /// Evaluates (or reads back) a batch of choices into individuals, writing new rows. Choices
        /// seen before (in this batch or an earlier generation) are not evaluated again.
        func evaluate(_ allChoices: [[Int]]) throws -> [Individual] {
            struct Work { var index: Int; var choice: [Int] }
            var fresh: [[Int]] = []
            var inBatch = Set<[Int]>()
            for choice in allChoices where seenDesigns[choice.description] == nil && inBatch.insert(choice).inserted { fresh.append(choice) }
            let choices = fresh
            let work = choices.map { choice -> Work in defer { nextIndex += 1 }; return Work(index: nextIndex, choice: choice) }
            let outcomes = SweepRunner.parallelMap(work, jobs: runner.options.jobs) { item -> (Individual, [ResultsStore.SweepRow], String?, Int) in
                switch self.runner.candidate(index: item.index, choice: item.choice) {
                case let .failure(error):
                    return (Individual(choice: item.choice, objectives: objectives.map { _ in .infinity }, feasible: false), [], error.description, 0)
                case let .success(candidate):
                    var rows: [ResultsStore.SweepRow] = []
                    var metrics: [[String: Double]] = []
                    var reused = 0
                    let pre = self.runner.passesPreConstraints(candidate.evaluator)
                    for entry in spec.workloads {
                        let pair = candidate.design.contentHash + "|" + entry.hash
                        if let old = stored[pair] { metrics.append(old); reused += 1; continue }
                        let e = candidate.evaluator.evaluate(entry.workload)
                        let meets = pre && self.runner.meetsPostConstraints(e)
                        rows.append(.init(design: candidate.design, workload: entry.workload, workloadHash: entry.hash, evaluation: e,
                                          point: .init(pointIndex: item.index, workloadWeight: entry.weight, meetsConstraints: meets)))
                        metrics.append(Self.metrics(e, meets: meets))
                    }
                    let weights = spec.workloads.map(\.weight)
                    let feasible = metrics.allSatisfy { ($0["feasible"] ?? 0) == 1 && ($0["meets_constraints"] ?? 0) == 1 }
                    let values = objectives.map { objective -> Double in
                        let v = Self.weighted(objective, metrics, weights)
                        return objective.maximize ? -v : v
                    }
                    return (Individual(choice: item.choice, objectives: values.map { $0.isFinite ? $0 : .infinity }, feasible: feasible), rows, nil, reused)
                }
            }
            var individuals: [Individual] = []
            var rows: [ResultsStore.SweepRow] = []
            for (individual, newRows, error, reused) in outcomes {
                if let error { invalid.append(error) }
                individuals.append(individual)
                rows += newRows
                alreadyStored += reused
                evaluatedPairs += newRows.count
                failing += newRows.filter { !$0.point.meetsConstraints }.count
            }
            try store.writeBatch(runID: runID, rows: rows, storeOps: spec.storeOpResults)
            for individual in individuals { seenDesigns[individual.choice.description] = individual }
            done += allChoices.count
            progress(SweepProgress(pointsDone: done, pointsTotal: total, elapsedSeconds: Date().timeIntervalSince(start)))
            return allChoices.map { seenDesigns[$0.description]! }
        }

        func randomChoice() -> [Int] { counts.map { Int(rng.next() % UInt64($0)) } }
        var parents = try evaluate((0..<population).map { _ in randomChoice() })
        Self.assignRanks(&parents)
        for _ in 0..<generations {
            if cancellation.isCancelled { cancelled = true; break }
            var children: [[Int]] = []
            while children.count < population {
                let a = tournament(parents, &rng), b = tournament(parents, &rng)
                var child = zip(a.choice, b.choice).map { rng.next() & 1 == 0 ? $0 : $1 }
                for axis in 0..<child.count where rng.nextUnit() < 1 / Double(child.count) {
                    child[axis] = Int(rng.next() % UInt64(counts[axis]))
                }
                children.append(child)
            }
            var offspring = try evaluate(children)
            offspring += parents
            Self.assignRanks(&offspring)
            offspring.sort { ($0.rank, -$0.crowding) < ($1.rank, -$1.crowding) }
            parents = Array(offspring.prefix(population))
        }
        // Baselines are evaluated once, after the search, for comparison.
        if !cancelled, !spec.baselines.isEmpty {
            var rows: [ResultsStore.SweepRow] = []
            for (offset, design) in spec.baselines.enumerated() {
                let evaluator = try runner.evaluator(design)
                for entry in spec.workloads where stored[design.contentHash + "|" + entry.hash] == nil {
                    let e = evaluator.evaluate(entry.workload)
                    rows.append(.init(design: design, workload: entry.workload, workloadHash: entry.hash, evaluation: e,
                                      point: .init(pointIndex: nextIndex + offset, workloadWeight: entry.weight, isBaseline: true,
                                                   meetsConstraints: runner.meetsPostConstraints(e))))
                }
            }
            try store.writeBatch(runID: runID, rows: rows, storeOps: spec.storeOpResults)
            evaluatedPairs += rows.count
        }
        try store.finishRun(runID: runID, status: cancelled ? "interrupted" : "finished")
        return SweepSummary(runID: runID, designPoints: done, baselinePoints: spec.baselines.count, workloads: spec.workloads.count,
                            pointsInShard: done, prunedBeforeEvaluation: 0, invalidDesigns: invalid, alreadyStored: alreadyStored,
                            evaluatedPairs: evaluatedPairs, failingConstraints: failing, cancelled: cancelled,
                            seconds: Date().timeIntervalSince(start))
    }

    func tournament(_ population: [Individual], _ rng: inout SplitMix64) -> Individual {
        let a = population[Int(rng.next() % UInt64(population.count))]
        let b = population[Int(rng.next() % UInt64(population.count))]
        if a.rank != b.rank { return a.rank < b.rank ? a : b }
        return a.crowding >= b.crowding ? a : b
    }

    static func metrics(_ e: CostedEvaluation, meets: Bool) -> [String: Double] {
        [
            "throughput_per_s": e.performance.throughputPerSecond, "latency_s": e.performance.latencySeconds,
            "items_per_joule": e.cost.itemsPerJoule, "usd_per_million_items": e.cost.usdPerMillionItems,
            "area_mm2": e.cost.area.effectiveTotalMM2, "die_cost_usd": e.cost.silicon.dieCostUSD,
            "tco_usd_per_hour": e.cost.tco.totalUSDPerHour, "avg_power_w": e.cost.averagePowerW,
            "feasible": e.performance.feasible ? 1 : 0, "meets_constraints": meets ? 1 : 0,
        ]
    }

    static func weighted(_ objective: SweepSpec.Objective, _ metrics: [[String: Double]], _ weights: [Double]) -> Double {
        var sum = 0.0, total = 0.0
        for (m, w) in zip(metrics, weights) {
            let value: Double
            switch objective.metric {
            case .throughputPerSPerW: value = m["items_per_joule"] ?? .nan
            default: value = m[objective.metric.rawValue] ?? .nan
            }
            sum += w * value
            total += w
        }
        return sum / total
    }

    /// Fast non-dominated sorting and crowding distance (feasible individuals dominate infeasible ones).
    static func assignRanks(_ population: inout [Individual]) {
        func dominates(_ a: Individual, _ b: Individual) -> Bool {
            if a.feasible != b.feasible { return a.feasible }
            var strictly = false
            for (x, y) in zip(a.objectives, b.objectives) {
                if x > y { return false }
                if x < y { strictly = true }
            }
            return strictly
        }
        var remaining = Array(population.indices)
        var rank = 0
        while !remaining.isEmpty {
            let front = remaining.filter { i in !remaining.contains { j in j != i && dominates(population[j], population[i]) } }
            for i in front { population[i].rank = rank; population[i].crowding = 0 }
            for k in 0..<(population.first?.objectives.count ?? 0) {
                let sorted = front.sorted { population[$0].objectives[k] < population[$1].objectives[k] }
                guard let first = sorted.first, let last = sorted.last else { continue }
                population[first].crowding = .infinity
                population[last].crowding = .infinity
                let span = population[last].objectives[k] - population[first].objectives[k]
                guard span > 0, span.isFinite, sorted.count > 2 else { continue }
                for m in 1..<(sorted.count - 1) {
                    population[sorted[m]].crowding += (population[sorted[m + 1]].objectives[k] - population[sorted[m - 1]].objectives[k]) / span
                }
            }
            remaining.removeAll { front.contains($0) }
            rank += 1
        }
    }
}
