import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUResults
import SPUWorkload

/// A flag a signal handler sets to stop a sweep after the batch in flight.
public final class SweepCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
}

public struct SweepOptions: Sendable {
    public var jobs: Int
    public var resume: Bool
    /// Shard (k, n): this process runs the points with index % n == k − 1.
    public var shard: (k: Int, n: Int)?
    public var mappingBudget: Int
    /// Points per database transaction (per job).
    public var batchPointsPerJob: Int

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, resume: Bool = false, shard: (k: Int, n: Int)? = nil,
                mappingBudget: Int = MappingSearchOptions().budget, batchPointsPerJob: Int = 8) {
        self.jobs = max(1, jobs)
        self.resume = resume
        self.shard = shard
        self.mappingBudget = mappingBudget
        self.batchPointsPerJob = batchPointsPerJob
    }

    var shardLabel: String? { shard.map { "\($0.k)/\($0.n)" } }
}

public struct SweepProgress: Sendable {
    public var pointsDone: Int
    public var pointsTotal: Int
    public var elapsedSeconds: Double
    public var pointsPerSecond: Double { elapsedSeconds > 0 ? Double(pointsDone) / elapsedSeconds : 0 }
    public var etaSeconds: Double? { pointsDone > 0 && pointsDone < pointsTotal ? Double(pointsTotal - pointsDone) / pointsPerSecond : nil }
}

/// What a sweep would do (`--dry-run`) or did.
public struct SweepSummary: Sendable {
    public var runID: Int64?
    public var designPoints: Int
    public var baselinePoints: Int
    public var workloads: Int
    /// Points this shard owns.
    public var pointsInShard: Int
    public var prunedBeforeEvaluation: Int
    public var invalidDesigns: [String]
    public var alreadyStored: Int
    public var evaluatedPairs: Int
    public var failingConstraints: Int
    public var cancelled: Bool
    public var seconds: Double
}

/// Runs a sweep: expands points, prunes by pre-evaluation constraints, evaluates design ×
/// workload pairs in parallel, and writes them in batched transactions; resumable and shardable.
///
/// Determinism: every pair is evaluated independently by pure functions and written in point
/// order, so the stored table is identical whatever `jobs` is, and a resumed run ends with the
/// rows an uninterrupted one writes (a kill loses at most the uncommitted batch, which `--resume`
/// recomputes; the unique (run, design, workload) key prevents duplicates).
public final class SweepRunner: @unchecked Sendable {
    public let spec: SweepSpec
    public let options: SweepOptions
    let inputs: CostInputs
    let cache = OpEvaluationCache()

    public init(spec: SweepSpec, options: SweepOptions) throws(SweepError) {
        self.spec = spec
        self.options = options
        do {
            inputs = try CostInputs.load(techDirectory: spec.techDirectory, tcoFile: spec.tcoFile)
        } catch {
            throw .config(error)
        }
    }

    /// A candidate evaluation unit: a design point or a baseline.
    struct Candidate {
        var index: Int
        var design: DeviceSpec
        var isBaseline: Bool
        var evaluator: DesignEvaluator
    }

    func candidate(index: Int, choice: [Int]) -> Result<Candidate, SweepError> {
        let json = spec.designJSON(choice)
        do {
            let design = try DeviceSpec.decode(JSONObjectReader(file: "\(spec.file) point \(index)", value: json))
            return .success(Candidate(index: index, design: design, isBaseline: false, evaluator: try evaluator(design)))
        } catch let error as ConfigError {
            return .failure(.message("point \(index) (\(zip(spec.axes, choice).map { "\($0.label)=\($0.parameters[0].values[$1].briefDescription)" }.joined(separator: ", "))): \(error.path): \(error.message)"))
        } catch let error as CostError {
            return .failure(.message("point \(index): \(error.description)"))
        } catch {
            return .failure(.message("point \(index): \(error)"))
        }
    }

    func evaluator(_ design: DeviceSpec) throws -> DesignEvaluator {
        try DesignEvaluator(device: design, inputs: inputs, options: MappingSearchOptions(budget: options.mappingBudget, objective: spec.mappingObjective),
                            cache: cache)
    }

