import Foundation

/// Runs a sweep as source → evaluator → sink: the strategy's point source proposes batches of
/// points, the evaluator turns them into candidate designs and evaluates design × workload pairs
/// in parallel, and the sink stores the rows in batched writes; resumable and shardable. An
/// adaptive source (NSGA-II) is told each batch's outcome before it proposes the next; the
/// others are streamed, preparing and evaluating ahead of the writes. Baselines are evaluated
/// once, after the source's last batch.
///
/// Determinism: every pair is evaluated independently by pure functions and written in point
/// order, so the stored table is identical whatever `jobs` is, and a resumed run ends with the
/// rows an uninterrupted one writes (a kill loses at most the uncommitted batch, which `--resume`
/// recomputes; resuming skips the stored pairs, and the unique (run, point, design, workload)
/// key refuses duplicates).
public final class SweepRunner: @unchecked Sendable {
    public let spec: SweepSpec
    public let options: SweepOptions
    let evaluator: SweepEvaluator

    public init(spec: SweepSpec, options: SweepOptions) throws(SweepError) {
        self.spec = spec
        self.options = options
        evaluator = try SweepEvaluator(spec: spec, options: options)
    }

    /// The strategy's point source; adaptive sources cannot be sharded.
    func makeSource() throws(SweepError) -> any DesignPointSource {
        let source = spec.makePointSource(pointsPerBatch: options.pointsPerBatch)
        if source.isAdaptive, options.shard != nil {
            throw .message("--shard is not supported with the \(spec.strategy.name) strategy (its generations depend on each other)")
        }
        return source
    }

    /// Expands and checks the sweep without evaluating workloads, in bounded time and memory
    /// whatever its size: points are counted, not made, and only the first
    /// `SweepLimits.dryRunSample` are decoded, costed and checked against the constraints. When
    /// that is not all of them, pruning and invalid designs are estimated from the sample
    /// (`SweepSummary.sampledPoints`).
    public func dryRun() throws(SweepError) -> SweepSummary {
        evaluator.runsScenarios = false
        defer { evaluator.runsScenarios = true }
        if case .nsga2(_, let population, let generations, _) = spec.strategy {
            _ = try makeSource()   // refuses --shard, as the run does
            let proposals = SweepLimits.product(population, generations + 1) ?? Int.max
            return SweepSummary(runID: nil, designPoints: proposals, baselinePoints: spec.baselines.count,
                                workloads: spec.workloads.count, pointsInShard: proposals, prunedBeforeEvaluation: 0,
                                invalidDesigns: [], alreadyStored: 0, evaluatedPairs: 0, failingConstraints: 0, cancelled: false, seconds: 0)
        }
        var source = try makeSource()
        let total: Int, sample: [DesignPoint]
        if let grid = source as? GridPointSource {
            // Counted, not made: any size answers at once.
            total = grid.plannedPoints
            sample = grid.samplePoints(SweepLimits.dryRunSample)
        } else if let sampling = source as? any SamplingPointSource {
            let all = sampling.allPoints()   // random and Latin hypercube: at most SweepLimits.sampledPoints
            total = all.count
            sample = all.count > SweepLimits.dryRunSample ? (0..<SweepLimits.dryRunSample).map { all[$0 * all.count / SweepLimits.dryRunSample] } : all
        } else {
            let first = source.nextBatch() ?? []
            total = source.proposedPoints + source.remainingPoints
            sample = Array(first.prefix(SweepLimits.dryRunSample))
        }
        var seen = Set<SeenDesign>()
        let preparing = Date()
        let batch = evaluator.prepare(sample, policy: source.preEvaluationPolicy, seen: &seen)
        let prepareSecondsPerPoint = sample.isEmpty ? 0 : Date().timeIntervalSince(preparing) / Double(sample.count)
        _ = try evaluator.baselineCandidates()
        let inShard = options.pointsInShard(total)
        var summary: SweepSummary
        if sample.count >= total {
            try checkNotAllPruned(batch)
            summary = SweepSummary(runID: nil, designPoints: total, baselinePoints: spec.baselines.count,
                                   workloads: spec.workloads.count, pointsInShard: batch.candidates.count + batch.pruned,
                                   prunedBeforeEvaluation: batch.pruned, invalidDesigns: batch.invalid, alreadyStored: 0, evaluatedPairs: 0,
                                   failingConstraints: 0, cancelled: false, seconds: 0)
        } else {
            // Scale the sample's shares (valid distinct points, pruned points) to the shard's points.
            let sampleInShard = options.pointsInShard(sample.count)
            func scaled(_ n: Int) -> Int { sampleInShard > 0 ? Int((Double(n) / Double(sampleInShard) * Double(inShard)).rounded()) : 0 }
            summary = SweepSummary(runID: nil, designPoints: total, baselinePoints: spec.baselines.count, workloads: spec.workloads.count,
                                   pointsInShard: scaled(batch.candidates.count + batch.pruned), prunedBeforeEvaluation: scaled(batch.pruned), invalidDesigns: batch.invalid, alreadyStored: 0,
                                   evaluatedPairs: 0, failingConstraints: 0, cancelled: false, seconds: 0, sampledPoints: sample.count)
        }
        summary.estimatedSeconds = estimatedSeconds(summary, candidates: batch.candidates, prepareSecondsPerPoint: prepareSecondsPerPoint)
        return summary
    }

