import Foundation
import SPUCore
import SPUHardware
import SPUWorkload

/// Prices a matmul op: searches spatial splits over the units and local tilings, and for each
/// computes time on every resource (compute, local SRAM, NoC, shared SRAM, off-chip), keeping
/// the lowest latency (ties broken by data moved).
struct MatmulModel {
    let geometry: DeviceGeometry
    let macArray: MACArraySpec
    let calibration: CalibrationSpec
    let options: MappingSearchOptions

    struct Outcome {
        var mapping: Mapping
        var times: BoundTimes
        var activity: ActivityCounts
        var computeCycles: Double
        var candidatesEvaluated: Int
    }

    enum Failure: Error { case unsupportedFormat(NumberFormat) }

    /// The format the MAC array runs in: the inputs' format, or the wider when they differ.
    static func macFormat(_ op: Op) -> NumberFormat {
        let a = op.inputs[0].format, b = op.inputs[1].format
        return a.storageBits >= b.storageBits ? a : b
    }

    func evaluate(_ op: Op) throws(Failure) -> Outcome {
        let g = geometry
        let kernelStart = g.kernelStartSeconds(op)
        let offchipBytesPerSecond = g.achievedOffchipBytesPerSecond(op)
        let shape = GEMMShape(op: op)
        let format = Self.macFormat(op)
        let packing = macArray.packing(format)
        guard packing > 0 else { throw .unsupportedFormat(format) }
        let rows = macArray.rows, cols = macArray.cols * packing
        let ea = op.inputs[0].format.bytesPerElement, eb = op.inputs[1].format.bytesPerElement
        let eo = op.output.format.bytesPerElement
        let aTotal = op.bytes(op.inputs[0]), bTotal = op.bytes(op.inputs[1]), outTotal = op.bytes(op.output)
        let aOff = g.isOffchip(role: op.inputs[0].role, bytes: aTotal)
        let bOff = g.isOffchip(role: op.inputs[1].role, bytes: bTotal)
        let outOff = outTotal > g.activationBudgetBytes

        // Off-chip traffic when a shared SRAM buffers the whole chip's working set: one
        // chip-level tiling, independent of the spatial split.
        var chipA = aTotal, chipB = bTotal, chipOut = outTotal
        if let shared = g.sharedCapacityBytes {
            let t = TileReuse.best(m: shape.m, n: shape.n, k: shape.k, aBytes: ea, bBytes: eb, outBytes: eo,
                                   capacityBytes: shared, arrayRows: rows, arrayCols: cols)
            let b = Double(shape.batch)
            chipA = t.aBytes * b; chipB = t.bBytes * b; chipOut = t.outputBytes * b
        }

        // Measured efficiency for this format and GEMM size (falls back to the constant fraction).
        let grouped = calibration.groupedGEMM.flatMap { op.isGroupedGEMM ? $0 : nil }
        let computeFraction = grouped?.computeFraction ?? calibration.gemmFraction(format, gflop: 2 * shape.macs / 1e9)
        let overlapExponent = grouped?.overlapExponent
        let splits = spatialCandidates(shape)
        var best: Outcome?
        var bestMoved = Double.infinity
        var evaluated = 0
        for split in splits {
            if evaluated >= options.budget { break }
            evaluated += 1
            let (pb, pm, pn, pk) = split
            let bu = SystolicArrayTiming.ceilDiv(shape.batch, pb)
            let mu = SystolicArrayTiming.ceilDiv(shape.m, pm)
            let nu = SystolicArrayTiming.ceilDiv(shape.n, pn)
            let ku = SystolicArrayTiming.ceilDiv(shape.k, pk)
            let used = Double(pb * pm * pn * pk)
            let place = g.placement(unitsUsed: pb * pm * pn * pk)
            let cycles = Double(bu) * SystolicArrayTiming.computeCycles(m: mu, n: nu, k: ku, rows: rows, cols: cols, dataflow: macArray.dataflow)
            var times = BoundTimes()
            times.compute = cycles / (g.clockHz * computeFraction)
            if let best, times.compute > best.times.latencySeconds { continue }

            // Local SRAM tiling of one unit's share (per batch element, times bu).
            let local = TileReuse.best(m: mu, n: nu, k: ku, aBytes: ea, bBytes: eb, outBytes: eo,
                                       capacityBytes: g.localCapacityBytes, arrayRows: rows, arrayCols: cols)
            let bud = Double(bu)
            let inA = local.aBytes * bud, inB = local.bBytes * bud
            let unitOut = local.outputBytes * bud           // psum spills + final writes of one unit
            let finalOut = Double(mu) * Double(nu) * eo * bud

            // Array ↔ local SRAM operand traffic (SCALE-Sim's SRAM read/write counts).
            let (arrayReads, arrayWrites) = arrayTraffic(m: mu, n: nu, k: ku, rows: rows, cols: cols, ea: ea, eb: eb, eo: eo)
            let sramReads = arrayReads * bud + unitOut
            let sramWrites = arrayWrites * bud + inA + inB
            times.sram = max(sramReads / g.localReadBytesPerSecond, sramWrites / g.localWriteBytesPerSecond)

            // NoC: operand delivery (multicast on a mesh), partial-sum reduction, output drain.
            let reduceBytes = pk > 1 ? finalOut * Double(pk - 1) / Double(pk) * 2 : 0
            let outputsLeaving = (outOff || g.sharedCapacityBytes != nil) ? used / Double(pk) * finalOut : 0
            var injected: Double, byteHops: Double, sharedBytes: Double
            if g.isCrossbar {
                injected = used * (inA + inB) + outputsLeaving
                byteHops = injected + used * reduceBytes
                sharedBytes = injected
                times.noc = ((inA + inB + finalOut) + reduceBytes) / g.linkBytesPerSecond
            } else {
                let uniqueIn = used * (inA / Double(pn) + inB / Double(pm))
                injected = uniqueIn + outputsLeaving
                let multicastHops = used * (inA * Double(pn - 1) / Double(pn) + inB * Double(pm - 1) / Double(pm))
                byteHops = injected * place.averageHopsFromEdge + multicastHops + used * reduceBytes
                sharedBytes = injected
                times.noc = max(injected / (place.edgePorts * g.linkBytesPerSecond), byteHops / (place.links * g.linkBytesPerSecond))
                    + reduceBytes / g.linkBytesPerSecond
            }
            if g.sharedCapacityBytes != nil {
                times.sram = max(times.sram, sharedBytes / g.sharedBytesPerSecond)
            }

            // Off-chip: with a shared SRAM the chip-level tiling decides; without one, every byte
            // injected into the mesh comes from (or goes to) off-chip memory.
            let offRead: Double, offWrite: Double
            if g.sharedCapacityBytes != nil {
                offRead = (aOff ? chipA : 0) + (bOff ? chipB : 0) + (outOff ? max(0, chipOut - outTotal) : 0)
                offWrite = outOff ? outTotal : 0
            } else {
                offRead = (aOff ? used * inA / Double(pn) : 0) + (bOff ? used * inB / Double(pm) : 0)
                offWrite = outOff ? outTotal : 0
            }
            times.offchip = (offRead + offWrite) / offchipBytesPerSecond
            if let p = overlapExponent {
                times.exposed = Self.unoverlapped(compute: times.compute, data: max(times.sram, times.noc, times.offchip), exponent: p)
            }

            // Not hidden by double buffering: kernel start and the first tile's latency.
            times.overhead = kernelStart + g.localLatencySeconds + place.averageHopsFromEdge * g.hopLatencySeconds
                + (offRead > 0 ? g.offchipLatencySeconds : 0) + (g.sharedCapacityBytes != nil ? g.sharedLatencySeconds : 0)

            let moved = offRead + offWrite + byteHops
            let latency = times.latencySeconds
            if let current = best {
                let currentLatency = current.times.latencySeconds
                guard latency < currentLatency * (1 - 1e-12) || (latency <= currentLatency * (1 + 1e-12) && moved < bestMoved) else { continue }
            }
            var activity = ActivityCounts()
            activity.macsByFormat[format] = shape.macs
            activity.localSRAMReadBytes = sramReads * used
            activity.localSRAMWriteBytes = sramWrites * used
            if g.sharedCapacityBytes != nil {
                activity.sharedSRAMReadBytes = sharedBytes - outputsLeaving
                activity.sharedSRAMWriteBytes = outputsLeaving + (aOff ? chipA : 0) + (bOff ? chipB : 0)
            }
            activity.offchipReadBytes = offRead
            activity.offchipWriteBytes = offWrite
            activity.nocByteHops = byteHops
            best = Outcome(mapping: Mapping(splitBatch: pb, splitM: pm, splitN: pn, splitK: pk, local: local),
                           times: times, activity: activity, computeCycles: cycles, candidatesEvaluated: 0)
            bestMoved = moved
        }
        best!.candidatesEvaluated = evaluated
        return best!
    }

