import SPUCore
import SPUHardware

/// Parameters of the packaging model (`PackagingModel`): the geometry that limits how many HBM
/// stacks a die can host, the interposer area rule, and each package class's size limit and cost.
/// Read from the `package` section of the TCO file (`configs/tco/default.json`, where every value
/// has its source); ranges in `CostInputLimits`.
public struct PackagingParameters: Sendable, Equatable {
    /// One HBM generation's stack as the package sees it.
    public struct HBMStack: Sendable, Equatable {
        /// Die edge one stack takes: its footprint's side along the die edge plus the gap to the
        /// next stack (the stack pitch along the shoreline), mm.
        public var edgeMM: Double
        /// Footprint of one stack on the interposer, mm².
        public var footprintMM2: Double
    }

    /// One package class: the largest interposer (or substrate die area) it holds, whether it can
    /// carry HBM (a silicon interposer or bridge), whether `"auto"` may choose it, and its cost
    /// `baseUSD + usdPerMM2 × interposer area + usdPerHBMStack × stacks`.
    public struct PackageClass: Sendable, Equatable {
        public var maxInterposerMM2: Double
        public var carriesHBM: Bool
        public var auto: Bool
        public var baseUSD: Double
        public var usdPerMM2: Double
        public var usdPerHBMStack: Double

        public func costUSD(interposerMM2: Double, hbmStacks: Int) -> Double {
            baseUSD + usdPerMM2 * interposerMM2 + usdPerHBMStack * Double(hbmStacks)
        }
    }

    /// Stack geometry per HBM memory type (`hbm2` … `hbm4`).
    public var hbmStacks: [MemoryType: HBMStack]
    /// Die edges that may face HBM stacks (the other edges carry host I/O, chip links, the
    /// die-to-die interface and power entry): 2, the two long edges.
    public var hbmEdgesPerDie: Int
    /// Longest-to-shortest edge ratio a die's floorplan may take.
    public var maxDieAspectRatio: Double
    /// Longest die edge the lithography field allows, mm (the reticle's long side).
    public var maxDieEdgeMM: Double
    /// Interposer area over the area of the dies and stacks it carries (gaps, keep-out, edge routing).
    public var interposerSpacingFactor: Double
    /// Every package class but `auto`.
    public var classes: [SiliconSpec.Package: PackageClass]

    /// The classes, in `SiliconSpec.Package` order (organic, cowos-s, cowos-l, soic-cowos).
    public var orderedClasses: [(SiliconSpec.Package, PackageClass)] {
        SiliconSpec.Package.allCases.compactMap { p in classes[p].map { (p, $0) } }
    }

    public static func decode(_ r: JSONObjectReader) throws(ConfigError) -> PackagingParameters {
        r.expecting(["hbm_stacks", "hbm_edges_per_die", "max_die_aspect_ratio", "max_die_edge_mm", "interposer_spacing_factor",
                     "classes", "source"])
        let hbmTypes = MemoryType.allCases.filter(\.isHBM)
        var stacks: [MemoryType: HBMStack] = [:]
        for entry in try r.entries("hbm_stacks") {
            guard let type = MemoryType(rawValue: entry.key), type.isHBM else {
                throw ConfigError(file: r.file, path: entry.path, message: "unknown HBM type (expected one of: \(hbmTypes.map(\.rawValue).joined(separator: ", ")))")
            }
            let e = try JSONObjectReader(file: r.file, path: entry.path, value: entry.value)
            e.expecting(["edge_mm", "footprint_mm2", "source"])
            stacks[type] = HBMStack(edgeMM: try e.number("edge_mm", in: CostInputLimits.packageLengthMM),
                                    footprintMM2: try e.number("footprint_mm2", in: CostInputLimits.packageAreaMM2))
            _ = try e.source()
            try e.finish()
        }
        for type in hbmTypes where stacks[type] == nil {
            throw r.fail("hbm_stacks", "missing HBM type \"\(type.rawValue)\"")
        }
        let named = SiliconSpec.Package.allCases.filter { $0 != .auto }
        var classes: [SiliconSpec.Package: PackageClass] = [:]
        for entry in try r.entries("classes") {
            guard let name = SiliconSpec.Package(rawValue: entry.key), name != .auto else {
                throw ConfigError(file: r.file, path: entry.path, message: "unknown package class (expected one of: \(named.map(\.rawValue).joined(separator: ", ")))")
            }
            let c = try JSONObjectReader(file: r.file, path: entry.path, value: entry.value)
            c.expecting(["max_interposer_mm2", "carries_hbm", "auto", "base_usd", "usd_per_mm2", "usd_per_hbm_stack", "source"])
            classes[name] = PackageClass(
                maxInterposerMM2: try c.number("max_interposer_mm2", in: CostInputLimits.packageAreaMM2),
                carriesHBM: try c.bool("carries_hbm"), auto: try c.bool("auto"),
                baseUSD: try c.number("base_usd", in: CostInputLimits.amountUSD),
                usdPerMM2: try c.number("usd_per_mm2", in: CostInputLimits.usdPerMM2),
                usdPerHBMStack: try c.number("usd_per_hbm_stack", in: CostInputLimits.amountUSD))
            _ = try c.source()
            try c.finish()
        }
        for name in named where classes[name] == nil {
            throw r.fail("classes", "missing package class \"\(name.rawValue)\"")
        }
        if !classes.values.contains(where: \.auto) {
            throw r.fail("classes", "no class has \"auto\": true, so a design with package \"auto\" could never be packaged")
        }
        let params = PackagingParameters(
            hbmStacks: stacks, hbmEdgesPerDie: try r.int("hbm_edges_per_die", in: CostInputLimits.hbmEdgesPerDie),
            maxDieAspectRatio: try r.number("max_die_aspect_ratio", in: CostInputLimits.dieAspectRatio),
            maxDieEdgeMM: try r.number("max_die_edge_mm", in: CostInputLimits.packageLengthMM),
            interposerSpacingFactor: try r.number("interposer_spacing_factor", in: CostInputLimits.interposerSpacingFactor),
            classes: classes)
        _ = try r.source()
        try r.finish()
        return params
    }
}
