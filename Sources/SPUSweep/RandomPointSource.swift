import SPUFormats

/// `count` distinct combinations drawn uniformly per axis from a seeded SplitMix64 (fewer when
/// the grid is smaller, or after 50 × `count` draws).
public struct RandomPointSource: SamplingPointSource {
    /// Values per axis.
    public let counts: [Int]
    public let count: Int
    public let seed: UInt64
    public var sampling: SamplingProgress

    public init(counts: [Int], count: Int, seed: UInt64, pointsPerBatch: Int = SweepLimits.pointsPerBatch) {
        self.counts = counts
        self.count = count
        self.seed = seed
        sampling = SamplingProgress(pointsPerBatch: pointsPerBatch)
    }

    public var plannedPoints: Int { count }

    public func allPoints() -> [DesignPoint] {
        var rng = SplitMix64(seed: seed)
        var choices: [[Int]] = []
        var seen = Set<[Int]>()
        let total = counts.reduce(1.0) { $0 * Double($1) }
        var attempts = 0
        while choices.count < count, Double(choices.count) < total, attempts < 50 * count {
            attempts += 1
            let choice = counts.map { Int(rng.next() % UInt64($0)) }
            if seen.insert(choice).inserted { choices.append(choice) }
        }
        return DesignPoint.numbered(choices)
    }
}
