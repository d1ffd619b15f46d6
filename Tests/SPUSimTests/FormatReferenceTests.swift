import Foundation
import Testing
@testable import SPUCore
@testable import SPUFormats

/// Bit-exact agreement with the reference libraries: ml_dtypes 0.6.0 (FP8, FP16, BF16, MX element
/// types, E8M0), SoftPosit 0.3.4.4 (posits) and the universal lns<N,F> rules, on every code
/// (decode) and on 10^6 generated doubles per format (encode: SHA-256 of all codes, plus the first
/// 10^4 codes compared one by one). Data: `Data/formats/*.json`, made by
/// `scripts/format_reference.py` (provenance in `Data/formats/README.md`).
@Suite struct FormatReferenceTests {
    static let scalarFiles = ["fp8-e4m3", "fp8-e5m2", "fp8-e4m3fnuz", "fp8-e5m2fnuz", "fp16", "bf16", "fp6-e3m2", "fp6-e2m3",
                              "fp4-e2m1", "e8m0", "posit8-es0", "posit8-es2", "posit16-es1", "posit16-es2", "lns8f3", "lns16f8"]

    static func load(_ name: String) throws -> JSONValue {
        try JSONParser.parse(String(contentsOfFile: Repo.dataFile("formats/\(name).json"), encoding: .utf8))
    }

    static func format(_ name: String) -> (any ScalarFormat)? {
        name == "e8m0" ? E8M0() : FormatRegistry.scalar(named: name)
    }

    static func hex(_ value: JSONValue?) -> UInt64? {
        guard case let .string(s)? = value, s.hasPrefix("0x") else { return nil }
        return UInt64(s.dropFirst(2), radix: 16)
    }

    static func int(_ value: JSONValue?) -> Int? {
        if case let .number(n)? = value { return Int(n) }
        if case let .string(s)? = value { return Int(s) }
        return nil
    }

    /// Bit pattern with NaN canonicalised, as in the reference files.
    static func canonicalBits(_ x: Double) -> UInt64 { x.isNaN ? 0x7FF8_0000_0000_0000 : x.bitPattern }

    @Test(arguments: scalarFiles)
    func decodeAgreesOnEveryCode(name: String) throws {
        let data = try Self.load(name)
        let format = try #require(Self.format(name))
        if case let .array(values)? = data["decode"] {
            #expect(values.count == format.codeCount)
            for (code, entry) in values.enumerated() {
                let decoded = format.decode(UInt32(code))
                if case .string("nan") = entry {
                    #expect(decoded.isNaN, "\(name) code \(code)")
                } else {
                    #expect(decoded.bitPattern == Self.hex(entry), "\(name) code \(code): \(decoded)")
                }
            }
        } else {
            var bytes = [UInt8]()
            bytes.reserveCapacity(format.codeCount * 8)
            for code in format.allCodes {
                let bits = Self.canonicalBits(format.decode(code))
                for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * i))) }
            }
            guard case let .string(digest)? = data["decode_digest"] else { Issue.record("no decode digest"); return }
            let ok = SHA256.hex(bytes: bytes) == digest
            #expect(ok, "\(name): decode digest differs")
            if !ok, case let .array(samples)? = data["decode_sample"] {
                for sample in samples.prefix(1024) {
                    guard case let .array(pair) = sample, let code = Self.int(pair.first) else { continue }
                    let decoded = format.decode(UInt32(code))
                    #expect(Self.canonicalBits(decoded) == Self.hex(pair.last), "\(name) code \(code): \(decoded)")
                }
            }
        }
    }

    @Test(arguments: scalarFiles)
    func encodeAgreesOnAMillionDoubles(name: String) throws {
        let data = try Self.load(name)
        let format = try #require(Self.format(name))
        let encode = try #require(data["encode"])
        let inputs = ReferenceInputs(count: try #require(Self.int(encode["n"])), seed: UInt64(try #require(Self.int(encode["seed"]))),
                                     exponentMin: try #require(Self.int(encode["exponent_min"])),
                                     exponentMax: try #require(Self.int(encode["exponent_max"])),
                                     tieBits: try #require(Self.int(encode["tie_bits"])))
        #expect(inputs.count >= 1_000_000)
        guard case let .array(firstInputs)? = encode["first_inputs"], case let .array(firstCodes)? = encode["first_codes"],
              case let .string(digest)? = encode["codes_digest"] else { Issue.record("incomplete encode block"); return }
        let width = (format.bits + 7) / 8
        var bytes = [UInt8]()
        bytes.reserveCapacity(inputs.count * width)
        var mismatches = 0
        for (index, x) in inputs.enumerated() {
            if index < firstInputs.count { #expect(x.bitPattern == Self.hex(firstInputs[index]), "\(name): generator input \(index)") }
            let code = format.encode(x)
            if index < firstCodes.count, UInt32(Self.int(firstCodes[index]) ?? -1) != code {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(name): encode(\(x)) = \(code), reference \(firstCodes[index])") }
            }
            for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: code >> UInt32(8 * i))) }
        }
        #expect(mismatches == 0)
        #expect(SHA256.hex(bytes: bytes) == digest, "\(name): codes of the 10^6 inputs differ from the reference")
    }

    /// OCP MX blocks against microxcaling's rules (shared scale, element codes, dequantised values).
    @Test func mxBlocksAgreeWithMicroxcaling() throws {
        let data = try Self.load("mx-blocks")
        guard case let .object(formats)? = data["formats"] else { Issue.record("no formats"); return }
        #expect(formats.count == 6)
        for (name, spec) in formats {
            let format = try #require(FormatRegistry.block(named: name) as? MXFormat, "\(name)")
            var blocks: [JSONValue] = []
            if case let .array(b)? = spec["blocks"] { blocks += b }
            if case let .array(b)? = spec["edge_blocks"] { blocks += b }
            #expect(blocks.count >= 200)
            for block in blocks {
                guard case let .array(inputs)? = block["inputs"], case let .array(codes)? = block["codes"],
                      case let .array(dequant)? = block["dequant"] else { continue }
                let x = inputs.compactMap(Self.hex).map(Double.init(bitPattern:))
                let q = format.quantizeBlock(x[...])
                #expect(Int(q.scaleLog2) == Self.int(block["scale_exp"]), "\(name): shared exponent")
                #expect(q.codes.map(Int.init) == codes.compactMap(Self.int), "\(name): element codes for \(x.prefix(4))…")
                #expect(q.values.map(\.bitPattern) == dequant.compactMap(Self.hex), "\(name): dequantised values")
            }
        }
    }
}
