import SPUCore
import SPUHardware
import SPUWorkload

/// Quantities derived once per device and operating point and reused by every op evaluation;
/// every per-second rate and latency uses the operating point's effective clock.
///
/// NoC assumptions (documented in `docs/model.md`): on a mesh or torus, off-chip memory and the
/// shared SRAM attach on the west and east edges, so data enters through 2·rows edge links and
/// travels on average `averageHopsFromEdge` links to a tile; a block shared by several tiles is
/// multicast along a row or column chain (one extra link per extra receiver). On a crossbar every
/// unit has its own port of `linkBytesPerCycle` and there is no multicast.
///
/// An op that uses fewer units than the chip has is placed on a compact sub-mesh (all rows,
/// as few columns as needed, next to the memory edges), so a larger mesh is never slower.
struct DeviceGeometry: Sendable {
    /// Where an op's units sit on the NoC: the links available to it (each direction counted;
    /// crossbar: one port per unit), the links through which data enters from memory, and the
    /// mean number of links from the memory edge to a tile.
    struct Placement {
        var links: Double
        var edgePorts: Double
        var averageHopsFromEdge: Double
    }

    let units: Int
    let clockHz: Double
    let isCrossbar: Bool
    /// Placement of ops using 1…cols columns (mesh/torus), index = columns − 1.
    private let placements: [Placement]
    /// The least `averageHopsFromEdge` of any placement (a floor under every op's overhead).
    let leastHopsFromEdge: Double
    private let meshRows: Int
    /// 1 / meshRows, for `quotient`.
    private let meshRowsReciprocal: Double
    let linkBytesPerSecond: Double
    let hopLatencySeconds: Double
    let localCapacityBytes: Double
    let localReadBytesPerSecond: Double
    let localWriteBytesPerSecond: Double
    let localLatencySeconds: Double
    let sharedCapacityBytes: Double?
    let sharedBytesPerSecond: Double
    let sharedLatencySeconds: Double
    let offchipBytesPerSecond: Double
    let peakOffchipBytesPerSecond: Double
    /// The device's measured efficiencies (GEMM streaming curve, grouped-GEMM kernel).
    let calibration: CalibrationSpec
    let offchipLatencySeconds: Double
    let launchOverheadSeconds: Double
    /// Fused attention kernels: fixed time per kernel and achieved bandwidth of KV-cache reads.
    let attentionFixedSeconds: Double
    let kvCacheOffchipBytesPerSecond: Double
    /// Activations up to this size stay on chip between producer and consumer.
    let activationBudgetBytes: Double
    let vectorOpsPerSecondPerUnit: Double
    let vectorLanesPerUnit: Double

    init(_ d: DeviceSpec, at operatingPoint: OperatingPoint = .nominal) {
        units = d.compute.unitCount
        clockHz = operatingPoint.effectiveClockHz(for: d)
        linkBytesPerSecond = d.noc.linkBytesPerCycle * clockHz
        hopLatencySeconds = d.noc.hopLatencyCycles / clockHz
        switch (d.noc.topology, d.compute.arrangement) {
        case let (.mesh, .mesh(rows, cols)), let (.torus, .mesh(rows, cols)):
            isCrossbar = false
            meshRows = rows
            meshRowsReciprocal = 1 / Double(rows)
            let torus = d.noc.topology == .torus
            placements = (1...cols).map { c in
                // At least the edge links themselves carry traffic (a 1×1 mesh has no inner links).
                Placement(links: Double(max(2 * rows, torus ? 4 * rows * c : 2 * (rows * (c - 1) + c * (rows - 1)))),
                          edgePorts: Double(2 * rows),
                          averageHopsFromEdge: Self.meanDistanceToNearestEdge(c) + 1)
            }
        default:
            isCrossbar = true
            meshRows = 1
            meshRowsReciprocal = 1
            placements = [Placement(links: Double(units), edgePorts: Double(units), averageHopsFromEdge: 1)]
        }
        leastHopsFromEdge = placements.reduce(Double.infinity) { min($0, $1.averageHopsFromEdge) }
        localCapacityBytes = d.memory.localSRAM.capacityBytes
        localReadBytesPerSecond = d.memory.localSRAM.readBytesPerCycle * clockHz
        localWriteBytesPerSecond = d.memory.localSRAM.writeBytesPerCycle * clockHz
        localLatencySeconds = d.memory.localSRAM.latencyCycles / clockHz
        if let shared = d.memory.sharedSRAM {
            sharedCapacityBytes = shared.capacityBytes
            sharedBytesPerSecond = shared.bytesPerCycle * clockHz
            sharedLatencySeconds = shared.latencyCycles / clockHz
            activationBudgetBytes = shared.capacityBytes / 2
        } else {
            sharedCapacityBytes = nil
            sharedBytesPerSecond = .infinity
            sharedLatencySeconds = 0
            activationBudgetBytes = d.memory.localSRAM.capacityBytes * Double(units) / 4
        }
        offchipBytesPerSecond = d.memory.offchip.peakBandwidthBytesPerSecond * d.calibration.offchipBandwidthFraction
        peakOffchipBytesPerSecond = d.memory.offchip.peakBandwidthBytesPerSecond
        calibration = d.calibration
        offchipLatencySeconds = d.memory.offchip.latencySeconds
        launchOverheadSeconds = d.calibration.kernelLaunchOverheadSeconds
        attentionFixedSeconds = d.calibration.attentionKernel?.fixedSeconds ?? 0
        kvCacheOffchipBytesPerSecond = d.memory.offchip.peakBandwidthBytesPerSecond
            * (d.calibration.attentionKernel?.kvCacheBandwidthFraction ?? d.calibration.offchipBandwidthFraction)
        vectorOpsPerSecondPerUnit = d.compute.vectorUnit.opsPerCycle * clockHz
        vectorLanesPerUnit = Double(d.compute.vectorUnit.lanes)
    }

