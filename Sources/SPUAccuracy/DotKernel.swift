import SPUFormats

/// The accumulator every emulated matmul sums its products with: the one place the accumulation
/// mode and width act. A bounded register is `SPUFormats.AccumulatorSpec` — the register the cost
/// model prices — with its rule for the binary point; unbounded fixed-point modes sum in binary64.
///
/// `accumulate(_:_:operandMax:)` is the definition, one dot product at a time:
/// - `.float32`: each product is rounded to fp32 and added, in order, to an fp32 sum starting at 0;
/// - `.exact` / `.remainderBinning` / `.mitchell` with a width W: `DotProduct.compute(_:_:accumulator:operandMax:)`,
///   a W-bit fixed-point register with its LSB at 2^(⌈log2(K·A·B)⌉ − (W − 1)) for operands up to A
///   and B, products rounded half to even, saturating;
/// - `.exact` / `.remainderBinning` unbounded: summed in binary64 (a wide Kulisch register);
///   `.mitchell` unbounded and `.gaussianLog`: `DotProduct.compute(_:_:mode:)`.
/// `DotKernel.matmul` runs fp32, binary64 and bounded exact (W ≤ 52) vectorised across outputs;
/// each output still sums its products in reduction order, so the results are the same bits
/// (tests check them against this definition).
public struct Accumulator: Sendable, Equatable {
    public let mode: AccumulationMode
    /// The register width; nil is unbounded (binary64 for the fixed-point modes).
    public let widthBits: Int?
    /// The grid of log-domain products (log modes only).
    public let logFractionBits: Int

    public init(mode: AccumulationMode, widthBits: Int? = nil, logFractionBits: Int = 3) {
        self.mode = mode; self.widthBits = widthBits; self.logFractionBits = logFractionBits
    }

    /// The register of `spec` (its mode and width).
    public init(_ spec: AccumulatorSpec, logFractionBits: Int = 3) {
        self.init(mode: spec.mode, widthBits: spec.mode == .float32 ? nil : spec.widthBits, logFractionBits: logFractionBits)
    }

    enum Kernel { case float32, binary64, fixedPoint, scalar }

    /// Widths the vectorised fixed-point kernel sums exactly in binary64 (|count| ≤ 2^51).
    static let vectorisedWidths = 8...52

    var kernel: Kernel {
        switch mode {
        case .float32: return .float32
        case .exact:
            guard let width = widthBits else { return .binary64 }
            return Self.vectorisedWidths.contains(width) ? .fixedPoint : .scalar
        case .remainderBinning: return widthBits == nil ? .binary64 : .scalar
        case .mitchell, .gaussianLog: return .scalar
        }
    }

    /// Σ a_t·b_t under the register, for operands whose magnitudes reach `operandMax`.
    public func accumulate(_ a: [Double], _ b: [Double], operandMax: (Double, Double)) -> Double {
        switch mode {
        case .float32:
            var acc: Float = 0
            for t in a.indices { acc += Float(a[t] * b[t]) }
            return Double(acc)
        case .exact, .remainderBinning, .mitchell:
            guard let width = widthBits else {
                if case .mitchell = mode { return DotProduct.compute(a, b, mode: mode, logFractionBits: logFractionBits) }
                var acc = 0.0
                for t in a.indices { acc += a[t] * b[t] }
                return acc
            }
            return DotProduct.compute(a, b, accumulator: AccumulatorSpec(mode: mode, widthBits: width), operandMax: operandMax,
                                      logFractionBits: logFractionBits)
        case .gaussianLog:
            return DotProduct.compute(a, b, mode: mode, logFractionBits: logFractionBits)
        }
    }
}

