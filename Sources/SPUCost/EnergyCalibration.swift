import SPUCore

/// The classes of on-chip dynamic energy that are calibrated separately, and the factors
/// (`dynamic_energy_calibration` in `configs/tech/model-parameters.json`).
///
/// The bottom-up prices (Horowitz's 45 nm anchors scaled by Stillmaker and Baas, wire and
/// router energies per bit) leave out what surrounds each kind of circuit: clock trees, pipeline
/// registers, operand collectors and control around the arithmetic; peripheral circuits,
/// sense amplifiers and banking around SRAM arrays; repeaters, flops and arbitration along
/// wires. Each class gets its own factor, fitted on measured GPU power points
/// (`spusim validate-model --category power --fit`). Off-chip memory and SerDes energies are
/// device figures that already include their PHYs and controllers, so no factor touches them.
public enum EnergyClass: String, CaseIterable, Sendable {
    /// MAC arrays and vector units.
    case logic
    /// Each unit's local SRAM (scratchpad, shared memory): small banks next to the datapath.
    case localSRAM = "local_sram"
    /// The shared SRAM (L2 cache, global buffer): large arrays with tags, slices and the long
    /// internal wiring that reaches them.
    case sharedSRAM = "shared_sram"
    /// On-chip wires and routers (the NoC or crossbar).
    case wires
}

extension EnergyComponent {
    /// The calibration class of this component; nil for off-chip memory and chip links, which are
    /// priced at device figures.
    public var energyClass: EnergyClass? {
        switch self {
        case .mac, .vector: return .logic
        case .localSRAM: return .localSRAM
        case .sharedSRAM: return .sharedSRAM
        case .noc: return .wires
        case .offchip, .chipLink: return nil
        }
    }

    /// Whether the component switches on the core supply, so its energy per operation scales
    /// with V² under DVFS (off-chip memory and SerDes have their own supplies).
    public var onCoreSupply: Bool { energyClass != nil }

    /// The components that switch on the core supply (computed once: scaling runs per op).
    public static let coreSupplyComponents = allCases.filter(\.onCoreSupply)
}

/// The calibration factors, one per `EnergyClass`.
public struct EnergyCalibration: Sendable, Equatable {
    public var logic: Double
    public var localSRAM: Double
    public var sharedSRAM: Double
    public var wires: Double

    public init(logic: Double, localSRAM: Double, sharedSRAM: Double, wires: Double) {
        self.logic = logic
        self.localSRAM = localSRAM
        self.sharedSRAM = sharedSRAM
        self.wires = wires
    }

    /// No calibration: the bottom-up prices as they are (what the power fit starts from).
    public static let none = EnergyCalibration(logic: 1, localSRAM: 1, sharedSRAM: 1, wires: 1)

    public subscript(energyClass: EnergyClass) -> Double {
        get {
            switch energyClass {
            case .logic: return logic
            case .localSRAM: return localSRAM
            case .sharedSRAM: return sharedSRAM
            case .wires: return wires
            }
        }
        set {
            switch energyClass {
            case .logic: logic = newValue
            case .localSRAM: localSRAM = newValue
            case .sharedSRAM: sharedSRAM = newValue
            case .wires: wires = newValue
            }
        }
    }

    /// The factor on `component`'s bottom-up energy (1 for off-chip memory and chip links).
    public func factor(for component: EnergyComponent) -> Double { component.energyClass.map { self[$0] } ?? 1 }
}

extension EnergyBreakdown {
    /// These energies with the core-supply components scaled by `factor` (DVFS: (V/V_nom)²).
    public func scalingCoreSupply(by factor: Double) -> EnergyBreakdown {
        guard factor != 1 else { return self }
        var out = self
        for component in EnergyComponent.coreSupplyComponents { out[component] *= factor }
        return out
    }

    /// Joules of one calibration class.
    public func joules(of energyClass: EnergyClass) -> Double {
        EnergyComponent.allCases.filter { $0.energyClass == energyClass }.reduce(0) { $0 + self[$1] }
    }

    /// Joules of the components no calibration factor touches (off-chip memory, chip links).
    public var uncalibratedJoules: Double { EnergyComponent.allCases.filter { $0.energyClass == nil }.reduce(0) { $0 + self[$1] } }
}
