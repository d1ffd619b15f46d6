/// Which operand a tiled loop nest keeps resident while it streams the others.
public enum StationaryOperand: String, Sendable, Hashable {
    /// Output tile stays; K innermost: A reloaded per N tile, B per M tile, C written once.
    case output
    /// A tile stays; N innermost: A loaded once, B per M tile, partial sums spill per K tile.
    case input
    /// B tile stays; M innermost: B loaded once, A per N tile, partial sums spill per K tile.
    case weight
}

/// Traffic into a buffer of a given capacity for a GEMM tiled at that buffer (two-level reuse
/// analysis, as in Timeloop's buffer model): bytes loaded for A and B, and output bytes moved
/// (final writes plus partial-sum spills and refills).
public struct TileTraffic: Sendable, Equatable {
    public var stationary: StationaryOperand
    public var tileM: Int
    public var tileN: Int
    public var tileK: Int
    public var aBytes: Double
    public var bBytes: Double
    public var outputBytes: Double

    public var totalBytes: Double { aBytes + bBytes + outputBytes }
}

/// Chooses tile sizes for one buffer level by closed-form greedy sizing of each of the three
/// stationary schemes and keeps the least traffic. Tiles are double buffered for A and B.
enum TileReuse {
    /// - Parameters: GEMM m×n×k, bytes per element of A, B and output, buffer capacity in bytes,
    ///   and the array's natural tile edges (a tile dimension never needs to be smaller).
    static func best(m: Int, n: Int, k: Int, aBytes ea: Double, bBytes eb: Double, outBytes eo: Double,
                     capacityBytes s: Double, arrayRows: Int, arrayCols: Int) -> TileTraffic {
        let md = Double(m), nd = Double(n), kd = Double(k)
        // Everything fits: each operand moves once.
        if fitsWhole(m: m, n: n, k: k, aBytes: ea, bBytes: eb, outBytes: eo, capacityBytes: s) {
            return whole(m: m, n: n, k: k, aBytes: ea, bBytes: eb, outBytes: eo)
        }
        var best = outputStationary(md, nd, kd, ea, eb, eo, s, arrayRows)
        let a = inputStationary(md, nd, kd, ea, eb, eo, s, arrayCols)
        if a.totalBytes < best.totalBytes { best = a }
        let w = weightStationary(md, nd, kd, ea, eb, eo, s, arrayRows)
        if w.totalBytes < best.totalBytes { best = w }
        return best
    }

    /// Whether the whole GEMM fits the buffer (A and B double buffered), so `best` is `whole`.
    @inline(__always)
    static func fitsWhole(m: Int, n: Int, k: Int, aBytes ea: Double, bBytes eb: Double, outBytes eo: Double, capacityBytes s: Double) -> Bool {
        let md = Double(m), nd = Double(n), kd = Double(k)
        return 2 * (md * kd * ea + kd * nd * eb) + md * nd * eo <= s
    }

    /// The GEMM as one tile: each operand moves once. Every tiling `best` returns moves at least
    /// these bytes of A, of B and of the output (each a multiple, by a factor of at least 1, of
    /// the same product), which makes this the least traffic of any tiling, bit for bit.
    @inline(__always)
    static func whole(m: Int, n: Int, k: Int, aBytes ea: Double, bBytes eb: Double, outBytes eo: Double) -> TileTraffic {
        let md = Double(m), nd = Double(n), kd = Double(k)
        return TileTraffic(stationary: .output, tileM: m, tileN: n, tileK: k,
                           aBytes: md * kd * ea, bBytes: kd * nd * eb, outputBytes: md * nd * eo)
    }

    /// `x.rounded(.down)`, by a conversion through Int64 for positive values below 2^52 (the
    /// same result; the library call costs more than the tiling arithmetic around it).
    @inline(__always)
    static func floor(_ x: Double) -> Double {
        if x > 0, x < 4_503_599_627_370_496 { return Double(Int64(x)) }
        return x.rounded(.down)
    }

    /// `x.rounded(.up)`, as `floor`.
    @inline(__always)
    static func ceil(_ x: Double) -> Double {
        if x > 0, x < 4_503_599_627_370_496 {
            let t = Double(Int64(x))
            return t < x ? t + 1 : t
        }
        return x.rounded(.up)
    }

