/// What a design achieves on a sweep's training scenario (the sweep spec's `training` block: one
/// training step of a model on a cluster of the design, `SPUTraining`'s step model, with a fixed
/// parallel layout or the best one of a bounded layout search): the catalogue's design-level
/// training metrics, the same for every workload of the sweep. NaN (stored as NULL) and no layout
/// when no layout of the scenario fits the design (memory, a recipe its MAC array lacks).
public struct DesignTrainingMetrics: Sendable, Equatable {
    /// Wall time of one step (global batch) on the scenario's devices.
    public var stepSeconds: Double
    /// Tokens of the global batch per step time, the whole cluster.
    public var tokensPerSecond: Double
    /// Model FLOPs utilisation: model FLOPs / (devices × step time × the format's peak dense FLOP/s).
    public var mfu: Double
    /// Facility energy (devices, network, hosts; × PUE) per trained token.
    public var facilityJoulesPerToken: Double
    /// Cost of the cluster (TCO rule of `configs/tco`, itemised over accelerators, hosts, NICs and switches) per million tokens.
    public var usdPerMillionTokens: Double
    /// The layout the step ran under (`ParallelLayout`'s description, e.g. "tp=8,pp=8,dp=16,mb=1,recompute=selective");
    /// nil when unavailable.
    public var layout: String?

    public init(stepSeconds: Double, tokensPerSecond: Double, mfu: Double, facilityJoulesPerToken: Double, usdPerMillionTokens: Double,
                layout: String?) {
        self.stepSeconds = stepSeconds
        self.tokensPerSecond = tokensPerSecond
        self.mfu = mfu
        self.facilityJoulesPerToken = facilityJoulesPerToken
        self.usdPerMillionTokens = usdPerMillionTokens
        self.layout = layout
    }

    /// A design that cannot train the scenario's model: every metric undefined, no layout.
    public static let unavailable = DesignTrainingMetrics(stepSeconds: .nan, tokensPerSecond: .nan, mfu: .nan, facilityJoulesPerToken: .nan,
                                                          usdPerMillionTokens: .nan, layout: nil)

    /// NaN-aware equality (`unavailable == unavailable`).
    public static func == (a: DesignTrainingMetrics, b: DesignTrainingMetrics) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return same(a.stepSeconds, b.stepSeconds) && same(a.tokensPerSecond, b.tokensPerSecond) && same(a.mfu, b.mfu)
            && same(a.facilityJoulesPerToken, b.facilityJoulesPerToken) && same(a.usdPerMillionTokens, b.usdPerMillionTokens) && a.layout == b.layout
    }
}
