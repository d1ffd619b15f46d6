import SPUCore
import SPUHardware

/// The conditions a design runs at, as opposed to what the design is: today the clock, as a
/// fraction of the design's nominal `clock_ghz` (the TDP policy lowers it). The supply voltage
/// belongs here too once the energy model scales with it (dynamic energy ∝ V²).
///
/// A `DeviceSpec` is never rewritten to run at another clock, so its `contentHash` always
/// describes the design that was evaluated; the operating point is an input of
/// `PerformanceModel` and is reported with every `EvaluationResult`.
public struct OperatingPoint: Sendable, Equatable, Hashable {
    /// Clock over the design's nominal clock (1 = nominal, < 1 = throttled).
    public var clockScale: Double

    public init(clockScale: Double = 1) { self.clockScale = clockScale }

    /// The design at its nominal clock.
    public static let nominal = OperatingPoint()

    /// The clock the design runs at here, in GHz.
    public func effectiveClockGHz(for device: DeviceSpec) -> Double { device.clockGHz * clockScale }

    /// The clock the design runs at here, in Hz.
    public func effectiveClockHz(for device: DeviceSpec) -> Double { effectiveClockGHz(for: device) * Units.giga }

    /// Peak dense MACs per second in `format` across the chip at this operating point.
    public func peakMacsPerSecond(_ format: NumberFormat, on device: DeviceSpec) -> Double {
        Double(device.compute.unitCount) * Double(device.compute.macArray.macsPerCycle(format)) * effectiveClockHz(for: device)
    }
}
