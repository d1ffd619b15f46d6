/// A strategy whose points are fixed by the specification (grid, random, Latin hypercube): it
/// needs no feedback, and yields its points in order in batches of at most `pointsPerBatch`, so
/// the evaluator holds one batch of decoded designs at a time whatever the sweep's size. The
/// stored table does not depend on the batch size: points keep their indices, and the driver
/// de-duplicates designs across batches.
public protocol SamplingPointSource: DesignPointSource {
    /// How many points the strategy will yield at most.
    var plannedPoints: Int { get }
    /// Every point, in the strategy's order, indexed from 0 (duplicates removed).
    func allPoints() -> [DesignPoint]
    /// Where the source stands in its points.
    var sampling: SamplingProgress { get set }
}

/// How far a sampling source got: points yielded, and (for the sources that draw their points up
/// front) the drawn points.
public struct SamplingProgress: Sendable {
    /// Points per batch.
    public var pointsPerBatch: Int
    /// Points yielded so far.
    public var yielded = 0
    /// The points drawn up front (random, Latin hypercube), once the first batch was asked for.
    var drawn: [DesignPoint]?

    public init(pointsPerBatch: Int = SweepLimits.pointsPerBatch) {
        self.pointsPerBatch = max(1, pointsPerBatch)
    }
}

extension SamplingPointSource {
    public var isAdaptive: Bool { false }
    public var proposedPoints: Int { sampling.yielded }
    public var remainingPoints: Int { max(0, (sampling.drawn?.count ?? plannedPoints) - sampling.yielded) }
    public var preEvaluationPolicy: PreEvaluationPolicy { .prune }

    /// The next slice of `allPoints()` (drawn once); nil when every point was yielded.
    public mutating func nextBatch() -> [DesignPoint]? {
        if sampling.drawn == nil { sampling.drawn = allPoints() }
        let drawn = sampling.drawn!
        guard sampling.yielded < drawn.count else { return nil }
        let end = min(drawn.count, sampling.yielded + sampling.pointsPerBatch)
        defer { sampling.yielded = end }
        return Array(drawn[sampling.yielded..<end])
    }

    public mutating func observe(_ outcomes: [PointOutcome]) {}
}

extension DesignPoint {
    /// Points numbered in the order of `choices`.
    static func numbered(_ choices: [[Int]]) -> [DesignPoint] {
        choices.enumerated().map { DesignPoint(index: $0.offset, choice: $0.element) }
    }
}
