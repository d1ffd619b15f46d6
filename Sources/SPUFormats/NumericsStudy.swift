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
        /// Whether the row is the accumulator the cost model prices for the format
        /// (`AccumulatorSpec.default(for:)`, or the study's `accumulatorBits`).
        public var priced: Bool = false
    }

    public enum StudyError: Error, CustomStringConvertible {
        case unknownFormat(String)
        public var description: String {
            switch self { case let .unknownFormat(name): return "unknown format \"\(name)\" (see 'spusim formats list')" }
        }
    }

    public var formats: [String]
    public var scaling: ScalingPolicy
    /// Width of the priced accumulator row of the dot-product study; nil: each format's default
    /// (`AccumulatorSpec.default(for:)`). Applies to fixed-point and Gaussian-log accumulators.
    public var accumulatorBits: Int?

    public init(formats: [String], scaling: ScalingPolicy = .perTensorAbsmax, accumulatorBits: Int? = nil) {
        self.formats = formats
        self.scaling = scaling
        self.accumulatorBits = accumulatorBits
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
    /// (per-block for block formats), against the fp64 dot product of the unquantised vectors:
    /// one row per accumulation mode worth comparing (unbounded registers: fixed-point modes sum
    /// in binary64) and one row for the priced accumulator register (`AccumulatorSpec`).
    public func dotProducts(length k: Int, trials: Int = 256, seed: UInt64 = 7) throws(StudyError) -> [DotRow] {
        var rows: [DotRow] = []
        for name in formats {
            let scalar = FormatRegistry.scalar(named: name)
            let block = FormatRegistry.block(named: name)
            guard scalar != nil || block != nil else { throw .unknownFormat(name) }
            let codec: HardwareFormatEntry.Codec = scalar.map { .scalar($0) } ?? .block(block!)
            let logBits = Self.logFractionBits(codec)
            let modes = Self.accumulationModes(for: name)
            let priced = pricedAccumulator(codec)
            let target = scalar.map { Self.dotScaleTarget($0, length: k, accumulators: modes.map { AccumulatorSpec(mode: $0, widthBits: 32) } + [priced]) }
            var signal = 0.0
            var noise = [Double](repeating: 0, count: modes.count + 1)
            for trial in 0..<trials {
                let a = Distribution.gaussian.samples(count: k, seed: seed &+ UInt64(2 * trial))
                let b = Distribution.gaussian.samples(count: k, seed: seed &+ UInt64(2 * trial + 1))
                var reference = 0.0
                for i in 0..<k { reference += a[i] * b[i] }
                signal += reference * reference
                let (qa, sa) = quantizeVector(a, scalar: scalar, block: block, target: target)
                let (qb, sb) = quantizeVector(b, scalar: scalar, block: block, target: target)
                for (index, mode) in modes.enumerated() {
                    let dot = DotProduct.compute(qa, qb, mode: mode, logFractionBits: logBits) * sa * sb
                    noise[index] += (dot - reference) * (dot - reference)
                }
                let operandMax = (Self.operandMax(qa, scalar: scalar), Self.operandMax(qb, scalar: scalar))
                let dot = DotProduct.compute(qa, qb, accumulator: priced, operandMax: operandMax, logFractionBits: logBits) * sa * sb
                noise[modes.count] += (dot - reference) * (dot - reference)
            }
            // An fp32 register is the fp32 mode's row itself: it is marked priced, not repeated.
            let pricedIndex = priced == .fp32 ? modes.firstIndex(of: .float32) : nil
            for (index, mode) in modes.enumerated() {
                rows.append(DotRow(format: name, accumulation: mode.description, length: k, trials: trials,
                                   snrDB: 10 * log10(signal / noise[index]), priced: index == pricedIndex))
            }
            if pricedIndex == nil {
                rows.append(DotRow(format: name, accumulation: priced.description, length: k, trials: trials,
                                   snrDB: 10 * log10(signal / noise[modes.count]), priced: true))
            }
        }
        return rows
    }

    /// The accumulator the cost model prices for a codec, at `accumulatorBits` when given.
    func pricedAccumulator(_ codec: HardwareFormatEntry.Codec) -> AccumulatorSpec {
        var spec = AccumulatorSpec.default(for: codec)
        if let accumulatorBits, spec.mode != .float32 { spec.widthBits = accumulatorBits }
        return spec
    }

    /// Log fraction bits of a log codec's operands (Mitchell's split, remainder bins); 3 otherwise.
    static func logFractionBits(_ codec: HardwareFormatEntry.Codec) -> Int {
        switch codec {
        case let .scalar(f as LogNumberSystem): return f.fractionBits
        case let .block(b as BlockLogOffset): return (b.element as? LogNumberSystem)?.fractionBits ?? 3
        default: return 3
        }
    }

    /// The largest magnitude an operand can take at its scale, for the fixed-point register's
    /// binary point: the format's largest finite value in code space for a scalar format (the
    /// per-tensor scale multiplies the result), the largest block's max for a block format.
    static func operandMax(_ q: [Double], scalar: (any ScalarFormat)?) -> Double {
        if let scalar { return Quantizer(format: scalar, policy: .perTensorAbsmax).largestFinite }
        let m = q.reduce(0) { max($0, $1.magnitude) }
        return m > 0 ? m : 1
    }

    /// The magnitude a dot-product operand's absmax is scaled to. A real per-tensor scale exists to
    /// use a narrow format's range (Transformer Engine's FP8 recipe: scale = fp8_max / amax /
    /// 2^margin) and must leave the accumulator headroom — the margin: K products of two operands
    /// at the target must stay finite in a floating-point accumulator, K·t² ≤ its largest value.
    /// So t = min(the format's absmax target, the power of two at or below √(max_acc / K)). Wide
    /// formats (fp32, tf32, bf16) are therefore not scaled up to their maximum, whose products
    /// overflowed the fp32 sum; fixed-point registers place their binary point from the operands
    /// (`AccumulatorSpec`) and set no bound.
    public static func dotScaleTarget(_ format: any ScalarFormat, length k: Int, accumulators: [AccumulatorSpec]) -> Double {
        var target = format.absmaxTarget
        if accumulators.contains(where: { $0.mode == .float32 }) {
            let headroom = (Double(Float.greatestFiniteMagnitude) / Double(max(k, 1))).squareRoot()
            target = min(target, pow(2.0, log2(headroom).rounded(.down)))
        }
        return target
    }

    /// Quantised values in the format's own scale, and the scale to multiply results by.
    private func quantizeVector(_ x: [Double], scalar: (any ScalarFormat)?, block: (any BlockFormat)?, target: Double?) -> ([Double], Double) {
        if let block { return (block.quantize(x), 1) }
        let format = scalar!
        var amax = 0.0
        for v in x where v.isFinite { amax = max(amax, v.magnitude) }
        let scale = amax > 0 ? amax / (target ?? format.absmaxTarget) : 1
        return (x.map { format.decode(format.encode($0 / scale, saturate: true)) }, scale)
    }
}
