import Foundation
import Testing
@testable import SPUCore
import SPUCost
@testable import SPUHardware
@testable import SPUPerformance
@testable import SPUSimCLI
@testable import SPUValidation
@testable import SPUWorkload

/// Server CPUs as a device kind (`DeviceSpec.Kind.cpu`, `configs/cpus/`): the shipped files
/// decode with their datasheet arithmetic, run through the same performance model as GPUs, and
/// bad CPU input is refused with the file, JSON path and rule.
@Suite struct CPUDeviceTests {
    static let epyc = "configs/cpus/epyc-9654.json"
    static let xeon = "configs/cpus/xeon-8480p.json"

    @Test func shippedCPUsDecodeWithSources() throws {
        let files = Repo.files(in: "configs/cpus")
        #expect(files.count >= 2)
        for file in files {
            let device = try DeviceSpec.load(path: file)
            #expect(device.kind == .cpu)
            // root, compute, local, shared, off-chip, noc, links, calibration, silicon, price.
            #expect(device.sources.count == 10, "\(file): \(device.sources.keys.sorted())")
            #expect(device.sources.values.allSatisfy { $0.count > 10 }, "\(file) has a vacuous source")
            #expect(device.memory.offchip.type == .ddr5)
            #expect(device.price?.policy == .list && device.silicon.publishedDieAreaMM2 != nil)
        }
    }

    /// Peaks are the datasheet arithmetic at the base clock: cores × MACs per core per cycle ×
    /// 2 FLOP × GHz, and DDR bandwidth = channels × MT/s × 8 bytes.
    @Test(arguments: [
        // EPYC 9654: 96 cores × 2 × 256-bit FMA pipes (16 fp32 FMA) × 2.4 GHz; 12 × DDR5-4800.
        (epyc, NumberFormat.fp32, 96.0 * 16 * 2 * 2.4e9, 12.0 * 4800e6 * 8),
        (epyc, NumberFormat.bf16, 96.0 * 32 * 2 * 2.4e9, 12.0 * 4800e6 * 8),
        // Xeon 8480+: AMX 1024 BF16 FLOP (512 MACs) per core per cycle, 2 × 512-bit FMA for fp32; 8 × DDR5-4800.
        (xeon, NumberFormat.bf16, 56.0 * 1024 * 2.0e9, 8.0 * 4800e6 * 8),
        (xeon, NumberFormat.int8, 56.0 * 2048 * 2.0e9, 8.0 * 4800e6 * 8),
        (xeon, NumberFormat.fp32, 56.0 * 64 * 2.0e9, 8.0 * 4800e6 * 8),
    ])
    func peaksEqualDatasheetArithmetic(file: String, format: NumberFormat, flops: Double, bytesPerSecond: Double) throws {
        let device = try Repo.device(file)
        #expect(abs(2 * device.peakMacsPerSecond(format) / flops - 1) < 1e-12, "\(file) \(format)")
        #expect(abs(device.memory.offchip.peakBandwidthBytesPerSecond / bytesPerSecond - 1) < 1e-12)
        #expect(device.peakMacsPerSecond(.fp8E4M3) == 0)   // no FP8 on either CPU
    }

    /// A large BF16 GEMM takes longer on either CPU than on an H100, by at least the ratio of
    /// their calibrated peaks' order of magnitude (H100 989 TF vs ≤ 115 TF).
    @Test func cpuGEMMIsSlowerThanH100() throws {
        let h100 = try Repo.device("configs/gpus/h100-sxm.json")
        let op = ModelValidation.gemmOp(m: 8192, n: 8192, k: 8192, format: .bf16)
        let gpu = ModelValidation.microbenchmark(h100, [op], timing: .kernel)
        for file in [Self.epyc, Self.xeon] {
            let cpu = ModelValidation.microbenchmark(try Repo.device(file), [op], timing: .kernel)
            #expect(cpu > 5 * gpu, "\(file): \(cpu) s vs H100 \(gpu) s")
            // and never faster than the CPU's own peak allows
            let device = try Repo.device(file)
            #expect(cpu >= 8192.0 * 8192 * 8192 / device.peakMacsPerSecond(.bf16))
        }
    }

