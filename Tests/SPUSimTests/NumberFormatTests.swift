import Foundation
import Testing
@testable import SPUFormats

/// Fixed vectors and published behaviour of the number formats (number-formats.md).
@Suite struct NumberFormatTests {
    /// lns<16,8> test vectors derived from stillwater-sc/universal semantics (§1.4 A).
    @Test(arguments: [
        (1.0, 0x0000, 1.0), (-1.0, 0x8000, -1.0), (2.0, 0x0100, 2.0), (0.5, 0x7F00, 0.5),
        (3.0, 0x0196, 3.00202814), (0.1, 0x7CAE, 0.100112047), (-0.1, 0xFCAE, -0.100112047),
        (0.0, 0x4000, 0.0), (1e30, 0x3FFF, 1.8397e19), (1e-30, 0x4000, 0.0),
    ])
    func lns16f8Vectors(input: Double, code: Int, decoded: Double) {
        let lns = FormatRegistry.pal16
        #expect(lns.encode(input) == UInt32(code))
        let value = lns.decode(UInt32(code))
        #expect(decoded == 0 ? value == 0 : abs(value / decoded - 1) < 1e-4, "\(value)")
    }

    @Test func lns16f8SpecialCodes() {
        let lns = LogNumberSystem(n: 16, fractionBits: 8)
        #expect(lns.encode(.nan) == 0xC000 && lns.decode(0xC000).isNaN)
        #expect(lns.encode(.infinity) == 0x3FFF)              // no infinity: saturates
        #expect(lns.encode(-.infinity) == 0xBFFF)
        #expect(abs(lns.decode(0x3FFF) / 1.8397e19 - 1) < 1e-4)   // maxpos 2^63.996
        #expect(abs(lns.decode(0x4001) / 5.4357e-20 - 1) < 1e-4)  // minpos
        // Between the flush threshold (minpos of lns<17,9> = 2^-63.998) and minpos a value becomes minpos; below it, zero.
        #expect(lns.encode(5.43e-20) == 0x4001)
        #expect(lns.encode(5.42e-20) == 0x4000)
    }

    /// lns<8,3> vectors (§1.4 A, "LNS8/PAL8-like").
    @Test(arguments: [(1.0, 0x00, 1.0), (1.5, 0x05, 1.54221), (0.3, 0x72, 0.297302), (3.0, 0x0D, 3.08442),
                      (100.0, 0x35, 98.7015), (300.0, 0x3F, 234.753), (-2.5, 0x8B, -2.59368)])
    func lns8f3Vectors(input: Double, code: Int, decoded: Double) {
        let lns = FormatRegistry.pal8
        #expect(lns.encode(input) == UInt32(code))
        #expect(abs(lns.decode(UInt32(code)) / decoded - 1) < 1e-5)
    }

    /// OCP FP8 E4M3 behaviour as implemented by ml_dtypes (§0.6): non-saturating, 464 → 448, ≥ 480 → NaN.
    @Test func fp8E4M3OverflowRules() {
        let f = MiniFloat.fp8E4M3
        #expect(f.encode(464) == 0x7E && f.decode(0x7E) == 448)
        #expect(f.decode(f.encode(480)).isNaN)
        #expect(f.encode(480, saturate: true) == 0x7E)
        #expect(f.encode(-1e9, saturate: true) == 0xFE)
        #expect(f.decode(0x01) == 0.001953125)                 // smallest subnormal 2^-9
        #expect(f.encode(0.0009765625) == 0x00)                // half of it: tie to even → 0
        #expect(f.encode(0.0009765626) == 0x01)
        let e5m2 = MiniFloat.fp8E5M2
        #expect(e5m2.decode(e5m2.encode(1e6)) == .infinity)
        #expect(e5m2.decode(e5m2.encode(1e6, saturate: true)) == 57344)
        let fnuz = MiniFloat.fp8E4M3FNUZ
        #expect(fnuz.encode(-0.0) == 0x00 && fnuz.decode(0x80).isNaN && fnuz.decode(0x7F) == 240)
    }

