import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUServing

/// The middle stage of source → evaluator → sink, shared by every strategy: turns points into
/// candidate designs (decode, de-duplicate by content hash, pre-evaluation constraints), then
/// evaluates (design, workload) pairs into rows. Both steps run on `jobs` threads with
/// `parallelMap`, so the output is the same for any thread count.
final class SweepEvaluator: @unchecked Sendable {
    let spec: SweepSpec
    let options: SweepOptions
    let inputs: CostInputs
    /// Op evaluations shared by the designs of the sweep, at most `SweepLimits.cachedOpEvaluations`
    /// (every design has its own unit configuration when the clock or the array is swept, so an
    /// unbounded cache would grow with the sweep). A pure memo: results do not depend on it.
    let cache = OpEvaluationCache(capacity: SweepLimits.cachedOpEvaluations)
    /// The sweep's base design, decoded once: points are stored as it plus their overrides
    /// (`DesignDelta`); nil when the base alone is not a valid design (points are then stored whole).
    let baseDesign: DeviceSpec?

    init(spec: SweepSpec, options: SweepOptions) throws(SweepError) {
        self.spec = spec
        self.options = options
        baseDesign = try? DeviceSpec.decode(JSONObjectReader(file: spec.file, path: "$.base_design", value: spec.baseDesign))
        do {
            inputs = try CostInputs.load(techDirectory: spec.techDirectory, tcoFile: spec.tcoFile)
        } catch {
            throw .config(error)
        }
    }

    /// Whether `costModel` runs the sweep's serving and training scenarios (a dry run does not: it
    /// answers at once, and leaves constraints on their metrics undecided).
    var runsScenarios = true

    /// The design's evaluator; with a serving (training) scenario, the design's serving (training)
    /// metrics are simulated (modelled) here, once per design, so constraints on them prune before
    /// any workload runs. `baseline` is the design's index among the baselines (it picks the
    /// baseline's training cluster), nil for a swept design.
    func costModel(_ design: DeviceSpec, baseline: Int? = nil) throws -> DesignEvaluator {
        var evaluator = try DesignEvaluator(device: design, inputs: inputs,
                                            options: MappingSearchOptions(budget: options.mappingBudget, objective: spec.mappingObjective), cache: cache)
        guard runsScenarios else { return evaluator }
        if let scenario = spec.serving {
            do throws(ServingError) {
                evaluator.serving = try scenario.metrics(for: evaluator)
            } catch {
                throw SweepError.message("serving scenario: \(error.description)")
            }
        }
        if let training = spec.training {
            evaluator.training = training.scenario.metrics(for: evaluator, on: training.cluster(baseline: baseline))
        }
        return evaluator
    }

    /// The candidate of one design point, or why it is invalid.
    func candidate(_ point: DesignPoint) -> Result<SweepCandidate, SweepError> {
        let index = point.index
        let (json, canonicalJSON, contentHash) = spec.designIdentity(point.choice)
        do {
            let design = try DeviceSpec.decode(JSONObjectReader(file: "\(spec.file) point \(index)", value: json),
                                               canonicalJSON: canonicalJSON, contentHash: contentHash)
            let evaluator = try costModel(design)
            let delta = baseDesign.map { DesignDelta(base: $0, overrides: spec.designOverrides(point.choice, name: design.name)) }
            return .success(SweepCandidate(index: index, design: design, isBaseline: false, evaluator: evaluator,
                                           passesPreConstraints: spec.passesPreEvaluationConstraints(evaluator), delta: delta))
        } catch let error as ConfigError {
            return .failure(.message("point \(index) (\(spec.choiceDescription(point.choice))): \(error.path): \(error.message)"))
        } catch let error as CostError {
            return .failure(.message("point \(index): \(error.description)"))
        } catch {
            return .failure(.message("point \(index): \(error)"))
        }
    }

    /// Decodes a batch of points (this shard's only) into candidates. A design already seen in
    /// the run (`seen`, by content hash) is a duplicate; one failing a pre-evaluation constraint
    /// is pruned or kept and marked, as `policy` says. A point whose every pair the run already
    /// holds (`stored`, a resumed run) is not decoded: its stored design joins `seen`, as it did
    /// when it was first evaluated (a duplicate is never stored, so it was the first).
    func prepare(_ points: [DesignPoint], policy: PreEvaluationPolicy, seen: inout Set<SeenDesign>,
                 stored: [Int: StoredPoint] = [:]) -> PreparedBatch {
        let complete = stored.filter { isComplete($0.value) }
        // Only this shard's points are decoded (a candidate is kilobytes: mapping every point of
        // a batch to an optional one cost a shard of a 10^6-point grid ~10 s whatever its size).
        let toDecode = points.filter { options.inShard($0.index) && complete[$0.index] == nil }
        var decoded = parallelMap(toDecode, jobs: options.jobs) { self.candidate($0) }.makeIterator()
        var batch = PreparedBatch(points: points, statuses: [], candidates: [], pruned: 0, invalid: [])
        batch.storedPoints = stored
        batch.statuses.reserveCapacity(points.count)
        for point in points {
            guard options.inShard(point.index) else {
                batch.statuses.append(.outsideShard)
                continue
            }
            if let done = complete[point.index] {
                seen.insert(SeenDesign(done.designHash))
                batch.stored += 1
                batch.statuses.append(.stored(designHash: done.designHash))
                continue
            }
            guard let result = decoded.next() else {
                batch.statuses.append(.outsideShard)
                continue
            }
            switch result {
            case let .failure(error):
                batch.invalid.append(error.description)
                batch.statuses.append(.invalid(error.description))
            case let .success(candidate):
                let hash = candidate.design.contentHash
                if !seen.insert(SeenDesign(hash)).inserted {
                    batch.statuses.append(.duplicate(designHash: hash))
                } else if candidate.passesPreConstraints || policy == .evaluateAndMark {
                    batch.statuses.append(.candidate(batch.candidates.count))
                    batch.candidates.append(candidate)
                } else {
                    batch.pruned += 1
                    batch.statuses.append(.pruned)
                }
            }
        }
        return batch
    }