    /// The run's time, extrapolated: the sample's decode-and-prune time per point, and the time
    /// per pair of `SweepLimits.dryRunTimedPoints` of its designs (spread over it) evaluated on every workload (on
    /// one thread, with an empty op cache: pessimistic), over `--jobs` threads. Storage and the
    /// serving and training scenarios are not included. Nil when no design is left to time.
    func estimatedSeconds(_ s: SweepSummary, candidates: [SweepCandidate], prepareSecondsPerPoint: Double) -> Double? {
        // Spread over the sample (itself spread over the sweep): a grid's neighbouring points share
        // their first axes (the mesh, the array), which set most of the mapping search's cost.
        let step = max(1, candidates.count / SweepLimits.dryRunTimedPoints)
        let timed = stride(from: 0, to: candidates.count, by: step).prefix(SweepLimits.dryRunTimedPoints).map { candidates[$0] }
        guard !timed.isEmpty, !spec.workloads.isEmpty else { return nil }
        let started = Date()
        for candidate in timed {
            for entry in spec.workloads { _ = candidate.evaluator.evaluate(entry.workload) }
        }
        let perPair = Date().timeIntervalSince(started) / Double(timed.count * spec.workloads.count)
        let pairs = Double(max(0, s.pointsInShard - s.prunedBeforeEvaluation + s.baselinePoints) * s.workloads)
        return (Double(s.pointsInShard) * prepareSecondsPerPoint + pairs * perPair) / Double(max(1, options.jobs))
    }

    func checkNotAllPruned(_ batch: PreparedBatch) throws(SweepError) {
        if batch.candidates.isEmpty { try checkNotAllPruned(pruned: batch.pruned) }
    }

    /// Refuses a sweep with no design to evaluate because the constraints pruned `pruned` points.
    func checkNotAllPruned(pruned: Int) throws(SweepError) {
        if pruned > 0 {
            throw .message("\(spec.file): $.constraints: impossible: the constraints (\(spec.constraints.map(\.description).joined(separator: "; "))) prune every one of the \(pruned) design points")
        }
    }

