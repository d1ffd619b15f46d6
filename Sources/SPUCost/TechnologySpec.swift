import SPUCore

/// A process node: how logic, SRAM, wires and PHYs scale, and what wafers cost. Decoded from
/// `configs/tech/<name>.json` (format: `docs/cost-inputs-format.md`); every number has a source
/// in the file.
public struct TechnologySpec: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    /// Factors applied to the 45 nm Horowitz anchors of the MAC cost model and SRAM energy.
    public var areaFactorVs45nm: Double
    public var energyFactorVs45nm: Double
    public var leakageWattsPerMM2: Double
    public var sramMacroDensityMbitPerMM2: Double
    public var sramBitcellUM2: Double
    public var wirePJPerBitPerMM: Double
    public var routerPJPerBitPerHop: Double
    public var routerMM2PerPortByte: Double
    public var hbmPhyMM2PerStack: Double
    public var dramPhyMM2PerChannel: Double
    public var chipLinkPhyMM2PerLink: Double
    public var dieToDiePhyMM2PerLink: Double
    public var wafer: WaferSpec
    /// Supply voltage, V–f curve and leakage dependence (DVFS and static power).
    public var power: SupplyPowerSpec
    public var sources: [String: String]

    public struct WaferSpec: Sendable, Equatable {
        public var priceUSD: Double
        public var diameterMM: Double
        public var edgeExclusionMM: Double
        public var defectDensityPerCM2: Double
        public var clusteringAlpha: Double
        public var reticleLimitMM2: Double
        public var maskSetUSD: Double
    }

    public func matches(_ processNode: String) -> Bool {
        let key = processNode.lowercased()
        return name.lowercased() == key || aliases.contains { $0.lowercased() == key }
    }

    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> TechnologySpec {
        r.expecting(["name", "aliases", "description", "logic", "sram", "interconnect", "phy", "wafer", "power"])
        var sources: [String: String] = [:]
        let name = try r.string("name")
        var aliases: [String] = []
        for item in try r.array("aliases") {
            guard case let .string(alias) = item.value, !alias.isEmpty else {
                throw ConfigError(file: r.file, path: item.path, message: "must be a non-empty string")
            }
            aliases.append(alias)
        }
        _ = try r.optionalString("description")
        let logic = try r.object("logic")
        logic.expecting(["area_factor_vs_45nm", "energy_factor_vs_45nm", "leakage_w_per_mm2", "source"])
        let sram = try r.object("sram")
        sram.expecting(["macro_density_mbit_per_mm2", "bitcell_um2", "source"])
        let wires = try r.object("interconnect")
        wires.expecting(["wire_pj_per_bit_per_mm", "router_pj_per_bit_per_hop", "router_mm2_per_port_byte", "source"])
        let phy = try r.object("phy")
        phy.expecting(["hbm_mm2_per_stack", "dram_mm2_per_channel", "chip_link_mm2_per_link", "die_to_die_mm2_per_link", "source"])
        let wafer = try r.object("wafer")
        wafer.expecting(["price_usd", "diameter_mm", "edge_exclusion_mm", "defect_density_per_cm2", "clustering_alpha",
                         "reticle_limit_mm2", "mask_set_usd", "source"])
        let powerReader = try r.object("power")
        let power = try SupplyPowerSpec.decode(powerReader)
        let spec = TechnologySpec(
            name: name, aliases: aliases,
            areaFactorVs45nm: try logic.number("area_factor_vs_45nm", in: CostInputLimits.scalingFactorVs45nm),
            energyFactorVs45nm: try logic.number("energy_factor_vs_45nm", in: CostInputLimits.scalingFactorVs45nm),
            leakageWattsPerMM2: try logic.number("leakage_w_per_mm2", in: CostInputLimits.leakageWattsPerMM2),
            sramMacroDensityMbitPerMM2: try sram.number("macro_density_mbit_per_mm2", in: CostInputLimits.sramDensityMbitPerMM2),
            sramBitcellUM2: try sram.number("bitcell_um2", in: CostInputLimits.bitcellUM2),
            wirePJPerBitPerMM: try wires.number("wire_pj_per_bit_per_mm", in: CostInputLimits.picojoulesPerBit),
            routerPJPerBitPerHop: try wires.number("router_pj_per_bit_per_hop", in: CostInputLimits.picojoulesPerBit),
            routerMM2PerPortByte: try wires.number("router_mm2_per_port_byte", in: CostInputLimits.routerMM2PerPortByte),
            hbmPhyMM2PerStack: try phy.number("hbm_mm2_per_stack", in: CostInputLimits.phyMM2),
            dramPhyMM2PerChannel: try phy.number("dram_mm2_per_channel", in: CostInputLimits.phyMM2),
            chipLinkPhyMM2PerLink: try phy.number("chip_link_mm2_per_link", in: CostInputLimits.phyMM2),
            dieToDiePhyMM2PerLink: try phy.number("die_to_die_mm2_per_link", in: CostInputLimits.phyMM2),
            wafer: WaferSpec(priceUSD: try wafer.number("price_usd", in: CostInputLimits.waferPriceUSD), diameterMM: try wafer.number("diameter_mm", in: CostInputLimits.waferDiameterMM),
                             edgeExclusionMM: try wafer.number("edge_exclusion_mm", in: CostInputLimits.edgeExclusionMM),
                             defectDensityPerCM2: try wafer.number("defect_density_per_cm2", in: CostInputLimits.defectDensityPerCM2),
                             clusteringAlpha: try wafer.number("clustering_alpha", in: CostInputLimits.clusteringAlpha),
                             reticleLimitMM2: try wafer.number("reticle_limit_mm2", in: CostInputLimits.reticleLimitMM2),
                             maskSetUSD: try wafer.number("mask_set_usd", in: CostInputLimits.amountUSD)),
            power: power, sources: [:])
        guard 2 * spec.wafer.edgeExclusionMM < spec.wafer.diameterMM else {
            throw wafer.fail("edge_exclusion_mm", "must be less than the wafer's radius (\(JSONWriter.formatNumber(spec.wafer.diameterMM / 2)) mm), got \(JSONWriter.formatNumber(spec.wafer.edgeExclusionMM))")
        }
        for part in [logic, sram, wires, phy, wafer] {
            sources[part.path] = try part.source()
            try part.finish()
        }
        try r.finish()
        var out = spec
        sources[powerReader.path] = try powerReader.source()
        out.sources = sources
        return out
    }
}

