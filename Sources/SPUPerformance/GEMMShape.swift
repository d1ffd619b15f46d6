import SPUWorkload

/// A matmul op reduced to batched GEMM form: C[b, m, n] = Σ_k A[b, m, k] · B[b, k, n].
///
/// Einsum letters are classified by where they appear: in both inputs and the output → batch;
/// first input and output → M; second input and output → N; anything summed away → K.
public struct GEMMShape: Sendable, Hashable {
    public var batch: Int
    public var m: Int
    public var n: Int
    public var k: Int

    public init(batch: Int = 1, m: Int, n: Int, k: Int) {
        self.batch = batch
        self.m = m
        self.n = n
        self.k = k
    }

    public init(op: Op) {
        precondition(op.inputs.count == 2, "GEMMShape needs a two-input op")
        let a = Set(op.inputs[0].dims), b = Set(op.inputs[1].dims), out = Set(op.output.dims)
        var batch = 1, m = 1, n = 1, k = 1
        for (letter, size) in op.dims {
            let inA = a.contains(letter), inB = b.contains(letter), inOut = out.contains(letter)
            switch (inA, inB, inOut) {
            case (true, true, true): batch *= size
            case (true, false, true): m *= size
            case (false, true, true): n *= size
            default: k *= size
            }
        }
        self.init(batch: batch, m: m, n: n, k: k)
    }

    public var macs: Double { Double(batch) * Double(m) * Double(n) * Double(k) }
}
