import SPUCore

/// The electrical operating point an evaluation ran at: clock, core supply voltage and junction
/// temperature, and the average power of one chip by component over the iteration. The
/// performance side (`OperatingPoint`) carries only the clock scale; the voltage follows from
/// it through the node's V–f curve (`SupplyPowerSpec`).
public struct PowerOperatingPoint: Sendable, Equatable {
    /// Clock over the design's nominal clock (the TDP policy's throttle factor).
    public var clockScale: Double
    /// Clock the chip runs at, GHz.
    public var clockGHz: Double
    /// Core supply voltage, V.
    public var voltageV: Double
    /// Junction temperature leakage is evaluated at, °C.
    public var junctionTemperatureC: Double
    /// Average dynamic power of one chip by component over the iteration, W.
    public var dynamicPowerW: [EnergyComponent: Double]
    /// Leakage power of one chip at this voltage and temperature, W.
    public var staticPowerW: Double

    /// Average power of one chip: the components plus leakage, W.
    public var totalPowerW: Double { dynamicPowerW.values.reduce(staticPowerW, +) }

    /// (name, W) in `EnergyComponent.allCases` order, then static: the parts sum to `totalPowerW`.
    public var parts: [(String, Double)] {
        EnergyComponent.allCases.map { ($0.rawValue, dynamicPowerW[$0] ?? 0) } + [(EnergyComponent.staticEnergyName, staticPowerW)]
    }
}
