import SPUCore
import SPUPerformance

/// The energy model as the mapping search's pricer: the energy and EDP mapping objectives
/// minimise the dynamic energy this model reports for each op.
extension EnergyModel: ActivityEnergyPricer {
    public func joules(_ activity: ActivityCounts) -> Double { energy(activity).totalJ }

    /// Every per-unit price, exactly (hex floats): equal keys price every activity the same.
    public var priceKey: String {
        var parts = macEnergyPJ.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\(Self.exact($0.value))" }
        parts += [vectorOpPJ, localSRAMPJPerByte, sharedSRAMPJPerByte, nocPJPerByteHop, offchipPJPerByte, chipLinkPJPerByte].map(Self.exact)
        return parts.joined(separator: ",")
    }

    private static func exact(_ value: Double) -> String { String(value.bitPattern, radix: 16) }
}
