import SPUCore
import SPUCost
import SPUScheduling
import SPUWorkload

/// Prices a task that carries a workload on every device class of a platform, with the same
/// hardware, performance and power models as `spusim run` (`DesignEvaluator.evaluate`): the
/// task's cost on a class is the workload's latency on that class's design, its energy the
/// evaluation's energy per chip. A design that cannot run the workload (unsupported format, does
/// not fit, over TDP even throttled) gives the class no cost: the task cannot run there, like a
/// StarPU codelet without a variant for that device.
///
/// Classes are the platform's: every processor of one class must have the same design (one class,
/// one cost per task). A class whose processors are given explicitly (no `design`, e.g. a CPU
/// entry with powers only) has no device model and runs no workload; pipelines give such classes
/// stated per-stage figures instead (`CPUSocketModel`).
///
/// Evaluations are memoised by the workload's content (op shapes, formats, roles, repeats, phase
/// and chips), so the hundreds of identical layer ops of a trace are priced once per class.
public final class TaskCoster {
    /// What one class does with one workload.
    public enum Outcome: Sendable, Equatable {
        case runs(seconds: Double, joules: Double)
        case cannot(design: String, reason: String)
    }

    /// Every device class of the platform, sorted.
    public let deviceClasses: [String]
    /// Design file of each class that has one.
    public let designPaths: [String: String]
    private let evaluators: [String: DesignEvaluator]
    private var memo: [String: [String: Outcome]] = [:]
    /// Workloads priced (memo misses) and served from the memo, for reports and tests.
    public private(set) var evaluations = 0
    public private(set) var memoHits = 0

    /// The classes of `platform` and their designs, loaded through `catalog`. Errors: a class
    /// whose processors name two designs, or mix a design and explicit entries.
    public init(platform: PlatformFile, catalog: DeviceCatalog) throws(TaskCostingError) {
        var paths: [String: String?] = [:]
        for (p, processor) in platform.platform.processors.enumerated() {
            let path = platform.designPaths[p]
            if let known = paths[processor.deviceClass] {
                if known != path {
                    throw .classWithTwoDesigns(deviceClass: processor.deviceClass, first: known ?? "(explicit, no design)", second: path ?? "(explicit, no design)")
                }
            } else {
                paths[processor.deviceClass] = path
            }
        }
        var evaluators: [String: DesignEvaluator] = [:]
        var designPaths: [String: String] = [:]
        for (deviceClass, path) in paths {
            guard let path else { continue }
            do throws(ConfigError) {
                evaluators[deviceClass] = try catalog.evaluator(path: path)
            } catch {
                throw .design(error)
            }
            designPaths[deviceClass] = path
        }
        self.deviceClasses = paths.keys.sorted()
        self.designPaths = designPaths
        self.evaluators = evaluators
    }

    /// Whether `deviceClass` has a device model (a design) to price workloads with.
    public func hasDesign(_ deviceClass: String) -> Bool { evaluators[deviceClass] != nil }

    /// The design name of a class (its `DeviceSpec.name`), nil without a design.
    public func designName(_ deviceClass: String) -> String? { evaluators[deviceClass]?.device.name }

    /// The workload on every class that has a design.
    public func outcomes(_ workload: Workload) -> [String: Outcome] {
        let key = Self.key(workload)
        if let known = memo[key] {
            memoHits += 1
            return known
        }
        evaluations += 1
        var result: [String: Outcome] = [:]
        for (deviceClass, evaluator) in evaluators {
            let evaluation = evaluator.evaluate(workload)
            let latency = evaluation.performance.latencySeconds
            let joules = evaluation.cost.energyJ / Double(max(workload.devices, 1))
            if evaluation.performance.feasible, latency.isFinite, latency >= 0, joules.isFinite, joules >= 0 {
                result[deviceClass] = .runs(seconds: latency, joules: joules)
            } else {
                result[deviceClass] = .cannot(design: evaluator.device.name, reason: evaluation.performance.reason ?? "infeasible")
            }
        }
        memo[key] = result
        return result
    }

    /// Costs and energies of a task carrying `workload`, on every class that can run it, plus the
    /// `extra` costs given for classes without a design (stated figures). Throws when no class can.
    public func costs(task: String, workload: Workload, extra: [String: Double] = [:]) throws(TaskCostingError) -> (costSeconds: [String: Double], energyJoules: [String: Double]) {
        var seconds: [String: Double] = [:], joules: [String: Double] = [:]
        var reasons: [String] = []
        for (deviceClass, outcome) in outcomes(workload).sorted(by: { $0.key < $1.key }) {
            switch outcome {
            case let .runs(s, j):
                seconds[deviceClass] = s
                joules[deviceClass] = j
            case let .cannot(design, reason):
                reasons.append("\(deviceClass) (\(design)): \(reason)")
            }
        }
        for (deviceClass, s) in extra where evaluators[deviceClass] == nil && deviceClasses.contains(deviceClass) {
            seconds[deviceClass] = s
        }
        if seconds.isEmpty {
            if evaluators.isEmpty { reasons.append("the platform has no device with a design to price it (explicit devices run only stated figures)") }
            throw .noDeviceCanRun(task: task, reasons: reasons)
        }
        return (seconds, joules)
    }

    /// Everything about a workload that its evaluation depends on. Names do not matter, except
    /// that same-named tensors are stored once: they enter as the order of first appearance.
    static func key(_ workload: Workload) -> String {
        var key = "\(workload.phase.rawValue)|\(workload.devices)|\(workload.itemsPerIteration)"
        var names: [String: Int] = [:]
        for op in workload.ops {
            key += "#\(op.kind.rawValue)|\(op.einsum)|\(op.repeatCount)|"
            for letter in op.dims.keys.sorted() { key += "\(letter)\(op.dims[letter]!)," }
            for t in op.inputs { key += "|\(t.format.rawValue):\(t.role.rawValue):\(t.residentMultiplier):" + (t.name.map { name in
                if names[name] == nil { names[name] = names.count }
                return "\(names[name]!)"
            } ?? "") }
            key += "|\(op.output.format.rawValue)|\(op.opsPerElement)|\(op.groupSize)|\(op.collectiveAlgorithm.rawValue)|\(op.fusedWithProducer)"
        }
        return key
    }
}

/// Why tasks could not be priced on a platform.
public enum TaskCostingError: Error, Sendable, CustomStringConvertible {
    /// Two processors of one class with different designs (or a design and an explicit entry).
    case classWithTwoDesigns(deviceClass: String, first: String, second: String)
    /// A design file that cannot be loaded or evaluated.
    case design(ConfigError)
    /// No class of the platform can run the task; one reason per design.
    case noDeviceCanRun(task: String, reasons: [String])

    public var description: String {
        switch self {
        case let .classWithTwoDesigns(deviceClass, first, second):
            "device class \"\(deviceClass)\" has two designs, \(first) and \(second): every device of one class must share one design (give the devices different classes)"
        case let .design(error): error.description
        case let .noDeviceCanRun(task, reasons):
            "task \"\(task)\" can run on no device of the platform: " + reasons.joined(separator: "; ")
        }
    }
}
