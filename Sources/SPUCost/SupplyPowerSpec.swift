import Foundation
import SPUCore

/// How a process node's power depends on supply voltage and temperature (`power` in
/// `configs/tech/<node>.json`): the V–f curve that DVFS moves along, and the voltage and
/// temperature dependence of leakage.
///
/// - Frequency follows the alpha-power law (Sakurai and Newton, IEEE JSSC 25(2), 1990):
///   f ∝ (V − V_th)^α / V. Throttling to a clock scale s < 1 lowers the core supply to the V at
///   which the law gives s·f_nominal, but never below `minimumVoltageV` (SRAM retention and
///   timing margins); under that, frequency scales at constant voltage.
/// - Dynamic energy of on-chip switching (MACs, vector ops, SRAM, NoC) scales with V²
///   (E = C·V²); off-chip memory and SerDes run on their own supplies and do not scale.
/// - Leakage power scales with (V/V_nominal)^`leakageVoltageExponent` (V times a sub-threshold
///   current that rises with V through drain-induced barrier lowering) and doubles every
///   `leakageDoublingC` of junction temperature above `leakageReferenceTemperatureC`, the
///   temperature the node's `leakage_w_per_mm2` is quoted at.
public struct SupplyPowerSpec: Sendable, Equatable {
    /// The supply voltage at the design's nominal clock, in volts; the node's energy factors are
    /// quoted at this voltage.
    public var nominalVoltageV: Double
    /// Threshold voltage of the alpha-power law, in volts.
    public var thresholdVoltageV: Double
    /// Lowest supply DVFS uses, in volts.
    public var minimumVoltageV: Double
    /// Velocity-saturation exponent α of the alpha-power law (1 = fully saturated, 2 = long channel).
    public var alpha: Double
    /// Exponent of leakage power in V/V_nominal.
    public var leakageVoltageExponent: Double
    /// Junction temperature at which `leakage_w_per_mm2` is quoted, °C.
    public var leakageReferenceTemperatureC: Double
    /// Temperature rise that doubles leakage, °C.
    public var leakageDoublingC: Double
    /// Junction temperature the chip runs at under load, °C.
    public var junctionTemperatureC: Double

    public init(nominalVoltageV: Double, thresholdVoltageV: Double, minimumVoltageV: Double, alpha: Double, leakageVoltageExponent: Double,
                leakageReferenceTemperatureC: Double, leakageDoublingC: Double, junctionTemperatureC: Double) {
        self.nominalVoltageV = nominalVoltageV
        self.thresholdVoltageV = thresholdVoltageV
        self.minimumVoltageV = minimumVoltageV
        self.alpha = alpha
        self.leakageVoltageExponent = leakageVoltageExponent
        self.leakageReferenceTemperatureC = leakageReferenceTemperatureC
        self.leakageDoublingC = leakageDoublingC
        self.junctionTemperatureC = junctionTemperatureC
    }

    /// Relative speed f(V)/f(V_nominal) of the alpha-power law.
    public func clockScale(atVoltage v: Double) -> Double { speed(v) / speed(nominalVoltageV) }

    private func speed(_ v: Double) -> Double { pow(max(v - thresholdVoltageV, 0), alpha) / v }

    /// The supply voltage that runs the clock at `clockScale` × nominal: the alpha-power law
    /// solved for V (bisection; the law is increasing in V above V_th), clamped to
    /// [minimum, nominal].
    public func voltage(forClockScale clockScale: Double) -> Double {
        if clockScale >= 1 { return nominalVoltageV }
        if clockScale <= self.clockScale(atVoltage: minimumVoltageV) { return minimumVoltageV }
        var lo = minimumVoltageV, hi = nominalVoltageV
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            if self.clockScale(atVoltage: mid) < clockScale { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// Factor on dynamic (switching) energy per operation at supply `v`: (V/V_nominal)².
    public func dynamicEnergyScale(atVoltage v: Double) -> Double {
        let r = v / nominalVoltageV
        return r * r
    }

    /// Factor on the node's leakage power at supply `v` and the operating junction temperature.
    public func leakageScale(atVoltage v: Double) -> Double {
        pow(v / nominalVoltageV, leakageVoltageExponent) * pow(2, (junctionTemperatureC - leakageReferenceTemperatureC) / leakageDoublingC)
    }

    static func decode(_ r: JSONObjectReader) throws(ConfigError) -> SupplyPowerSpec {
        r.expecting(["nominal_voltage_v", "threshold_voltage_v", "minimum_voltage_v", "alpha", "leakage_voltage_exponent",
                     "leakage_reference_temperature_c", "leakage_doubling_c", "junction_temperature_c", "source"])
        let spec = SupplyPowerSpec(
            nominalVoltageV: try r.number("nominal_voltage_v", in: CostInputLimits.supplyVoltageV),
            thresholdVoltageV: try r.number("threshold_voltage_v", in: CostInputLimits.thresholdVoltageV),
            minimumVoltageV: try r.number("minimum_voltage_v", in: CostInputLimits.supplyVoltageV),
            alpha: try r.number("alpha", in: CostInputLimits.alphaPowerLawExponent),
            leakageVoltageExponent: try r.number("leakage_voltage_exponent", in: CostInputLimits.leakageVoltageExponent),
            leakageReferenceTemperatureC: try r.number("leakage_reference_temperature_c", in: CostInputLimits.junctionTemperatureC),
            leakageDoublingC: try r.number("leakage_doubling_c", in: CostInputLimits.leakageDoublingC),
            junctionTemperatureC: try r.number("junction_temperature_c", in: CostInputLimits.junctionTemperatureC))
        guard spec.thresholdVoltageV < spec.minimumVoltageV else {
            throw r.fail("threshold_voltage_v", "must be below minimum_voltage_v (\(JSONWriter.formatNumber(spec.minimumVoltageV)) V), got \(JSONWriter.formatNumber(spec.thresholdVoltageV))")
        }
        guard spec.minimumVoltageV <= spec.nominalVoltageV else {
            throw r.fail("minimum_voltage_v", "must not exceed nominal_voltage_v (\(JSONWriter.formatNumber(spec.nominalVoltageV)) V), got \(JSONWriter.formatNumber(spec.minimumVoltageV))")
        }
        _ = try r.source()
        try r.finish()
        return spec
    }
}
