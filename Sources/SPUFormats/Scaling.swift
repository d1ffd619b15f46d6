/// How a tensor is scaled into a format's range before quantisation.
public enum ScalingPolicy: Sendable, Equatable, CustomStringConvertible {
    /// One scale per tensor mapping max|x| to the format's largest finite value (posits: to useed,
    /// `ScalarFormat.absmaxTarget`).
    case perTensorAbsmax
    /// One scale per tensor minimising the mean squared error (clipping allowed): a coarse search
    /// over powers of two of the absmax scale across the format's whole dynamic range, then
    /// eighth-octave refinement around the best (tapered formats like posits want their maximum
    /// far above the data's absmax).
    case perTensorMSE
    /// One absmax scale per row of `rowLength` elements (per output channel).
    case perChannel(rowLength: Int)
    /// One absmax scale per block of `size` consecutive elements.
    case perBlock(size: Int)

    public var description: String {
        switch self {
        case .perTensorAbsmax: return "per-tensor absmax"
        case .perTensorMSE: return "per-tensor MSE-optimal"
        case let .perChannel(n): return "per-channel (\(n))"
        case let .perBlock(n): return "per-block (\(n))"
        }
    }
}

/// Quantises tensors with a scalar format and a scaling policy (fake quantisation: returns the
/// dequantised values).
public struct Quantizer: Sendable {
    public let format: any ScalarFormat
    public let policy: ScalingPolicy
    /// The magnitude absmax scaling maps max|x| to (`ScalarFormat.absmaxTarget`: the largest
    /// finite value, useed for posits).
    public let formatMax: Double
    /// The largest finite magnitude (clipping threshold).
    let largestFinite: Double

    public init(format: any ScalarFormat, policy: ScalingPolicy) {
        self.format = format
        self.policy = policy
        self.formatMax = format.absmaxTarget
        self.largestFinite = format is IntegerFormat ? formatMax : format.metadata.maxFinite
    }

    public func quantize(_ x: [Double]) -> [Double] { quantizeCounting(x).values }

    /// Dequantised values and how many inputs exceeded the scaled range (were clipped).
    public func quantizeCounting(_ x: [Double]) -> (values: [Double], saturated: Int) {
        switch policy {
        case .perTensorAbsmax:
            return apply(x[...], scale: absmaxScale(x[...]))
        case .perTensorMSE:
            let base = absmaxScale(x[...])
            var best = apply(x[...], scale: base)
            var bestError = squaredError(x, best.values)
            var bestStep = 0.0
            let octaves = Int(log2(formatMax / format.metadata.minPositive).rounded(.up))
            // From the absmax target up to 4 octaves above the largest finite value.
            let above = 4 + Int(log2(largestFinite / formatMax).rounded(.up))
            func consider(_ step: Double) {
                let candidate = apply(x[...], scale: base * pow(2.0, step))
                let error = squaredError(x, candidate.values)
                if error < bestError { best = candidate; bestError = error; bestStep = step }
            }
            for k in -above...max(2, octaves) where k != 0 { consider(Double(k)) }
            let center = bestStep
            for j in -7...7 where j != 0 { consider(center + Double(j) / 8) }
            return best
        case let .perChannel(n), let .perBlock(n):
            var out: [Double] = []
            out.reserveCapacity(x.count)
            var saturated = 0
            var start = 0
            while start < x.count {
                let end = min(start + max(1, n), x.count)
                let part = apply(x[start..<end], scale: absmaxScale(x[start..<end]))
                out += part.values
                saturated += part.saturated
                start = end
            }
            return (out, saturated)
        }
    }

    /// The scale s with max|x|/s = format max (1 for an all-zero slice).
    func absmaxScale(_ x: ArraySlice<Double>) -> Double {
        var amax = 0.0
        for v in x where v.isFinite { amax = max(amax, v.magnitude) }
        return amax > 0 ? amax / formatMax : 1
    }

    func apply(_ x: ArraySlice<Double>, scale: Double) -> (values: [Double], saturated: Int) {
        var saturated = 0
        let values = x.map { v -> Double in
            let scaled = v / scale
            if scaled.magnitude > largestFinite * (1 + 1e-12) { saturated += 1 }   // not the absmax element itself
            return format.decode(format.encode(scaled, saturate: true)) * scale
        }
        return (values, saturated)
    }

    private func squaredError(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { let d = a[i] - b[i]; sum += d.isFinite ? d * d : .infinity }
        return sum
    }
}