    /// Whether a stored point holds every workload of the sweep.
    func isComplete(_ point: StoredPoint) -> Bool {
        spec.workloads.allSatisfy { point.workloadHashes.contains($0.hash) }
    }

    /// Cost models of the baselines (checked before anything is written), numbered from 0. A
    /// baseline is never pruned; one that fails a pre-evaluation constraint has its rows marked
    /// (`meets_constraints = 0`), as a post-evaluation failure would.
    func baselineCandidates() throws(SweepError) -> [SweepCandidate] {
        var out: [SweepCandidate] = []
        for (offset, design) in spec.baselines.enumerated() {
            do {
                let evaluator = try costModel(design, baseline: offset)
                out.append(SweepCandidate(index: offset, design: design, isBaseline: true, evaluator: evaluator,
                                          passesPreConstraints: spec.passesPreEvaluationConstraints(evaluator)))
            } catch {
                throw .message("baseline \(design.name): \(error)")
            }
        }
        return out
    }

    /// A recipe variant's selection score (`SweepPointInfo.selectionScore`): nil outside recipe
    /// groups and for infeasible or constraint-violating results.
    func selectionScore(_ evaluation: CostedEvaluation, entry: SweepSpec.WorkloadEntry, meetsConstraints: Bool) -> Double? {
        guard entry.recipeGroup != nil, case let .best(objective)? = spec.recipes?.selection,
              evaluation.performance.feasible, meetsConstraints else { return nil }
        let value = objective.metric.value(evaluation)
        guard value.isFinite else { return nil }
        return objective.maximize ? -value : value
    }

    /// One (candidate, workload) pair to evaluate, by index.
    struct Pair: Sendable {
        var candidate: Int
        var workload: Int
    }

    /// Evaluates pairs in parallel into rows, in the order given.
    func evaluate(_ pairs: [Pair], of candidates: [SweepCandidate]) -> [SweepResultRow] {
        parallelMap(pairs, jobs: options.jobs) { pair -> SweepResultRow in
            let candidate = candidates[pair.candidate]
            let entry = self.spec.workloads[pair.workload]
            var evaluation = candidate.evaluator.evaluate(entry.workload)
            if let oracle = self.spec.accuracy, let recipe = entry.recipe, evaluation.performance.feasible {
                // The recipe on the accumulator this design declares for the format it multiplies in.
                let accumulator = candidate.design.compute.macArray.accumulator(for: recipe.computeFormat)
                evaluation.cost.accuracy = try? oracle.scores(recipe, accumulator: accumulator).get()
            }
            let meets = candidate.passesPreConstraints && self.spec.meetsPostEvaluationConstraints(evaluation)
            return SweepResultRow(design: candidate.design, workload: entry.workload, workloadHash: entry.hash, evaluation: evaluation,
                                  point: SweepPointInfo(pointIndex: candidate.index, workloadWeight: entry.weight,
                                                        isBaseline: candidate.isBaseline, meetsConstraints: meets, recipe: entry.recipe?.name,
                                                        recipeGroup: entry.recipeGroup,
                                                        selectionScore: self.selectionScore(evaluation, entry: entry, meetsConstraints: meets),
                                                        designDelta: candidate.delta))
        }
    }
}

/// A design already proposed in the run, by the first 128 bits of its hex SHA-256 content hash:
/// about 40 bytes a design instead of a 64-character string, so the de-duplication set of a
/// 5,000,000-point grid stays around 200 MB.
struct SeenDesign: Hashable {
    let high: UInt64
    let low: UInt64
    /// The whole hash when it is not a hex digest (never the case for `DeviceSpec.contentHash`).
    let other: String?

    init(_ hash: String) {
        let digits = Array(hash.utf8.prefix(32))
        if digits.count == 32, let high = UInt64(String(decoding: digits[0..<16], as: UTF8.self), radix: 16),
           let low = UInt64(String(decoding: digits[16..<32], as: UTF8.self), radix: 16) {
            (self.high, self.low, other) = (high, low, nil)
        } else {
            (self.high, self.low, other) = (0, 0, hash)
        }
    }
}
