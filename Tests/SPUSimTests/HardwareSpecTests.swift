import Testing
@testable import SPUCore
@testable import SPUHardware

@Suite struct HardwareSpecTests {
    @Test func everyShippedConfigDecodesWithSources() throws {
        let files = Repo.files(in: "configs/chips") + Repo.files(in: "configs/gpus") + Repo.files(in: "configs/cpus")
        #expect(files.count >= 10)
        for file in files {
            let device = try DeviceSpec.load(path: file)
            // Every object with numbers carries a source: root, compute, local/shared/off-chip memory, noc, links,
            // calibration (and its low-latency all-reduce, attention-kernel and grouped-GEMM fits), silicon and (GPUs) price.
            let expected = 8 + (device.memory.sharedSRAM == nil ? 0 : 1) + (device.price == nil ? 0 : 1)
                + (device.calibration.lowLatencyAllReduce == nil ? 0 : 1) + (device.calibration.attentionKernel == nil ? 0 : 1)
                + (device.calibration.groupedGEMM == nil ? 0 : 1)
            #expect(device.sources.count == expected, "\(file): \(device.sources.keys.sorted())")
            #expect(device.kind == .spu || device.price != nil, "\(file): GPUs and CPUs carry a published price")
            #expect(device.sources.values.allSatisfy { $0.count > 10 }, "\(file) has a vacuous source")
        }
    }

    /// Peak dense TFLOPS and HBM figures agree with the datasheets
    /// (shared/reference/hardware-and-tco-data.md, tables 1.1 and 1.2).
    @Test(arguments: [
        ("configs/gpus/a100-sxm-80gb.json", 312.0, 80.0, 2.039),
        ("configs/gpus/h100-sxm.json", 989.4, 80.0, 3.35),
        ("configs/gpus/h200.json", 989.4, 141.0, 4.8),
        ("configs/gpus/b200.json", 2250.0, 180.0, 8.0),
        ("configs/gpus/mi300x.json", 1307.4, 192.0, 5.3),
    ])
    func gpuPeaksMatchDatasheets(file: String, bf16TFLOPS: Double, hbmGB: Double, hbmTBps: Double) throws {
        let device = try Repo.device(file)
        let tflops = 2 * device.peakMacsPerSecond(.bf16) / 1e12
        #expect(abs(tflops / bf16TFLOPS - 1) < 0.01, "\(file): \(tflops) TF")
        #expect(abs(device.memory.offchip.capacityBytes / 1e9 - hbmGB) < 0.5)
        #expect(abs(device.memory.offchip.peakBandwidthBytesPerSecond / 1e12 - hbmTBps) < 0.01)
    }

