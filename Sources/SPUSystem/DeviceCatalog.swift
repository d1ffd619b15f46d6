import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUScheduling

/// The device designs a platform names, loaded once each and evaluated by the same hardware,
/// performance and power models as every other command: what a platform needs of a design
/// (`PlatformFile.DesignFacts`) and the `DesignEvaluator` that prices tasks on it.
///
/// A design's facts: its class is its kind (`spu`, `gpu`, `cpu`); its memory is its off-chip
/// capacity; its idle power is the power model's static (leakage) power at nominal voltage; its
/// active power — charged only to tasks whose energy the model did not price — is its TDP; its
/// TCO per hour is the TCO model's at its price and provisioned (TDP) power, the same rule as
/// every result's `tco_usd_per_hour`.
public final class DeviceCatalog {
    public let inputs: CostInputs
    /// Op evaluations shared by every design's evaluator (keyed by design, so sharing is exact):
    /// a trace repeats the same op shapes, and the TDP search re-evaluates them.
    public let cache = OpEvaluationCache(capacity: 200_000)
    private var evaluators: [String: DesignEvaluator] = [:]

    public init(inputs: CostInputs) { self.inputs = inputs }

    /// The evaluator of the design at `path` (loaded and cached).
    public func evaluator(path: String) throws(ConfigError) -> DesignEvaluator {
        if let known = evaluators[path] { return known }
        let device = try DeviceSpec.load(path: path)
        do {
            let evaluator = try DesignEvaluator(device: device, inputs: inputs, cache: cache)
            evaluators[path] = evaluator
            return evaluator
        } catch {
            throw ConfigError(file: path, path: "$.process_node", message: error.description)
        }
    }

    public func facts(path: String) throws(ConfigError) -> PlatformFile.DesignFacts {
        let evaluator = try evaluator(path: path)
        return Self.facts(evaluator.device, idlePowerWatts: min(evaluator.staticPowerW, evaluator.device.tdpWatts),
                          tcoUSDPerHour: evaluator.tco.totalUSDPerHour)
    }

    private static func facts(_ device: DeviceSpec, idlePowerWatts: Double, tcoUSDPerHour: Double?) -> PlatformFile.DesignFacts {
        PlatformFile.DesignFacts(deviceClass: device.kind.rawValue, memoryBytes: device.memory.offchip.capacityBytes,
                                 activePowerWatts: device.tdpWatts, idlePowerWatts: idlePowerWatts, isHost: device.kind == .cpu,
                                 tcoUSDPerHour: tcoUSDPerHour)
    }

    /// A design's facts without the power model (its idle power left at 0): what `spusim validate`
    /// needs to check a platform's structure.
    public static func structuralFacts(path: String) throws(ConfigError) -> PlatformFile.DesignFacts {
        facts(try DeviceSpec.load(path: path), idlePowerWatts: 0, tcoUSDPerHour: nil)
    }
}
