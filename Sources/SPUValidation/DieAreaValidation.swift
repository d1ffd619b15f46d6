import SPUCore
import SPUCost
import SPUHardware

extension ModelValidation {
    /// Modelled die area (all dies) of a `die_area` case's hardware (category `area`): the area
    /// model with the node file of the design's process node and the model parameters of
    /// `inputs`. Never the published area the design may state (`AreaBreakdown.totalMM2`).
    static func modelledDieAreaMM2(_ device: DeviceSpec, file: String, inputs: CostInputs) throws(ConfigError) -> Double {
        guard let technology = inputs.technology(for: device.processNode) else {
            throw ConfigError(file: file, path: "$.hardware", message: "no technology file for process node \"\(device.processNode)\"")
        }
        return AreaModel(technology: technology, parameters: inputs.model).area(of: device).totalMM2
    }
}
