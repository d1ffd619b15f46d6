/// What a design achieves on a sweep's serving scenario (the sweep spec's `serving` block, run by
/// the request-level serving simulator, `SPUServing`): the catalogue's design-level serving
/// metrics, the same for every workload of the sweep. NaN (stored as NULL) when the design
/// cannot serve the scenario's model.
public struct DesignServingMetrics: Sendable, Equatable {
    /// Requests per second within both SLOs (for a `max_rate` scenario: the highest Poisson rate
    /// that meets them at the percentile).
    public var goodputRequestsPerSecond: Double
    public var ttftP99Seconds: Double
    public var tpotP99Seconds: Double
    /// Output tokens per second of the whole serving system.
    public var throughputTokensPerSecond: Double
    /// Chip energy per served request.
    public var energyJPerQuery: Double

    public init(goodputRequestsPerSecond: Double, ttftP99Seconds: Double, tpotP99Seconds: Double, throughputTokensPerSecond: Double,
                energyJPerQuery: Double) {
        self.goodputRequestsPerSecond = goodputRequestsPerSecond
        self.ttftP99Seconds = ttftP99Seconds
        self.tpotP99Seconds = tpotP99Seconds
        self.throughputTokensPerSecond = throughputTokensPerSecond
        self.energyJPerQuery = energyJPerQuery
    }

    /// A design that cannot serve the scenario: every metric undefined.
    public static let unavailable = DesignServingMetrics(goodputRequestsPerSecond: .nan, ttftP99Seconds: .nan, tpotP99Seconds: .nan,
                                                         throughputTokensPerSecond: .nan, energyJPerQuery: .nan)
}
