import SPUCore
import SPUHardware

/// Parameters of silicon cost, system cost, facility and operations (`configs/tco/default.json`;
/// every value has a source there and can be overridden by editing or copying the file).
public struct TCOParameters: Sendable, Equatable {
    public enum YieldModel: String, CaseIterable, Sendable {
        case poisson, murphy, seeds
        case negativeBinomial = "negative-binomial"
    }

    // Silicon
    public var yieldModel: YieldModel
    public var testUSDPerPackage: Double
    public var packageYield: Double
    /// Default design NRE and amortisation volume, for designs whose `price` object states none.
    public var nreUSD: Double
    public var volumeUnits: Double
    /// Default cost-plus margin (price over manufacturing cost) of designs whose `price` object
    /// states none (SPUs), and the default of `--pricing equal-margin`.
    public var spuPriceMargin: Double
    // System
    public var serverUSDPerAccelerator: Double
    public var networkFractionOfServerCapex: Double
    public var wallPowerRatio: Double
    public var acceleratorsPerServer: Int
    // Facility
    public var facilityCapexUSDPerMWIT: Double
    public var facilityDepreciationYears: Double
    public var pue: Double
    // Operations
    public var usdPerKWh: Double
    public var averageLoadFraction: Double
    public var opexFractionOfCapexPerYear: Double
    // Finance
    public var depreciationYears: Double
    public var costOfCapital: Double
    // Fleet
    public var fleetUtilization: Double
    public var peakToAverage: Double
    // Packaging: buildability rules and package cost (the `package` section)
    public var packaging: PackagingParameters

    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> TCOParameters {
        r.expecting(["silicon", "system", "facility", "operations", "finance", "fleet", "package"])
        let silicon = try r.object("silicon")
        silicon.expecting(["yield_model", "test_usd_per_package", "package_yield", "nre_usd", "volume_units", "spu_price_margin", "source"])
        if silicon.has("package_usd") {
            throw silicon.fail("package_usd", "no longer read: package cost comes from the \"package\" section (class, interposer area, HBM stacks; docs/cost-inputs-format.md)")
        }
        let system = try r.object("system")
        system.expecting(["server_usd_per_accelerator", "network_fraction_of_server_capex", "wall_power_ratio", "accelerators_per_server", "source"])
        let facility = try r.object("facility")
        facility.expecting(["capex_usd_per_mw_it", "depreciation_years", "pue", "source"])
        let operations = try r.object("operations")
        operations.expecting(["usd_per_kwh", "average_load_fraction", "opex_fraction_of_capex_per_year", "source"])
        let finance = try r.object("finance")
        finance.expecting(["depreciation_years", "cost_of_capital", "source"])
        let fleet = try r.object("fleet")
        fleet.expecting(["utilization", "peak_to_average", "source"])
        let pue = try facility.number("pue", in: CostInputLimits.powerRatio)
        // At least 1: wall power includes the accelerator.
        let wallRatio = try system.number("wall_power_ratio", in: CostInputLimits.powerRatio)
        let params = TCOParameters(
            yieldModel: try silicon.choice("yield_model", as: YieldModel.self),
            testUSDPerPackage: try silicon.number("test_usd_per_package", in: CostInputLimits.amountUSD), packageYield: try silicon.fraction("package_yield"),
            nreUSD: try silicon.number("nre_usd", in: CostInputLimits.nreUSD), volumeUnits: try silicon.number("volume_units", in: CostInputLimits.volumeUnits),
            spuPriceMargin: try silicon.number("spu_price_margin", in: CostInputLimits.priceMargin),
            serverUSDPerAccelerator: try system.number("server_usd_per_accelerator", in: CostInputLimits.amountUSD),
            networkFractionOfServerCapex: try system.number("network_fraction_of_server_capex", in: CostInputLimits.costFraction),
            wallPowerRatio: wallRatio, acceleratorsPerServer: try system.int("accelerators_per_server", in: CostInputLimits.acceleratorsPerServer),
            facilityCapexUSDPerMWIT: try facility.number("capex_usd_per_mw_it", in: CostInputLimits.usdPerMW),
            facilityDepreciationYears: try facility.number("depreciation_years", in: CostInputLimits.years), pue: pue,
            usdPerKWh: try operations.number("usd_per_kwh", in: CostInputLimits.usdPerKWh), averageLoadFraction: try operations.fraction("average_load_fraction"),
            opexFractionOfCapexPerYear: try operations.number("opex_fraction_of_capex_per_year", in: CostInputLimits.costFraction),
            depreciationYears: try finance.number("depreciation_years", in: CostInputLimits.years), costOfCapital: try finance.number("cost_of_capital", in: CostInputLimits.costFraction),
            fleetUtilization: try fleet.fraction("utilization"), peakToAverage: try fleet.number("peak_to_average", in: CostInputLimits.peakToAverage),
            packaging: try PackagingParameters.decode(try r.object("package")))
        for part in [silicon, system, facility, operations, finance, fleet] {
            _ = try part.source()
            try part.finish()
        }
        try r.finish()
        return params
    }
}

