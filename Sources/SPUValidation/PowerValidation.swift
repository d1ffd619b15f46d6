import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUPerformance
import SPUWorkload

/// The `power` category: a case's workload evaluated end to end by `DesignEvaluator` (the
/// performance model, then the energy model with the TDP/DVFS policy), predicting average board
/// power per chip (`watts`) or the group's energy per output token (`joules_per_token`).
///
/// A GEMM or STREAM case runs its kernel back to back, as a power measurement does (no launch
/// gaps). A transformer case runs one trace; with `generation` it runs one prefill plus
/// output − 1 decode steps, and power is the energy of one chip over the whole run's time.
enum PowerValidation {
    /// One workload of a case and how many times it runs.
    struct Part {
        var workload: Workload
        var count: Double
    }

    /// The workloads of a power case and the output tokens they produce.
    static func parts(_ c: ValidationCase) throws(ConfigError) -> (parts: [Part], tokens: Double) {
        switch c.kind {
        case let .gemm(m, n, k, format):
            let op = ModelValidation.gemmOp(m: m, n: n, k: k, format: format)
            return ([Part(workload: Workload(name: "gemm", phase: .other, throughputUnit: "ops", itemsPerIteration: 1, ops: [op]), count: 1)], 0)
        case let .stream(kernel, bytes):
            let op = ModelValidation.streamOp(kernel: kernel, bytesPerArray: bytes)
            return ([Part(workload: Workload(name: kernel, phase: .other, throughputUnit: "ops", itemsPerIteration: 1, ops: [op]), count: 1)], 0)
        case let .transformer(t):
            let step = try ModelValidation.transformerWorkload(t, phase: t.phase, length: t.length, file: c.file)
            guard let generation = t.generation else { return ([Part(workload: step, count: 1)], step.itemsPerIteration) }
            let prefill = try ModelValidation.transformerWorkload(t, phase: .prefill, length: generation.prompt, file: c.file)
            return ([Part(workload: prefill, count: 1), Part(workload: step, count: Double(generation.outputTokens - 1))],
                    Double(t.batch * generation.outputTokens))
        default:
            throw ConfigError(file: c.file, path: "$.case", message: "power cases run gemm, stream or transformer")
        }
    }

    /// The device as a power measurement runs it: kernels back to back, without launch gaps.
    static func measuredDevice(_ device: DeviceSpec, _ c: ValidationCase) -> DeviceSpec {
        var d = device
        if case .transformer = c.kind { return d }
        d.calibration.kernelLaunchOverheadSeconds = 0
        return d
    }

    /// What one case's run adds up to: energy of all chips, energy of one chip, and time.
    struct Totals {
        var groupJ = 0.0
        var chipJ = 0.0
        var seconds = 0.0
    }

    static func predict(_ c: ValidationCase, device: DeviceSpec, inputs: CostInputs) throws(ConfigError) -> Double {
        let (parts, tokens) = try parts(c)
        let evaluator = try makeEvaluator(measuredDevice(device, c), inputs: inputs, file: c.file)
        // A serving engine's time per iteration runs on the chips at the iteration's power (kernels
        // the trace does not list, launch gaps; docs/serving.md, "Engine time").
        var engine = 0.0
        if case let .transformer(t) = c.kind { engine = try ModelValidation.engineSeconds(t, file: c.file) }
        var totals = Totals()
        for part in parts {
            let e = evaluator.evaluate(part.workload)
            let devices = Double(part.workload.devices)
            let engineJ = e.cost.averagePowerW * engine
            totals.groupJ += (e.cost.energyJ + engineJ * devices) * part.count
            totals.chipJ += (e.cost.energyJ / devices + engineJ) * part.count
            totals.seconds += (e.performance.latencySeconds + engine) * part.count
        }
        return c.metric == .joulesPerToken ? totals.groupJ / tokens : totals.chipJ / totals.seconds
    }

    static func makeEvaluator(_ device: DeviceSpec, inputs: CostInputs, file: String) throws(ConfigError) -> DesignEvaluator {
        do {
            return try DesignEvaluator(device: device, inputs: inputs)
        } catch {
            throw ConfigError(file: file, path: "$.hardware", message: error.description)
        }
    }
}
