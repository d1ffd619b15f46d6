import SPUCore
import SPUScheduling
import SPUWorkload

/// The op DAG of a workload trace as a task graph (`docs/scheduling.md`, "Workload traces as task
/// graphs").
///
/// - One task per op; an op `fused` with its producer (the first of its `after`) runs in the
///   producer's kernel, so it joins the producer's task (attention's softmax and context join the
///   score matmul). The task's id is its first op's name.
/// - Edges follow `after` (docs/workload-format.md: "names of earlier ops whose outputs this op
///   reads"). An op without `after` depends on nothing: the format lists ops in dependency order,
///   but order alone is not a dependency (a GEMM list is "a list of independent ops"); the
///   generators give every op after the first its `after`. An edge carries the producer op's
///   output tensor bytes (summed when several ops of one task feed another task).
/// - Weights and KV caches (inputs with role `weight` or `kv_cache`) are persistent data items in
///   host memory of node 0, used by the tasks that read them: a device copies them on first use,
///   and they count against its memory. A named tensor is one item (tied embeddings are stored
///   once, at the largest size any op gives it); an unnamed one is `op.inputK`. Its bytes are the
///   op's resident bytes times `repeat` (a repeated op stands for that many layers).
/// - Each task is priced by evaluating a workload of its ops alone, with the trace's phase, chip
///   count and items (`TaskCoster`): `costSeconds[class]` its latency, `energyJoules[class]` its
///   energy per chip. A trace with `devices` > 1 lists one chip's shard, so the graph is one
///   chip's work.
public enum WorkloadTaskGraph {
    /// The task graph of `workload`, priced on the coster's platform. Errors: a task no class can
    /// run (`TaskCostingError.noDeviceCanRun`, with `opIndex` of its first op).
    public static func build(_ workload: Workload, coster: TaskCoster) throws(WorkloadTaskGraphError) -> TaskGraph {
        var groupOf: [String: Int] = [:]
        var groups: [[Int]] = []
        for (i, op) in workload.ops.enumerated() {
            if op.fusedWithProducer, let producer = op.after.first, let g = groupOf[producer] {
                groups[g].append(i)
                groupOf[op.name] = g
            } else {
                groupOf[op.name] = groups.count
                groups.append([i])
            }
        }

        var dataBytes: [String: Double] = [:]
        var dataOrder: [String] = []
        var tasks: [TaskGraph.Task] = []
        tasks.reserveCapacity(groups.count)
        for group in groups {
            let ops = group.map { workload.ops[$0] }
            let id = ops[0].name
            var uses: [String] = []
            for (k, op) in zip(group, ops) {
                for (t, tensor) in op.inputs.enumerated() where tensor.role != .activation {
                    let dataId = tensor.name ?? "\(workload.ops[k].name).input\(t)"
                    let bytes = op.bytes(tensor) * tensor.residentMultiplier * Double(op.repeatCount)
                    if let known = dataBytes[dataId] {
                        dataBytes[dataId] = max(known, bytes)
                    } else {
                        dataBytes[dataId] = bytes
                        dataOrder.append(dataId)
                    }
                    if !uses.contains(dataId) { uses.append(dataId) }
                }
            }
            let task = Workload(name: "\(workload.name)/\(id)", phase: workload.phase, devices: workload.devices,
                                throughputUnit: workload.throughputUnit, itemsPerIteration: workload.itemsPerIteration, ops: ops)
            let priced: (costSeconds: [String: Double], energyJoules: [String: Double])
            do throws(TaskCostingError) {
                priced = try coster.costs(task: id, workload: task)
            } catch {
                throw WorkloadTaskGraphError(opIndex: group[0], error: error)
            }
            tasks.append(TaskGraph.Task(id: id, kind: ops[0].kind.rawValue, costSeconds: priced.costSeconds,
                                        energyJoules: priced.energyJoules, uses: uses))
        }

        var edgeBytes: [Int64: Double] = [:]
        var edgeOrder: [Int64] = []
        let opIndex = Dictionary(workload.ops.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (g, group) in groups.enumerated() {
            for i in group {
                for producer in workload.ops[i].after {
                    guard let pg = groupOf[producer], pg != g, let p = opIndex[producer] else { continue }
                    let key = Int64(pg) << 32 | Int64(g)
                    let producerOp = workload.ops[p]
                    if edgeBytes[key] == nil { edgeOrder.append(key) }
                    edgeBytes[key, default: 0] += producerOp.bytes(producerOp.output)
                }
            }
        }
        let edges = edgeOrder.map { key in
            TaskGraph.Edge(from: tasks[Int(key >> 32)].id, to: tasks[Int(key & 0xffff_ffff)].id, data: .bytes(edgeBytes[key]!))
        }
        let data = dataOrder.map { TaskGraph.Data(id: $0, bytes: dataBytes[$0]!) }
        do throws(TaskGraphError) {
            return try TaskGraph(tasks: tasks, edges: edges, data: data)
        } catch {
            throw WorkloadTaskGraphError(opIndex: nil, graph: error)
        }
    }
}

/// Why a trace could not become a task graph: a task no device can run (at `$.ops[opIndex]`), or
/// a graph error (a producer listed after its consumer makes a cycle).
public struct WorkloadTaskGraphError: Error, Sendable, CustomStringConvertible {
    public var opIndex: Int?
    public var costing: TaskCostingError?
    public var graph: TaskGraphError?

    init(opIndex: Int?, error: TaskCostingError) {
        self.opIndex = opIndex
        self.costing = error
    }

    init(opIndex: Int?, graph: TaskGraphError) {
        self.opIndex = opIndex
        self.graph = graph
    }

    /// Where in the trace the problem is.
    public var jsonPath: String { opIndex.map { "$.ops[\($0)]" } ?? "$.ops" }

    public var description: String { costing?.description ?? graph?.description ?? "invalid trace graph" }
}
