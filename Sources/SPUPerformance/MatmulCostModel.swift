import Foundation
import SPUCore
import SPUHardware
import SPUWorkload

/// What one mapping of a matmul costs: time on every resource, the activity an energy model
/// prices, compute cycles of one unit's array and the bytes moved (the latency tie-break).
struct MappingCost {
    var times: BoundTimes
    var computeCycles: Double
    /// Off-chip bytes plus NoC byte-hops.
    var bytesMoved: Double
    var activity: ActivityCounts { activityParts.counts }
    fileprivate var activityParts: ActivityParts
}

/// The activity of one mapping as scalars; `ActivityCounts` (with its per-format dictionary) is
/// built only for the mapping the search keeps, or when an energy objective prices it.
fileprivate struct ActivityParts {
    var format: NumberFormat
    var macs: Double
    var localSRAMReadBytes: Double
    var localSRAMWriteBytes: Double
    var sharedSRAMReadBytes: Double
    var sharedSRAMWriteBytes: Double
    var offchipReadBytes: Double
    var offchipWriteBytes: Double
    var nocByteHops: Double

    var counts: ActivityCounts {
        var a = ActivityCounts()
        a.macsByFormat[format] = macs
        a.localSRAMReadBytes = localSRAMReadBytes
        a.localSRAMWriteBytes = localSRAMWriteBytes
        a.sharedSRAMReadBytes = sharedSRAMReadBytes
        a.sharedSRAMWriteBytes = sharedSRAMWriteBytes
        a.offchipReadBytes = offchipReadBytes
        a.offchipWriteBytes = offchipWriteBytes
        a.nocByteHops = nocByteHops
        return a
    }
}

/// The cost function of the mapper: prices ONE mapping of one matmul on one device at one
/// operating point (the geometry carries the effective clock). Pure: the same mapping always
/// costs the same. Equations: `docs/model.md`, "Matmul ops".
///
/// Everything that does not depend on the mapping (operand sizes, which operands live off chip,
/// the chip-level tiling through a shared SRAM, the measured compute efficiency) is derived once
/// per op in `init`.
struct MatmulCostModel {
    let geometry: DeviceGeometry
    let shape: GEMMShape
    let format: NumberFormat
    let dataflow: Dataflow
    /// The array's rows and columns (columns times the format's packing).
    let rows: Int, cols: Int
    let ea: Double, eb: Double, eo: Double
    let outTotal: Double
    let aOff: Bool, bOff: Bool, outOff: Bool
    /// Off-chip operand bytes when a shared SRAM buffers the chip's working set.
    let chipA: Double, chipB: Double, chipOut: Double
    let computeFraction: Double
    let overlapExponent: Double?
    let kernelStart: Double
    let offchipBytesPerSecond: Double
    /// With a shared SRAM, the off-chip time of every mapping (the chip-level tiling decides the
    /// traffic); nil without one.
    let sharedOffchipSeconds: Double?
    /// With a shared SRAM, the off-chip latency term of every mapping's overhead (0 without off-chip reads).
    let sharedOffchipLatency: Double
    /// A floor under the overhead term of every latency lower bound (`latencyLowerBound`) and of
    /// every latency (`overheadSeconds`): the same sum at the placement nearest the memory edge
    /// (`DeviceGeometry.leastHopsFromEdge`), without the off-chip latency unless a shared SRAM
    /// fixes it for every mapping. Rounding is monotonic, so no mapping's overhead is below it;
    /// -infinity (no floor) where the hop or off-chip latency is negative or the floor is not a
    /// finite non-negative number.
    let overheadFloor: Double

    init(op: Op, shape: GEMMShape, format: NumberFormat, geometry g: DeviceGeometry, macArray: MACArraySpec,
         calibration: CalibrationSpec, packing: Int) {
        self.init(op: op, facts: OpFacts(op), shape: shape, format: format, geometry: g, macArray: macArray, calibration: calibration,
                  packing: packing)
    }

