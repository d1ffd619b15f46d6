/// Every combination of the axes' values in axis order, the last axis fastest.
public struct GridPointSource: SamplingPointSource {
    /// Values per axis.
    public let counts: [Int]
    public var yielded: Int?

    public init(counts: [Int]) { self.counts = counts }

    public var plannedPoints: Int { counts.reduce(1, *) }

    public func allPoints() -> [DesignPoint] {
        let total = plannedPoints
        var choices: [[Int]] = []
        choices.reserveCapacity(total)
        for flat in 0..<total {
            var rest = flat
            var choice = [Int](repeating: 0, count: counts.count)
            for axis in stride(from: counts.count - 1, through: 0, by: -1) {
                choice[axis] = rest % counts[axis]
                rest /= counts[axis]
            }
            choices.append(choice)
        }
        return DesignPoint.numbered(choices)
    }
}
