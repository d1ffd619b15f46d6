import SPUHardware

/// How a batched GEMM's dimensions are spread over the units: units along batch, M, N and K.
/// K > 1 means partial sums are reduced over the NoC.
public struct SpatialSplit: Sendable, Hashable {
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

    public var unitsUsed: Int { batch * m * n * k }

    /// One unit's share of `shape` (dimensions rounded up).
    @inline(__always)
    func share(of shape: GEMMShape) -> GEMMShape {
        GEMMShape(batch: SystolicArrayTiming.ceilDiv(shape.batch, batch), m: SystolicArrayTiming.ceilDiv(shape.m, m),
                  n: SystolicArrayTiming.ceilDiv(shape.n, n), k: SystolicArrayTiming.ceilDiv(shape.k, k))
    }
}

/// The mapping space of one matmul on one device (Timeloop's mapspace, at our size): every
/// spatial split over the units in a fixed order, each with the local-SRAM tiling of one unit's
/// share that `TileReuse` picks for it. The space only lists mappings; `MatmulCostModel` prices
/// one and `MappingSearch` chooses.
///
/// A search does not materialise the splits: it walks the factor lists of the four dimensions in
/// the order of `splits` (`withTables`, `forEachCandidate`), with one unit's share of each factor
/// and its fold counts on the array computed once per dimension instead of once per candidate,
/// in stack memory.
struct MatmulMappingSpace {
    let shape: GEMMShape
    let units: Int
    let localCapacityBytes: Double
    let arrayRows: Int
    let arrayCols: Int
    let aBytes: Double, bBytes: Double, outBytes: Double

    /// - Parameters: the GEMM, the device's unit count and local SRAM capacity, the array's
    ///   rows and (packed) columns, and bytes per element of A, B and the output.
    init(shape: GEMMShape, units: Int, localCapacityBytes: Double, arrayRows: Int, arrayCols: Int,
         aBytes: Double, bBytes: Double, outBytes: Double) {
        self.shape = shape
        self.units = units
        self.localCapacityBytes = localCapacityBytes
        self.arrayRows = arrayRows
        self.arrayCols = arrayCols
        self.aBytes = aBytes
        self.bBytes = bBytes
        self.outBytes = outBytes
    }

    /// Splits in search order (fewer K splits first; see `spatialSplits`).
    var splits: [SpatialSplit] { Self.spatialSplits(shape, units: units) }

    /// The mapping of `split`: the split with the local tiling of one unit's share.
    func mapping(_ split: SpatialSplit) -> Mapping {
        mapping(split, unit: split.share(of: shape))
    }

    /// The mapping of `split` whose unit share `unit` (`split.share(of: shape)`) is known.
    @inline(__always)
    func mapping(_ split: SpatialSplit, unit: GEMMShape) -> Mapping {
        let local = TileReuse.best(m: unit.m, n: unit.n, k: unit.k, aBytes: aBytes, bBytes: bBytes, outBytes: outBytes,
                                   capacityBytes: localCapacityBytes, arrayRows: arrayRows, arrayCols: arrayCols)
        return Mapping(split: split, local: local)
    }

    /// Whether one unit's share `unit` fits local SRAM whole (then its mapping is `wholeMapping`).
    @inline(__always)
    func fitsWhole(_ unit: GEMMShape) -> Bool {
        TileReuse.fitsWhole(m: unit.m, n: unit.n, k: unit.k, aBytes: aBytes, bBytes: bBytes, outBytes: outBytes, capacityBytes: localCapacityBytes)
    }

    /// `split` with its unit share as one tile (`TileReuse.whole`): the mapping of a share that
    /// fits whole, and otherwise the least traffic any tiling of the share has.
    @inline(__always)
    func wholeMapping(_ split: SpatialSplit, unit: GEMMShape) -> Mapping {
        Mapping(split: split, local: TileReuse.whole(m: unit.m, n: unit.n, k: unit.k, aBytes: aBytes, bBytes: bBytes, outBytes: outBytes))
    }

    /// One candidate of a walk over the space: the split, one unit's share of the GEMM and the
    /// share's fold counts on the array (`SystolicArrayTiming`): folds along the array's rows
    /// (⌈Sr/R⌉) and columns (⌈Sc/C⌉), and cycles per fold.
    struct Candidate {
        var split: SpatialSplit
        var unit: GEMMShape
        var rowFolds: Double
        var colFolds: Double
        var cyclesPerFold: Double

