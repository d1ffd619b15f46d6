/// Compares formats on the same data: quantisation error metrics and dot-product accuracy.
public struct NumericsStudy: Sendable {
    /// One format's quantisation of the data.
    public struct Row: Sendable {
        public var format: String
        public var scaling: String
        public var bitsPerElement: Double
        public var decades: Double
        public var metrics: QuantizationMetrics
    }

    /// Dot-product output SNR of one format and accumulation mode.
    public struct DotRow: Sendable {
        public var format: String
        public var accumulation: String
        public var length: Int
        public var trials: Int
        public var snrDB: Double
    }

    public enum StudyError: Error, CustomStringConvertible {
        case unknownFormat(String)
        public var description: String {
            switch self { case let .unknownFormat(name): return "unknown format \"\(name)\" (see 'spusim formats list')" }
        }
    }

    public var formats: [String]
    public var scaling: ScalingPolicy

    public init(formats: [String], scaling: ScalingPolicy = .perTensorAbsmax) {
        self.formats = formats
        self.scaling = scaling
    }

    /// Quantises `data` with every format.
    public func quantization(_ data: [Double]) throws(StudyError) -> [Row] {
        var rows: [Row] = []
        for name in formats {
            if let scalar = FormatRegistry.scalar(named: name) {
                let q = Quantizer(format: scalar, policy: scaling).quantizeCounting(data)
                rows.append(Row(format: name, scaling: scaling.description, bitsPerElement: Double(scalar.bits) + scaleOverhead(scalar),
                                decades: scalar.metadata.decades,
                                metrics: QuantizationMetrics(reference: data, quantized: q.values, saturatedCount: q.saturated)))
            } else if let block = FormatRegistry.block(named: name) {
                let q = block.quantize(data)
                rows.append(Row(format: name, scaling: "per-block (\(block.blockSize)) shared scale", bitsPerElement: block.bitsPerElement,
                                decades: .nan, metrics: QuantizationMetrics(reference: data, quantized: q)))
            } else {
                throw .unknownFormat(name)
            }
        }
        return rows
    }

    /// Bits of scale storage per element the scaling policy adds (a 32-bit scale per group).
    private func scaleOverhead(_ format: any ScalarFormat) -> Double {
        switch scaling {
        case .perTensorAbsmax, .perTensorMSE: return 0
        case let .perChannel(n), let .perBlock(n): return 32 / Double(max(n, 1))
        }
    }

    /// Accumulation modes worth comparing for a format.
    public static func accumulationModes(for name: String) -> [AccumulationMode] {
        if let lns = FormatRegistry.scalar(named: name) as? LogNumberSystem {
            let f = lns.fractionBits
            return [.exact, .mitchell(biasCorrected: false), .mitchell(biasCorrected: true),
                    .gaussianLog(fractionBits: f), .gaussianLog(fractionBits: f + 3), .gaussianLog(fractionBits: max(10, f + 6)),
                    .remainderBinning]
        }
        return [.float32, .exact]
    }

    /// Output SNR of K-long dot products of N(0,1) vectors, each vector scaled by its absmax
    /// (per-block for block formats), against the fp64 dot product of the unquantised vectors.
    public func dotProducts(length k: Int, trials: Int = 256, seed: UInt64 = 7) throws(StudyError) -> [DotRow] {
        var rows: [DotRow] = []
        for name in formats {
            let scalar = FormatRegistry.scalar(named: name)
            let block = FormatRegistry.block(named: name)
            guard scalar != nil || block != nil else { throw .unknownFormat(name) }
            let logBits = (scalar as? LogNumberSystem)?.fractionBits ?? 3
            let modes = Self.accumulationModes(for: name)
            var signal = 0.0
            var noise = [Double](repeating: 0, count: modes.count)
            for trial in 0..<trials {
                let a = Distribution.gaussian.samples(count: k, seed: seed &+ UInt64(2 * trial))
                let b = Distribution.gaussian.samples(count: k, seed: seed &+ UInt64(2 * trial + 1))
                var reference = 0.0
                for i in 0..<k { reference += a[i] * b[i] }
                signal += reference * reference
                let (qa, sa) = quantizeVector(a, scalar: scalar, block: block)
                let (qb, sb) = quantizeVector(b, scalar: scalar, block: block)
                for (index, mode) in modes.enumerated() {
                    let dot = DotProduct.compute(qa, qb, mode: mode, logFractionBits: logBits) * sa * sb
                    noise[index] += (dot - reference) * (dot - reference)
                }
            }
            for (index, mode) in modes.enumerated() {
                rows.append(DotRow(format: name, accumulation: mode.description, length: k, trials: trials,
                                   snrDB: 10 * log10(signal / noise[index])))
            }
        }
        return rows
    }

    /// Quantised values in the format's own scale, and the scale to multiply results by.
    private func quantizeVector(_ x: [Double], scalar: (any ScalarFormat)?, block: (any BlockFormat)?) -> ([Double], Double) {
        if let block { return (block.quantize(x), 1) }
        let format = scalar!
        let q = Quantizer(format: format, policy: .perTensorAbsmax)
        let scale = q.absmaxScale(x[...])
        return (x.map { format.decode(format.encode($0 / scale, saturate: true)) }, scale)
    }
}
