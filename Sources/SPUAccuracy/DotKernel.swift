import SPUFormats

/// The accumulator every emulated matmul sums its products with: the one place the accumulation
/// mode and width act (to be replaced by a shared accumulator spec).
///
/// `accumulate(products:lsb:)` is the definition, one dot product at a time:
/// - `.float32`: each product is rounded to fp32 and added, in order, to an fp32 sum starting at 0;
/// - `.exact` / `.remainderBinning` unbounded: summed in binary64 (stands in for the wide fixed-point
///   accumulator, as `SPUFormats.DotProduct` does);
/// - `.exact` / `.remainderBinning` with a width W: a W-bit two's-complement fixed-point register whose
///   LSB is the smallest product the operand formats can make; each product is rounded to the LSB
///   (half to even) and the sum saturates at ±(2^(W−1) − 1) LSB;
/// - `.mitchell`, `.gaussianLog`: `SPUFormats.DotProduct.compute` on the products (log-domain sums).
/// `DotKernel.matmul` runs the unbounded fp32 and binary64 cases vectorised across outputs; each
/// output still sums its products in reduction order, so the result is the same bits (tests check it).
public struct Accumulator: Sendable, Equatable {
    public let mode: AccumulationMode
    public let widthBits: Int?
    /// The grid of log-domain products (log modes only).
    public let logFractionBits: Int

    public init(mode: AccumulationMode, widthBits: Int? = nil, logFractionBits: Int = 3) {
        self.mode = mode; self.widthBits = widthBits; self.logFractionBits = logFractionBits
    }

    enum Kernel { case float32, binary64, scalar }

    var kernel: Kernel {
        switch mode {
        case .float32: return .float32
        case .exact, .remainderBinning: return widthBits == nil ? .binary64 : .scalar
        case .mitchell, .gaussianLog: return .scalar
        }
    }

    /// Σ products under the mode. `lsb` is the fixed-point LSB (bounded widths only).
    public func accumulate(products: [Double], lsb: Double = 0) -> Double {
        switch mode {
        case .float32:
            var acc: Float = 0
            for p in products { acc += Float(p) }
            return Double(acc)
        case .exact, .remainderBinning:
            guard let width = widthBits else {
                var acc = 0.0
                for p in products { acc += p }
                return acc
            }
            let limit = (Int64(1) << Int64(width - 1)) - 1
            var acc: Int64 = 0
            for p in products {
                let q = (p / lsb).rounded(.toNearestOrEven)
                let step = q >= Double(limit) ? limit : (q <= -Double(limit) ? -limit : Int64(q))
                acc = min(max(acc &+ step, -limit), limit)   // |acc|, |step| < 2^62: no wrap
            }
            return Double(acc) * lsb
        case .mitchell, .gaussianLog:
            return DotProduct.compute(products, [Double](repeating: 1, count: products.count), mode: mode, logFractionBits: logFractionBits)
        }
    }
}

/// Matrix products of quantised operands under an `Accumulator`.
enum DotKernel {
    /// y[m, n] = Σ_k a[m, k] · b[n, k] (both operands with the reduction along their columns),
    /// rounded to fp32. `bTransposed` (b's values as K × N) is used when given (cached weights).
    static func matmul(_ a: QuantizedMatrix, _ b: QuantizedMatrix, bTransposed: [Float]? = nil, bTransposedDouble: [Double]? = nil,
                       accumulator: Accumulator) -> [Float] {
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
        case .scalar:
            let scale = a.tensorScale * b.tensorScale
            let lsb = a.codeMinPositive * b.codeMinPositive
            var products = [Double](repeating: 0, count: k)
            for i in 0..<m {
                for j in 0..<n {
                    for t in 0..<k { products[t] = Double(a.codes[i * k + t]) * Double(b.codes[j * k + t]) }
                    out[i * n + j] = Float(accumulator.accumulate(products: products, lsb: lsb) * scale)
                }
            }
        }
        return out
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
