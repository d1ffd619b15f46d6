import Foundation
import Testing
@testable import SPUCore
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUWorkload

@Suite struct PerformanceModelTests {
    static let designs = ["configs/gpus/a100-sxm-80gb.json", "configs/gpus/h100-sxm.json", "configs/gpus/mi300x.json",
                          "configs/chips/spu-edge-inference.json", "configs/chips/spu-datacenter.json", "configs/chips/spu-training.json"]

    static func workloads() throws -> [Workload] {
        [try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 2048),
         try Repo.transformer("llama-2-7b", phase: .prefill, batch: 2, length: 1024),
         try Repo.transformer("mixtral-8x7b", phase: .decode, batch: 16, length: 1024, tp: 4),
         try CNNGenerator.resnet50(batch: 16),
         try GEMMListImporter.load(path: Repo.path("workloads/gemms/transformer-gemms.csv"))]
    }

    /// No op runs faster than peak MACs, peak vector throughput, peak off-chip bandwidth (for the
    /// bytes that must come from off-chip memory at least once) or the chip links allow.
    @Test(arguments: designs)
    func physicalBoundsHoldForEveryOp(design: String) throws {
        let device = try Repo.device(design)
        let model = PerformanceModel(device: device)
        for workload in try Self.workloads() where workload.devices == 1 || device.chipLinks.count > 0 {
            let result = model.evaluate(workload)
            #expect(result.ops.count == workload.ops.count)
            for (op, opResult) in zip(workload.ops, result.ops) {
                let t = opResult.latencySeconds
                #expect(t > 0)
                if op.kind == .matmul {
                    let format = MatmulModel.macFormat(op)
                    #expect(t >= op.macs / device.peakMacsPerSecond(format) * (1 - 1e-9), "\(design) \(op.name) beats peak MACs")
                    for input in op.inputs where input.role != .activation {
                        #expect(opResult.activity.offchipReadBytes >= op.bytes(input) * (1 - 1e-9), "\(op.name) reads less than its weights")
                    }
                }
                let offchip = opResult.activity.offchipReadBytes + opResult.activity.offchipWriteBytes
                #expect(t >= offchip / device.memory.offchip.peakBandwidthBytesPerSecond * (1 - 1e-9), "\(design) \(op.name) beats peak bandwidth")
                if op.kind.isVector {
                    #expect(t >= opResult.activity.vectorOps / (device.compute.vectorUnit.opsPerCycle * Double(device.compute.unitCount) * device.clockHz) * (1 - 1e-9))
                }
                if op.kind.isCollective {
                    #expect(t >= opResult.activity.chipLinkBytes / device.chipLinks.totalBytesPerSecondPerDirection * (1 - 1e-9))
                }
            }
            #expect(result.macUtilization <= 1)
            let sum = result.ops.reduce(0.0) { $0 + $1.latencySeconds * Double($1.repeatCount) }
            #expect(abs(sum - result.latencySeconds) <= 1e-12 * sum)
        }
    }

    @Test func llama70BDoesNotFitOneGPUButFitsEight() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let one = PerformanceModel(device: h100).evaluate(try Repo.transformer("llama-2-70b", phase: .decode, batch: 1, length: 2048))
        #expect(!one.feasible)
        #expect(one.reason?.contains("GB per chip") == true && one.reason?.contains("h100-sxm has 80 GB of hbm3") == true, "\(one.reason ?? "")")
        let eight = PerformanceModel(device: h100).evaluate(try Repo.transformer("llama-2-70b", phase: .decode, batch: 1, length: 2048, tp: 8))
        #expect(eight.feasible && eight.reason == nil)
    }

    @Test func unsupportedFormatAndMissingLinksAreInfeasible() throws {
        let a100 = try Repo.device("configs/gpus/a100-sxm-80gb.json")
        let fp8 = PerformanceModel(device: a100).evaluate(try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128, format: .fp8E4M3))
        #expect(!fp8.feasible && fp8.reason?.contains("does not support fp8-e4m3") == true)
        #expect(fp8.latencySeconds.isNaN)
        let edge = try Repo.device("configs/chips/spu-edge-inference.json")
        let tp2 = PerformanceModel(device: edge).evaluate(try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 128, tp: 2))
        #expect(!tp2.feasible && tp2.reason?.contains("needs chip-to-chip links") == true)
    }

    /// Decode at small batch streams every weight once per step: latency ≈ weight bytes / HBM
    /// bandwidth, and the model must not be far from that roofline (within 2×).
    @Test func smallBatchDecodeIsMemoryBound() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let w = try Repo.transformer("llama-2-7b", phase: .decode, batch: 1, length: 512)
        let r = PerformanceModel(device: h100).evaluate(w)
        let roofline = (w.summary.weightBytes + w.summary.kvCacheBytes) / h100.memory.offchip.peakBandwidthBytesPerSecond
        #expect(r.latencySeconds >= roofline)
        #expect(r.latencySeconds <= 2 * roofline, "\(r.latencySeconds) vs roofline \(roofline)")
        #expect(r.bound == .offchip || r.bound == .overhead)
    }

    /// A large square GEMM on H100 runs near the calibrated fraction of peak (MAMF 80.3%).
    @Test func largeGEMMApproachesCalibratedPeak() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let w = try GEMMListImporter.parse(text: "Layer, M, N, K\nsq, 8192, 8192, 8192\n", file: "sq.csv")
        let r = PerformanceModel(device: h100).evaluate(w)
        let achieved = w.ops[0].flops / r.latencySeconds / 1e12
        #expect(achieved <= 989.4 * h100.calibration.computeFraction)
        #expect(achieved >= 0.9 * 989.4 * h100.calibration.computeFraction, "\(achieved) TFLOPS")
        #expect(r.ops[0].bound == .compute)
    }

    private func latency(_ device: DeviceSpec, _ workload: Workload) -> Double {
        PerformanceModel(device: device).evaluate(workload).latencySeconds
    }

    /// More off-chip bandwidth, more tiles, larger SRAM, faster links or a faster NoC never slow a workload down.
    @Test(arguments: ["configs/chips/spu-datacenter.json", "configs/chips/spu-edge-inference.json", "configs/gpus/h100-sxm.json"])
    func moreResourcesAreNeverSlower(design: String) throws {
        let base = try Repo.device(design)
        let isMesh: Bool
        if case .mesh = base.compute.arrangement { isMesh = true } else { isMesh = false }
        let units: [String] = isMesh ? ["compute", "mesh", "cols"] : ["compute", "units"]
        let unitCount: Double
        if case let .mesh(_, cols) = base.compute.arrangement { unitCount = Double(cols) } else { unitCount = Double(base.compute.unitCount) }
        let bandwidth = base.memory.offchip.bandwidthBytesPerSecondPerStack / 1e9
        let variants: [(String, [([String], JSONValue)])] = [
            ("2x HBM bandwidth", [(["memory", "offchip", "bandwidth_gb_per_s_per_stack"], .number(bandwidth * 2))]),
            ("more units", [(units, .number(unitCount * 2))]),
            ("more local SRAM", [(["memory", "local_sram", "capacity_kib"], .number(base.memory.localSRAM.capacityBytes / 1024 * 4))]),
            ("faster NoC", [(["noc", "link_bytes_per_cycle"], .number(base.noc.linkBytesPerCycle * 2))]),
        ]
        var workloads = try Self.workloads()
        if base.chipLinks.count == 0 { workloads.removeAll { $0.devices > 1 } }
        for workload in workloads {
            let reference = latency(base, workload)
            for (label, edits) in variants {
                let faster = latency(try JSONEdit.variant(design, edits), workload)
                #expect(faster <= reference * (1 + 1e-9), "\(design) \(workload.name): \(label) slower: \(faster) > \(reference)")
            }
        }
    }

    @Test func evaluationIsDeterministic() throws {
        let device = try Repo.device("configs/chips/spu-datacenter.json")
        let w = try Repo.transformer("llama-3-70b", phase: .prefill, batch: 1, length: 2048, tp: 4)
        let a = PerformanceModel(device: device).evaluate(w)
        let b = PerformanceModel(device: device).evaluate(w)
        #expect(a.latencySeconds == b.latencySeconds)
        #expect(a.activity == b.activity)
        #expect(a.ops.map(\.mapping) == b.ops.map(\.mapping))
    }

    @Test func mappingSearchIsBoundedAndBudgetHelps() throws {
        let device = try Repo.device("configs/chips/spu-training.json")
        let w = try GEMMListImporter.parse(text: "Layer, M, N, K\na, 3000, 5000, 7000\n", file: "g.csv")
        let tiny = PerformanceModel(device: device, options: MappingSearchOptions(budget: 1)).evaluate(w)
        let full = PerformanceModel(device: device).evaluate(w)
        #expect(tiny.ops[0].mappingCandidatesEvaluated == 1)
        #expect(full.ops[0].mappingCandidatesEvaluated <= MappingSearchOptions().budget)
        #expect(full.latencySeconds <= tiny.latencySeconds)
        #expect(full.ops[0].mapping!.unitsUsed <= device.compute.unitCount)
    }

    @Test func collectivesFollowTheRingModel() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let w = try Repo.transformer("llama-2-70b", phase: .prefill, batch: 1, length: 4096, tp: 8)
        let r = PerformanceModel(device: h100).evaluate(w)
        let op = try #require(w.ops.first { $0.name == "layers.attn_all_reduce" })
        let result = try #require(r.ops.first { $0.name == "layers.attn_all_reduce" })
        let bytes = 4096.0 * 8192 * 2
        let expected = 2 * 7.0 / 8 * bytes / (18 * 25e9 * h100.calibration.collectiveFraction(bytes: bytes))
        #expect(abs(result.times.chiplink / expected - 1) < 1e-9)
        #expect(result.times.overhead >= 14 * h100.chipLinks.latencySeconds)
        #expect(op.groupSize == 8)
    }

    /// A decode all-reduce that fits the serving stacks' peer-mapped buffer takes the low-latency
    /// kernel (its fitted fixed time plus two-shot traffic at its fitted bandwidth); forcing the ring
    /// gives NCCL's price; a message over the buffer falls back to the ring.
    @Test func smallAllReducesTakeTheLowLatencyKernel() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let spec = try #require(h100.calibration.lowLatencyAllReduce)
        func allReduce(bytes: Int, group: Int, _ algorithm: CollectiveAlgorithm) -> OpResult {
            let op = Op(name: "ar", kind: .allReduce, dims: ["x": bytes / 2], inputs: [TensorRef(dims: ["x"], format: .bf16)],
                        output: TensorRef(dims: ["x"], format: .bf16), groupSize: group, collectiveAlgorithm: algorithm)
            let w = Workload(name: "ar", phase: .other, devices: group, throughputUnit: "ops", itemsPerIteration: 1, ops: [op])
            return PerformanceModel(device: h100).evaluate(w).ops[0]
        }
        let bytes = 8192 * 2 * 8   // batch-8 decode of a d=8192 model, bf16
        let fast = allReduce(bytes: bytes, group: 8, .auto)
        let expected = spec.baseLatencySeconds + 7 * spec.perPeerLatencySeconds + 2 * 7.0 / 8 * Double(bytes) / spec.bytesPerSecond
        #expect(abs(fast.latencySeconds / expected - 1) < 1e-9)
        #expect(abs(fast.activity.chipLinkBytes - 2 * 7.0 / 8 * Double(bytes)) < 1e-6)
        let ring = allReduce(bytes: bytes, group: 8, .ring)
        #expect(ring.latencySeconds > fast.latencySeconds)
        #expect(ring.times.overhead >= 14 * h100.chipLinks.latencySeconds)
        // Over the 8 MB buffer of TP > 2 the ring is used even under `auto`; a pair has 16 MB.
        let large = 8 * 1024 * 1024
        #expect(allReduce(bytes: large, group: 8, .auto).latencySeconds == allReduce(bytes: large, group: 8, .ring).latencySeconds)
        #expect(spec.maxBytes(groupSize: 2) > Double(large) && spec.maxBytes(groupSize: 4) < Double(large))
        // Physical bound: never faster than the links' peak for the traffic it moves.
        #expect(fast.latencySeconds >= fast.activity.chipLinkBytes / h100.chipLinks.totalBytesPerSecondPerDirection)
        // A device without the kernel prices every all-reduce as a ring.
        var bare = h100
        bare.calibration.lowLatencyAllReduce = nil
        let op = Op(name: "ar", kind: .allReduce, dims: ["x": bytes / 2], inputs: [TensorRef(dims: ["x"], format: .bf16)],
                    output: TensorRef(dims: ["x"], format: .bf16), groupSize: 8)
        let w = Workload(name: "ar", phase: .other, devices: 8, throughputUnit: "ops", itemsPerIteration: 1, ops: [op])
        #expect(PerformanceModel(device: bare).evaluate(w).latencySeconds == ring.latencySeconds)
    }

    /// FP8 recipes keep the all-reduced residual stream in 16 bits.
    @Test func eightBitTransformersAllReduceIn16Bits() throws {
        let w = try Repo.transformer("llama-2-70b", phase: .decode, batch: 8, length: 1024, tp: 4, format: .fp8E4M3)
        let reduces = w.ops.filter { $0.kind.isCollective }
        #expect(!reduces.isEmpty)
        #expect(reduces.allSatisfy { $0.output.format == .bf16 && $0.inputs[0].format == .bf16 })
        #expect(w.ops.filter { $0.kind == .matmul && $0.inputs[1].role == .weight }.allSatisfy { $0.inputs[1].format == .fp8E4M3 })
    }

    /// Attention runs as one fused kernel: softmax and context pay no launch, the scores kernel pays
    /// one launch plus the attention kernel's fixed time, and KV-cache reads run at the kernel's
    /// measured bandwidth (never above peak).
    @Test func attentionIsOneFusedKernel() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let kernel = try #require(h100.calibration.attentionKernel)
        let ops = TransformerGenerator.attentionOps(batch: 64, kvHeads: 8, groups: 8, queryLength: 1, keyLength: 512, headDim: 128,
                                                    format: .fp16, kvFormat: .fp16)
        #expect(ops.map(\.fusedWithProducer) == [false, true, true])
        let w = Workload(name: "attention", phase: .decode, throughputUnit: "ops", itemsPerIteration: 1, ops: ops)
        let r = PerformanceModel(device: h100).evaluate(w)
        let launch = h100.calibration.kernelLaunchOverheadSeconds
        #expect(r.ops[0].times.overhead >= launch + kernel.fixedSeconds)
        #expect(r.ops[1].times.overhead < launch && r.ops[2].times.overhead < launch)
        let kvBytes = 2.0 * 64 * 8 * 512 * 128 * 2
        let offchip = r.ops[0].activity.offchipReadBytes + r.ops[2].activity.offchipReadBytes
        #expect(offchip >= kvBytes)
        let kvSeconds = kvBytes / (h100.memory.offchip.peakBandwidthBytesPerSecond * kernel.kvCacheBandwidthFraction)
        #expect(r.latencySeconds >= kvSeconds + launch + kernel.fixedSeconds)
        // Without the kernel calibration the same ops are faster, never slower.
        var bare = h100
        bare.calibration.attentionKernel = nil
        #expect(PerformanceModel(device: bare).evaluate(w).latencySeconds < r.latencySeconds)
    }

    /// MoE experts are grouped GEMMs: they pay the grouped kernel's fixed time, stream their
    /// weights at its measured fraction of peak, and with an overlap exponent p take
    /// (cᵖ + dᵖ)^(1/p) of compute c and data movement d; dense GEMMs keep the dense calibration.
    @Test func moeExpertsUseTheGroupedGEMMCalibration() throws {
        let h200 = try Repo.device("configs/gpus/h200.json")
        let grouped = try #require(h200.calibration.groupedGEMM)
        let ops = TransformerGenerator.expertOps(tokens: 256, hidden: 4096, intermediateShard: 7168, experts: 8, topK: 2, gated: true, format: .bf16)
        #expect(ops.map(\.isGroupedGEMM) == [true, false, true, false])
        let dense = try Repo.transformer("llama-2-7b", phase: .decode, batch: 8, length: 128)
        #expect(!dense.ops.contains { $0.isGroupedGEMM })
        let w = Workload(name: "moe", phase: .decode, throughputUnit: "tokens", itemsPerIteration: 256, ops: ops)
        let r = PerformanceModel(device: h200).evaluate(w)
        let up = r.ops[0]
        #expect(up.times.overhead >= h200.calibration.kernelLaunchOverheadSeconds + grouped.fixedSeconds)
        let weightBytes = 8.0 * 4096 * 2 * 7168 * 2
        #expect(up.times.offchip >= weightBytes / (h200.memory.offchip.peakBandwidthBytesPerSecond * grouped.offchipBandwidthFraction) * 0.999)
        let c = up.times.compute, d = max(up.times.sram, up.times.noc, up.times.offchip)
        let p = try #require(grouped.overlapExponent)
        #expect(abs(up.times.exposed - (pow(pow(c, p) + pow(d, p), 1 / p) - max(c, d))) <= 1e-12 * up.latencySeconds)
        #expect(up.latencySeconds <= up.times.overhead + c + d)
        // The dense calibration prices the same kernels faster (the measured MoE kernels are slower than dense GEMMs).
        var bare = h200
        bare.calibration.groupedGEMM = nil
        let plain = PerformanceModel(device: bare).evaluate(w)
        #expect(plain.ops[0].times.exposed == 0)
        #expect(plain.latencySeconds < r.latencySeconds)
    }

    /// GEMMs stream their operands at the measured efficiency for their size: small GEMMs reach
    /// less of peak bandwidth than large ones, and never more than peak.
    @Test func gemmStreamingEfficiencyGrowsWithSize() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        #expect(!h100.calibration.gemmOffchipEfficiency.isEmpty)
        func achievedBandwidth(_ n: Int) throws -> Double {
            let w = try GEMMListImporter.parse(text: "Layer, M, N, K\ng, 8, \(n), \(n)\n", file: "g.csv")
            let r = PerformanceModel(device: h100).evaluate(w)
            return r.activity.offchipReadBytes / r.ops[0].times.offchip
        }
        let small = try achievedBandwidth(1024), large = try achievedBandwidth(16384)
        #expect(small < large)
        #expect(large <= h100.memory.offchip.peakBandwidthBytesPerSecond)
    }
}