        /// `MatmulCostModel.computeCycles(split)`, by the same arithmetic.
        @inline(__always)
        var computeCycles: Double { Double(unit.batch) * (rowFolds * colFolds * cyclesPerFold - 1) }
    }

    /// One dimension's candidate split factors (ascending) with one unit's share of the
    /// dimension for each, and the share's fold counts along the array's rows and columns and
    /// cycles per fold when the dataflow maps the dimension there.
    struct DimensionTable {
        let count: Int
        let factors: UnsafeMutablePointer<Int>
        let shares: UnsafeMutablePointer<Int>
        let rowFolds: UnsafeMutablePointer<Double>
        let colFolds: UnsafeMutablePointer<Double>
        let cyclesPerFold: UnsafeMutablePointer<Double>
    }

    /// The tables of a walk over the space for an array of `rows` × `cols` (packed) running
    /// `dataflow`: one per dimension, valid only inside `body`.
    struct Tables {
        let batch: DimensionTable, m: DimensionTable, n: DimensionTable, k: DimensionTable
        let dataflow: Dataflow
        let units: Int

        /// The candidate with factor indices `ib`, `im`, `iN`, `ik`. Output-stationary maps
        /// (m, n, k) to (array rows, columns, stream), weight-stationary (k, n, m),
        /// input-stationary (k, m, n).
        @inline(__always)
        func candidate(_ ib: Int, _ im: Int, _ iN: Int, _ ik: Int) -> Candidate {
            let (r, c, t): (Double, Double, Double)
            switch dataflow {
            case .outputStationary: (r, c, t) = (m.rowFolds[im], n.colFolds[iN], k.cyclesPerFold[ik])
            case .weightStationary: (r, c, t) = (k.rowFolds[ik], n.colFolds[iN], m.cyclesPerFold[im])
            case .inputStationary: (r, c, t) = (k.rowFolds[ik], m.colFolds[im], n.cyclesPerFold[iN])
            }
            return Candidate(split: SpatialSplit(batch: batch.factors[ib], m: m.factors[im], n: n.factors[iN], k: k.factors[ik]),
                             unit: GEMMShape(batch: batch.shares[ib], m: m.shares[im], n: n.shares[iN], k: k.shares[ik]),
                             rowFolds: r, colFolds: c, cyclesPerFold: t)
        }
    }

    /// Most factors one dimension can have (`factors`: powers of two and halvings of the unit
    /// count, each at most 2^63, plus the size).
    static let maxFactors = 130