/// Matrix products of quantised operands under an `Accumulator`.
enum DotKernel {
    /// y[m, n] = Σ_k a[m, k] · b[n, k] (both operands with the reduction along their columns),
    /// rounded to fp32. `bTransposed` (b's values as K × N) and `bTransposedCodes` (b's codes as
    /// K × N) are used when given (cached weights).
    static func matmul(_ a: QuantizedMatrix, _ b: QuantizedMatrix, bTransposed: [Float]? = nil, bTransposedDouble: [Double]? = nil,
                       bTransposedCodes: [Double]? = nil, accumulator: Accumulator) -> [Float] {
        precondition(a.cols == b.cols)
        let m = a.rows, k = a.cols, n = b.rows
        var out = [Float](repeating: 0, count: m * n)
        switch accumulator.kernel {
        case .float32:
            let bt = bTransposed ?? b.transposedValues()
            a.values.withUnsafeBufferPointer { ap in bt.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { op in
                simdMatmul(ap.baseAddress!, m: m, k: k, bT: bp.baseAddress!, n: n, out: op.baseAddress!)
            } } }
        case .binary64:
            let ad = a.values.map(Double.init)
            let bt = bTransposedDouble ?? (bTransposed ?? b.transposedValues()).map(Double.init)
            var od = [Double](repeating: 0, count: m * n)
            ad.withUnsafeBufferPointer { ap in bt.withUnsafeBufferPointer { bp in od.withUnsafeMutableBufferPointer { op in
                simdMatmul(ap.baseAddress!, m: m, k: k, bT: bp.baseAddress!, n: n, out: op.baseAddress!)
            } } }
            for i in out.indices { out[i] = Float(od[i]) }
        case .fixedPoint:
            let width = accumulator.widthBits!
            let spec = AccumulatorSpec(mode: .exact, widthBits: width)
            let lsbExponent = spec.lsbExponent(length: k, operandMax: (a.codeMax, b.codeMax))
            let ac = a.codes.map(Double.init)
            let bt = bTransposedCodes ?? b.transposedCodes()
            var od = [Double](repeating: 0, count: m * n)
            ac.withUnsafeBufferPointer { ap in bt.withUnsafeBufferPointer { bp in od.withUnsafeMutableBufferPointer { op in
                fixedPointMatmul(ap.baseAddress!, m: m, k: k, bT: bp.baseAddress!, n: n, widthBits: width, lsbExponent: lsbExponent,
                                 operandMax: (a.codeMax, b.codeMax), out: op.baseAddress!)
            } } }
            let scale = a.tensorScale * b.tensorScale
            for i in out.indices { out[i] = Float(od[i] * scale) }
        case .scalar:
            let scale = a.tensorScale * b.tensorScale
            let operandMax = (a.codeMax, b.codeMax)
            var x = [Double](repeating: 0, count: k), y = x
            for i in 0..<m {
                for t in 0..<k { x[t] = Double(a.codes[i * k + t]) }
                for j in 0..<n {
                    for t in 0..<k { y[t] = Double(b.codes[j * k + t]) }
                    out[i * n + j] = Float(accumulator.accumulate(x, y, operandMax: operandMax) * scale)
                }
            }
        }
        return out
    }

    /// out[m × n] = Σ_t a[m, t]·bT[t, n] in a W-bit fixed-point register with its LSB at
    /// 2^lsbExponent: each product rounded to the LSB half to even, the running count clamped to
    /// [−2^(W−1), 2^(W−1) − 1] after every add — `DotProduct`'s register, in binary64, eight
    /// outputs at a time and four rows per pass. Rounding to the nearest integer, ties to even, is
    /// (v + 1.5·2^52) − 1.5·2^52 in binary64 for |v| ≤ 2^51 (here |v| ≤ 2^(W−1) ≤ 2^51), and the
    /// count stays below 2^52 in magnitude, so every step is exact.
    static func fixedPointMatmul(_ a: UnsafePointer<Double>, m: Int, k: Int, bT: UnsafePointer<Double>, n: Int, widthBits: Int,
                                 lsbExponent: Int, operandMax: (Double, Double), out: UnsafeMutablePointer<Double>) {
        precondition(Accumulator.vectorisedWidths.contains(widthBits))
        let inverseLSB = Double(sign: .plus, exponent: -lsbExponent, significand: 1)
        let top = Double(sign: .plus, exponent: widthBits - 1, significand: 1)
        // The register saturates only if K products of the largest rounded size can leave it;
        // when they cannot (the usual case: the LSB rule leaves ⌈log2 K⌉ guard bits), skip the clamp.
        let largestStep = (operandMax.0 * operandMax.1 * inverseLSB + 0x1.8p52) - 0x1.8p52
        if Double(k) * largestStep <= top - 1 {
            fixedPointMatmul(a, m: m, k: k, bT: bT, n: n, lsbExponent: lsbExponent, top: top, clamped: false, out: out)
        } else {
            fixedPointMatmul(a, m: m, k: k, bT: bT, n: n, lsbExponent: lsbExponent, top: top, clamped: true, out: out)
        }
    }

    @inline(__always)
    private static func fixedPointMatmul(_ a: UnsafePointer<Double>, m: Int, k: Int, bT: UnsafePointer<Double>, n: Int,
                                         lsbExponent: Int, top: Double, clamped: Bool, out: UnsafeMutablePointer<Double>) {
        let inverseLSB = Double(sign: .plus, exponent: -lsbExponent, significand: 1)
        let lsb = Double(sign: .plus, exponent: lsbExponent, significand: 1)
        let magic = SIMD8<Double>(repeating: 0x1.8p52)
        let hi = SIMD8<Double>(repeating: top - 1), lo = SIMD8<Double>(repeating: -top)
        @inline(__always) func load(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }
        @inline(__always) func step(_ count: SIMD8<Double>, _ product: SIMD8<Double>) -> SIMD8<Double> {
            let steps = (product + magic) - magic
            return clamped ? pointwiseMin(pointwiseMax(count + steps, lo), hi) : count + steps
        }
        // Scale the left operand once: a·2^−lsb·b is the product in LSB units (exact: a power of two).
        var row = 0
        var scaled = [Double](repeating: 0, count: 4 * k)
        while row < m {
            let rows = min(4, m - row)
            for r in 0..<rows { for t in 0..<k { scaled[r * k + t] = a[(row + r) * k + t] * inverseLSB } }
            scaled.withUnsafeBufferPointer { sp in
                let s0 = sp.baseAddress!, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k
                var n0 = 0
                @inline(__always) func store(_ c: SIMD8<Double>, _ r: Int, _ n0: Int) {
                    let result = c * lsb
                    for j in 0..<8 { out[(row + r) * n + n0 + j] = result[j] }
                }
                while n0 + 8 <= n {
                    var w = bT + n0
                    if rows == 4 {
                        var c0 = SIMD8<Double>(), c1 = c0, c2 = c0, c3 = c0
                        for t in 0..<k {
                            let wv = load(w)
                            c0 = step(c0, SIMD8(repeating: s0[t]) * wv)
                            c1 = step(c1, SIMD8(repeating: s1[t]) * wv)
                            c2 = step(c2, SIMD8(repeating: s2[t]) * wv)
                            c3 = step(c3, SIMD8(repeating: s3[t]) * wv)
                            w += n
                        }
                        store(c0, 0, n0); store(c1, 1, n0); store(c2, 2, n0); store(c3, 3, n0)
                    } else {
                        for r in 0..<rows {
                            var c = SIMD8<Double>()
                            w = bT + n0
                            let sr = s0 + r * k
                            for t in 0..<k {
                                c = step(c, SIMD8(repeating: sr[t]) * load(w))
                                w += n
                            }
                            store(c, r, n0)
                        }
                    }
                    n0 += 8
                }
                for r in 0..<rows {
                    for j in n0..<n {
                        var count = 0.0
                        for t in 0..<k {
                            let steps = (sp[r * k + t] * bT[t * n + j] + 0x1.8p52) - 0x1.8p52
                            count = min(max(count + steps, -top), top - 1)
                        }
                        out[(row + r) * n + j] = count * lsb
                    }
                }
            }
            row += rows
        }
    }

    /// out[m × n] = a[m × k] · bT[k × n], each output summed sequentially over k starting from 0
    /// (products rounded to S, then added), vectorised over 16 outputs and 4 rows at a time.
    @inline(__always)
    static func simdMatmul<S: BinaryFloatingPoint & SIMDScalar>(_ a: UnsafePointer<S>, m: Int, k: Int, bT: UnsafePointer<S>, n: Int,
                                                                out: UnsafeMutablePointer<S>) {
        @inline(__always) func load(_ p: UnsafePointer<S>) -> SIMD8<S> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<S>.self) }
        @inline(__always) func store(_ v: SIMD8<S>, _ p: UnsafeMutablePointer<S>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<S>.self) }
        var n0 = 0
        while n0 + 16 <= n {
            var row = 0
            while row + 4 <= m {
                var c00 = SIMD8<S>(), c01 = SIMD8<S>(), c10 = SIMD8<S>(), c11 = SIMD8<S>()
                var c20 = SIMD8<S>(), c21 = SIMD8<S>(), c30 = SIMD8<S>(), c31 = SIMD8<S>()
                let a0 = a + row * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k
                var w = bT + n0
                for t in 0..<k {
                    let w0 = load(w), w1 = load(w + 8)
                    let x0 = SIMD8<S>(repeating: a0[t]), x1 = SIMD8<S>(repeating: a1[t])
                    let x2 = SIMD8<S>(repeating: a2[t]), x3 = SIMD8<S>(repeating: a3[t])
                    c00 += x0 * w0; c01 += x0 * w1
                    c10 += x1 * w0; c11 += x1 * w1
                    c20 += x2 * w0; c21 += x2 * w1
                    c30 += x3 * w0; c31 += x3 * w1
                    w += n
                }
                let o = out + row * n + n0
                store(c00, o); store(c01, o + 8)
                store(c10, o + n); store(c11, o + n + 8)
                store(c20, o + 2 * n); store(c21, o + 2 * n + 8)
                store(c30, o + 3 * n); store(c31, o + 3 * n + 8)
                row += 4
            }
            while row < m {
                var c0 = SIMD8<S>(), c1 = SIMD8<S>()
                let a0 = a + row * k
                var w = bT + n0
                for t in 0..<k {
                    let x = SIMD8<S>(repeating: a0[t])
                    c0 += x * load(w); c1 += x * load(w + 8)
                    w += n
                }
                store(c0, out + row * n + n0); store(c1, out + row * n + n0 + 8)
                row += 1
            }
            n0 += 16
        }
        if n0 < n {
            for row in 0..<m {
                for j in n0..<n {
                    var acc: S = 0
                    for t in 0..<k { acc += a[row * k + t] * bT[t * n + j] }
                    out[row * n + j] = acc
                }
            }
        }
    }
}