    private func decodeError(_ edits: [([String], JSONValue)], removing: [String]? = nil) -> String {
        do {
            var value = try JSONParser.parse(String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8))
            for (path, newValue) in edits { value = JSONEdit.set(newValue, at: path, in: value) }
            if let removing { value = JSONEdit.remove(removing, in: value) }
            _ = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "configs/chips/x.json")
            return "accepted"
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func rejectsBadInputWithFilePathAndRule() {
        #expect(decodeError([(["compute", "mesh", "rows"], .number(0))])
                == "configs/chips/x.json: $.compute.mesh.rows: must be an integer in \(JSONObjectReader.describe(HardwareLimits.meshSide)), got 0")
        #expect(decodeError([(["compute", "mesh", "cols"], .number(2.5))])
                == "configs/chips/x.json: $.compute.mesh.cols: must be an integer in \(JSONObjectReader.describe(HardwareLimits.meshSide)), got 2.5")
        #expect(decodeError([(["clock_hz"], .number(1e9))]).hasPrefix("configs/chips/x.json: $.clock_hz: unknown key"))
        #expect(decodeError([], removing: ["tdp_w"]) == "configs/chips/x.json: $.tdp_w: is required (a number in \(JSONObjectReader.describe(HardwareLimits.tdpWatts)))")
        #expect(decodeError([(["compute", "mac_array", "dataflow"], .string("row-stationary"))])
                .hasPrefix("configs/chips/x.json: $.compute.mac_array.dataflow: unknown value \"row-stationary\""))
        #expect(decodeError([(["compute", "mac_array", "macs_per_cycle", "fp7"], .number(4096))])
                .hasPrefix("configs/chips/x.json: $.compute.mac_array.macs_per_cycle.fp7: unknown number format \"fp7\""))
        #expect(decodeError([(["compute", "mac_array", "macs_per_cycle", "bf16"], .number(1000))])
                == "configs/chips/x.json: $.compute.mac_array.macs_per_cycle.bf16: must be a multiple of mac_array rows x cols = 1024, got 1000")
        #expect(decodeError([(["memory", "offchip", "bandwidth_gb_per_s_per_stack"], .number(-1))])
                == "configs/chips/x.json: $.memory.offchip.bandwidth_gb_per_s_per_stack: must be a number in \(JSONObjectReader.describe(HardwareLimits.bandwidthGBPerSecond)), got -1")
        #expect(decodeError([(["calibration", "compute_fraction"], .number(1.2))])
                == "configs/chips/x.json: $.calibration.compute_fraction: must be a number in [1e-06, 1], got 1.2")
        #expect(decodeError([(["noc", "topology"], .string("ring"))]).contains("$.noc.topology: unknown value \"ring\""))
        #expect(decodeError([], removing: ["memory", "offchip", "source"])
                .hasPrefix("configs/chips/x.json: $.memory.offchip.source: is required"))
        #expect(decodeError([(["compute", "units"], .number(4))])
                == "configs/chips/x.json: $.compute: must have exactly one of \"units\" (a pool of units) or \"mesh\" (rows x cols tiles)")
        let lowLatency: JSONValue = .object([("max_bytes", .number(8e6)), ("base_latency_us", .number(3.4)),
                                             ("per_peer_latency_us", .number(0.4)), ("bandwidth_gb_per_s", .number(0)), ("source", .string("test"))])
        #expect(decodeError([(["calibration", "low_latency_all_reduce"], lowLatency)])
                == "configs/chips/x.json: $.calibration.low_latency_all_reduce.bandwidth_gb_per_s: must be a number in \(JSONObjectReader.describe(HardwareLimits.bandwidthGBPerSecond)), got 0")
        let descending: JSONValue = .array([.array([.number(1e8), .number(0.8)]), .array([.number(1e6), .number(0.3)])])
        #expect(decodeError([(["calibration", "gemm_offchip_efficiency"], descending)])
                == "configs/chips/x.json: $.calibration.gemm_offchip_efficiency[1]: points must be in increasing byte order (point 1)")
        #expect(decodeError([(["calibration", "gemm_offchip_efficiency"], .array([.array([.number(1e6), .number(1.5)])]))])
                == "configs/chips/x.json: $.calibration.gemm_offchip_efficiency[0]: must be [bytes in \(JSONObjectReader.describe(HardwareLimits.calibrationBytes)), fraction in \(JSONObjectReader.describe(JSONObjectReader.fractionRange))]")
        func grouped(_ exponent: Double, source: Bool = true) -> JSONValue {
            .object([("fixed_us", .number(15)), ("offchip_bandwidth_fraction", .number(0.8)), ("compute_fraction", .number(0.6)),
                     ("overlap_exponent", .number(exponent))] + (source ? [("source", .string("test fit"))] : []))
        }
        #expect(decodeError([(["calibration", "grouped_gemm"], grouped(2))]) == "accepted")
        #expect(decodeError([(["calibration", "grouped_gemm"], grouped(0.5))])
                == "configs/chips/x.json: $.calibration.grouped_gemm.overlap_exponent: must be a number in \(JSONObjectReader.describe(HardwareLimits.overlapExponent)), got 0.5")
        #expect(decodeError([(["calibration", "grouped_gemm"], grouped(2, source: false))])
                .hasPrefix("configs/chips/x.json: $.calibration.grouped_gemm.source: is required"))
    }

    @Test func rejectsNaNAndSyntaxErrorsWithTheFileName() {
        do {
            _ = try DeviceSpec.decode(text: #"{"name": "x", "clock_ghz": NaN}"#, file: "bad.json")
            Issue.record("accepted NaN")
        } catch {
            #expect(error.description.hasPrefix("bad.json: $: invalid JSON: line 1, column 28: NaN"))
        }
    }

    @Test func contentHashIgnoresLayout() throws {
        let a = try Repo.device("configs/gpus/h100-sxm.json")
        let value = try JSONParser.parse(a.canonicalJSON)
        let b = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "copy.json")
        #expect(a.contentHash == b.contentHash)
        let c = try JSONEdit.variant("configs/gpus/h100-sxm.json", [(["tdp_w"], .number(701))])
        #expect(c.contentHash != a.contentHash)
    }
}
