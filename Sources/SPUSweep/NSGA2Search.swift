import SPUCost
import SPUFormats

/// NSGA-II (Deb et al. 2002) over the axes' value indices, as an adaptive point source: a
/// population evaluated per generation, parents chosen by binary tournament on (non-domination
/// rank, crowding distance), uniform crossover and per-axis mutation (probability 1/axes), and
/// elitist survival of the best `population` of parents ∪ children. Objectives are weighted
/// workload averages (or design properties such as area). Infeasible designs and those failing
/// constraints are dominated by every feasible one. Proposals: population × (generations + 1).
/// Deterministic for a seed; a choice proposed again is not evaluated again, and on `--resume`
/// the driver reads stored pairs back instead of re-evaluating them.
public struct NSGA2Search: DesignPointSource {
    let counts: [Int]
    let workloadWeights: [Double]
    let objectives: [SweepSpec.Objective]
    let population: Int
    let generations: Int
    var rng: SplitMix64

    /// Batches proposed: the initial population, then one per generation.
    var batches = 0
    /// The last batch's proposals, repeats included, in proposal order.
    var proposals: [[Int]] = []
    var parents: [Individual] = []
    var individualsByChoice: [[Int]: Individual] = [:]
    var individualsByDesign: [String: Individual] = [:]
    var nextIndex = 0
    public private(set) var proposedPoints = 0

    public init(counts: [Int], workloadWeights: [Double], objectives: [SweepSpec.Objective], population: Int, generations: Int, seed: UInt64) {
        self.counts = counts
        self.workloadWeights = workloadWeights
        self.objectives = objectives
        self.population = population
        self.generations = generations
        self.rng = SplitMix64(seed: seed)
    }

    public var isAdaptive: Bool { true }
    /// Designs failing a pre-evaluation constraint are evaluated and ranked below the others.
    public var preEvaluationPolicy: PreEvaluationPolicy { .evaluateAndMark }
    public var remainingPoints: Int { population * max(0, generations + 1 - batches) }

    /// The initial random population, then the children of each generation; only choices not
    /// proposed before are returned (numbered in order), so a batch may be empty.
    public mutating func nextBatch() -> [DesignPoint]? {
        guard batches <= generations else { return nil }
        proposals = batches == 0 ? (0..<population).map { _ in randomChoice() } : children()
        batches += 1
        proposedPoints += proposals.count
        var fresh: [DesignPoint] = []
        var inBatch = Set<[Int]>()
        for choice in proposals where individualsByChoice[choice] == nil && inBatch.insert(choice).inserted {
            fresh.append(DesignPoint(index: nextIndex, choice: choice))
            nextIndex += 1
        }
        return fresh
    }

    /// Scores the batch's new points, then selects the next parents: the initial population as
    /// it is, later the best `population` of children ∪ parents.
    public mutating func observe(_ outcomes: [PointOutcome]) {
        for outcome in outcomes {
            let scored = individual(outcome)
            individualsByChoice[outcome.point.choice] = scored
        }
        var offspring = proposals.map { individualsByChoice[$0]! }
        if batches == 1 {
            Self.assignRanks(&offspring)
            parents = offspring
            return
        }
        offspring += parents
        Self.assignRanks(&offspring)
        offspring.sort { ($0.rank, -$0.crowding) < ($1.rank, -$1.crowding) }
        parents = Array(offspring.prefix(population))
    }

    mutating func individual(_ outcome: PointOutcome) -> Individual {
        let choice = outcome.point.choice
        let infeasible = Individual(choice: choice, objectives: objectives.map { _ in .infinity }, feasible: false)
        switch outcome.status {
        case .invalid, .pruned, .outsideShard:
            return infeasible
        case let .duplicate(designHash):
            guard var same = individualsByDesign[designHash] else { return infeasible }
            same.choice = choice
            return same
        case let .evaluated(designHash, pairs):
            let metrics = pairs.map { pair -> [String: Double] in
                switch pair {
                case let .evaluated(row): return Self.metrics(row.evaluation, meets: row.point.meetsConstraints)
                case let .stored(metrics): return metrics
                }
            }
            let feasible = metrics.allSatisfy { ($0["feasible"] ?? 0) == 1 && ($0["meets_constraints"] ?? 0) == 1 }
            let values = objectives.map { objective -> Double in
                let v = Self.weighted(objective, metrics, workloadWeights)
                return objective.maximize ? -v : v
            }
            let individual = Individual(choice: choice, objectives: values.map { $0.isFinite ? $0 : .infinity }, feasible: feasible)
            individualsByDesign[designHash] = individual
            return individual
        }
    }

    mutating func randomChoice() -> [Int] { counts.map { Int(rng.next() % UInt64($0)) } }

    /// `population` children of the current parents: uniform crossover of two tournament winners,
    /// then per-axis mutation with probability 1/axes.
    mutating func children() -> [[Int]] {
        var children: [[Int]] = []
        while children.count < population {
            let a = Self.tournament(parents, &rng), b = Self.tournament(parents, &rng)
            var child = zip(a.choice, b.choice).map { rng.next() & 1 == 0 ? $0 : $1 }
            for axis in 0..<child.count where rng.nextUnit() < 1 / Double(child.count) {
                child[axis] = Int(rng.next() % UInt64(counts[axis]))
            }
            children.append(child)
        }
        return children
    }

    /// The metrics NSGA-II ranks on, for one evaluated pair: every catalogue metric under its
    /// `results` column name, plus `feasible` and `meets_constraints` as 0/1.
    public static func metrics(_ e: CostedEvaluation, meets: Bool) -> [String: Double] {
        var values = MetricCatalogue.values(e)
        values["feasible"] = e.performance.feasible ? 1 : 0
        values["meets_constraints"] = meets ? 1 : 0
        return values
    }

    /// An objective's score over a design's pairs, aggregated as its `design_scores` column.
    static func weighted(_ objective: SweepSpec.Objective, _ metrics: [[String: Double]], _ weights: [Double]) -> Double {
        objective.score(metrics.map { $0[objective.metric.name] ?? .nan }, weights: weights)
    }
}