    /// `facts` are the op's `OpFacts` (its workload's).
    init(op: Op, facts: OpFacts, shape: GEMMShape, format: NumberFormat, geometry g: DeviceGeometry, macArray: MACArraySpec,
         calibration: CalibrationSpec, packing: Int) {
        geometry = g
        self.shape = shape
        self.format = format
        dataflow = macArray.dataflow
        rows = macArray.rows
        cols = macArray.cols * packing
        ea = op.inputs[0].format.bytesPerElement
        eb = op.inputs[1].format.bytesPerElement
        eo = op.output.format.bytesPerElement
        let aTotal = facts.inputBytes[0], bTotal = facts.inputBytes[1]
        outTotal = facts.outputBytes
        aOff = g.isOffchip(role: op.inputs[0].role, bytes: aTotal)
        bOff = g.isOffchip(role: op.inputs[1].role, bytes: bTotal)
        outOff = outTotal > g.activationBudgetBytes
        kernelStart = g.kernelStartSeconds(op, facts)
        offchipBytesPerSecond = g.achievedOffchipBytesPerSecond(op, facts)

        // Off-chip traffic when a shared SRAM buffers the whole chip's working set: one
        // chip-level tiling, independent of the spatial split.
        if let shared = g.sharedCapacityBytes {
            let t = TileReuse.best(m: shape.m, n: shape.n, k: shape.k, aBytes: ea, bBytes: eb, outBytes: eo,
                                   capacityBytes: shared, arrayRows: rows, arrayCols: cols)
            let b = Double(shape.batch)
            chipA = t.aBytes * b; chipB = t.bBytes * b; chipOut = t.outputBytes * b
        } else {
            chipA = aTotal; chipB = bTotal; chipOut = outTotal
        }
        if g.sharedCapacityBytes != nil {
            // As `cost` computes it.
            let offRead = (aOff ? chipA : 0) + (bOff ? chipB : 0) + (outOff ? max(0, chipOut - outTotal) : 0)
            let offWrite = outOff ? outTotal : 0
            sharedOffchipSeconds = (offRead + offWrite) / offchipBytesPerSecond
            sharedOffchipLatency = offRead > 0 ? g.offchipLatencySeconds : 0
        } else {
            sharedOffchipSeconds = nil
            sharedOffchipLatency = 0
        }
        let floor = g.sharedCapacityBytes != nil
            ? kernelStart + g.localLatencySeconds + g.leastHopsFromEdge * g.hopLatencySeconds + sharedOffchipLatency + g.sharedLatencySeconds
            : kernelStart + g.localLatencySeconds + g.leastHopsFromEdge * g.hopLatencySeconds
        overheadFloor = g.hopLatencySeconds >= 0 && g.offchipLatencySeconds >= 0 && floor >= 0 && floor < .infinity ? floor : -.infinity

        // Measured efficiency for this format and GEMM size (falls back to the constant fraction).
        let grouped = calibration.groupedGEMM.flatMap { facts.isGroupedGEMM ? $0 : nil }
        computeFraction = grouped?.computeFraction ?? calibration.gemmFraction(format, gflop: 2 * shape.macs / 1e9)
        overlapExponent = grouped?.overlapExponent
        reciprocals = (1 / (g.clockHz * computeFraction), 1 / g.localReadBytesPerSecond, 1 / g.localWriteBytesPerSecond,
                       1 / offchipBytesPerSecond)
    }

    /// Cycles one unit's array is busy with its share under `split`.
    @inline(__always)
    func computeCycles(_ split: SpatialSplit) -> Double {
        let unit = split.share(of: shape)
        return Double(unit.batch) * SystolicArrayTiming.computeCycles(m: unit.m, n: unit.n, k: unit.k, rows: rows, cols: cols, dataflow: dataflow)
    }

    /// Compute time of `split`: a lower bound on its latency (the latency search prunes with it).
    @inline(__always)
    func computeSeconds(cycles: Double) -> Double { cycles / (geometry.clockHz * computeFraction) }

