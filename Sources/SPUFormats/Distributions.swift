/// Synthetic test distributions for the numerics study, reproducible from a seed.
public enum Distribution: String, CaseIterable, Sendable {
    case gaussian, laplace
    /// Student's t with 3 degrees of freedom (heavy tails).
    case studentT = "student-t"
    /// Uniform on [−1, 1].
    case uniform
    /// exp(N(0, 1)) with a random sign.
    case logNormal = "log-normal"

    /// `count` samples; with `outlierFraction` > 0, that fraction of samples is multiplied by
    /// `outlierScale` (outlier injection, as in LLM activations).
    public func samples(count: Int, seed: UInt64 = 1, outlierFraction: Double = 0, outlierScale: Double = 100) -> [Double] {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            // Box–Muller; 1 − u avoids log(0).
            let u = 1 - rng.nextUnit(), v = rng.nextUnit()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        var out = [Double]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            var x: Double
            switch self {
            case .gaussian: x = normal()
            case .laplace:
                let u = rng.nextUnit() - 0.5
                x = -(u < 0 ? -1.0 : 1.0) * log(1 - 2 * abs(u)) / 2.0.squareRoot()
            case .studentT:
                let z = normal()
                let chi2 = normal() * normal() + normal() * normal() + normal() * normal()
                x = z / (chi2 / 3).squareRoot()
            case .uniform: x = 2 * rng.nextUnit() - 1
            case .logNormal: x = exp(normal()) * (rng.next() & 1 == 0 ? 1 : -1)
            }
            if outlierFraction > 0, rng.nextUnit() < outlierFraction { x *= outlierScale }
            out.append(x)
        }
        return out
    }
}
