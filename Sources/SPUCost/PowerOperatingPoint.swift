import SPUCore

/// The electrical operating point an evaluation ran at: clock, core supply voltage, junction
/// temperature and leakage power. The performance side (`OperatingPoint`) carries only the clock
/// scale; the voltage follows from it through the node's V–f curve (`SupplyPowerSpec`). Power by
/// component is the result's energy over its latency (`CostedEvaluation.powerBreakdownW`).
public struct PowerOperatingPoint: Sendable, Equatable {
    /// Clock over the design's nominal clock (the TDP policy's throttle factor).
    public var clockScale: Double
    /// Clock the chip runs at, GHz.
    public var clockGHz: Double
    /// Core supply voltage, V.
    public var voltageV: Double
    /// Junction temperature leakage is evaluated at, °C.
    public var junctionTemperatureC: Double
    /// Leakage power of one chip at this voltage and temperature, W.
    public var staticPowerW: Double
}

extension CostedEvaluation {
    /// Average power of one chip by component over the iteration, then static, in W: the
    /// dynamic energy of each component over the latency, plus leakage. The parts sum to
    /// `averagePowerW`; nil for a result without a finite, positive latency.
    public var powerBreakdownW: [(String, Double)]? {
        let latency = performance.latencySeconds
        guard latency > 0, latency.isFinite else { return nil }
        return cost.dynamicEnergy.parts.map { ($0.0.rawValue, $0.1 / latency) }
            + [(EnergyComponent.staticEnergyName, cost.operatingPoint.staticPowerW)]
    }
}