    @Test func floatFormatsMatchHardwareConversions() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<100_000 {
            let x = Double(bitPattern: rng.next())
            guard x.isFinite else { continue }
            // fp32: Swift's Float(Double) is IEEE round-to-nearest-even.
            #expect(MiniFloat.fp32.decode(MiniFloat.fp32.encode(x)) == Double(Float(x)))
            #if arch(x86_64) || arch(arm64)
            if abs(x) < 1e5 { #expect(MiniFloat.fp16.decode(MiniFloat.fp16.encode(x)) == Double(Float16(x))) }
            #endif
        }
    }

    @Test func mxBlockSharesOneScaleAndSaturates() {
        var values = Distribution.gaussian.samples(count: 32, seed: 5)
        values[7] = 1000
        let q = MXFormat.mxfp8E4M3.quantizeBlock(values[...])
        // max|x| = 1000 → ⌊log2 1000⌋ = 9, E4M3 emax = 8 → shared exponent 1.
        #expect(q.scaleLog2 == 1)
        #expect(q.values[7] == 896)   // 1000/2 = 500 exceeds E4M3's 448: the element saturates
        let zero = MXFormat.mxfp4E2M1.quantizeBlock([0, 0, 0][...])
        #expect(zero.values == [0, 0, 0])
    }

    /// Quantisation SQNR on N(0,1) with per-tensor scaling reproduces number-formats.md §0.3 / §5.3.
    @Test(arguments: [
        ("pal8", "absmax", 32.0), ("fp8-e4m3", "absmax", 31.6), ("fp8-e5m2", "absmax", 25.6),
        ("pal8-mdlns", "mse", 30.6), ("int8", "mse", 40.5), ("posit8-es0", "mse", 41.4),
    ])
    func gaussianSQNRMatchesReference(format: String, scaling: String, expected: Double) throws {
        let data = Distribution.gaussian.samples(count: 1 << 16, seed: 1)
        let rows = try NumericsStudy(formats: [format], scaling: scaling == "mse" ? .perTensorMSE : .perTensorAbsmax).quantization(data)
        #expect(abs(rows[0].metrics.sqnrDB - expected) < 0.8, "\(format): \(rows[0].metrics.sqnrDB) dB vs \(expected)")
    }

    /// Dot-product accuracy by accumulation mode (§0.4): log-domain accumulation needs ≈ 10
    /// fraction bits to match exact accumulation; Mitchell loses ≈ 4 dB, bias correction wins most back.
    @Test func accumulationModesOrderAsPublished() throws {
        let rows = try NumericsStudy(formats: ["pal8", "fp8-e4m3"]).dotProducts(length: 1024, trials: 128)
        func snr(_ format: String, _ mode: String) -> Double { rows.first { $0.format == format && $0.accumulation == mode }!.snrDB }
        let exact = snr("pal8", "exact")
        #expect(abs(exact - 28.9) < 2)
        #expect(abs(snr("pal8", "remainder-binning") - exact) < 0.01)
        #expect(snr("pal8", "gaussian-log-f3") < 12)
        #expect(snr("pal8", "gaussian-log-f3") < snr("pal8", "gaussian-log-f6"))
        #expect(snr("pal8", "gaussian-log-f6") < snr("pal8", "gaussian-log-f10"))
        #expect(abs(snr("pal8", "gaussian-log-f10") - exact) < 1)
        #expect(snr("pal8", "mitchell") < snr("pal8", "mitchell-corrected"))
        #expect(exact - snr("pal8", "mitchell") > 2)
        #expect(abs(snr("fp8-e4m3", "fp32") - 28.4) < 1.5)
    }

    /// The shipped real tensor sample (all-MiniLM-L6-v2 layer 0, see Data/tensors/README.md).
    @Test func readsTheRealTensorSample() throws {
        let query = try TensorFile.readNPY(Array(try Data(contentsOf: URL(fileURLWithPath: Repo.dataFile("tensors/minilm-l0-attn-query.npy")))), name: "q")
        #expect(query.shape == [64, 384])
        let mean = query.values.reduce(0, +) / Double(query.values.count)
        #expect(abs(mean - 0.0005424234655612518) < 1e-12)
        #expect(query.values.max() == 0.593567967414856)
        let all = try TensorFile.readSafetensors(Array(try Data(contentsOf: URL(fileURLWithPath: Repo.dataFile("tensors/minilm-sample.safetensors")))))
        #expect(all.map(\.name).count == 3)
        let ffn = try #require(all.first { $0.name.contains("ffn-down") })
        #expect(ffn.shape == [8, 1536] && ffn.values.max() == 7.914802074432373)
        #expect(all.first { $0.name.contains("attn-query") }?.values == query.values)
        // A real tensor with an outlier: block scaling beats per-tensor scaling for int8.
        let tensorRows = try NumericsStudy(formats: ["int8"]).quantization(ffn.values)
        let blockRows = try NumericsStudy(formats: ["int8"], scaling: .perBlock(size: 32)).quantization(ffn.values)
        #expect(blockRows[0].metrics.sqnrDB > tensorRows[0].metrics.sqnrDB + 6)
    }