    /// Pre-evaluation constraints (area, cost) for a design.
    func passesPreConstraints(_ e: DesignEvaluator) -> Bool {
        for c in spec.constraints where c.metric.isPreEvaluation {
            let value: Double
            switch c.metric {
            case .areaMM2: value = e.area.effectiveTotalMM2
            case .perDieAreaMM2: value = e.area.effectivePerDieMM2
            case .dieCostUSD: value = e.silicon.dieCostUSD
            case .priceUSD: value = e.silicon.priceUSD
            case .tcoUSDPerHour: value = e.tco.totalUSDPerHour
            default: continue
            }
            if !c.allows(value) { return false }
        }
        return true
    }

    /// Post-evaluation constraints for one evaluation.
    func meetsPostConstraints(_ e: CostedEvaluation) -> Bool {
        for c in spec.constraints where !c.metric.isPreEvaluation {
            let value: Double
            switch c.metric {
            case .avgPowerW: value = e.cost.averagePowerW
            case .latencyS: value = e.performance.latencySeconds
            case .throughputPerS: value = e.performance.throughputPerSecond
            case .energyJ: value = e.cost.energyJ
            case .itemsPerJoule: value = e.cost.itemsPerJoule
            case .usdPerMillionItems: value = e.cost.usdPerMillionItems
            case .memoryFits: if !e.performance.capacity.fits { return false }; continue
            default: continue
            }
            if !c.allows(value) { return false }
        }
        return true
    }

    func inShard(_ index: Int) -> Bool {
        guard let shard = options.shard else { return true }
        return index % shard.n == shard.k - 1
    }

    /// Expands the non-adaptive points and the baselines into candidates (this shard only).
    func candidates() throws(SweepError) -> (candidates: [Candidate], designPoints: Int, pruned: Int, invalid: [String]) {
        let points = spec.points()
        var out: [Candidate] = []
        var pruned = 0, invalid: [String] = []
        var seen = Set<String>()
        let evaluated = Self.parallelMap(points, jobs: options.jobs) { point -> Result<Candidate, SweepError>? in
            self.inShard(point.index) ? self.candidate(index: point.index, choice: point.choice) : nil
        }
        for result in evaluated {
            switch result {
            case nil: continue
            case let .success(c)?:
                guard seen.insert(c.design.contentHash).inserted else { continue }
                if passesPreConstraints(c.evaluator) { out.append(c) } else { pruned += 1 }
            case let .failure(error)?:
                invalid.append(error.description)
            }
        }
        let base = points.count
        for (offset, design) in spec.baselines.enumerated() where inShard(base + offset) {
            do {
                out.append(Candidate(index: base + offset, design: design, isBaseline: true, evaluator: try evaluator(design)))
            } catch {
                throw .message("baseline \(design.name): \(error)")
            }
        }
        return (out, points.count, pruned, invalid)
    }

    /// Expands and checks the sweep without evaluating workloads.
    public func dryRun() throws(SweepError) -> SweepSummary {
        if case .nsga2(_, let population, let generations, _) = spec.strategy {
            return SweepSummary(runID: nil, designPoints: population * (generations + 1), baselinePoints: spec.baselines.count,
                                workloads: spec.workloads.count, pointsInShard: population * (generations + 1), prunedBeforeEvaluation: 0,
                                invalidDesigns: [], alreadyStored: 0, evaluatedPairs: 0, failingConstraints: 0, cancelled: false, seconds: 0)
        }
        let expanded = try candidates()
        try checkNotAllPruned(expanded.candidates, pruned: expanded.pruned)
        return SweepSummary(runID: nil, designPoints: expanded.designPoints, baselinePoints: spec.baselines.count,
                            workloads: spec.workloads.count, pointsInShard: expanded.candidates.filter { !$0.isBaseline }.count + expanded.pruned,
                            prunedBeforeEvaluation: expanded.pruned, invalidDesigns: expanded.invalid, alreadyStored: 0, evaluatedPairs: 0,
                            failingConstraints: 0, cancelled: false, seconds: 0)
    }

    func checkNotAllPruned(_ candidates: [Candidate], pruned: Int) throws(SweepError) {
        if pruned > 0, !candidates.contains(where: { !$0.isBaseline }) {
            throw .message("\(spec.file): $.constraints: impossible: the constraints (\(spec.constraints.map(\.description).joined(separator: "; "))) prune every one of the \(pruned) design points")
        }
    }

