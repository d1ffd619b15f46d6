/// A sampling source as one shard sees it: only the shard's points (`SweepOptions.inShard`), in
/// batches of up to `pointsPerBatch` of them. Without it a shard of N got batches of which 1/N
/// was its own (20 points of 4,096 for a 200-way split), so every batch's evaluation ended in
/// a half-empty chunk and a barrier. The points and their indices are the source's: the table a
/// shard stores does not change.
struct ShardPointSource: DesignPointSource {
    private(set) var base: any SamplingPointSource
    let options: SweepOptions
    /// One past the highest index the base source proposed (in the shard or not): the
    /// baselines are numbered from here.
    private(set) var indexEnd = 0

    init(_ base: any SamplingPointSource, options: SweepOptions) {
        self.base = base
        self.options = options
    }

    var isAdaptive: Bool { false }
    var proposedPoints: Int { base.proposedPoints }
    /// The shard's share of the points still to come (sampling sources index their points from 0).
    var remainingPoints: Int {
        options.pointsInShard(base.proposedPoints + base.remainingPoints) - options.pointsInShard(base.proposedPoints)
    }
    var preEvaluationPolicy: PreEvaluationPolicy { base.preEvaluationPolicy }

    mutating func nextBatch() -> [DesignPoint]? {
        var batch: [DesignPoint] = []
        var exhausted = true
        while batch.count < base.sampling.pointsPerBatch, let points = base.nextBatch() {
            exhausted = false
            for point in points {
                indexEnd = max(indexEnd, point.index + 1)
                if options.inShard(point.index) { batch.append(point) }
            }
        }
        return exhausted ? nil : batch
    }

    mutating func observe(_ outcomes: [PointOutcome]) {}
}