    /// A lower bound on the latency `cost` reports for any mapping with the candidate's split,
    /// whatever its local tiling: overhead plus the larger of compute and off-chip time, each
    /// computed by the same floating-point operations as in `cost`. With a shared SRAM the
    /// off-chip traffic does not depend on the mapping and is exact; without one, each unit's
    /// operands are counted once (`TileReuse` moves every operand at least once, so its traffic
    /// is at least that, bit for bit). Rounding is monotonic, so the bound never exceeds the
    /// reported latency (unless unoverlapped time is added: callers skip grouped GEMMs with an
    /// overlap exponent).
    @inline(__always)
    func latencyLowerBound(_ candidate: MatmulMappingSpace.Candidate, computeSeconds compute: Double) -> Double {
        let split = candidate.split
        if let sharedOffchipSeconds {
            return sharedLatencyLowerBound(unitsUsed: split.unitsUsed, computeSeconds: compute, offchipSeconds: sharedOffchipSeconds)
        }
        let unit = candidate.unit
        let used = Double(split.unitsUsed), bud = Double(unit.batch)
        let inA = Double(unit.m) * Double(unit.k) * ea * bud, inB = Double(unit.k) * Double(unit.n) * eb * bud
        let offRead = (aOff ? used * inA / Double(split.n) : 0) + (bOff ? used * inB / Double(split.m) : 0)
        let offchip = (offRead + (outOff ? outTotal : 0)) / offchipBytesPerSecond
        let place = geometry.placement(unitsUsed: split.unitsUsed)
        let overhead = kernelStart + geometry.localLatencySeconds + place.averageHopsFromEdge * geometry.hopLatencySeconds
            + (offRead > 0 ? geometry.offchipLatencySeconds : 0) + 0
        return overhead + max(compute, offchip)
    }

    /// `latencyLowerBound` with a shared SRAM (`offchipSeconds` is `sharedOffchipSeconds`).
    @inline(__always)
    func sharedLatencyLowerBound(unitsUsed: Int, computeSeconds compute: Double, offchipSeconds offchip: Double) -> Double {
        let place = geometry.placement(unitsUsed: unitsUsed)
        let overhead = kernelStart + geometry.localLatencySeconds + place.averageHopsFromEdge * geometry.hopLatencySeconds
            + sharedOffchipLatency + geometry.sharedLatencySeconds
        return overhead + max(compute, offchip)
    }

    /// The cost of `mapping`.
    func cost(of mapping: Mapping) -> MappingCost {
        cost(of: mapping, computeCycles: computeCycles(mapping.split))
    }

    /// The cost of `mapping` whose compute cycles are already known.
    func cost(of mapping: Mapping, computeCycles cycles: Double) -> MappingCost {
        let unit = mapping.split.share(of: shape)
        let (rowFolds, colFolds) = Self.folds(m: unit.m, n: unit.n, k: unit.k, rows: rows, cols: cols, dataflow: dataflow)
        return cost(of: mapping, computeCycles: cycles, unit: unit, rowFolds: rowFolds, colFolds: colFolds)
    }

    /// The cost of the mapping of a search candidate (its unit share and fold counts known).
    @inline(__always)
    func cost(of mapping: Mapping, computeCycles cycles: Double, candidate: MatmulMappingSpace.Candidate) -> MappingCost {
        cost(of: mapping, computeCycles: cycles, unit: candidate.unit, rowFolds: candidate.rowFolds, colFolds: candidate.colFolds)
    }

    /// The latency and bytes moved of `cost(of: mapping, computeCycles: cycles, candidate: candidate)`
    /// (what the latency search compares), without building the rest; nil, before pricing the NoC,
    /// when the latency is certainly above `limit` (callers pass infinity for grouped GEMMs with
    /// an overlap exponent, whose unoverlapped time these bounds do not cover).
    func latencyAndBytes(of mapping: Mapping, computeCycles cycles: Double, candidate: MatmulMappingSpace.Candidate,
                         rejectingAbove limit: Double) -> (Double, Double)? {
        var t = baseTraffic(of: mapping, unit: candidate.unit, rowFolds: candidate.rowFolds, colFolds: candidate.colFolds)
        if limit < .infinity, lowerBoundBeforeNoC(t, computeCycles: cycles) > limit { return nil }
        addNoCTraffic(to: &t)
        let times = times(t, compute: computeSeconds(cycles: cycles))
        return (times.latencySeconds, t.offRead + t.offWrite + byteHops(t))
    }