    /// Runs the sweep into `sink`: source → evaluator → sink, batch by batch for an adaptive
    /// source (`runAdaptive`), streamed for the others (`runStreaming`). The first batch is
    /// prepared and the baselines costed before the run is opened, so a sweep whose constraints
    /// prune every point writes nothing.
    public func run(into sink: some SweepResultSink, command: String, cancellation: SweepCancellation,
                    progress: @Sendable (SweepProgress) -> Void) throws -> SweepSummary {
        let start = Date()
        var source = try makeSource()
        if options.shard != nil, let sampling = source as? any SamplingPointSource { source = ShardPointSource(sampling, options: options) }
        var seen = Set<SeenDesign>()
        var tally = SweepTally()
        /// One past the highest point index proposed: baselines are numbered from here.
        var pointsEnd = 0
        var batch = evaluator.prepare(source.nextBatch() ?? [], policy: source.preEvaluationPolicy, seen: &seen)
        // A sampling source's batches are slices of one fixed list: skip (and count) leading
        // batches with nothing to evaluate, so a sweep whose constraints prune every point is
        // refused before anything is written, whatever the batch size.
        var pruned = batch.pruned
        while !source.isAdaptive, batch.candidates.isEmpty, let points = source.nextBatch() {
            pointsEnd = max(pointsEnd, proposedEnd(batch, source))
            tally.add(batch)
            batch = evaluator.prepare(points, policy: source.preEvaluationPolicy, seen: &seen)
            pruned += batch.pruned
        }
        if batch.candidates.isEmpty { try checkNotAllPruned(pruned: pruned) }
        /// The baselines until they are queued as the last batch.
        let baselines: [SweepCandidate]? = try evaluator.baselineCandidates()
        let runID = try sink.openRun(SweepRunDescription(name: spec.name, command: command, configJSON: spec.canonicalJSON,
                                                         configHash: spec.contentHash, shard: options.shardLabel),
                                     resume: options.resume)
        let stored = try StoredResults(sink: sink, runID: runID, adaptive: source.isAdaptive, resumed: options.resume)
        batch.storedPoints = try stored.points(batch.candidates.map(\.index))
        var loop = BatchLoop(source: source, seen: seen, batch: batch, baselines: baselines, pointsEnd: pointsEnd)
        let reportedFinal = try withoutActuallyEscaping(progress) { progress in
            let report = ProgressReport(start: start, progress: progress)
            if source.isAdaptive {
                try runAdaptive(&loop, tally: &tally, runID: runID, into: sink, stored: stored, cancellation: cancellation, report: report)
            } else {
                try runStreaming(&loop, tally: &tally, runID: runID, into: sink, stored: stored, cancellation: cancellation, report: report)
            }
            return report.reportedFinal
        }
        source = loop.source
        if !tally.cancelled, !reportedFinal {
            // The planned total was an upper bound (repeated or stored designs): close the bar.
            progress(SweepProgress(pointsDone: tally.evaluatedPairs, pointsTotal: tally.evaluatedPairs,
                                   elapsedSeconds: Date().timeIntervalSince(start)))
        }
        try sink.finishRun(runID: runID, status: tally.cancelled ? .interrupted : .finished)
        return SweepSummary(runID: runID, designPoints: source.proposedPoints, baselinePoints: spec.baselines.count,
                            workloads: spec.workloads.count, pointsInShard: tally.pointsInShard, prunedBeforeEvaluation: tally.pruned,
                            invalidDesigns: tally.invalid, alreadyStored: tally.alreadyStored, evaluatedPairs: tally.evaluatedPairs,
                            failingConstraints: tally.failing, cancelled: tally.cancelled, seconds: Date().timeIntervalSince(start))
    }

    /// The loop's state from one batch to the next: the source, the designs seen so far, the
    /// batch at hand, the baselines until they are queued, and one past the highest point index
    /// proposed (baselines are numbered from there).
    struct BatchLoop {
        var source: any DesignPointSource
        var seen: Set<SeenDesign>
        var batch: PreparedBatch
        var baselines: [SweepCandidate]?
        var pointsEnd: Int

        /// Moves to the next batch: the source's, else the baselines; false when none is left.
        /// What the run holds for the batch is read first (`stored`), so stored points are
        /// not decoded again.
        mutating func advance(_ evaluator: SweepEvaluator, stored: StoredResults,
                              numbered: ([SweepCandidate], Int) -> [SweepCandidate]) throws -> Bool {
            if let points = source.nextBatch() {
                let held = try stored.points(points.lazy.map(\.index).filter(evaluator.options.inShard))
                batch = evaluator.prepare(points, policy: source.preEvaluationPolicy, seen: &seen, stored: held)
            } else if let queued = baselines {
                batch = PreparedBatch(baselines: numbered(queued, pointsEnd))
                batch.storedPoints = try stored.points(batch.candidates.map(\.index))
                baselines = nil
            } else {
                return false
            }
            return true
        }

        /// The batch's pending pairs, and the pairs still planned after it (at most: the
        /// source's remaining points on every workload, and the baselines not yet queued).
        mutating func pending(_ stored: StoredResults, _ runner: SweepRunner) -> (work: PendingPairs, plannedAfter: Int) {
            pointsEnd = max(pointsEnd, runner.proposedEnd(batch, source))
            let workloads = runner.spec.workloads
            let work = stored.pending(batch, workloads: workloads, keepingOutcomes: source.isAdaptive)
            let plannedAfter = source.remainingPoints * workloads.count
                + (baselines.map { stored.pending(PreparedBatch(baselines: runner.numbered($0, from: pointsEnd)), workloads: workloads,
                                                  keepingOutcomes: false).remaining } ?? 0)
            return (work, plannedAfter)
        }
    }

