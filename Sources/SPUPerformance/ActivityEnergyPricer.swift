/// Prices activity counts in joules, so that the mapping search can minimise energy without
/// depending on the energy model (which lives in SPUCost, above this module).
///
/// `priceKey` identifies the prices: two pricers with equal keys price every activity the same.
/// It is part of the op-evaluation cache key when the mapping objective needs energy, so designs
/// that share a cache but differ in process node, memory type or die size never share mappings
/// chosen under different prices.
public protocol ActivityEnergyPricer: Sendable {
    /// Energy of an op on one chip, in joules: the dynamic energy of its activity plus the
    /// chip's leakage over the op's `seconds` (a slower mapping leaks longer, so the energy
    /// objective never trades a little dynamic energy for a long, leaky schedule).
    func joules(_ activity: ActivityCounts, seconds: Double) -> Double
    /// Identifies the prices (equal keys: equal `joules` for every activity).
    var priceKey: String { get }
}