    /// Latency is overhead + the slowest resource: compute, local SRAM (which only grows when the
    /// shared SRAM joins it) and off-chip time bound it from below. Each is taken here by a
    /// multiplication nudged down by far more than rounding, never above the quotient `cost`
    /// computes, so neither is the sum. (Not for grouped GEMMs with an overlap exponent.)
    @inline(__always)
    private func lowerBoundBeforeNoC(_ t: Traffic, computeCycles cycles: Double) -> Double {
        let offchip = sharedOffchipSeconds ?? (t.offRead + t.offWrite) * reciprocals.offchip
        let slowest = max(cycles * reciprocals.compute, t.sramReads * reciprocals.localRead, t.sramWrites * reciprocals.localWrite, offchip)
        return overheadSeconds(t) + slowest * (1 - 1e-12)
    }

    /// The lower bound on the latency of `mapping` that `latencyAndBytes` compares with its limit
    /// before it prices the NoC (it returns nil when the bound is above the limit).
    func latencyLowerBoundBeforeNoC(of mapping: Mapping, computeCycles cycles: Double, candidate: MatmulMappingSpace.Candidate) -> Double {
        lowerBoundBeforeNoC(baseTraffic(of: mapping, unit: candidate.unit, rowFolds: candidate.rowFolds, colFolds: candidate.colFolds),
                            computeCycles: cycles)
    }

    /// What `cost` derives from a mapping before any time: bytes per resource and the placement
    /// (`baseTraffic`, then the NoC's with `addNoCTraffic`).
    struct Traffic {
        var used: Double
        var place: DeviceGeometry.Placement
        var inA: Double, inB: Double, finalOut: Double
        var sramReads: Double, sramWrites: Double
        var pm: Int, pn: Int, pk: Int
        var offRead: Double, offWrite: Double
        var reduceBytes = 0.0
        var outputsLeaving = 0.0
        var uniqueIn = 0.0   // mesh: each operand byte once; crossbar: every unit's
        var multicastHops = 0.0   // mesh only

        var injected: Double { uniqueIn + outputsLeaving }
    }

    /// Reciprocals of the rates `cost` divides by, for the lower bounds of `latencyAndBytes`.
    let reciprocals: (compute: Double, localRead: Double, localWrite: Double, offchip: Double)

    /// The local SRAM and off-chip traffic of `mapping`, given one unit's share `unit` of the
    /// GEMM and its fold counts on the array (`folds`).
    @inline(__always)
    private func baseTraffic(of mapping: Mapping, unit: GEMMShape, rowFolds: Double, colFolds: Double) -> Traffic {
        let split = mapping.split, local = mapping.local
        let (pm, pn, pk) = (split.m, split.n, split.k)
        let used = Double(split.unitsUsed)
        let place = geometry.placement(unitsUsed: split.unitsUsed)

        // Local SRAM traffic of one unit's share (per batch element, times bu).
        let bud = Double(unit.batch)
        let inA = local.aBytes * bud, inB = local.bBytes * bud
        let unitOut = local.outputBytes * bud           // psum spills + final writes of one unit
        let finalOut = Double(unit.m) * Double(unit.n) * eo * bud

        // Array ↔ local SRAM operand traffic (SCALE-Sim's SRAM read/write counts).
        let (arrayReads, arrayWrites) = Self.arrayTraffic(m: unit.m, n: unit.n, k: unit.k, rowFolds: rowFolds, colFolds: colFolds,
                                                          ea: ea, eb: eb, eo: eo, dataflow: dataflow)
        let sramReads = arrayReads * bud + unitOut
        let sramWrites = arrayWrites * bud + inA + inB

        // Off-chip: with a shared SRAM the chip-level tiling decides; without one, every byte
        // injected into the mesh comes from (or goes to) off-chip memory.
        let offRead: Double, offWrite: Double
        if geometry.sharedCapacityBytes != nil {
            offRead = (aOff ? chipA : 0) + (bOff ? chipB : 0) + (outOff ? max(0, chipOut - outTotal) : 0)
            offWrite = outOff ? outTotal : 0
        } else {
            offRead = (aOff ? used * inA / Double(pn) : 0) + (bOff ? used * inB / Double(pm) : 0)
            offWrite = outOff ? outTotal : 0
        }
        return Traffic(used: used, place: place, inA: inA, inB: inB, finalOut: finalOut, sramReads: sramReads, sramWrites: sramWrites,
                       pm: pm, pn: pn, pk: pk, offRead: offRead, offWrite: offWrite)
    }