/// The technology library, memory table and TCO defaults, loaded together.
public struct CostInputs: Sendable {
    public var technologies: [TechnologySpec]
    public var memory: MemoryTechnology
    public var model: ModelParameters
    public var tco: TCOParameters

    public init(technologies: [TechnologySpec], memory: MemoryTechnology, model: ModelParameters, tco: TCOParameters) {
        self.technologies = technologies
        self.memory = memory
        self.model = model
        self.tco = tco
    }

    public static let defaultTechDirectory = "configs/tech"
    public static let defaultTCOFile = "configs/tco/default.json"

    /// Loads `configs/tech/*.json` (node files, `memory.json`, `model-parameters.json`) and a TCO file.
    public static func load(techDirectory: String = defaultTechDirectory, tcoFile: String = defaultTCOFile) throws(ConfigError) -> CostInputs {
        var technologies: [TechnologySpec] = []
        var memory: MemoryTechnology?
        var model: ModelParameters?
        for file in InputFile.jsonFiles(in: techDirectory) {
            let reader = try InputFile.readJSONObject(file)
            if file.hasSuffix("/memory.json") {
                memory = try MemoryTechnology.decode(reader, requiredTypes: MemoryType.allCases.map(\.rawValue))
            } else if file.hasSuffix("/model-parameters.json") {
                model = try ModelParameters.decode(reader)
            } else {
                technologies.append(try TechnologySpec.decode(reader))
            }
        }
        guard let memory else { throw ConfigError(file: techDirectory + "/memory.json", path: "$", message: "no such file") }
        guard let model else { throw ConfigError(file: techDirectory + "/model-parameters.json", path: "$", message: "no such file") }
        guard !technologies.isEmpty else { throw ConfigError(file: techDirectory, path: "$", message: "contains no technology files") }
        let tco = try TCOParameters.decode(try InputFile.readJSONObject(tcoFile))
        return CostInputs(technologies: technologies, memory: memory, model: model, tco: tco)
    }

    /// Loads only the process-node files of a technology directory (every JSON file but
    /// `memory.json` and `model-parameters.json`), for tools that need node factors and nothing else.
    public static func loadTechnologies(techDirectory: String = defaultTechDirectory) throws(ConfigError) -> [TechnologySpec] {
        var technologies: [TechnologySpec] = []
        for file in InputFile.jsonFiles(in: techDirectory) where !file.hasSuffix("/memory.json") && !file.hasSuffix("/model-parameters.json") {
            technologies.append(try TechnologySpec.decode(try InputFile.readJSONObject(file)))
        }
        guard !technologies.isEmpty else { throw ConfigError(file: techDirectory, path: "$", message: "contains no technology files") }
        return technologies
    }

    public func technology(for processNode: String) -> TechnologySpec? {
        technologies.first { $0.matches(processNode) }
    }
}
