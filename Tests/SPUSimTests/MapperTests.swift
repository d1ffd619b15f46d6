import Foundation
import Testing
@testable import SPUCore
@testable import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

/// The parts of the matmul mapper one at a time: the tiling of the mapping space, the device
/// geometry, the SCALE-Sim traffic functions and the cost of a single mapping.
@Suite struct MapperTests {
    /// A one-op trace: one GEMM (M, N, K).
    static func gemmTrace(_ m: Int, _ n: Int, _ k: Int) throws -> Workload {
        try GEMMListImporter.parse(text: "Layer, M, N, K\ng, \(m), \(n), \(k)\n", file: "g.csv")
    }

    static func gemm(_ m: Int, _ n: Int, _ k: Int) throws -> Op { try gemmTrace(m, n, k).ops[0] }

    // MARK: tiling (TileReuse)

    @Test func tilingThatFitsMovesEachOperandOnce() {
        let t = TileReuse.best(m: 64, n: 32, k: 16, aBytes: 2, bBytes: 1, outBytes: 4, capacityBytes: 1_048_576, arrayRows: 8, arrayCols: 8)
        #expect(t.aBytes == 64 * 16 * 2)
        #expect(t.bBytes == 16 * 32 * 1)
        #expect(t.outputBytes == 64 * 32 * 4)
        #expect((t.tileM, t.tileN, t.tileK) == (64, 32, 16))
    }