    /// NoC: operand delivery (multicast on a mesh), partial-sum reduction, output drain.
    @inline(__always)
    private func addNoCTraffic(to t: inout Traffic) {
        t.reduceBytes = Self.reductionBytes(finalOutputBytes: t.finalOut, splitK: t.pk)
        t.outputsLeaving = (outOff || geometry.sharedCapacityBytes != nil) ? t.used / Double(t.pk) * t.finalOut : 0
        if geometry.isCrossbar {
            t.uniqueIn = t.used * (t.inA + t.inB)
        } else {
            t.uniqueIn = t.used * (t.inA / Double(t.pn) + t.inB / Double(t.pm))
            t.multicastHops = t.used * (t.inA * Double(t.pn - 1) / Double(t.pn) + t.inB * Double(t.pm - 1) / Double(t.pm))
        }
    }

    /// The traffic of `mapping` (`baseTraffic` and `addNoCTraffic`).
    @inline(__always)
    private func traffic(of mapping: Mapping, unit: GEMMShape, rowFolds: Double, colFolds: Double) -> Traffic {
        var t = baseTraffic(of: mapping, unit: unit, rowFolds: rowFolds, colFolds: colFolds)
        addNoCTraffic(to: &t)
        return t
    }

    /// Not hidden by double buffering: kernel start and the first tile's latency.
    @inline(__always)
    private func overheadSeconds(_ t: Traffic) -> Double {
        kernelStart + geometry.localLatencySeconds + t.place.averageHopsFromEdge * geometry.hopLatencySeconds
            + (t.offRead > 0 ? geometry.offchipLatencySeconds : 0) + (geometry.sharedCapacityBytes != nil ? geometry.sharedLatencySeconds : 0)
    }

    /// NoC byte-hops of `t`.
    @inline(__always)
    private func byteHops(_ t: Traffic) -> Double {
        geometry.isCrossbar ? t.injected + t.used * t.reduceBytes
            : t.injected * t.place.averageHopsFromEdge + t.multicastHops + t.used * t.reduceBytes
    }

    /// Time on every resource of traffic `t` whose compute time is `compute`.
    @inline(__always)
    private func times(_ t: Traffic, compute: Double) -> BoundTimes {
        var times = BoundTimes()
        times.compute = compute
        times.sram = max(t.sramReads / geometry.localReadBytesPerSecond, t.sramWrites / geometry.localWriteBytesPerSecond)
        let injected = t.injected
        if geometry.isCrossbar {
            times.noc = ((t.inA + t.inB + t.finalOut) + t.reduceBytes) / geometry.linkBytesPerSecond
        } else {
            times.noc = max(injected / (t.place.edgePorts * geometry.linkBytesPerSecond), byteHops(t) / (t.place.links * geometry.linkBytesPerSecond))
                + t.reduceBytes / geometry.linkBytesPerSecond
        }
        let sharedBytes = injected
        if geometry.sharedCapacityBytes != nil {
            times.sram = max(times.sram, sharedBytes / geometry.sharedBytesPerSecond)
        }
        // With a shared SRAM, the same quotient computed once per op.
        times.offchip = sharedOffchipSeconds ?? (t.offRead + t.offWrite) / offchipBytesPerSecond
        if let p = overlapExponent {
            times.exposed = Self.unoverlapped(compute: times.compute, data: max(times.sram, times.noc, times.offchip), exponent: p)
        }
        times.overhead = overheadSeconds(t)
        return times
    }

    /// The cost of `mapping`, given one unit's share `unit` of the GEMM and its fold counts on
    /// the array (`folds`).
    private func cost(of mapping: Mapping, computeCycles cycles: Double, unit: GEMMShape, rowFolds: Double, colFolds: Double) -> MappingCost {
        let t = traffic(of: mapping, unit: unit, rowFolds: rowFolds, colFolds: colFolds)
        let times = times(t, compute: computeSeconds(cycles: cycles))
        let byteHops = byteHops(t)
        let sharedBytes = t.injected
        let hasShared = geometry.sharedCapacityBytes != nil
        let activity = ActivityParts(
            format: format, macs: shape.macs,
            localSRAMReadBytes: t.sramReads * t.used, localSRAMWriteBytes: t.sramWrites * t.used,
            sharedSRAMReadBytes: hasShared ? sharedBytes - t.outputsLeaving : 0,
            sharedSRAMWriteBytes: hasShared ? t.outputsLeaving + (aOff ? chipA : 0) + (bOff ? chipB : 0) : 0,
            offchipReadBytes: t.offRead, offchipWriteBytes: t.offWrite, nocByteHops: byteHops)
        return MappingCost(times: times, computeCycles: cycles, bytesMoved: t.offRead + t.offWrite + byteHops, activityParts: activity)
    }

