extension SweepSpec {
    /// The point source of the sweep's strategy.
    public func makePointSource(pointsPerBatch: Int = SweepLimits.pointsPerBatch) -> any DesignPointSource {
        let counts = axes.map(\.count)
        switch strategy {
        case .grid:
            return GridPointSource(counts: counts, pointsPerBatch: pointsPerBatch)
        case let .random(count, seed):
            return RandomPointSource(counts: counts, count: count, seed: seed, pointsPerBatch: pointsPerBatch)
        case let .latinHypercube(count, seed):
            return LatinHypercubePointSource(counts: counts, count: count, seed: seed, pointsPerBatch: pointsPerBatch)
        case let .nsga2(objectives, population, generations, seed):
            return NSGA2Search(counts: counts, workloadWeights: workloads.map(\.weight), objectives: objectives,
                               population: population, generations: generations, seed: seed)
        }
    }

    /// Points of the sampling strategies, in their fixed order (duplicates removed); empty for
    /// NSGA-II, whose points depend on the evaluations.
    public func points() -> [DesignPoint] {
        (makePointSource() as? any SamplingPointSource)?.allPoints() ?? []
    }
}
