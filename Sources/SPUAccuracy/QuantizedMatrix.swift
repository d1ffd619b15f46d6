import SPUFormats

/// A matrix quantised bit-exactly into a number format, rows × cols with the reduction dimension
/// along the columns (each row is one dot-product operand).
///
/// Scalar formats use one per-tensor absmax scale, as `Quantizer(.perTensorAbsmax)` in
/// `SPUFormats/Scaling.swift`: s = max|x| / (format's largest finite value), code = format value
/// nearest x / s (saturating), dequantised value = code · s. Block formats (MX) quantise each row in
/// blocks of `blockSize` (32) consecutive elements along the reduction dimension with the format's
/// own shared scale; their scale is a power of two, so `codes` holds the dequantised values and
/// `tensorScale` is 1. A nil format keeps the fp32 values.
struct QuantizedMatrix: Sendable {
    let rows: Int
    let cols: Int
    /// Dequantised values (code · scale, rounded to fp32), row-major.
    let values: [Float]
    /// Values in the format's own domain (x / s quantised), row-major; equal to `values` when
    /// `tensorScale` is 1.
    let codes: [Float]
    let tensorScale: Double
    /// Largest magnitude of `codes` (the format's largest value for absmax-scaled scalar formats):
    /// the operand bound `AccumulatorSpec` places a fixed-point register's binary point by.
    let codeMax: Double
    /// Σx² and Σ(x − q)² over the tensor (for its SQNR).
    let signal: Double
    let noise: Double

    init(rows: Int, cols: Int, values: [Float], codes: [Float], tensorScale: Double, codeMax: Double? = nil, signal: Double, noise: Double) {
        self.rows = rows; self.cols = cols; self.values = values; self.codes = codes
        self.tensorScale = tensorScale; self.signal = signal; self.noise = noise
        self.codeMax = codeMax ?? codes.reduce(0) { Swift.max($0, Double($1.magnitude)) }
    }

    init(_ data: [Float], rows: Int, cols: Int, format: HardwareFormat?) {
        precondition(data.count == rows * cols)
        guard let format else {
            var signal = 0.0
            for x in data { signal += Double(x) * Double(x) }
            self.init(rows: rows, cols: cols, values: data, codes: data, tensorScale: 1, signal: signal, noise: 0)
            return
        }
        switch format.codec {
        case let .scalar(scalar):
            let quantizer = Quantizer(format: scalar, policy: .perTensorAbsmax)
            var amax = 0.0
            for x in data where x.isFinite { amax = max(amax, Double(x.magnitude)) }
            let scale = amax > 0 ? amax / quantizer.formatMax : 1
            var codes = [Float](repeating: 0, count: data.count)
            var values = [Float](repeating: 0, count: data.count)
            var signal = 0.0, noise = 0.0
            for i in data.indices {
                let x = Double(data[i])
                let code = scalar.decode(scalar.encode(x / scale, saturate: true))
                let q = code * scale
                codes[i] = Float(code)
                values[i] = Float(q)
                signal += x * x
                noise += (x - q) * (x - q)
            }
            self.init(rows: rows, cols: cols, values: values, codes: codes, tensorScale: scale, signal: signal, noise: noise)
        case let .block(block):
            var values = [Float](repeating: 0, count: data.count)
            var signal = 0.0, noise = 0.0
            var slice = [Double](repeating: 0, count: block.blockSize)
            for r in 0..<rows {
                var start = 0
                while start < cols {
                    let end = min(start + block.blockSize, cols)
                    let n = end - start
                    for j in 0..<n { slice[j] = Double(data[r * cols + start + j]) }
                    let q = block.quantizeBlock(slice[0..<n]).values
                    for j in 0..<n {
                        let x = slice[j]
                        values[r * cols + start + j] = Float(q[j])
                        signal += x * x
                        noise += (x - q[j]) * (x - q[j])
                    }
                    start = end
                }
            }
            self.init(rows: rows, cols: cols, values: values, codes: values, tensorScale: 1, signal: signal, noise: noise)
        }
    }

    /// Columns `range` of every row (a head's slice), keeping the scale.
    func columns(_ range: Range<Int>) -> QuantizedMatrix {
        let width = range.count
        var v = [Float](repeating: 0, count: rows * width), c = v
        for r in 0..<rows {
            for j in 0..<width { v[r * width + j] = values[r * cols + range.lowerBound + j]; c[r * width + j] = codes[r * cols + range.lowerBound + j] }
        }
        return QuantizedMatrix(rows: rows, cols: width, values: v, codes: c, tensorScale: tensorScale, codeMax: codeMax, signal: 0, noise: 0)
    }

    /// Rows `range` (one head's block of rows), keeping the scale.
    func rowSlice(_ range: Range<Int>) -> QuantizedMatrix {
        QuantizedMatrix(rows: range.count, cols: cols, values: Array(values[range.lowerBound * cols..<range.upperBound * cols]),
                        codes: Array(codes[range.lowerBound * cols..<range.upperBound * cols]), tensorScale: tensorScale,
                        codeMax: codeMax, signal: 0, noise: 0)
    }

    /// The codes transposed to cols × rows, in binary64 (the fixed-point kernel's layout).
    func transposedCodes() -> [Double] {
        var out = [Double](repeating: 0, count: codes.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = Double(codes[r * cols + c]) } }
        return out
    }

    /// The dequantised values transposed to cols × rows (reduction dimension as rows), the layout
    /// the vectorised kernels read.
    func transposedValues() -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = values[r * cols + c] } }
        return out
    }
}

/// Transposes a rows × cols row-major matrix.
func transpose(_ x: [Float], rows: Int, cols: Int) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = x[r * cols + c] } }
    return out
}
