/// The parts of a chip that dynamic energy is charged to. One list, used by the energy model
/// (`EnergyBreakdown`), the results schema (`energy_<component>_j` columns), the JSON output
/// (`energy_breakdown_j`) and the report's stacked bars. Leakage is not a component: it is
/// charged to the whole die as static energy (`energy_static_j`).
public enum EnergyComponent: String, CaseIterable, Sendable, Hashable {
    /// Multiply-accumulates in the MAC arrays, priced per format by `MACCostModel`.
    case mac
    /// Vector-unit operations (one FP32 FMA each).
    case vector
    /// Reads and writes of each unit's local SRAM.
    case localSRAM = "local_sram"
    /// Reads and writes of the shared SRAM (L2 / global buffer).
    case sharedSRAM = "shared_sram"
    /// Byte-hops on the on-chip network: wires plus router traversals.
    case noc
    /// Off-chip memory (HBM, DDR, LPDDR) transfers.
    case offchip
    /// Chip-to-chip link (SerDes) transfers.
    case chipLink = "chip_link"

    /// The name static (leakage) energy goes by next to the components.
    public static let staticEnergyName = "static"

    /// A label for reports.
    public var label: String {
        switch self {
        case .mac: return "MAC"
        case .vector: return "vector"
        case .localSRAM: return "local SRAM"
        case .sharedSRAM: return "shared SRAM"
        case .noc: return "NoC"
        case .offchip: return "off-chip"
        case .chipLink: return "chip links"
        }
    }
}

/// Dynamic energy by component, in joules.
public struct EnergyBreakdown: Sendable, Equatable {
    public var macJ = 0.0
    public var vectorJ = 0.0
    public var localSRAMJ = 0.0
    public var sharedSRAMJ = 0.0
    public var nocJ = 0.0
    public var offchipJ = 0.0
    public var chipLinkJ = 0.0

    public init() {}

    public subscript(component: EnergyComponent) -> Double {
        get {
            switch component {
            case .mac: return macJ
            case .vector: return vectorJ
            case .localSRAM: return localSRAMJ
            case .sharedSRAM: return sharedSRAMJ
            case .noc: return nocJ
            case .offchip: return offchipJ
            case .chipLink: return chipLinkJ
            }
        }
        set {
            switch component {
            case .mac: macJ = newValue
            case .vector: vectorJ = newValue
            case .localSRAM: localSRAMJ = newValue
            case .sharedSRAM: sharedSRAMJ = newValue
            case .noc: nocJ = newValue
            case .offchip: offchipJ = newValue
            case .chipLink: chipLinkJ = newValue
            }
        }
    }

    public var totalJ: Double { macJ + vectorJ + localSRAMJ + sharedSRAMJ + nocJ + offchipJ + chipLinkJ }

    public mutating func add(_ other: EnergyBreakdown, times factor: Double = 1) {
        macJ += other.macJ * factor
        vectorJ += other.vectorJ * factor
        localSRAMJ += other.localSRAMJ * factor
        sharedSRAMJ += other.sharedSRAMJ * factor
        nocJ += other.nocJ * factor
        offchipJ += other.offchipJ * factor
        chipLinkJ += other.chipLinkJ * factor
    }

    /// (component, joules) in `EnergyComponent.allCases` order, for reports and storage.
    public var parts: [(EnergyComponent, Double)] { EnergyComponent.allCases.map { ($0, self[$0]) } }
}