    /// Runs the sweep into `store`.
    public func run(store: ResultsStore, command: String, cancellation: SweepCancellation,
                    progress: @Sendable (SweepProgress) -> Void) throws -> SweepSummary {
        let start = Date()
        if case .nsga2 = spec.strategy {
            return try NSGA2Search(runner: self).run(store: store, command: command, cancellation: cancellation, progress: progress, start: start)
        }
        let expanded = try candidates()
        try checkNotAllPruned(expanded.candidates, pruned: expanded.pruned)
        let runID = try openRun(store: store, command: command)
        let stored = try store.storedPairs(runID: runID)
        // Work list: (candidate, workload) pairs not yet stored, in point order.
        var work: [(candidate: Int, workload: Int)] = []
        var already = 0
        for (c, candidate) in expanded.candidates.enumerated() {
            for (w, entry) in spec.workloads.enumerated() {
                if stored.contains(candidate.design.contentHash + "|" + entry.hash) { already += 1 } else { work.append((c, w)) }
            }
        }
        var done = 0, failing = 0
        let batchSize = options.jobs * options.batchPointsPerJob * max(1, spec.workloads.count)
        var cursor = 0
        var cancelled = false
        progress(SweepProgress(pointsDone: 0, pointsTotal: work.count, elapsedSeconds: 0))
        while cursor < work.count {
            if cancellation.isCancelled { cancelled = true; break }
            let slice = Array(work[cursor..<min(cursor + batchSize, work.count)])
            let rows = Self.parallelMap(slice, jobs: options.jobs) { item -> ResultsStore.SweepRow in
                let candidate = expanded.candidates[item.candidate]
                let entry = self.spec.workloads[item.workload]
                let evaluation = candidate.evaluator.evaluate(entry.workload)
                return ResultsStore.SweepRow(design: candidate.design, workload: entry.workload, workloadHash: entry.hash, evaluation: evaluation,
                                             point: .init(pointIndex: candidate.index, workloadWeight: entry.weight,
                                                          isBaseline: candidate.isBaseline, meetsConstraints: self.meetsPostConstraints(evaluation)))
            }
            try store.writeBatch(runID: runID, rows: rows, storeOps: spec.storeOpResults)
            failing += rows.filter { !$0.point.meetsConstraints }.count
            cursor += slice.count
            done += slice.count
            progress(SweepProgress(pointsDone: done, pointsTotal: work.count, elapsedSeconds: Date().timeIntervalSince(start)))
        }
        try store.finishRun(runID: runID, status: cancelled ? "interrupted" : "finished")
        return SweepSummary(runID: runID, designPoints: expanded.designPoints, baselinePoints: spec.baselines.count,
                            workloads: spec.workloads.count, pointsInShard: expanded.candidates.filter { !$0.isBaseline }.count + expanded.pruned,
                            prunedBeforeEvaluation: expanded.pruned, invalidDesigns: expanded.invalid, alreadyStored: already,
                            evaluatedPairs: done, failingConstraints: failing, cancelled: cancelled,
                            seconds: Date().timeIntervalSince(start))
    }

    func openRun(store: ResultsStore, command: String) throws -> Int64 {
        if options.resume, let existing = try store.resumableRun(configHash: spec.contentHash, shard: options.shardLabel) {
            return existing
        }
        return try store.beginRun(kind: "sweep", name: spec.name, command: command, configJSON: spec.canonicalJSON,
                                  configHash: spec.contentHash, shard: options.shardLabel)
    }

    /// Maps `items` with `jobs` threads, keeping input order (thread j takes items j, j+jobs, …).
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
        guard jobs > 1, items.count > 1 else { return items.map(transform) }
        let output = UnsafeResults<R>(count: items.count)
        let chunks = min(jobs, items.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var i = chunk
            while i < items.count {
                output.set(i, transform(items[i]))
                i += chunks
            }
        }
        return output.values()
    }
}

/// Result slots written by distinct threads at distinct indices (no two threads share a slot).
final class UnsafeResults<R>: @unchecked Sendable {
    private var slots: [R?]

    init(count: Int) { slots = [R?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: R) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    func values() -> [R] { slots.map { $0! } }
}