    /// Bytes one unit sends and receives to reduce partial sums split `splitK` ways: each of the
    /// pk units reduces a 1/pk slice of the output (reduce-scatter) and shares it back, 2(pk−1)/pk
    /// of one unit's output in all; 0 without a K split.
    @inline(__always)
    static func reductionBytes(finalOutputBytes: Double, splitK pk: Int) -> Double {
        pk > 1 ? finalOutputBytes * Double(pk - 1) / Double(pk) * 2 : 0
    }

    /// Time beyond max(compute, data) when the two overlap as a p-norm: (cᵖ + dᵖ)^(1/p) − max(c, d).
    static func unoverlapped(compute: Double, data: Double, exponent p: Double) -> Double {
        let longer = max(compute, data), shorter = min(compute, data)
        guard longer > 0 else { return 0 }
        return longer * (pow(1 + pow(shorter / longer, p), 1 / p) - 1)
    }

    /// Operand reads and result writes between one unit's local SRAM and its array, in bytes,
    /// following SCALE-Sim's accounting for each dataflow.
    static func arrayTraffic(m: Int, n: Int, k: Int, rows: Int, cols: Int, ea: Double, eb: Double, eo: Double,
                             dataflow: Dataflow) -> (reads: Double, writes: Double) {
        let (rowFolds, colFolds) = folds(m: m, n: n, k: k, rows: rows, cols: cols, dataflow: dataflow)
        return arrayTraffic(m: m, n: n, k: k, rowFolds: rowFolds, colFolds: colFolds, ea: ea, eb: eb, eo: eo, dataflow: dataflow)
    }

    /// Folds of an m×n×k GEMM on the array (`SystolicArrayTiming`): ⌈Sr/R⌉ and ⌈Sc/C⌉ of the
    /// dimensions the dataflow maps to its rows and columns.
    static func folds(m: Int, n: Int, k: Int, rows: Int, cols: Int, dataflow: Dataflow) -> (rows: Double, cols: Double) {
        switch dataflow {
        case .outputStationary: return (Double(SystolicArrayTiming.ceilDiv(m, rows)), Double(SystolicArrayTiming.ceilDiv(n, cols)))
        case .weightStationary: return (Double(SystolicArrayTiming.ceilDiv(k, rows)), Double(SystolicArrayTiming.ceilDiv(n, cols)))
        case .inputStationary: return (Double(SystolicArrayTiming.ceilDiv(k, rows)), Double(SystolicArrayTiming.ceilDiv(m, cols)))
        }
    }

    /// `arrayTraffic` with the fold counts of `folds` known (output-stationary: ⌈m/R⌉, ⌈n/C⌉;
    /// weight-stationary: ⌈k/R⌉ passes, ⌈n/C⌉; input-stationary: ⌈k/R⌉ passes, ⌈m/C⌉).
    @inline(__always)
    static func arrayTraffic(m: Int, n: Int, k: Int, rowFolds: Double, colFolds: Double, ea: Double, eb: Double, eo: Double,
                             dataflow: Dataflow) -> (reads: Double, writes: Double) {
        let md = Double(m), nd = Double(n), kd = Double(k)
        switch dataflow {
        case .outputStationary:
            let reads = md * kd * ea * colFolds + kd * nd * eb * rowFolds
            return (reads, md * nd * eo)
        case .weightStationary:
            let passes = rowFolds
            let reads = kd * nd * eb + md * kd * ea * colFolds + md * nd * eo * (passes - 1)
            return (reads, md * nd * eo * passes)
        case .inputStationary:
            let passes = rowFolds
            let reads = md * kd * ea + kd * nd * eb * colFolds + md * nd * eo * (passes - 1)
            return (reads, md * nd * eo * passes)
        }
    }
}