    /// STREAM triad on a CPU runs at its DDR peak × the calibrated fraction (the arrays stream
    /// from DRAM; compute, caches and fabric are not the bound).
    @Test(arguments: [epyc, xeon])
    func streamRunsAtDDRPeakTimesFraction(file: String) throws {
        let device = try Repo.device(file)
        let bytes = 4e9
        let seconds = ModelValidation.microbenchmark(device, [ModelValidation.streamOp(kernel: "triad", bytesPerArray: bytes)], timing: .kernel)
        let achieved = 3 * bytes / seconds
        let expected = device.memory.offchip.peakBandwidthBytesPerSecond * device.calibration.offchipBandwidthFraction
        #expect(achieved <= expected * (1 + 1e-9))
        #expect(achieved > expected * 0.99, "\(file): \(achieved / 1e9) GB/s vs \(expected / 1e9)")
    }

    /// A CPU's area breakdown adds up to its published die area (the compute overhead is the
    /// residual, as no area model is fitted on CPU cores), and a die-area case refuses a CPU.
    @Test func cpuAreaIsThePublishedAreaItemised() throws {
        let inputs = try CostModelTests.inputs()
        for file in [Self.epyc, Self.xeon] {
            let device = try Repo.device(file)
            let e = try DesignEvaluator(device: device, inputs: inputs)
            let published = try #require(device.silicon.publishedDieAreaMM2)
            #expect(abs(e.area.totalMM2 / published - 1) < 1e-9, "\(file): \(e.area.totalMM2)")
            #expect(e.area.computeOverheadMM2 > 0)
            #expect(e.silicon.packaging.buildable, "\(file): \(e.silicon.packaging.reasons)")
            #expect(e.silicon.priceUSD == device.price?.defaultUSD)
            #expect(throws: ConfigError.self) { _ = try ModelValidation.modelledDieAreaMM2(device, file: "x.json", inputs: inputs) }
        }
    }

    private func cpuError(_ edits: [([String], JSONValue)], removing: [String]? = nil) -> String {
        do {
            var value = try JSONParser.parse(String(contentsOfFile: Repo.path(Self.epyc), encoding: .utf8))
            for (path, newValue) in edits { value = JSONEdit.set(newValue, at: path, in: value) }
            if let removing { value = JSONEdit.remove(removing, in: value) }
            _ = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "configs/cpus/x.json")
            return "accepted"
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func badCPUInputNamesFilePathAndRule() {
        #expect(cpuError([]) == "accepted")
        let mesh: JSONValue = .object([("rows", .number(8)), ("cols", .number(12))])
        #expect(cpuError([(["compute", "mesh"], mesh)], removing: ["compute", "units"])
                .hasPrefix("configs/cpus/x.json: $.compute.mesh: a CPU's cores are a pool"))
        #expect(cpuError([(["memory", "offchip", "stacks"], .number(0))])
                == "configs/cpus/x.json: $.memory.offchip.stacks: must be an integer in \(JSONObjectReader.describe(HardwareLimits.memoryStacks)), got 0")
        #expect(cpuError([], removing: ["silicon", "published_die_area_mm2"])
                .hasPrefix("configs/cpus/x.json: $.silicon: a CPU needs silicon.published_die_area_mm2"))
        #expect(cpuError([], removing: ["price"]).hasPrefix("configs/cpus/x.json: $.price: a CPU needs a price object with policy \"list\""))
        #expect(cpuError([(["kind"], .string("cpus"))]).hasPrefix("configs/cpus/x.json: $.kind: unknown value \"cpus\""))
    }

    @Test func badCPUFileExitsTwo() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var value = try JSONParser.parse(String(contentsOfFile: Repo.path(Self.xeon), encoding: .utf8))
        value = JSONEdit.set(.number(0), at: ["memory", "offchip", "stacks"], in: value)
        let bad = dir.appendingPathComponent("cpu.json").path
        try JSONWriter.pretty(value).write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(CLI.run(["validate", bad]) == 2)
        #expect(CLI.run(["validate", Repo.path(Self.xeon)]) == 0)
    }
}