    /// Fixed time an op pays before its steady state: a kernel launch unless it is fused into its
    /// producer's kernel, plus the attention kernel's fixed time for the kernel that reads a KV
    /// cache or the grouped GEMM's for MoE experts.
    func kernelStartSeconds(_ op: Op) -> Double { kernelStartSeconds(op, OpFacts(op)) }

    /// `kernelStartSeconds` of an op with its `OpFacts`.
    func kernelStartSeconds(_ op: Op, _ facts: OpFacts) -> Double {
        if op.fusedWithProducer { return 0 }
        if let grouped = calibration.groupedGEMM, facts.isGroupedGEMM { return launchOverheadSeconds + grouped.fixedSeconds }
        return launchOverheadSeconds + (facts.readsKVCache ? attentionFixedSeconds : 0)
    }

    /// Off-chip bandwidth an op achieves: KV-cache reads run in the attention kernel, MoE experts
    /// in the grouped GEMM, other matmuls in a GEMM kernel, everything else as a streaming kernel.
    func achievedOffchipBytesPerSecond(_ op: Op) -> Double { achievedOffchipBytesPerSecond(op, OpFacts(op)) }

    /// `achievedOffchipBytesPerSecond` of an op with its `OpFacts`.
    func achievedOffchipBytesPerSecond(_ op: Op, _ facts: OpFacts) -> Double {
        if facts.readsKVCache { return kvCacheOffchipBytesPerSecond }
        if let grouped = calibration.groupedGEMM, facts.isGroupedGEMM { return peakOffchipBytesPerSecond * grouped.offchipBandwidthFraction }
        guard op.kind == .matmul, !calibration.gemmOffchipEfficiency.isEmpty else { return offchipBytesPerSecond }
        let operandBytes = facts.inputBytes.reduce(facts.outputBytes, +)
        return peakOffchipBytesPerSecond * calibration.gemmOffchipFraction(bytes: operandBytes)
    }

    /// The sub-mesh an op using `unitsUsed` units occupies (crossbar: the whole chip).
    @inline(__always)
    func placement(unitsUsed: Int) -> Placement {
        if isCrossbar { return placements[0] }
        let columns = min(placements.count, max(1, Self.quotient(unitsUsed + meshRows - 1, meshRows, reciprocal: meshRowsReciprocal)))
        return placements[columns - 1]
    }

    /// a / b for 0 ≤ a and 0 < b below 2^31, exactly as integer division, by a multiplication
    /// with `reciprocal` (1 / b) and a correction of the estimate by at most one either way
    /// (the estimate is within one of the quotient there).
    @inline(__always)
    static func quotient(_ a: Int, _ b: Int, reciprocal: Double) -> Int {
        guard a >= 0, a < 1 << 31, b > 0, b < 1 << 31 else { return a / b }
        var q = Int(Double(a) * reciprocal)
        if q * b > a { q -= 1 } else if (q + 1) * b <= a { q += 1 }
        return q
    }

    /// Mean over columns 0..<cols of the distance to the nearer of the west and east edges.
    static func meanDistanceToNearestEdge(_ cols: Int) -> Double {
        var total = 0
        for c in 0..<cols { total += min(c, cols - 1 - c) }
        return Double(total) / Double(cols)
    }

    /// Whether a tensor of `bytes` with `role` must come from (or go to) off-chip memory.
    func isOffchip(role: TensorRole, bytes: Double) -> Bool {
        role != .activation || bytes > activationBudgetBytes
    }
}