    /// Time beyond max(compute, data) when the two overlap as a p-norm: (cᵖ + dᵖ)^(1/p) − max(c, d).
    static func unoverlapped(compute: Double, data: Double, exponent p: Double) -> Double {
        let longer = max(compute, data), shorter = min(compute, data)
        guard longer > 0 else { return 0 }
        return longer * (pow(1 + pow(shorter / longer, p), 1 / p) - 1)
    }

    /// Operand reads and result writes between one unit's local SRAM and its array, in bytes,
    /// following SCALE-Sim's accounting for each dataflow.
    private func arrayTraffic(m: Int, n: Int, k: Int, rows: Int, cols: Int, ea: Double, eb: Double, eo: Double) -> (Double, Double) {
        let md = Double(m), nd = Double(n), kd = Double(k)
        switch macArray.dataflow {
        case .outputStationary:
            let reads = md * kd * ea * Double(SystolicArrayTiming.ceilDiv(n, cols)) + kd * nd * eb * Double(SystolicArrayTiming.ceilDiv(m, rows))
            return (reads, md * nd * eo)
        case .weightStationary:
            let passes = Double(SystolicArrayTiming.ceilDiv(k, rows))
            let reads = kd * nd * eb + md * kd * ea * Double(SystolicArrayTiming.ceilDiv(n, cols)) + md * nd * eo * (passes - 1)
            return (reads, md * nd * eo * passes)
        case .inputStationary:
            let passes = Double(SystolicArrayTiming.ceilDiv(k, rows))
            let reads = md * kd * ea + kd * nd * eb * Double(SystolicArrayTiming.ceilDiv(m, cols)) + md * nd * eo * (passes - 1)
            return (reads, md * nd * eo * passes)
        }
    }

    /// Spatial splits (batch, m, n, k) with product ≤ units, in a fixed order (fewer K splits
    /// first). The candidate set for a chip includes every candidate of a chip with half the
    /// units, so adding units never removes a mapping.
    func spatialCandidates(_ shape: GEMMShape) -> [(Int, Int, Int, Int)] {
        let u = geometry.units
        let fb = factors(shape.batch, u), fm = factors(shape.m, u), fn = factors(shape.n, u), fk = factors(shape.k, u)
        var out: [(Int, Int, Int, Int)] = []
        out.reserveCapacity(512)
        for pk in fk {
            for pb in fb where pb * pk <= u {
                for pm in fm where pb * pk * pm <= u {
                    for pn in fn {
                        if pb * pk * pm * pn > u { break }
                        out.append((pb, pm, pn, pk))
                    }
                }
            }
        }
        return out
    }

    /// Candidate split factors for a dimension of `size` over `units`: powers of two, the size
    /// itself when it fits, and the unit count and its halvings (for meshes that are not powers
    /// of two); ascending.
    private func factors(_ size: Int, _ units: Int) -> [Int] {
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
