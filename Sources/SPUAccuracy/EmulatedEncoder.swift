import Foundation
import SPUFormats

/// The all-MiniLM-L6-v2 sentence-embedding forward pass (a BERT encoder, then mean pooling and L2
/// normalisation) with every matmul emulated in a recipe's formats and accumulator.
///
/// Emulated: the Q, K, V and output projections, QKᵀ, attention × V, FFN up and down. Each matmul
/// quantises its inputs (weights once, per recipe; activations per sentence) with `QuantizedMatrix`
/// and sums with the recipe's `Accumulator`; its fp32 result gets the fp32 bias.
/// Modelled assumption: everything else runs on the vector unit in fp32 — embedding lookup and
/// sums, LayerNorm (eps from config.json), the 1/√d score scale, softmax, exact-erf GELU, residual
/// adds, mean pooling and normalisation. Each sentence runs alone and unpadded, so the attention
/// mask is all ones (a padded batch with its mask computes the same).
public struct EmulatedEncoder: Sendable {
    /// The matmul inputs whose quantisation SQNR is tallied, per layer.
    public enum ActivationSite: Int, CaseIterable, Sendable {
        case qkvInput, query, key, value, probabilities, context, ffnInput, ffnHidden
        public var name: String {
            switch self {
            case .qkvInput: return "qkv_in"
            case .query: return "q"
            case .key: return "k"
            case .value: return "v"
            case .probabilities: return "probs"
            case .context: return "attn_out_in"
            case .ffnInput: return "ffn_up_in"
            case .ffnHidden: return "ffn_down_in"
            }
        }
    }

    struct PreparedWeight: Sendable {
        let name: String
        let matrix: QuantizedMatrix
        let transposed: [Float]
        let transposedDouble: [Double]?
        let transposedCodes: [Double]?
        let bias: [Float]
    }

    public let model: BertModel
    public let recipe: EmulationRecipe
    let accumulator: Accumulator
    /// Per layer: query, key, value, attention output, FFN up, FFN down.
    let weights: [[PreparedWeight]]

    public init(model: BertModel, recipe: EmulationRecipe) throws(EmulationRecipe.RecipeError) {
        try recipe.validate()
        self.model = model
        self.recipe = recipe
        let accumulator = Accumulator(mode: recipe.accumulation, widthBits: recipe.accumulatorBits, logFractionBits: recipe.logFractionBits)
        self.accumulator = accumulator
        var prepared: [[PreparedWeight]] = []
        for (i, layer) in model.layers.enumerated() {
            let named = [("query", layer.query), ("key", layer.key), ("value", layer.value), ("attn_out", layer.attentionOutput),
                         ("ffn_up", layer.intermediate), ("ffn_down", layer.output)]
            prepared.append(named.map { name, linear in
                let q = QuantizedMatrix(linear.weight, rows: linear.outputs, cols: linear.inputs, format: recipe.weights)
                let t = q.transposedValues()
                return PreparedWeight(name: "layer\(i).\(name)", matrix: q, transposed: t,
                                      transposedDouble: accumulator.kernel == .binary64 ? t.map(Double.init) : nil,
                                      transposedCodes: accumulator.kernel == .fixedPoint ? q.transposedCodes() : nil, bias: linear.bias)
            })
        }
        self.weights = prepared
    }

    /// Quantisation SQNR (dB) of each weight matrix.
    public var weightSQNR: [(name: String, db: Double)] {
        weights.flatMap { $0.map { ($0.name, sqnr($0.matrix.signal, $0.matrix.noise)) } }
    }

    /// Σx² and Σ(x − q)² of each activation site, layer-major (`layer * sites + site`).
    public struct ActivationTally: Sendable {
        public var signal: [Double]
        public var noise: [Double]
        init(count: Int) { signal = .init(repeating: 0, count: count); noise = signal }
        mutating func add(_ q: QuantizedMatrix, layer: Int, site: ActivationSite) {
            let i = layer * ActivationSite.allCases.count + site.rawValue
            signal[i] += q.signal; noise[i] += q.noise
        }
        public mutating func merge(_ other: ActivationTally) {
            for i in signal.indices { signal[i] += other.signal[i]; noise[i] += other.noise[i] }
        }
    }

    public func newTally() -> ActivationTally { ActivationTally(count: model.layers.count * ActivationSite.allCases.count) }

