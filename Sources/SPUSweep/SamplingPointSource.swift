/// A strategy whose points are fixed by the specification (grid, random, Latin hypercube): it
/// yields every point as one batch, so the evaluator can de-duplicate and prune them all before
/// the first row is written, and it needs no feedback.
public protocol SamplingPointSource: DesignPointSource {
    /// How many points the strategy will yield at most.
    var plannedPoints: Int { get }
    /// Every point, in the strategy's order, indexed from 0 (duplicates removed).
    func allPoints() -> [DesignPoint]
    /// Points yielded so far: nil until the batch is taken.
    var yielded: Int? { get set }
}

extension SamplingPointSource {
    public var isAdaptive: Bool { false }
    public var proposedPoints: Int { yielded ?? 0 }
    public var remainingPoints: Int { yielded == nil ? plannedPoints : 0 }
    public var preEvaluationPolicy: PreEvaluationPolicy { .prune }

    public mutating func nextBatch() -> [DesignPoint]? {
        guard yielded == nil else { return nil }
        let points = allPoints()
        yielded = points.count
        return points
    }

    public mutating func observe(_ outcomes: [PointOutcome]) {}
}

extension DesignPoint {
    /// Points numbered in the order of `choices`.
    static func numbered(_ choices: [[Int]]) -> [DesignPoint] {
        choices.enumerated().map { DesignPoint(index: $0.offset, choice: $0.element) }
    }
}
