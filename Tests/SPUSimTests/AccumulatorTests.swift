import Testing
@testable import SPUCore
@testable import SPUFormats
@testable import SPUHardware

/// The accumulator register: what the cost model prices is what the dot-product emulation sums in
/// (issue 15), and the numerics study's scaling bugs stay fixed.
@Suite struct AccumulatorTests {
    /// fp32, tf32 and bf16 with fp32 accumulation printed no SNR: vectors scaled to the format's
    /// maximum overflowed the fp32 sum. Scaled with accumulator headroom, every format has a
    /// finite SNR at its representation limit.
    @Test func wideFloatsHaveAFiniteDotProductSNR() throws {
        let rows = try NumericsStudy(formats: ["fp32", "tf32", "bf16"]).dotProducts(length: 1024, trials: 64)
        for row in rows { #expect(row.snrDB.isFinite, "\(row.format) \(row.accumulation)") }
        func snr(_ format: String, _ mode: String) -> Double { rows.first { $0.format == format && $0.accumulation == mode }!.snrDB }
        // bf16 (8 significand bits) ~53 dB, tf32 (11) ~71 dB (256 trials: 53.1, 71.4); fp32 with an
        // fp32 sum is limited by the sum's rounding (126 dB against 149 unbounded).
        #expect(abs(snr("bf16", "fp32") - 53.1) < 1.5, "bf16 \(snr("bf16", "fp32"))")
        // Three more significand bits: ~18 dB more.
        #expect(abs(snr("tf32", "fp32") - snr("bf16", "fp32") - 18.1) < 3, "tf32 \(snr("tf32", "fp32"))")
        #expect(snr("fp32", "fp32") > 120 && snr("fp32", "exact") > snr("fp32", "fp32"))
        // The headroom rule: K·t² stays below fp32's maximum.
        let t = NumericsStudy.dotScaleTarget(MiniFloat.fp32, length: 1024, accumulators: [.fp32])
        #expect(1024 * t * t <= Double(Float.greatestFiniteMagnitude))
        #expect(NumericsStudy.dotScaleTarget(MiniFloat.fp8E4M3, length: 1024, accumulators: [.fp32]) == 448)
    }

    /// posit16-es1 scored exactly as posit8-es1: absmax scaling put the data at maxpos, in the
    /// tapered end where both have the same few codes. Posits are scaled to useed.
    @Test func posit16IsMoreAccurateThanPosit8() throws {
        let data = Distribution.gaussian.samples(count: 1 << 14, seed: 3)
        let rows = try NumericsStudy(formats: ["posit8-es1", "posit16-es1"]).quantization(data)
        #expect(rows[1].metrics.sqnrDB > rows[0].metrics.sqnrDB + 40, "\(rows.map(\.metrics.sqnrDB))")
        #expect(rows[0].metrics.sqnrDB > 30)   // near its MSE-optimal 37.5 dB, far from the 7.3 dB at maxpos
        let dots = try NumericsStudy(formats: ["posit8-es1", "posit16-es1"]).dotProducts(length: 256, trials: 16)
        let p8 = dots.first { $0.format == "posit8-es1" && $0.priced }!, p16 = dots.first { $0.format == "posit16-es1" && $0.priced }!
        #expect(p16.snrDB > p8.snrDB + 30)
    }

    /// Acceptance of issue 15: for every log preset, the dot-product SNR emulated with the priced
    /// accumulator (default width) is within 0.5 dB of unbounded exact accumulation, K = 1024,
    /// Gaussian inputs.
    @Test(arguments: ["pal8", "pal16", "lns8", "lns16", "lns8f4", "pal8-block32", "pal8-mdlns"])
    func pricedAccumulatorMatchesExact(format: String) throws {
        let rows = try NumericsStudy(formats: [format]).dotProducts(length: 1024, trials: 32)
        let exact = try #require(rows.first { $0.accumulation == "exact" })
        let priced = try #require(rows.first { $0.priced })
        #expect(priced.accumulation.hasPrefix("exact-w"))
        #expect(abs(priced.snrDB - exact.snrDB) < 0.5, "\(format): priced \(priced.accumulation) \(priced.snrDB) dB vs exact \(exact.snrDB) dB")
    }

    /// A register too narrow is visibly worse: the width is what the emulation sums in.
    @Test func narrowRegisterLosesAccuracy() throws {
        let wide = try NumericsStudy(formats: ["pal16"]).dotProducts(length: 1024, trials: 16).first { $0.priced }!
        let narrow = try NumericsStudy(formats: ["pal16"], accumulatorBits: 16).dotProducts(length: 1024, trials: 16).first { $0.priced }!
        #expect(narrow.accumulation == "exact-w16")
        #expect(narrow.snrDB < wide.snrDB - 10, "\(narrow.snrDB) vs \(wide.snrDB)")
    }

    /// The fixed-point register: LSB placement, round-half-even, saturation.
    @Test func fixedPointRegisterSemantics() {
        let spec = AccumulatorSpec(mode: .exact, widthBits: 32)
        // int8: K = 1024 products of at most 127² fit 32 bits with the LSB below 1, so sums are exact.
        #expect(spec.lsbExponent(length: 1024, operandMax: (127, 127)) == 24 - 31)
        let a = [Double](repeating: 127, count: 1024), b = [Double](repeating: -127, count: 1024)
        #expect(DotProduct.compute(a, b, accumulator: spec, operandMax: (127, 127)) == -16129 * 1024)
        // An 8-bit register with LSB 1: 0.5 rounds to even (0), 1.5 to 2; 200 saturates at 127.
        var r = DotProduct.FixedPointRegister(widthBits: 8, lsbExponent: 0)
        r.add(0.5); #expect(r.value == 0)
        r.add(1.5); #expect(r.value == 2)
        r.add(200); #expect(r.value == 127)
        r.add(-1000); #expect(r.value == -128)
    }

    @Test func defaultsFollowTheFormatKind() {
        #expect(AccumulatorSpec.default(for: .bf16) == .fp32 && AccumulatorSpec.default(for: .mxfp4) == .fp32)
        #expect(AccumulatorSpec.default(for: .int8) == AccumulatorSpec(mode: .exact, widthBits: 32))
        #expect(AccumulatorSpec.default(for: .mxint8) == AccumulatorSpec(mode: .exact, widthBits: 32))
        #expect(AccumulatorSpec.default(for: .pal8) == AccumulatorSpec(mode: .exact, widthBits: 32))
        #expect(AccumulatorSpec.default(for: .pal16) == AccumulatorSpec(mode: .exact, widthBits: 48))
        #expect(AccumulatorSpec.allows(.gaussianLog(fractionBits: 10), for: HardwareFormat.pal8.codec))
        #expect(!AccumulatorSpec.allows(.exact, for: HardwareFormat.bf16.codec))
        #expect(!AccumulatorSpec.allows(.float32, for: HardwareFormat.int8.codec))
    }

    /// The cost model prices exactly the declared register: width and mode change the price.
    @Test func costFollowsTheDeclaredAccumulator() {
        let model = MACCostModel.reference45nm
        let w32 = model.cost(of: HardwareFormat.pal16, accumulator: AccumulatorSpec(mode: .exact, widthBits: 32))
        let w48 = model.cost(of: HardwareFormat.pal16)
        let w64 = model.cost(of: HardwareFormat.pal16, accumulator: AccumulatorSpec(mode: .exact, widthBits: 64))
        #expect(w32.areaUm2 < w48.areaUm2 && w48.areaUm2 < w64.areaUm2 && w32.energyPJ < w64.energyPJ)
        #expect(w48.parts.contains { $0.name == "accumulator add (48 bits)" })
        let gl = model.cost(of: HardwareFormat.pal8, accumulator: AccumulatorSpec(mode: .gaussianLog(fractionBits: 10), widthBits: 18))
        #expect(gl.parts.contains { $0.name == "log accumulator add (18 bits)" })
    }

    /// Tables are priced by size: energy grows with the table (a Gaussian-log table is a ROM read,
    /// not a few fJ), and a bigger table never costs less.
    @Test func tableCostGrowsWithSize() {
        var last = (areaUm2: 0.0, energyPJ: 0.0)
        for f in 2...12 {
            let t = MACCostModel.lut(entries: Double(DotProduct.gaussianLogTableEntries(fractionBits: f)), bits: Double(f + 2))
            #expect(t.areaUm2 > last.areaUm2 && t.energyPJ > last.energyPJ, "F = \(f)")
            last = t
        }
        // F = 10: 11,807 × 12 bits ≈ 17 KB, read as an SRAM of that size: ≈ 12 × 0.156 × √(17.3/8) pJ.
        let f10 = MACCostModel.lut(entries: 11807, bits: 12)
        #expect(abs(f10.energyPJ - 12 * MACCostModel.sramPJPerBit45nm(bankBytes: 11807 * 12 / 8)) < 1e-12)
        #expect(f10.energyPJ > 2)
    }

    private func decodeError(_ accumulation: JSONValue?, shared: JSONValue? = nil) -> String {
        do {
            var value = try JSONParser.parse(String(contentsOfFile: Repo.path("configs/chips/spu-datacenter.json"), encoding: .utf8))
            if let accumulation { value = JSONEdit.set(accumulation, at: ["compute", "mac_array", "accumulation"], in: value) }
            if let shared { value = JSONEdit.set(shared, at: ["compute", "mac_array", "shared_datapaths"], in: value) }
            _ = try DeviceSpec.decode(text: JSONWriter.pretty(value), file: "configs/chips/x.json")
            return "accepted"
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    private func entry(_ mode: String, _ width: Double) -> JSONValue {
        .object([("mode", .string(mode)), ("width_bits", .number(width)), ("source", .string("assumption: test"))])
    }

    @Test func accumulationDeclarationsAreValidated() throws {
        let path = "configs/chips/x.json: $.compute.mac_array.accumulation"
        #expect(decodeError(.object([("pal9", entry("exact", 32))])).hasPrefix("\(path).pal9: unknown number format \"pal9\""))
        #expect(decodeError(.object([("fp16", entry("fp32", 32))])).hasPrefix("\(path).fp16: format \"fp16\" is not in macs_per_cycle"))
        #expect(decodeError(.object([("pal8", entry("exact", 200))])).hasPrefix("\(path).pal8.width_bits: must be an integer in"))
        #expect(decodeError(.object([("bf16", entry("exact", 32))])).hasPrefix("\(path).bf16.mode: bf16 (float) cannot accumulate in mode exact"))
        #expect(decodeError(.object([("pal8", entry("gaussian-log-f10", 12))])).hasPrefix("\(path).pal8.width_bits: must be an integer in"))
        #expect(decodeError(.object([("pal8", entry("kulisch", 32))])).hasPrefix("\(path).pal8.mode: unknown accumulation mode"))
        #expect(decodeError(.object([("pal8", .object([("mode", .string("exact")), ("width_bits", .number(32))]))])).hasPrefix("\(path).pal8.source: is required"))
        #expect(decodeError(.object([("pal8", entry("gaussian-log-f10", 18))])) == "accepted")
        let shared = "configs/chips/x.json: $.compute.mac_array.shared_datapaths"
        #expect(decodeError(nil, shared: .array([.array([.string("bf16"), .string("fp16")])])).hasPrefix("\(shared)[0][1]: format \"fp16\" is not in macs_per_cycle"))
        #expect(decodeError(nil, shared: .array([.array([.string("bf16")]), .array([.string("bf16"), .string("int8")])])).hasPrefix("\(shared)[1][0]: format \"bf16\" is in more than one datapath group"))
    }

    /// The shipped SPUs declare their log accumulators, and the device exposes them.
    @Test func shippedChipsDeclareLogAccumulators() throws {
        for file in Repo.files(in: "configs/chips") {
            let array = try DeviceSpec.load(path: file).compute.macArray
            #expect(array.declaredAccumulators[.pal8] == AccumulatorSpec(mode: .exact, widthBits: 32), "\(file)")
            #expect(array.accumulator(for: .pal16) == AccumulatorSpec(mode: .exact, widthBits: 48), "\(file)")
            #expect(array.accumulator(for: .bf16) == .fp32)
        }
    }

    /// PE area: datapaths summed, formats sharing a datapath priced at the costliest member.
    @Test func datapathGroupsDefaultByFamily() throws {
        let array = try DeviceSpec.load(path: Repo.path("configs/chips/spu-datacenter.json")).compute.macArray
        #expect(Set(array.datapathGroups.map(Set.init)) == [[.bf16, .fp8E4M3], [.int8], [.pal16, .pal8]])
        var declared = array
        declared.declaredSharedDatapaths = [[.bf16, .int8]]
        #expect(Set(declared.datapathGroups.map(Set.init)) == [[.bf16, .int8], [.fp8E4M3], [.pal16], [.pal8]])
    }
}
