import SPUCore
import SPUCost
import SPUHardware

extension ModelValidation {
    /// Modelled die area (all dies) of a `die_area` case's hardware (category `area`): the area
    /// model with the node file of the design's process node and the model parameters of
    /// `inputs`. Never the published area the design may state (`AreaBreakdown.totalMM2`).
    /// CPUs are refused: their compute overhead is the residual to the published area, so the
    /// model would reproduce any published figure.
    static func modelledDieAreaMM2(_ device: DeviceSpec, file: String, inputs: CostInputs) throws(ConfigError) -> Double {
        guard device.kind != .cpu else {
            throw ConfigError(file: file, path: "$.hardware", message: "\(device.name) is a CPU: the area model does not model CPU cores (a CPU's breakdown adds up to its published area by construction), so it cannot validate it")
        }
        guard let technology = inputs.technology(for: device.processNode) else {
            throw ConfigError(file: file, path: "$.hardware", message: "no technology file for process node \"\(device.processNode)\"")
        }
        return AreaModel(technology: technology, parameters: inputs.model).area(of: device).totalMM2
    }
}
