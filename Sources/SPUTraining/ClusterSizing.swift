import Foundation
import SPUCore
import SPUFormats
import SPUHardware
import SPUPerformance
import SPUCost

/// How many devices, how much power and how much money a sustained compute target takes: the
/// zettascale question (10²¹ operations per second). An operation is one of the two of a
/// multiply-accumulate in the named format (dense, no sparsity), so the peak is 2 × MACs/s of
/// the format, as FLOP/s for floating-point formats and OP/s for integer and logarithmic ones.
/// Sized twice: on peak, and on a workload at the model FLOPs utilisation it achieves.
public struct ClusterSizing: Sendable {
    /// One answer: devices and what they cost to build, house and run.
    public struct Plan: Sendable, Equatable {
        /// What the devices are assumed to sustain: "peak" or the workload and its utilisation.
        public var basis: String
        public var utilization: Double
        public var devices: Int
        public var nodes: Int
        /// Accelerators at TDP plus hosts, NICs and switches, and that × PUE.
        public var provisionedITPowerW: Double
        public var facilityPowerW: Double
        public var capexUSD: Double
        /// Capital recovery, electricity at provisioned power × PUE, facility and operations.
        public var usdPerHour: Double
        /// Operations per second the plan sustains (≥ the target).
        public var sustainedOpsPerSecond: Double
    }

    public let evaluator: DesignEvaluator
    public let cluster: ClusterSpec
    public let format: NumberFormat

    public init(evaluator: DesignEvaluator, cluster: ClusterSpec, format: NumberFormat) {
        self.evaluator = evaluator
        self.cluster = cluster
        self.format = format
    }

    /// Dense peak operations per second of one device in the format (2 per MAC); 0 if it cannot run it.
    public var peakOpsPerSecondPerDevice: Double { 2 * evaluator.device.peakMacsPerSecond(format) }

    /// The plan that sustains `target` operations per second at `utilization` of peak.
    public func plan(targetOpsPerSecond target: Double, utilization: Double, basis: String) -> Plan? {
        let perDevice = peakOpsPerSecondPerDevice * utilization
        guard perDevice > 0, target > 0 else { return nil }
        let needed = (target / perDevice).rounded(.up)
        guard needed < Double(Int.max / 4) else { return nil }
        // Whole nodes.
        let perNode = cluster.devicesPerNode
        let devices = (Int(needed) + perNode - 1) / perNode * perNode
        let infrastructure = TrainingStepModel.infrastructurePowerW(cluster: cluster, devices: devices)
        let provisioned = Double(devices) * evaluator.device.tdpWatts + infrastructure
        let capex = TrainingStepModel.capexUSD(cluster: cluster, devicePriceUSD: evaluator.silicon.priceUSD, devices: devices)
        let tco = evaluator.inputs.tco
        return Plan(basis: basis, utilization: utilization, devices: devices, nodes: devices / perNode,
                    provisionedITPowerW: provisioned, facilityPowerW: provisioned * tco.pue, capexUSD: capex,
                    usdPerHour: TrainingStepModel.usdPerHour(capexUSD: capex, averageITPowerW: provisioned, provisionedITPowerW: provisioned, parameters: tco),
                    sustainedOpsPerSecond: Double(devices) * perDevice)
    }
}
