import SPUCore
import SPUPerformance

/// The energy model as the mapping search's pricer: the energy and EDP mapping objectives
/// minimise the op's dynamic energy as this model reports it plus the chip's leakage over the
/// op's latency (the static energy `DesignEvaluator` charges for that time).
extension EnergyModel: ActivityEnergyPricer {
    public func joules(_ activity: ActivityCounts, seconds: Double) -> Double { energy(activity).totalJ + staticPowerW * seconds }

    /// Every per-unit price, exactly (hex floats): equal keys price every activity the same.
    public var priceKey: String {
        var parts = macEnergyPJ.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\(Self.exact($0.value))" }
        parts += [vectorOpPJ, localSRAMPJPerByte, sharedSRAMPJPerByte, nocPJPerByteHop, offchipPJPerByte, chipLinkPJPerByte, staticPowerW]
            .map(Self.exact)
        return parts.joined(separator: ",")
    }

    private static func exact(_ value: Double) -> String { String(value.bitPattern, radix: 16) }
}
