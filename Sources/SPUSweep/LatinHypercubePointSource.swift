import SPUFormats

/// `count` samples stratified per axis: each axis's range is cut into `count` strata, each
/// stratum used once (in a seeded random order), so every axis is covered evenly; duplicate
/// combinations are removed.
public struct LatinHypercubePointSource: SamplingPointSource {
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
        let n = count
        var rng = SplitMix64(seed: seed)
        var columns: [[Int]] = []
        for count in counts {
            var strata = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { strata.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            columns.append(strata.map { s in min(count - 1, Int((Double(s) + rng.nextUnit()) / Double(n) * Double(count))) })
        }
        var choices: [[Int]] = []
        var seen = Set<[Int]>()
        for i in 0..<n {
            let choice = columns.map { $0[i] }
            if seen.insert(choice).inserted { choices.append(choice) }
        }
        return DesignPoint.numbered(choices)
    }
}
