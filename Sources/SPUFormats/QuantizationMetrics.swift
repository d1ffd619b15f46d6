/// Error metrics of a quantised tensor against its reference (number-formats.md §5.1).
public struct QuantizationMetrics: Sendable, Equatable {
    /// Signal-to-quantisation-noise ratio, 10·log10(Σx² / Σ(x−q)²), in dB.
    public var sqnrDB: Double
    /// Mean and maximum of |q − x| / |x| over nonzero x.
    public var meanRelativeError: Double
    public var maxRelativeError: Double
    /// Mean decimal accuracy −log10|log10(q/x)| over nonzero x with q of the same sign (capped at
    /// 17 for exact values; Gustafson's measure).
    public var decimalAccuracy: Double
    /// Nonzero inputs that became zero.
    public var fractionFlushed: Double
    /// Inputs whose magnitude exceeded the largest representable (scaled) magnitude.
    public var fractionSaturated: Double

    /// - Parameter saturatedCount: inputs that were clipped to the format's range (from the quantiser).
    public init(reference x: [Double], quantized q: [Double], saturatedCount: Int = 0) {
        precondition(x.count == q.count)
        var signal = 0.0, noise = 0.0, relSum = 0.0, relMax = 0.0, accSum = 0.0
        var nonzero = 0, accCount = 0, flushed = 0
        for i in x.indices {
            let a = x[i], b = q[i]
            signal += a * a
            let d = b - a
            noise += d.isFinite ? d * d : .infinity
            guard a != 0 else { continue }
            nonzero += 1
            if b == 0 { flushed += 1 }
            let rel = d.magnitude / a.magnitude
            relSum += rel
            relMax = max(relMax, rel)
            if b != 0, (a < 0) == (b < 0), b.isFinite {
                let ratio = abs(log10(b / a))
                accSum += ratio == 0 ? 17 : min(17, -log10(ratio))
                accCount += 1
            }
        }
        sqnrDB = noise == 0 ? .infinity : 10 * log10(signal / noise)
        meanRelativeError = nonzero > 0 ? relSum / Double(nonzero) : 0
        maxRelativeError = relMax
        decimalAccuracy = accCount > 0 ? accSum / Double(accCount) : 0
        fractionFlushed = nonzero > 0 ? Double(flushed) / Double(nonzero) : 0
        fractionSaturated = x.isEmpty ? 0 : Double(saturatedCount) / Double(x.count)
    }
}