    // The Int(...) conversions of tile edges below are safe: every tile edge is at most its GEMM
    // dimension, itself at most 2^62 (`WorkloadLimits.opIterationSpace` bounds the product of an
    // op's dimensions), and at least 1.

    /// Output-stationary: tk small (one array depth), square-ish tm = tn as large as fits:
    /// eo·t² + 2·tk·(ea + eb)·t ≤ S.
    private static func outputStationary(_ m: Double, _ n: Double, _ k: Double, _ ea: Double, _ eb: Double, _ eo: Double,
                                         _ s: Double, _ depth: Int) -> TileTraffic {
        let tk = min(k, Double(depth))
        let bq = 2 * tk * (ea + eb)
        let t = max(1, floor((-bq + (bq * bq + 4 * eo * s).squareRoot()) / (2 * eo)))
        var tm = min(m, t), tn = min(n, t)
        if tm < t { tn = min(n, max(1, floor((s - 2 * tk * tm * ea) / (tm * eo + 2 * tk * eb)))) }
        else if tn < t { tm = min(m, max(1, floor((s - 2 * tk * tn * eb) / (tn * eo + 2 * tk * ea)))) }
        let aTraffic = m * k * ea * ceil(n / tn)
        let bTraffic = k * n * eb * ceil(m / tm)
        return TileTraffic(stationary: .output, tileM: Int(tm), tileN: Int(tn), tileK: Int(tk),
                           aBytes: aTraffic, bBytes: bTraffic, outputBytes: m * n * eo)
    }

    /// Input(A)-stationary: tn small (one array width), A tile tm×tk as large as fits, tk = k
    /// when possible so partial sums never spill.
    private static func inputStationary(_ m: Double, _ n: Double, _ k: Double, _ ea: Double, _ eb: Double, _ eo: Double,
                                        _ s: Double, _ width: Int) -> TileTraffic {
        let (tm, tk) = stationaryTile(outer: m, k: k, stationaryBytes: ea, streamBytes: eb, eo: eo, s: s, streamTile: min(n, Double(width)))
        let kTiles = ceil(k / tk)
        return TileTraffic(stationary: .input, tileM: Int(tm), tileN: Int(min(n, Double(width))), tileK: Int(tk),
                           aBytes: m * k * ea, bBytes: k * n * eb * ceil(m / tm),
                           outputBytes: m * n * eo * (2 * kTiles - 1))
    }

    /// Weight(B)-stationary: the mirror image of input-stationary.
    private static func weightStationary(_ m: Double, _ n: Double, _ k: Double, _ ea: Double, _ eb: Double, _ eo: Double,
                                         _ s: Double, _ depth: Int) -> TileTraffic {
        let (tn, tk) = stationaryTile(outer: n, k: k, stationaryBytes: eb, streamBytes: ea, eo: eo, s: s, streamTile: min(m, Double(depth)))
        let kTiles = ceil(k / tk)
        return TileTraffic(stationary: .weight, tileM: Int(min(m, Double(depth))), tileN: Int(tn), tileK: Int(tk),
                           aBytes: m * k * ea * ceil(n / tn), bBytes: k * n * eb,
                           outputBytes: m * n * eo * (2 * kTiles - 1))
    }

    /// Sizes the stationary tile (outer × tk) given a streamed tile edge: footprint
    /// 2·(outer·tk·es + tk·stream·et) + outer·stream·eo ≤ S. Prefers tk = k.
    private static func stationaryTile(outer: Double, k: Double, stationaryBytes es: Double, streamBytes et: Double, eo: Double,
                                       s: Double, streamTile: Double) -> (Double, Double) {
        var tk = k
        var to = floor((s - 2 * tk * streamTile * et) / (2 * tk * es + streamTile * eo))
        if to >= 1 { return (min(outer, to), tk) }
        to = min(outer, 1)
        tk = max(1, floor((s - to * streamTile * eo) / (2 * (to * es + streamTile * et))))
        return (to, min(k, tk))
    }
}
