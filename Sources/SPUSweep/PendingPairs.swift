/// What the sink already holds for the run. An adaptive source reads every stored pair with its
/// metrics at once (it ranks on them); a streamed run reads the stored pairs of one batch of
/// points at a time (`lookup`, `PreparedBatch.storedPoints`), so a resumed million-point run
/// holds a batch's worth, not a set of every pair. A new run reads nothing.
struct StoredResults: Sendable {
    /// `SweepPair.key` of every stored pair (adaptive sources only).
    let pairs: Set<String>
    /// Their metrics (adaptive sources only).
    let metrics: [String: [String: Double]]
    /// What the run holds for the points in a range (a resumed streamed run; nil otherwise).
    let lookup: (@Sendable (Range<Int>) throws -> [Int: StoredPoint])?

    init(pairs: Set<String>, metrics: [String: [String: Double]], lookup: (@Sendable (Range<Int>) throws -> [Int: StoredPoint])?) {
        (self.pairs, self.metrics, self.lookup) = (pairs, metrics, lookup)
    }

    init(sink: some SweepResultSink, runID: Int64, adaptive: Bool, resumed: Bool) throws {
        if adaptive {
            metrics = resumed ? try sink.storedMetrics(runID: runID) : [:]
            pairs = Set(metrics.keys)
            lookup = nil
        } else {
            (pairs, metrics) = ([], [:])
            if resumed {
                lookup = { @Sendable range in try sink.storedPoints(runID: runID, in: range) }
            } else {
                lookup = nil
            }
        }
    }

    /// What the run holds for the points with the given indexes (empty without a lookup).
    func points(_ indexes: some Sequence<Int>) throws -> [Int: StoredPoint] {
        guard let lookup, let low = indexes.min(), let high = indexes.max() else { return [:] }
        return try lookup(low..<(high + 1))
    }

    /// The batch's (candidate, workload) pairs not stored yet, in point then workload order.
    func pending(_ batch: PreparedBatch, workloads: [SweepSpec.WorkloadEntry], keepingOutcomes: Bool) -> PendingPairs {
        var pending = PendingPairs()
        if keepingOutcomes {
            pending.outcomes = Array(repeating: Array(repeating: nil, count: workloads.count), count: batch.candidates.count)
        }
        pending.alreadyStored = batch.stored * workloads.count
        for (c, candidate) in batch.candidates.enumerated() {
            let storedPoint = batch.storedPoints[candidate.index].flatMap { $0.designHash == candidate.design.contentHash ? $0 : nil }
            for (w, entry) in workloads.enumerated() {
                let key = pairs.isEmpty ? "" : SweepPair.key(designHash: candidate.design.contentHash, workloadHash: entry.hash)
                if storedPoint?.workloadHashes.contains(entry.hash) == true || (!pairs.isEmpty && pairs.contains(key)) {
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
            // Only a streamed run skips stored points; an adaptive one reads them with their
            // metrics instead. Were one skipped here, it was evaluated before: like a duplicate,
            // a design the source need not rank again.
            case let .stored(hash): return PointOutcome(point: point, status: .duplicate(designHash: hash))
            case let .candidate(c):
                return PointOutcome(point: point, status: .evaluated(designHash: batch.candidates[c].design.contentHash,
                                                                     pairs: (outcomes?[c] ?? []).map { $0! }))
            }
        }
    }
}
