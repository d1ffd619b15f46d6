/// Agreement metrics between two sets of sentence embeddings (a recipe's and the fp32 reference's).
public enum SimilarityMetrics {
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i]) }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    /// Cosine similarity of every pair i < j, row-major.
    public static func pairwiseSimilarities(_ e: [[Float]]) -> [Double] {
        var out: [Double] = []
        for i in e.indices { for j in e.indices where j > i { out.append(cosine(e[i], e[j])) } }
        return out
    }

    /// Spearman rank correlation (ties get their average rank).
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        let ra = ranks(a), rb = ranks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in ra.indices { cov += (ra[i] - ma) * (rb[i] - mb); va += (ra[i] - ma) * (ra[i] - ma); vb += (rb[i] - mb) * (rb[i] - mb) }
        return va > 0 && vb > 0 ? cov / (va * vb).squareRoot() : 0
    }

    static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for t in i...j { r[order[t]] = average }
            i = j + 1
        }
        return r
    }

    /// Each sentence's nearest other sentence by cosine (first on ties).
    public static func nearestNeighbours(_ e: [[Float]]) -> [Int] {
        e.indices.map { i in
            var best = -1, bestSim = -Double.infinity
            for j in e.indices where j != i {
                let s = cosine(e[i], e[j])
                if s > bestSim { bestSim = s; best = j }
            }
            return best
        }
    }

    /// Fraction of sentences 2i, 2i+1 whose nearest neighbour is their partner (the shipped set
    /// lists paraphrase pairs on consecutive lines).
    public static func pairRecall(_ e: [[Float]]) -> Double {
        let nn = nearestNeighbours(e)
        let paired = e.count / 2 * 2
        guard paired > 0 else { return 0 }
        var hits = 0
        for i in 0..<paired where nn[i] == (i % 2 == 0 ? i + 1 : i - 1) { hits += 1 }
        return Double(hits) / Double(paired)
    }
}
