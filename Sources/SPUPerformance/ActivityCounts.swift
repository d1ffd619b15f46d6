import SPUCore

/// What an op (or a whole workload) did, in units an energy model can price later:
/// MACs by number format, vector ops, bytes per memory level, NoC byte-hops and chip-link bytes.
///
/// Counts are per chip and per execution unless a caller multiplies them (see `scaled(by:)`).
public struct ActivityCounts: Sendable, Equatable {
    public var macsByFormat: [NumberFormat: Double] = [:]
    public var vectorOps: Double = 0
    public var localSRAMReadBytes: Double = 0
    public var localSRAMWriteBytes: Double = 0
    public var sharedSRAMReadBytes: Double = 0
    public var sharedSRAMWriteBytes: Double = 0
    public var offchipReadBytes: Double = 0
    public var offchipWriteBytes: Double = 0
    /// Bytes times links traversed on the on-chip network.
    public var nocByteHops: Double = 0
    /// Bytes this chip sends over chip-to-chip links.
    public var chipLinkBytes: Double = 0

    public init() {}

    public var totalMACs: Double { macsByFormat.values.reduce(0, +) }

    public func scaled(by factor: Double) -> ActivityCounts {
        var out = ActivityCounts()
        out.add(self, times: factor)
        return out
    }

    /// Adds `other × factor` to these counts (the per-op accumulation of an evaluation).
    public mutating func add(_ other: ActivityCounts, times factor: Double = 1) {
        for (format, macs) in other.macsByFormat { macsByFormat[format, default: 0] += macs * factor }
        vectorOps += other.vectorOps * factor
        localSRAMReadBytes += other.localSRAMReadBytes * factor
        localSRAMWriteBytes += other.localSRAMWriteBytes * factor
        sharedSRAMReadBytes += other.sharedSRAMReadBytes * factor
        sharedSRAMWriteBytes += other.sharedSRAMWriteBytes * factor
        offchipReadBytes += other.offchipReadBytes * factor
        offchipWriteBytes += other.offchipWriteBytes * factor
        nocByteHops += other.nocByteHops * factor
        chipLinkBytes += other.chipLinkBytes * factor
    }
}

/// Time an op spends on each resource, in seconds. The op's latency is set by the largest
/// (resources overlap through double buffering) plus fixed overhead and pipeline fill.
public struct BoundTimes: Sendable, Equatable {
    public var compute: Double = 0
    public var sram: Double = 0
    public var noc: Double = 0
    public var offchip: Double = 0
    public var chiplink: Double = 0
    /// Launch overhead plus the latency of the first transfer (not hidden by double buffering).
    public var overhead: Double = 0
    /// Time the kernel fails to overlap between compute and data movement (MoE grouped GEMMs
    /// with an `overlap_exponent` p: (cᵖ + dᵖ)^(1/p) − max(c, d)); 0 for perfect overlap.
    public var exposed: Double = 0

    public init() {}

    public subscript(bound: Bound) -> Double {
        get {
            switch bound {
            case .compute: return compute
            case .sram: return sram
            case .noc: return noc
            case .offchip: return offchip
            case .chiplink: return chiplink
            case .overhead: return overhead
            }
        }
        set {
            switch bound {
            case .compute: compute = newValue
            case .sram: sram = newValue
            case .noc: noc = newValue
            case .offchip: offchip = newValue
            case .chiplink: chiplink = newValue
            case .overhead: overhead = newValue
            }
        }
    }

    /// The overlapped (steady-state) time: the slowest of the concurrent resources.
    public var steadySeconds: Double { max(compute, sram, noc, offchip, chiplink) }

    /// Latency = overhead + the slowest concurrent resource + what overlap fails to hide.
    public var latencySeconds: Double { overhead + steadySeconds + exposed }

    /// The resource that sets the latency; `overhead` when fixed costs exceed the steady state.
    public var bound: Bound {
        // `Bound.concurrentResources` in order, unrolled: the first of the largest wins.
        var best = Bound.compute
        var bestTime = compute
        if sram > bestTime { (best, bestTime) = (.sram, sram) }
        if noc > bestTime { (best, bestTime) = (.noc, noc) }
        if offchip > bestTime { (best, bestTime) = (.offchip, offchip) }
        if chiplink > bestTime { (best, bestTime) = (.chiplink, chiplink) }
        return overhead > bestTime ? .overhead : best
    }

    public func scaled(by factor: Double) -> BoundTimes {
        var out = BoundTimes()
        for b in Bound.allCases { out[b] = self[b] * factor }
        out.exposed = exposed * factor
        return out
    }
}