/// Energy and price of memories and links by type (`configs/tech/memory.json`).
public struct MemoryTechnology: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// DRAM device energy per bit transferred (core and interface I/O), pJ.
        public var pjPerBit: Double
        /// Host-side PHY and memory controller energy per bit, pJ.
        public var hostPJPerBit: Double
        public var usdPerGB: Double

        /// Energy per bit as the chip pays it: device plus host PHY and controller, pJ.
        public var effectivePJPerBit: Double { pjPerBit + hostPJPerBit }
    }

    public var memoryTypes: [String: Entry]
    public var chipLinkPJPerBit: Double
    public var dieToDiePJPerBit: Double

    public static func decode(_ r: JSONObjectReader, requiredTypes: [String]) throws(ConfigError) -> MemoryTechnology {
        r.expecting(["memory_types", "links"])
        var types: [String: Entry] = [:]
        let entries = try r.entries("memory_types")
        for entry in entries {
            guard requiredTypes.contains(entry.key) else {
                throw ConfigError(file: r.file, path: entry.path, message: "unknown memory type (expected one of: \(requiredTypes.joined(separator: ", ")))")
            }
            let e = try JSONObjectReader(file: r.file, path: entry.path, value: entry.value)
            e.expecting(["pj_per_bit", "host_pj_per_bit", "usd_per_gb", "source"])
            types[entry.key] = Entry(pjPerBit: try e.number("pj_per_bit", in: CostInputLimits.memoryPicojoulesPerBit),
                                     hostPJPerBit: try e.number("host_pj_per_bit", in: CostInputLimits.picojoulesPerBit),
                                     usdPerGB: try e.number("usd_per_gb", in: CostInputLimits.usdPerGB))
            _ = try e.source()
            try e.finish()
        }
        for type in requiredTypes where types[type] == nil {
            throw r.fail("memory_types", "missing memory type \"\(type)\"")
        }
        let links = try r.object("links")
        links.expecting(["chip_link_pj_per_bit", "die_to_die_pj_per_bit", "source"])
        let spec = MemoryTechnology(memoryTypes: types, chipLinkPJPerBit: try links.number("chip_link_pj_per_bit", in: CostInputLimits.memoryPicojoulesPerBit),
                                    dieToDiePJPerBit: try links.number("die_to_die_pj_per_bit", in: CostInputLimits.memoryPicojoulesPerBit))
        _ = try links.source()
        try links.finish()
        try r.finish()
        return spec
    }
}