    /// Calls `body` with the tables of a walk for an array of `rows` × `cols` (packed) running
    /// `dataflow`, built in stack memory.
    @inline(__always)
    func withTables<R>(rows: Int, cols: Int, dataflow: Dataflow, _ body: (Tables) -> R) -> R {
        let capacity = Self.maxFactors
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 8 * capacity) { ints in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 12 * capacity) { doubles in
                let intBase = ints.baseAddress!, doubleBase = doubles.baseAddress!
                // Only the fold counts the dataflow reads are filled in.
                func table(_ slot: Int, _ size: Int, row: Bool, col: Bool, streamed: Bool) -> DimensionTable {
                    let factors = intBase + 2 * slot * capacity, shares = factors + capacity
                    let count = Self.factors(size, units, into: factors)
                    let rowFolds = doubleBase + 3 * slot * capacity, colFolds = rowFolds + capacity, perFold = colFolds + capacity
                    for i in 0..<count {
                        let share = Self.ceilDiv(size, factors[i])
                        shares[i] = share
                        if row { rowFolds[i] = Double(Self.ceilDiv(share, rows)) }
                        if col { colFolds[i] = Double(Self.ceilDiv(share, cols)) }
                        if streamed { perFold[i] = SystolicArrayTiming.cyclesPerFold(rows: rows, cols: cols, streamed: share, dataflow: dataflow) }
                    }
                    return DimensionTable(count: count, factors: factors, shares: shares, rowFolds: rowFolds, colFolds: colFolds,
                                          cyclesPerFold: perFold)
                }
                let os = dataflow == .outputStationary, ws = dataflow == .weightStationary, input = dataflow == .inputStationary
                return body(Tables(batch: table(0, shape.batch, row: false, col: false, streamed: false),
                                   m: table(1, shape.m, row: os, col: input, streamed: ws),
                                   n: table(2, shape.n, row: false, col: os || ws, streamed: input),
                                   k: table(3, shape.k, row: ws || input, col: false, streamed: os),
                                   dataflow: dataflow, units: units))
            }
        }
    }

    /// `SystolicArrayTiming.ceilDiv` (same result), with a shift for powers of two.
    @inline(__always)
    static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        b & (b - 1) == 0 ? (a + b - 1) >> b.trailingZeroBitCount : (a + b - 1) / b
    }

    /// Calls `body` with the first `budget` candidates in the order of `splits` (the loops of
    /// `spatialSplits`); returns how many it visited.
    @inline(__always)
    static func forEachCandidate(_ t: Tables, budget: Int, _ body: (Candidate) -> Void) -> Int {
        let u = t.units
        var visited = 0
        for ik in 0..<t.k.count {
            let pk = t.k.factors[ik]
            for ib in 0..<t.batch.count {
                let pbk = t.batch.factors[ib] * pk
                if pbk > u { break }
                for im in 0..<t.m.count {
                    let pbkm = pbk * t.m.factors[im]
                    if pbkm > u { break }
                    for iN in 0..<t.n.count {
                        if pbkm * t.n.factors[iN] > u { break }
                        if visited == budget { return visited }
                        visited += 1
                        body(t.candidate(ib, im, iN, ik))
                    }
                }
            }
        }
        return visited
    }

    /// Spatial splits (batch, m, n, k) with product ≤ units, in a fixed order (fewer K splits
    /// first). The candidate set for a chip includes every candidate of a chip with half the
    /// units, so adding units never removes a mapping.
    static func spatialSplits(_ shape: GEMMShape, units u: Int) -> [SpatialSplit] {
        let fb = factors(shape.batch, u), fm = factors(shape.m, u), fn = factors(shape.n, u), fk = factors(shape.k, u)
        var out: [SpatialSplit] = []
        out.reserveCapacity(512)
        for pk in fk {
            for pb in fb where pb * pk <= u {
                for pm in fm where pb * pk * pm <= u {
                    for pn in fn {
                        if pb * pk * pm * pn > u { break }
                        out.append(SpatialSplit(batch: pb, m: pm, n: pn, k: pk))
                    }
                }
            }
        }
        return out
    }

    /// Candidate split factors for a dimension of `size` over `units`: powers of two, the size
    /// itself when it fits, and the unit count and its halvings (for meshes that are not powers
    /// of two); ascending.
    static func factors(_ size: Int, _ units: Int) -> [Int] {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: maxFactors) { buffer in
            Array(buffer.prefix(factors(size, units, into: buffer.baseAddress!)))
        }
    }

    /// `factors(size, units)` written to `out` (room for `maxFactors`); returns the count.
    ///
    /// The three ascending sources (powers of two up to min(size, units); the size when it fits;
    /// the unit count's halvings down to its first odd one, those not above the size) are merged
    /// in one pass, each value written once: the sorted union without insertions.
    static func factors(_ size: Int, _ units: Int, into out: UnsafeMutablePointer<Int>) -> Int {
        // The halvings, descending (at most 63: each halves a positive Int).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { halves in
            var h = 0
            var part = units
            while part > 1 {
                if part <= size { halves[h] = part; h += 1 }
                if part % 2 != 0 { break }
                part /= 2
            }
            h -= 1   // the smallest halving left
            let limit = min(size, units)
            var p = 1, powersLeft = p <= limit
            var sizeLeft = size <= units
            var count = 0
            while true {
                var next = 0, source = 0
                if powersLeft { (next, source) = (p, 1) }
                if h >= 0, source == 0 || halves[h] < next { (next, source) = (halves[h], 2) }
                if sizeLeft, source == 0 || size < next { (next, source) = (size, 3) }
                switch source {
                case 1:
                    if p > Int.max / 2 { powersLeft = false } else { p *= 2; powersLeft = p <= limit }
                case 2: h -= 1
                case 3: sizeLeft = false
                default: return count
                }
                if count == 0 || out[count - 1] != next {
                    out[count] = next
                    count += 1
                }
            }
        }
    }
}
