/// Every combination of the axes' values in axis order, the last axis fastest. Points are made
/// batch by batch from their flat index, never all at once.
public struct GridPointSource: SamplingPointSource {
    /// Values per axis.
    public let counts: [Int]
    public var sampling: SamplingProgress

    public init(counts: [Int], pointsPerBatch: Int = SweepLimits.pointsPerBatch) {
        self.counts = counts
        sampling = SamplingProgress(pointsPerBatch: pointsPerBatch)
    }

    /// The product of the counts (saturating; a sweep's grid is at most `SweepLimits.gridPoints`).
    public var plannedPoints: Int { SweepLimits.saturatingProduct(counts) }

    public func allPoints() -> [DesignPoint] { points(0..<plannedPoints) }

    /// The points with flat indices in `range`.
    func points(_ range: Range<Int>) -> [DesignPoint] { range.map(point) }

    /// The point with flat index `flat` (the last axis fastest).
    func point(_ flat: Int) -> DesignPoint {
        var rest = flat
        var choice = [Int](repeating: 0, count: counts.count)
        for axis in stride(from: counts.count - 1, through: 0, by: -1) {
            choice[axis] = rest % counts[axis]
            rest /= counts[axis]
        }
        return DesignPoint(index: flat, choice: choice)
    }

    /// `count` points at evenly spaced flat indices: a grid's first points differ only in its last
    /// axes, so they would say nothing about the rest of the grid.
    public func samplePoints(_ count: Int) -> [DesignPoint] {
        let total = plannedPoints
        guard total > count, count > 0 else { return allPoints() }
        // total ≤ SweepLimits.gridPoints and count ≤ dryRunSample: the product fits in Int.
        return (0..<count).map { point($0 * (total / count)) }
    }

    public mutating func nextBatch() -> [DesignPoint]? {
        let total = plannedPoints
        guard sampling.yielded < total else { return nil }
        let end = sampling.yielded + min(total - sampling.yielded, sampling.pointsPerBatch)
        defer { sampling.yielded = end }
        return points(sampling.yielded..<end)
    }
}