    /// The sentence embedding of token ids, and the activation quantisation tally of this pass.
    public func embed(ids: [Int]) -> (embedding: [Float], tally: ActivationTally) {
        let c = model.config
        let h = c.hiddenSize, heads = c.heads, d = c.headSize
        let tokens = ids.count
        var tally = newTally()
        var x = [Float](repeating: 0, count: tokens * h)
        for (t, id) in ids.enumerated() {
            let word = min(max(id, 0), c.vocabularySize - 1), position = min(t, c.maxPositions - 1)
            for j in 0..<h {
                x[t * h + j] = model.wordEmbeddings[word * h + j] + model.positionEmbeddings[position * h + j] + model.tokenTypeEmbeddings[j]
            }
        }
        layerNorm(&x, model.embeddingNorm, rows: tokens, width: h)
        let scoreScale = 1 / Float(d).squareRoot()
        for (l, layer) in model.layers.enumerated() {
            let w = weights[l]
            let input = QuantizedMatrix(x, rows: tokens, cols: h, format: recipe.activations)
            tally.add(input, layer: l, site: .qkvInput)
            let q = linear(input, w[0]), k = linear(input, w[1]), v = linear(input, w[2])
            let qq = QuantizedMatrix(q, rows: tokens, cols: h, format: recipe.activations)
            let kq = QuantizedMatrix(k, rows: tokens, cols: h, format: recipe.kv)
            let vq = QuantizedMatrix(transpose(v, rows: tokens, cols: h), rows: h, cols: tokens, format: recipe.kv)
            tally.add(qq, layer: l, site: .query); tally.add(kq, layer: l, site: .key); tally.add(vq, layer: l, site: .value)
            // Scores and softmax per head, all heads' probabilities quantised as one tensor.
            var probabilities = [Float](repeating: 0, count: heads * tokens * tokens)
            for head in 0..<heads {
                let columns = head * d..<(head + 1) * d
                var scores = DotKernel.matmul(qq.columns(columns), kq.columns(columns), accumulator: accumulator)
                for i in 0..<tokens { softmax(&scores, row: i, width: tokens, scale: scoreScale) }
                for i in scores.indices { probabilities[head * tokens * tokens + i] = scores[i] }
            }
            let pq = QuantizedMatrix(probabilities, rows: heads * tokens, cols: tokens, format: recipe.activations)
            tally.add(pq, layer: l, site: .probabilities)
            var context = [Float](repeating: 0, count: tokens * h)
            for head in 0..<heads {
                let out = DotKernel.matmul(pq.rowSlice(head * tokens..<(head + 1) * tokens), vq.rowSlice(head * d..<(head + 1) * d),
                                           accumulator: accumulator)
                for i in 0..<tokens { for j in 0..<d { context[i * h + head * d + j] = out[i * d + j] } }
            }
            let contextQ = QuantizedMatrix(context, rows: tokens, cols: h, format: recipe.activations)
            tally.add(contextQ, layer: l, site: .context)
            var attention = linear(contextQ, w[3])
            for i in attention.indices { attention[i] += x[i] }
            layerNorm(&attention, layer.attentionNorm, rows: tokens, width: h)
            x = attention
            let ffnInput = QuantizedMatrix(x, rows: tokens, cols: h, format: recipe.activations)
            tally.add(ffnInput, layer: l, site: .ffnInput)
            var hidden = linear(ffnInput, w[4])
            for i in hidden.indices { hidden[i] = gelu(hidden[i]) }
            let hiddenQ = QuantizedMatrix(hidden, rows: tokens, cols: c.intermediateSize, format: recipe.activations)
            tally.add(hiddenQ, layer: l, site: .ffnHidden)
            var out = linear(hiddenQ, w[5])
            for i in out.indices { out[i] += x[i] }
            layerNorm(&out, layer.outputNorm, rows: tokens, width: h)
            x = out
        }
        // Mean pooling over the (all unmasked) tokens, then L2 normalisation.
        var pooled = [Float](repeating: 0, count: h)
        for t in 0..<tokens { for j in 0..<h { pooled[j] += x[t * h + j] } }
        for j in 0..<h { pooled[j] /= Float(tokens) }
        if c.normalize {
            var norm: Float = 0
            for v in pooled { norm += v * v }
            let inverse = 1 / max(norm.squareRoot(), 1e-12)
            for j in 0..<h { pooled[j] *= inverse }
        }
        return (pooled, tally)
    }

    func linear(_ x: QuantizedMatrix, _ w: PreparedWeight) -> [Float] {
        var y = DotKernel.matmul(x, w.matrix, bTransposed: w.transposed, bTransposedDouble: w.transposedDouble,
                                 bTransposedCodes: w.transposedCodes, accumulator: accumulator)
        let n = w.matrix.rows
        for i in 0..<x.rows { for j in 0..<n { y[i * n + j] += w.bias[j] } }
        return y
    }

    func layerNorm(_ x: inout [Float], _ norm: BertModel.LayerNorm, rows: Int, width: Int) {
        let eps = model.config.layerNormEpsilon
        for r in 0..<rows {
            var mean: Float = 0
            for j in 0..<width { mean += x[r * width + j] }
            mean /= Float(width)
            var variance: Float = 0
            for j in 0..<width { let dv = x[r * width + j] - mean; variance += dv * dv }
            variance /= Float(width)
            let inverse = 1 / (variance + eps).squareRoot()
            for j in 0..<width { x[r * width + j] = (x[r * width + j] - mean) * inverse * norm.gain[j] + norm.bias[j] }
        }
    }

    func softmax(_ s: inout [Float], row: Int, width: Int, scale: Float) {
        var top = -Float.infinity
        for j in 0..<width { s[row * width + j] *= scale; top = max(top, s[row * width + j]) }
        var sum: Float = 0
        for j in 0..<width { let e = Foundation.exp(s[row * width + j] - top); s[row * width + j] = e; sum += e }
        for j in 0..<width { s[row * width + j] /= sum }
    }

    func gelu(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot())) }
}

func sqnr(_ signal: Double, _ noise: Double) -> Double { noise == 0 ? .infinity : 10 * log10(signal / noise) }
