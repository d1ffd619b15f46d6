/// Why a task graph (or a graph on a platform) cannot be scheduled. Each case knows where in the
/// JSON task-graph format the mistake sits (`jsonPath`), so a loader can name file, path and rule.
public enum TaskGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum EdgeEnd: String, Sendable { case from, to }

    case emptyTaskId(task: Int)
    case duplicateTask(id: String, task: Int, first: Int)
    case noCost(id: String, task: Int)
    case badCost(id: String, task: Int, deviceClass: String, value: Double)
    case unknownTask(id: String, edge: Int, end: EdgeEnd)
    case selfLoop(id: String, edge: Int)
    case duplicateEdge(from: String, to: String, edge: Int)
    case badEdgeData(edge: Int, value: Double)
    /// The tasks of one cycle in edge order, the first repeated at the end.
    case cycle(ids: [String])
    /// No processor of the platform has a class the task has a cost for.
    case noRunnableProcessor(id: String, task: Int, classes: [String])
    /// An edge given in bytes on a platform without a bandwidth.
    case bytesWithoutBandwidth(edge: Int)
    case noProcessors
    case emptyDataId(data: Int)
    case duplicateData(id: String, data: Int, first: Int)
    case badDataBytes(id: String, data: Int, value: Double)
    case unknownData(id: String, task: Int, use: Int)
    case repeatedUse(id: String, task: Int, use: Int)
    /// An energy for a class the task has no cost for, or not a finite number ≥ 0.
    case badEnergy(id: String, task: Int, deviceClass: String, value: Double)
    /// An edge given in seconds on a platform whose links price bytes.
    case secondsOnTopology(edge: Int)
    /// The task's inputs, outputs and data fit in no memory of a processor that could run it.
    case doesNotFit(id: String, task: Int, bytes: Double, largestBytes: Double)
    /// A persistent data item's home node is not a node of the platform.
    case unknownHomeNode(id: String, data: Int, node: Int)

    /// Where the mistake is in the JSON task-graph format (`docs/scheduling.md`).
    public var jsonPath: String {
        switch self {
        case let .emptyTaskId(task), let .duplicateTask(_, task, _): "$.tasks[\(task)].id"
        case let .noCost(_, task), let .noRunnableProcessor(_, task, _): "$.tasks[\(task)].costs_s"
        case let .badCost(_, task, deviceClass, _): "$.tasks[\(task)].costs_s.\(deviceClass)"
        case let .unknownTask(_, edge, end): "$.edges[\(edge)].\(end.rawValue)"
        case let .selfLoop(_, edge), let .duplicateEdge(_, _, edge): "$.edges[\(edge)]"
        case let .badEdgeData(edge, _), let .bytesWithoutBandwidth(edge): "$.edges[\(edge)]"
        case .cycle: "$.edges"
        case .noProcessors: "$.processors"
        case let .emptyDataId(d), let .duplicateData(_, d, _): "$.data[\(d)].id"
        case let .badDataBytes(_, d, _): "$.data[\(d)].bytes"
        case let .unknownHomeNode(_, d, _): "$.data[\(d)].home_node"
        case let .unknownData(_, task, use), let .repeatedUse(_, task, use): "$.tasks[\(task)].uses[\(use)]"
        case let .badEnergy(_, task, deviceClass, _): "$.tasks[\(task)].energy_j.\(deviceClass)"
        case let .secondsOnTopology(edge): "$.edges[\(edge)].cost_s"
        case let .doesNotFit(_, task, _, _): "$.tasks[\(task)]"
        }
    }

    public var description: String {
        switch self {
        case .emptyTaskId: "a task id must be a non-empty string"
        case let .duplicateTask(id, _, first): "duplicate task id \"\(id)\" (first used by $.tasks[\(first)])"
        case let .noCost(id, _): "task \"\(id)\" has no cost on any device class (give at least one, e.g. {\"gpu\": 0.002})"
        case let .badCost(id, _, deviceClass, value): "task \"\(id)\": cost on \"\(deviceClass)\" must be a finite number ≥ 0 seconds, got \(value)"
        case let .unknownTask(id, _, _): "unknown task \"\(id)\" (not among $.tasks[*].id)"
        case let .selfLoop(id, _): "self-loop on task \"\(id)\": a task cannot depend on itself"
        case let .duplicateEdge(from, to, _): "edge \(from) → \(to) is given twice"
        case let .badEdgeData(_, value): "communication must be a finite number ≥ 0, got \(value)"
        case let .cycle(ids): "the graph has a cycle: \(ids.joined(separator: " → ")) (a task graph must be acyclic)"
        case let .noRunnableProcessor(id, _, classes): "task \"\(id)\" can run on none of the processors (it has costs for \(classes.joined(separator: ", ")); no processor has one of these classes)"
        case .bytesWithoutBandwidth: "edge is given in bytes but the platform has no communication.bandwidth_bytes_per_s"
        case .noProcessors: "the platform needs at least one processor"
        case .emptyDataId: "a data id must be a non-empty string"
        case let .duplicateData(id, _, first): "duplicate data id \"\(id)\" (first used by $.data[\(first)])"
        case let .badDataBytes(id, _, value): "data \"\(id)\": bytes must be a finite number ≥ 0, got \(value)"
        case let .unknownHomeNode(id, _, node): "data \"\(id)\": home node \(node) is not a node of the platform"
        case let .unknownData(id, _, _): "unknown data \"\(id)\" (not among $.data[*].id)"
        case let .repeatedUse(id, _, _): "data \"\(id)\" is used twice by the same task"
        case let .badEnergy(id, _, deviceClass, value): "task \"\(id)\": energy on \"\(deviceClass)\" must be a finite number ≥ 0 joules for a class the task has a cost on, got \(value)"
        case .secondsOnTopology: "the platform models links, so an edge must give bytes (cost_s is for uniform platforms)"
        case let .doesNotFit(id, _, bytes, largest): "task \"\(id)\" needs \(bytes) bytes resident (inputs, outputs and data) but the largest memory of a processor that could run it holds \(largest) bytes"
        }
    }
}