    /// MAC costs against published format-versus-format ratios (§4.4).
    @Test func macCostRatiosAreInPublishedRanges() throws {
        let model = MACCostModel.reference45nm
        let int8 = try #require(model.cost(of: "int8")), fp8 = try #require(model.cost(of: "fp8-e4m3"))
        let lns8 = try #require(model.cost(of: "pal8")), fp16 = try #require(model.cost(of: "fp16")), lns16 = try #require(model.cost(of: "pal16"))
        // Qualcomm / SemiAnalysis: an FP8 MAC costs ≥ 40–50 % more area and energy than INT8.
        #expect(fp8.areaUm2 / int8.areaUm2 > 1.3 && fp8.energyPJ / int8.energyPJ > 1.2)
        // Johnson 2018 (ELMA, 28 nm): 8-bit log MAC 1.12× area, 0.96× power of int8/32.
        #expect((0.8...1.6).contains(lns8.areaUm2 / int8.areaUm2) && (0.5...1.3).contains(lns8.energyPJ / int8.energyPJ))
        // …and 16-bit log MAC 0.68× area, 0.59× power of FP16.
        #expect(lns16.areaUm2 < fp16.areaUm2 && lns16.energyPJ < fp16.energyPJ)
        // The anchors themselves: an int8 multiplier is Horowitz's 282 µm² and 0.2 pJ.
        #expect(abs(int8.parts[0].areaUm2 - 282) < 0.5 && abs(int8.parts[0].energyPJ - 0.2) < 1e-6)
        // Node scaling shrinks everything by the given factors (a technology file's).
        let n5 = try #require(MACCostModel(areaFactor: 0.03207, energyFactor: 0.056).cost(of: "int8"))
        #expect(abs(n5.areaUm2 / int8.areaUm2 - 0.03207) < 1e-12 && abs(n5.energyPJ / int8.energyPJ - 0.056) < 1e-12)
    }

    /// Issue 15: the log MACs as priced (default exact accumulators) against Johnson 2018's
    /// synthesized ELMA ratios (28 nm), within ±30 % of each published ratio
    /// (docs/number-formats.md, "Against published synthesis"). The 16-bit baseline is an IEEE
    /// FP16 FMA (Horowitz's FP16 multiplier + adder), as in the paper; the 8-bit one an int8
    /// multiplier with a 32-bit accumulator ("int8/32").
    @Test func logMACsAreWithinPublishedSynthesisBands() throws {
        let model = MACCostModel.reference45nm
        let int8 = model.cost(of: HardwareFormat.int8), pal8 = model.cost(of: HardwareFormat.pal8), pal16 = model.cost(of: HardwareFormat.pal16)
        let fma = MACCostModel.fp16FMA
        func within(_ modelled: Double, _ published: Double) -> Bool { abs(modelled / published - 1) <= 0.30 }
        #expect(within(pal8.areaUm2 / int8.areaUm2, 1.12), "8-bit area \(pal8.areaUm2 / int8.areaUm2)")
        #expect(within(pal8.energyPJ / int8.energyPJ, 0.96), "8-bit energy \(pal8.energyPJ / int8.energyPJ)")
        #expect(within(pal16.areaUm2 / fma.areaUm2, 0.68), "16-bit area \(pal16.areaUm2 / fma.areaUm2)")
        #expect(within(pal16.energyPJ / fma.energyPJ, 0.59), "16-bit energy \(pal16.energyPJ / fma.energyPJ)")
    }
}
