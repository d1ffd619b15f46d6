/// The parts of a die that area is charged to. One list, used by the area model
/// (`AreaBreakdown`), the results schema (`area_<component>_mm2` columns), the JSON output
/// (`area_breakdown_mm2`) and the report's stacked bars.
public enum AreaComponent: String, CaseIterable, Sendable, Hashable {
    /// Processing elements of the MAC arrays, priced per format by `MACCostModel`.
    case macArrays = "mac_arrays"
    /// Vector-unit lanes (one FP32 FMA each).
    case vectorUnits = "vector_units"
    /// Everything of a compute unit that is not a MAC or a vector lane (register files, schedulers,
    /// load/store, special-function units), as a factor on the two.
    case computeOverhead = "compute_overhead"
    /// Each unit's local SRAM.
    case localSRAM = "local_sram"
    /// The shared SRAM (L2 / global buffer).
    case sharedSRAM = "shared_sram"
    /// NoC routers or crossbar ports.
    case noc
    /// Off-chip memory PHYs (per HBM stack or DRAM channel).
    case memoryPhy = "memory_phy"
    /// Chip-to-chip link PHYs.
    case chipLinkPhy = "chip_link_phy"
    /// Die-to-die PHYs of multi-die packages.
    case dieToDiePhy = "die_to_die_phy"
    /// Control, clocking, test and I/O: a fraction of the rest plus a fixed part per die.
    case controlIO = "control_io"

    /// A label for reports.
    public var label: String {
        switch self {
        case .macArrays: return "MAC arrays"
        case .vectorUnits: return "vector units"
        case .computeOverhead: return "compute overhead"
        case .localSRAM: return "local SRAM"
        case .sharedSRAM: return "shared SRAM"
        case .noc: return "NoC routers"
        case .memoryPhy: return "memory PHY"
        case .chipLinkPhy: return "chip-link PHY"
        case .dieToDiePhy: return "die-to-die PHY"
        case .controlIO: return "control & IO"
        }
    }
}

/// Die area from parts: MAC arrays by format, vector units, SRAM, NoC routers, memory PHYs,
/// chip-link and die-to-die PHYs, and control/IO. Areas in mm² for the whole package's silicon
/// (all dies); `perDieMM2` is what the reticle limit applies to.
public struct AreaBreakdown: Sendable, Equatable {
    public var macArraysMM2: Double
    public var vectorUnitsMM2: Double
    public var computeOverheadMM2: Double
    public var localSRAMMM2: Double
    public var sharedSRAMMM2: Double
    public var nocMM2: Double
    public var memoryPhyMM2: Double
    public var chipLinkPhyMM2: Double
    public var dieToDiePhyMM2: Double
    public var controlIOMM2: Double
    public var dies: Int

    public subscript(component: AreaComponent) -> Double {
        switch component {
        case .macArrays: return macArraysMM2
        case .vectorUnits: return vectorUnitsMM2
        case .computeOverhead: return computeOverheadMM2
        case .localSRAM: return localSRAMMM2
        case .sharedSRAM: return sharedSRAMMM2
        case .noc: return nocMM2
        case .memoryPhy: return memoryPhyMM2
        case .chipLinkPhy: return chipLinkPhyMM2
        case .dieToDiePhy: return dieToDiePhyMM2
        case .controlIO: return controlIOMM2
        }
    }

    public var totalMM2: Double {
        macArraysMM2 + vectorUnitsMM2 + computeOverheadMM2 + localSRAMMM2 + sharedSRAMMM2 + nocMM2 + memoryPhyMM2
            + chipLinkPhyMM2 + dieToDiePhyMM2 + controlIOMM2
    }

    public var perDieMM2: Double { totalMM2 / Double(dies) }

    /// Published total silicon area when the design states one (real chips), else nil. Cost and
    /// the reticle check use it in preference to the modelled area.
    public var publishedTotalMM2: Double?

    /// The area cost and the reticle check use: published when known, modelled otherwise.
    public var effectiveTotalMM2: Double { publishedTotalMM2 ?? totalMM2 }
    public var effectivePerDieMM2: Double { effectiveTotalMM2 / Double(dies) }

    /// (component, mm²) in `AreaComponent.allCases` order, for reports and storage.
    public var parts: [(AreaComponent, Double)] { AreaComponent.allCases.map { ($0, self[$0]) } }
}