    @Test func tilingTrafficIsAtLeastCompulsoryAndNeverGrowsWithCapacity() {
        for (m, n, k) in [(512, 512, 512), (4096, 128, 1024), (1, 8192, 8192), (3000, 5000, 7000)] {
            let compulsory = (a: Double(m * k * 2), b: Double(k * n * 2), out: Double(m * n * 2))
            var previous = Double.infinity
            for capacity in stride(from: 14.0, through: 26.0, by: 0.5).map({ pow(2, $0) }) {
                let t = TileReuse.best(m: m, n: n, k: k, aBytes: 2, bBytes: 2, outBytes: 2, capacityBytes: capacity, arrayRows: 32, arrayCols: 32)
                #expect(t.aBytes >= compulsory.a && t.bBytes >= compulsory.b && t.outputBytes >= compulsory.out,
                        "\(m)x\(n)x\(k) at \(capacity) B moves less than each operand once")
                #expect(t.totalBytes <= previous * (1 + 1e-12), "\(m)x\(n)x\(k): traffic grew from \(previous) to \(t.totalBytes) at \(capacity) B")
                previous = t.totalBytes
            }
        }
    }

    // MARK: geometry (DeviceGeometry)

    @Test func meanDistanceToNearestEdgeByHand() {
        // Columns 0…c−1; distance to the nearer of column 0 and column c−1.
        #expect(DeviceGeometry.meanDistanceToNearestEdge(1) == 0)
        #expect(DeviceGeometry.meanDistanceToNearestEdge(2) == 0)
        #expect(DeviceGeometry.meanDistanceToNearestEdge(3) == 1.0 / 3)        // 0 1 0
        #expect(DeviceGeometry.meanDistanceToNearestEdge(4) == 0.5)            // 0 1 1 0
        #expect(DeviceGeometry.meanDistanceToNearestEdge(5) == 0.8)            // 0 1 2 1 0
    }

    @Test(arguments: ["mesh", "torus"])
    func moreColumnsNeverFewerLinks(topology: String) throws {
        let device = try JSONEdit.variant("configs/chips/spu-datacenter.json", [(["noc", "topology"], .string(topology))])
        let g = DeviceGeometry(device)
        guard case let .mesh(rows, cols) = device.compute.arrangement else { Issue.record("not a mesh"); return }
        var previous = 0.0
        for c in 1...cols {
            let place = g.placement(unitsUsed: rows * c)
            #expect(place.links >= previous, "\(topology): \(c) columns have \(place.links) links, \(c - 1) had \(previous)")
            #expect(place.edgePorts == Double(2 * rows))
            #expect(place.averageHopsFromEdge == DeviceGeometry.meanDistanceToNearestEdge(c) + 1)
            previous = place.links
        }
        // A partial column takes the whole column: the placement of rows·c + 1 units is that of c + 1 columns.
        if cols > 1 { #expect(g.placement(unitsUsed: rows + 1).links == g.placement(unitsUsed: 2 * rows).links) }
    }

    @Test func operatingPointScalesEveryClockedRate() throws {
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let nominal = DeviceGeometry(device), half = DeviceGeometry(device, at: OperatingPoint(clockScale: 0.5))
        #expect(half.clockHz == nominal.clockHz / 2)
        #expect(half.linkBytesPerSecond == nominal.linkBytesPerSecond / 2)
        #expect(half.localReadBytesPerSecond == nominal.localReadBytesPerSecond / 2)
        #expect(half.hopLatencySeconds == nominal.hopLatencySeconds * 2)
        #expect(half.offchipBytesPerSecond == nominal.offchipBytesPerSecond)   // off-chip bandwidth is not clocked by the chip
    }

    // MARK: traffic functions (SCALE-Sim array ↔ SRAM accounting)

    /// m = 6, n = 4, k = 5 on a 2 × 2 array, 1-, 2- and 4-byte A, B and output: ⌈n/C⌉ = 2,
    /// ⌈m/R⌉ = ⌈m/C⌉ = 3, ⌈k/R⌉ = 3 passes; A = 30 B, B = 40 B, output = 96 B.
    @Test func arrayTrafficPerDataflowByHand() {
        func traffic(_ dataflow: Dataflow) -> (reads: Double, writes: Double) {
            MatmulCostModel.arrayTraffic(m: 6, n: 4, k: 5, rows: 2, cols: 2, ea: 1, eb: 2, eo: 4, dataflow: dataflow)
        }
        // Output-stationary: A read ⌈n/C⌉ times, B ⌈m/R⌉ times, outputs written once.
        let os = traffic(.outputStationary)
        #expect(os.reads == 180 && os.writes == 96)                 // 30·2 + 40·3
        // Weight-stationary: B once, A ⌈n/C⌉ times, partial sums re-read (passes − 1) and written per pass.
        let ws = traffic(.weightStationary)
        #expect(ws.reads == 292 && ws.writes == 288)                // 40 + 30·2 + 96·2; 96·3
        // Input-stationary: A once, B ⌈m/C⌉ times, partial sums as weight-stationary.
        let inputStationary = traffic(.inputStationary)
        #expect(inputStationary.reads == 342 && inputStationary.writes == 288)   // 30 + 40·3 + 96·2; 96·3
    }

    @Test func reductionBytesOfAKSplit() {
        #expect(MatmulCostModel.reductionBytes(finalOutputBytes: 1000, splitK: 1) == 0)
        #expect(MatmulCostModel.reductionBytes(finalOutputBytes: 1000, splitK: 2) == 1000)
        #expect(MatmulCostModel.reductionBytes(finalOutputBytes: 1000, splitK: 4) == 1500)
    }

    // MARK: the cost of one mapping

    static func costModel(_ device: DeviceSpec, _ op: Op, at point: OperatingPoint = .nominal) -> (MatmulCostModel, MatmulMappingSpace) {
        let geometry = DeviceGeometry(device, at: point)
        let shape = GEMMShape(op: op)
        let format = MatmulModel.macFormat(op)
        let cost = MatmulCostModel(op: op, shape: shape, format: format, geometry: geometry, macArray: device.compute.macArray,
                                   calibration: device.calibration, packing: device.compute.macArray.packing(format))
        let space = MatmulMappingSpace(shape: shape, units: geometry.units, localCapacityBytes: geometry.localCapacityBytes,
                                       arrayRows: cost.rows, arrayCols: cost.cols, aBytes: cost.ea, bBytes: cost.eb, outBytes: cost.eo)
        return (cost, space)
    }

    @Test func doublingTheClockHalvesComputeTimeOfAMapping() throws {
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let op = try Self.gemm(2048, 4096, 1024)
        let (slow, space) = Self.costModel(device, op)
        let (fast, _) = Self.costModel(device, op, at: OperatingPoint(clockScale: 2))
        for split in space.splits.prefix(64) {
            let mapping = space.mapping(split)
            let a = slow.cost(of: mapping), b = fast.cost(of: mapping)
            #expect(b.times.compute == a.times.compute / 2)
            #expect(b.computeCycles == a.computeCycles)
            #expect(b.activity == a.activity)               // activity does not depend on the clock
        }
    }

    @Test func aKSplitAddsNoCReductionTraffic() throws {
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let op = try Self.gemm(256, 256, 8192)
        let (cost, space) = Self.costModel(device, op)
        let whole = space.mapping(SpatialSplit(m: 2, n: 2, k: 1)), split = space.mapping(SpatialSplit(m: 2, n: 2, k: 4))
        let a = cost.cost(of: whole), b = cost.cost(of: split)
        // Each of the 16 units reduces 2·3/4 of its 128×128 output share (bf16 accumulators: output format bytes).
        let unitOutput = 128.0 * 128 * op.output.format.bytesPerElement
        let reduction = MatmulCostModel.reductionBytes(finalOutputBytes: unitOutput, splitK: 4)
        #expect(reduction > 0)
        #expect(b.activity.nocByteHops >= 16 * reduction)
        #expect(a.times.compute > b.times.compute)      // four times the units on the same work
        #expect(b.times.noc >= reduction / DeviceGeometry(device).linkBytesPerSecond)
    }

    @Test func costOfTheChosenMappingIsWhatTheModelReports() throws {
        let device = try Repo.device("configs/chips/spu-training.json")
        let trace = try Self.gemmTrace(3000, 5000, 7000)
        let op = trace.ops[0]
        let result = PerformanceModel(device: device).evaluate(trace)
        let (cost, _) = Self.costModel(device, op)
        let priced = cost.cost(of: result.ops[0].mapping!)
        #expect(priced.times == result.ops[0].times)
        #expect(priced.activity == result.ops[0].activity)
        #expect(priced.computeCycles == result.ops[0].computeCycles)
    }
}
