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
struct MatmulMappingSpace {
    let shape: GEMMShape
    /// Splits in search order (fewer K splits first; see `spatialSplits`).
    let splits: [SpatialSplit]
    let localCapacityBytes: Double
    let arrayRows: Int
    let arrayCols: Int
    let aBytes: Double, bBytes: Double, outBytes: Double

    /// - Parameters: the GEMM, the device's unit count and local SRAM capacity, the array's
    ///   rows and (packed) columns, and bytes per element of A, B and the output.
    init(shape: GEMMShape, units: Int, localCapacityBytes: Double, arrayRows: Int, arrayCols: Int,
         aBytes: Double, bBytes: Double, outBytes: Double) {
        self.shape = shape
        self.splits = Self.spatialSplits(shape, units: units)
        self.localCapacityBytes = localCapacityBytes
        self.arrayRows = arrayRows
        self.arrayCols = arrayCols
        self.aBytes = aBytes
        self.bBytes = bBytes
        self.outBytes = outBytes
    }

    /// The candidates a search with `budget` considers: the first `budget` splits.
    func budgeted(_ budget: Int) -> ArraySlice<SpatialSplit> { splits.prefix(budget) }

    /// The mapping of `split`: the split with the local tiling of one unit's share.
    func mapping(_ split: SpatialSplit) -> Mapping {
        let unit = split.share(of: shape)
        let local = TileReuse.best(m: unit.m, n: unit.n, k: unit.k, aBytes: aBytes, bBytes: bBytes, outBytes: outBytes,
                                   capacityBytes: localCapacityBytes, arrayRows: arrayRows, arrayCols: arrayCols)
        return Mapping(split: split, local: local)
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
        let limit = min(size, units)
        var values: [Int] = []
        var p = 1
        while p <= limit { values.append(p); p *= 2 }
        if size <= units, !values.contains(size) { values.append(size) }
        var part = units
        while part > 1 {
            if part <= size, !values.contains(part) { values.append(part) }
            if part % 2 != 0 { break }
            part /= 2
        }
        values.sort()
        return values
    }
}
