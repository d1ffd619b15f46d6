/// What the sink already holds for the run (empty for a new run).
struct StoredResults {
    /// `SweepPair.key` of every stored pair.
    let pairs: Set<String>
    /// Their metrics, read only for adaptive sources.
    let metrics: [String: [String: Double]]

    init(sink: some SweepResultSink, runID: Int64, withMetrics: Bool) throws {
        if withMetrics {
            metrics = try sink.storedMetrics(runID: runID)
            pairs = Set(metrics.keys)
        } else {
            pairs = try sink.storedPairs(runID: runID)
            metrics = [:]
        }
    }

    /// The batch's (candidate, workload) pairs not stored yet, in point then workload order.
    func pending(_ batch: PreparedBatch, workloads: [SweepSpec.WorkloadEntry], keepingOutcomes: Bool) -> PendingPairs {
        var pending = PendingPairs()
        if keepingOutcomes {
            pending.outcomes = Array(repeating: Array(repeating: nil, count: workloads.count), count: batch.candidates.count)
        }
        for (c, candidate) in batch.candidates.enumerated() {
            for (w, entry) in workloads.enumerated() {
                let key = SweepPair.key(designHash: candidate.design.contentHash, workloadHash: entry.hash)
                if pairs.contains(key) {
                    pending.alreadyStored += 1
                    pending.outcomes?[c][w] = .stored(metrics: metrics[key] ?? [:])
                } else {
                    pending.pairs.append(SweepEvaluator.Pair(candidate: c, workload: w))
                }
            }
        }
        return pending
    }
}

/// A batch's pairs to evaluate, how far the evaluation got, and (for an adaptive source) the
/// outcome of every pair so far.
struct PendingPairs {
    var pairs: [SweepEvaluator.Pair] = []
    /// Pairs before this index are evaluated and written.
    var cursor = 0
    /// Pairs of the batch skipped because the sink already holds them.
    var alreadyStored = 0
    /// Per candidate and workload; nil unless the source is adaptive.
    var outcomes: [[PairOutcome?]]?

    var remaining: Int { pairs.count - cursor }

    /// Records the rows of `pairs[cursor...]` and moves the cursor past them.
    mutating func advance(past rows: [SweepResultRow]) {
        if outcomes != nil {
            for (offset, row) in rows.enumerated() {
                let pair = pairs[cursor + offset]
                outcomes![pair.candidate][pair.workload] = .evaluated(row)
            }
        }
        cursor += rows.count
    }

    /// The outcome of every point of a fully evaluated batch, for an adaptive source.
    func pointOutcomes(of batch: PreparedBatch) -> [PointOutcome] {
        zip(batch.points, batch.statuses).map { point, status in
            switch status {
            case .outsideShard: return PointOutcome(point: point, status: .outsideShard)
            case let .invalid(message): return PointOutcome(point: point, status: .invalid(message))
            case .pruned: return PointOutcome(point: point, status: .pruned)
            case let .duplicate(hash): return PointOutcome(point: point, status: .duplicate(designHash: hash))
            case let .candidate(c):
                return PointOutcome(point: point, status: .evaluated(designHash: batch.candidates[c].design.contentHash,
                                                                     pairs: (outcomes?[c] ?? []).map { $0! }))
            }
        }
    }
}
