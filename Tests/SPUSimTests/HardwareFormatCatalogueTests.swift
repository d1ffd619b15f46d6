import Testing
import SPUCore
import SPUCost
@testable import SPUFormats

/// The hardware-format catalogue (`HardwareFormat.entry`) is complete and consistent, its derived
/// values equal the tables it replaced, and node factors come from the technology files.
@Suite struct HardwareFormatCatalogueTests {
    /// Storage bits per element of the table `NumberFormat.storageBits` held before the catalogue.
    static let historicalStorageBits: [NumberFormat: Double] = [
        .int4: 4, .pal8: 8, .lns8: 8, .fp8E4M3: 8, .fp8E5M2: 8, .int8: 8,
        .pal16: 16, .lns16: 16, .fp16: 16, .bf16: 16, .tf32: 32, .fp32: 32,
        .mxfp8: 8 + 8.0 / 32, .mxint8: 8 + 8.0 / 32, .mxfp6: 6 + 8.0 / 32, .mxfp4: 4 + 8.0 / 32,
    ]

    /// The `SPUFormats` names the MAC costs were looked up by before the catalogue (`FormatCosts`).
    static let historicalCostNames: [NumberFormat: String] = [
        .pal8: "pal8", .pal16: "pal16", .lns8: "lns8f3", .lns16: "lns16f8", .fp8E4M3: "fp8-e4m3", .fp8E5M2: "fp8-e5m2",
        .fp16: "fp16", .bf16: "bf16", .tf32: "tf32", .fp32: "fp32", .int8: "int8", .int4: "int4",
        .mxfp8: "mxfp8-e4m3", .mxfp6: "mxfp6-e3m2", .mxfp4: "mxfp4-e2m1", .mxint8: "mxint8",
    ]

    @Test(arguments: HardwareFormat.allCases)
    func codecWidthsAgreeWithTheEntry(format: HardwareFormat) {
        let entry = format.entry
        // Stored at the codec's width, except in a wider container (TF32 in FP32 words).
        #expect(entry.storageBits == entry.containerBits.map(Double.init) ?? entry.codec.storageBits)
        #expect(entry.containerBits.map { $0 > entry.elementBits } ?? true)
        switch entry.codec {
        case let .scalar(codec):
            #expect(codec.bits == entry.elementBits && entry.sharedScale == nil)
        case let .block(codec):
            let mx = codec as? MXFormat
            #expect(mx?.elementBits == entry.elementBits)
            #expect(entry.sharedScale?.blockSize == codec.blockSize)
        }
    }

    @Test(arguments: HardwareFormat.allCases)
    func kindMatchesTheCodecFamily(format: HardwareFormat) {
        let entry = format.entry
        switch (entry.kind, entry.codec) {
        case (.float, .scalar(let codec)): #expect(codec is MiniFloat)
        case (.integer, .scalar(let codec)): #expect(codec is IntegerFormat)
        case (.logarithmic, .scalar(let codec)): #expect(codec is LogNumberSystem)
        case (.blockScaledFloat, .block(let codec)):
            guard case .float = (codec as? MXFormat)?.element else { Issue.record("\(format.rawValue): not an MX float"); return }
        case (.blockScaledInteger, .block(let codec)):
            guard case .int8 = (codec as? MXFormat)?.element else { Issue.record("\(format.rawValue): not an MX integer"); return }
        default:
            Issue.record("\(format.rawValue): kind \(entry.kind.rawValue) with codec \(entry.codec.name)")
        }
    }

    @Test(arguments: HardwareFormat.allCases)
    func everyEntryHasAMACCost(format: HardwareFormat) throws {
        let model = MACCostModel.reference45nm
        let cost = try #require(model.cost(of: format.codec))
        #expect(cost.areaUm2 > 0 && cost.energyPJ > 0)
        // Bit-identical to the price the hand-kept name bridge looked up.
        let historicalName = try #require(Self.historicalCostNames[format])
        let historical = try #require(model.cost(of: historicalName))
        #expect(cost.areaUm2 == historical.areaUm2 && cost.energyPJ == historical.energyPJ)
        #expect(model.cost(of: format) == cost)
    }

    @Test func derivedStorageWidthsEqualTheFormerTable() {
        #expect(Set(Self.historicalStorageBits.keys) == Set(NumberFormat.allCases))
        for format in NumberFormat.allCases {
            #expect(format.storageBits == Self.historicalStorageBits[format], "\(format.rawValue)")
            #expect(format.bytesPerElement == Self.historicalStorageBits[format]! / 8, "\(format.rawValue)")
        }
    }

    /// The format library accepts every hardware name and resolves it to the entry's codec.
    @Test(arguments: HardwareFormat.allCases)
    func hardwareNamesResolveInTheFormatLibrary(format: HardwareFormat) {
        let scalar = FormatRegistry.scalar(named: format.rawValue), block = FormatRegistry.block(named: format.rawValue)
        switch format.codec {
        case let .scalar(codec): #expect(scalar?.name == codec.name && block == nil)
        case let .block(codec): #expect(block?.name == codec.name && scalar == nil)
        }
        #expect(MACCostModel.reference45nm.cost(of: format.rawValue) == MACCostModel.reference45nm.cost(of: format))
    }

    /// Node factors come from `configs/tech`; 45 nm is the reference; nodes without a file are unknown.
    @Test func nodeFactorsComeFromTheTechnologyFiles() throws {
        let technologies = try CostInputs.loadTechnologies(techDirectory: Repo.path("configs/tech"))
        #expect(Set(technologies.map(\.name)) == ["n3", "n4", "n4p", "n5", "n7"])
        for technology in technologies {
            let model = try #require(MACCostModel.at(node: technology.name, technologies: technologies))
            #expect(model.areaFactor == technology.areaFactorVs45nm && model.energyFactor == technology.energyFactorVs45nm)
        }
        #expect(MACCostModel.at(node: "tsmc-n5", technologies: technologies)?.areaFactor == 0.03207)
        let reference = try #require(MACCostModel.at(node: "n45", technologies: technologies))
        #expect(reference.areaFactor == 1 && reference.energyFactor == 1)
        #expect(MACCostModel.at(node: "n16", technologies: technologies) == nil)
    }
}