    /// Progress reports of one run: the first (the planned total) and whether the last said done.
    final class ProgressReport {
        let start: Date
        let progress: (SweepProgress) -> Void
        private(set) var reportedFirst = false
        private(set) var reportedFinal = false

        init(start: Date, progress: @escaping (SweepProgress) -> Void) {
            self.start = start
            self.progress = progress
        }

        /// Reports `done` pairs of `done + remaining`.
        func report(done: Int, remaining: Int) {
            reportedFirst = true
            reportedFinal = remaining == 0
            progress(SweepProgress(pointsDone: done, pointsTotal: done + remaining, elapsedSeconds: done == 0 ? 0 : Date().timeIntervalSince(start)))
        }

        /// The planned total, before the first write.
        func reportFirst(remaining: Int) {
            if !reportedFirst { report(done: 0, remaining: remaining) }
        }
    }

    /// The loop for an adaptive source: each batch is evaluated and written before the source,
    /// told its outcome, proposes the next.
    func runAdaptive(_ loop: inout BatchLoop, tally: inout SweepTally, runID: Int64, into sink: some SweepResultSink,
                     stored: StoredResults, cancellation: SweepCancellation, report: ProgressReport) throws {
        while true {
            tally.add(loop.batch)
            var (work, plannedAfter) = loop.pending(stored, self)
            tally.alreadyStored += work.alreadyStored
            report.reportFirst(remaining: work.remaining + plannedAfter)
            try evaluate(&work, of: loop.batch, runID: runID, into: sink, tally: &tally, cancellation: cancellation) { done, remaining in
                report.report(done: done, remaining: remaining + plannedAfter)
            }
            if tally.cancelled { break }
            if !loop.batch.isBaselines { loop.source.observe(work.pointOutcomes(of: loop.batch)) }
            guard try loop.advance(evaluator, stored: stored, numbered: { self.numbered($0, from: $1) }) else { break }
        }
    }

    /// What the streaming loop's producer hands the writer, in order.
    enum StreamItem {
        /// A batch begins: its points (for the tally), its pairs already stored and still to
        /// write, and the pairs planned after it.
        case batch(PreparedBatch, alreadyStored: Int, pairs: Int, plannedAfter: Int)
        /// Evaluated rows of the current batch, in pair order: one sink batch.
        case rows([SweepResultRow])
    }

    /// The loop for a non-adaptive source (grid, random, Latin hypercube): its batches do not
    /// depend on results, so one producer thread prepares each batch (decoding its points on the
    /// worker threads) and evaluates its pairs in chunks, while this (the driving) thread only
    /// writes, up to `chunksAhead` items behind. Preparing the next batch no longer waits for
    /// the last writes of the previous one (with a prepare/evaluate/write cycle per batch a
    /// 2-core run used 1.35 cores). Rows are written in the order a batch-by-batch loop writes
    /// them; once cancelled, nothing more is written (items evaluated but not written are dropped).
    func runStreaming(_ loop: inout BatchLoop, tally: inout SweepTally, runID: Int64, into sink: some SweepResultSink,
                      stored: StoredResults, cancellation: SweepCancellation, report: ProgressReport) throws {
        let queue = ChunkQueue<StreamItem>(capacity: Self.chunksAhead)
        let producer = StreamProducer(loop: loop)
        let group = DispatchGroup()
        let chunkSize = options.chunkPairs(workloads: spec.workloads.count)
        DispatchQueue.global().async(group: group) { [self] in
            defer { queue.finish() }
            while true {
                let (work, plannedAfter) = producer.loop.pending(stored, self)
                let batch = producer.loop.batch
                guard queue.put(.batch(batch, alreadyStored: work.alreadyStored, pairs: work.remaining, plannedAfter: plannedAfter)) else { return }
                var cursor = 0
                while cursor < work.pairs.count {
                    if cancellation.isCancelled { return }
                    let chunk = Array(work.pairs[cursor..<min(cursor + chunkSize, work.pairs.count)])
                    cursor += chunk.count
                    guard queue.put(.rows(evaluator.evaluate(chunk, of: batch.candidates))) else { return }
                }
                if cancellation.isCancelled { return }
                do {
                    guard try producer.loop.advance(evaluator, stored: stored, numbered: { self.numbered($0, from: $1) }) else {
                        producer.exhausted = true
                        return
                    }
                } catch {
                    producer.error = error
                    return
                }
            }
        }
        defer {
            queue.stop()
            group.wait()   // the producer never outlives this call, whatever happened here
            loop = producer.loop
        }
        var remainingInBatch = 0, plannedAfter = 0
        /// Whether the queue ran dry (the producer ended and everything it made was written).
        var drained = true
        while let item = queue.take() {
            if cancellation.isCancelled {
                drained = false
                break
            }
            switch item {
            case let .batch(batch, alreadyStored, pairs, after):
                tally.add(batch)
                tally.alreadyStored += alreadyStored
                (remainingInBatch, plannedAfter) = (pairs, after)
                report.reportFirst(remaining: pairs + after)
            case let .rows(rows):
                try sink.writeBatch(runID: runID, rows: rows, storeOps: spec.storeOpResults)
                tally.add(rows)
                remainingInBatch -= rows.count
                report.report(done: tally.evaluatedPairs, remaining: remainingInBatch + plannedAfter)
            }
        }
        group.wait()
        if let error = producer.error { throw error }   // reading the stored pairs of a batch failed
        // A run that did not write every pair of every batch was cancelled (the producer stops
        // at a cancellation; any other stop is an error, thrown above).
        if !(drained && producer.exhausted) { tally.cancelled = true }
    }

    /// The streaming loop's state, owned by its producer thread until that ends.
    final class StreamProducer: @unchecked Sendable {
        var loop: BatchLoop
        /// Whether the producer went through every batch (not stopped or cancelled).
        var exhausted = false
        /// Why the producer stopped, when reading what the run holds failed.
        var error: (any Error)?

        init(loop: BatchLoop) { self.loop = loop }
    }

    /// One past the highest point index `source` has proposed as far as `batch`: the batch's own
    /// points, and for a shard the points of other shards it passed over (`ShardPointSource`).
    func proposedEnd(_ batch: PreparedBatch, _ source: any DesignPointSource) -> Int {
        max(batch.points.reduce(0) { max($0, $1.index + 1) }, (source as? ShardPointSource)?.indexEnd ?? 0)
    }

    /// This shard's baselines, numbered after the source's points.
    func numbered(_ baselines: [SweepCandidate], from first: Int) -> [SweepCandidate] {
        baselines.compactMap { baseline in
            var numbered = baseline
            numbered.index = first + baseline.index
            return options.inShard(numbered.index) ? numbered : nil
        }
    }

    /// Evaluates a batch's pending pairs in chunks of `jobs × batchPointsPerJob` points' worth,
    /// writing each chunk as one sink batch and reporting after it; once cancelled, writes
    /// nothing more (chunks evaluated but not written are dropped). The chunks are evaluated on
    /// the worker threads and written on this (the driving) thread, the evaluation up to
    /// `chunksAhead` chunks ahead of the writes: with writes in line one core idled through
    /// every write, and in lockstep (one chunk written while the next is evaluated) whichever
    /// side was faster waited for the other (a 2-core run used 1.46 cores).
    func evaluate(_ work: inout PendingPairs, of batch: PreparedBatch, runID: Int64, into sink: some SweepResultSink,
                  tally: inout SweepTally, cancellation: SweepCancellation, report: (_ done: Int, _ remaining: Int) -> Void) throws {
        guard work.remaining > 0 else { return }
        let chunkSize = options.chunkPairs(workloads: spec.workloads.count)
        let candidates = batch.candidates, pairs = work.pairs, first = work.cursor
        let queue = ChunkQueue<[SweepResultRow]>(capacity: Self.chunksAhead)
        let producer = DispatchGroup()
        DispatchQueue.global().async(group: producer) { [evaluator] in
            var cursor = first
            while cursor < pairs.count, !cancellation.isCancelled {
                let chunk = Array(pairs[cursor..<min(cursor + chunkSize, pairs.count)])
                cursor += chunk.count
                guard queue.put(evaluator.evaluate(chunk, of: candidates)) else { break }
            }
            queue.finish()
        }
        defer {
            queue.stop()
            producer.wait()   // the worker never outlives this call, whatever happened here
        }
        while let rows = queue.take() {
            if cancellation.isCancelled { break }
            try sink.writeBatch(runID: runID, rows: rows, storeOps: spec.storeOpResults)
            work.advance(past: rows)
            tally.add(rows)
            report(tally.evaluatedPairs, work.remaining)
        }
        if work.remaining > 0, cancellation.isCancelled { tally.cancelled = true }
    }

    /// Chunks the evaluation may run ahead of the writes.
    static let chunksAhead = 4
}
