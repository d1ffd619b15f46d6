/// A task graph: the directed acyclic graph of work a runtime schedules (Topcuoglu, Hariri & Wu,
/// IEEE TPDS 13(3), 2002, §2: G = (V, E) with a computation cost per task and processor and a
/// communication cost per edge).
///
/// A task's cost is given per *device class* (`"cpu"`, `"gpu"`, `"spu"`, or one class per
/// processor as in the paper's example), in seconds; a class a task has no cost for cannot run it
/// (StarPU's codelet without a variant for that device). An edge carries either a given
/// communication time (the paper's model) or a number of bytes that the platform's link model
/// turns into a time. Built only through `init`, which validates the graph, so a `TaskGraph` is
/// always acyclic with known endpoints.
public struct TaskGraph: Sendable {
    /// One unit of work.
    public struct Task: Sendable, Equatable {
        public var id: String
        public var name: String?
        /// What the task does (`"prefill"`, `"vector_search"`, …): informational for now.
        public var kind: String?
        /// Seconds per device class; a class missing here cannot run the task.
        public var costSeconds: [String: Double]
        /// Joules per device class when known (priced by the energy model); a class missing here
        /// is charged the processor's active power over the task's time.
        public var energyJoules: [String: Double]
        /// Persistent data the task reads (ids of `TaskGraph.data`: model weights, an index).
        public var uses: [String]

        public init(id: String, name: String? = nil, kind: String? = nil, costSeconds: [String: Double],
                    energyJoules: [String: Double] = [:], uses: [String] = []) {
            self.id = id
            self.name = name
            self.kind = kind
            self.costSeconds = costSeconds
            self.energyJoules = energyJoules
            self.uses = uses
        }
    }

    /// Read-only data that outlives tasks (model weights, a vector index, a KV cache prefix): it
    /// lives in the host memory of its home node and is copied to a device on first use; a copy
    /// on a device can be dropped to make room (StarPU's registered data handles).
    public struct Data: Sendable, Equatable {
        public var id: String
        public var bytes: Double
        /// Node whose host memory holds the master copy.
        public var homeNode: Int

        public init(id: String, bytes: Double, homeNode: Int = 0) {
            self.id = id
            self.bytes = bytes
            self.homeNode = homeNode
        }
    }

    /// What an edge moves from its producer to its consumer.
    public enum EdgeData: Sendable, Equatable {
        /// A given communication time between two different processors (Topcuoglu's model).
        case seconds(Double)
        /// Bytes, priced by the platform's link model (latency + bytes / bandwidth).
        case bytes(Double)
    }

    /// A dependency: `to` may start only after `from` finished and its data arrived.
    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
        public var data: EdgeData

        public init(from: String, to: String, data: EdgeData) {
            self.from = from
            self.to = to
            self.data = data
        }
    }

    public let tasks: [Task]
    public let edges: [Edge]
    public let data: [Data]
    /// `uses` of each task as indices into `data`.
    public let usesIndex: [[Int]]
    /// `edges[e]` as task indices.
    public let edgeSources: [Int]
    public let edgeTargets: [Int]
    /// Task indices in an order where every edge goes forward (Kahn's algorithm, lowest index first).
    public let topologicalOrder: [Int]
    /// Index of each task id.
    public let index: [String: Int]

    /// Validates and indexes a graph: ids unique and non-empty, every edge between known tasks,
    /// no self-loops or repeated edges, every task with a cost on at least one class, costs
    /// finite and non-negative, no cycle; data ids unique, sizes finite and ≥ 0, every `uses`
    /// naming a data item once.
    public init(tasks: [Task], edges: [Edge], data: [Data] = []) throws(TaskGraphError) {
        var dataIndex: [String: Int] = [:]
        for (d, item) in data.enumerated() {
            if item.id.isEmpty { throw .emptyDataId(data: d) }
            if let first = dataIndex[item.id] { throw .duplicateData(id: item.id, data: d, first: first) }
            if !(item.bytes.isFinite && item.bytes >= 0) { throw .badDataBytes(id: item.id, data: d, value: item.bytes) }
            dataIndex[item.id] = d
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(tasks.count)
        for (i, task) in tasks.enumerated() {
            if task.id.isEmpty { throw .emptyTaskId(task: i) }
            if let first = index[task.id] { throw .duplicateTask(id: task.id, task: i, first: first) }
            index[task.id] = i
            if task.costSeconds.isEmpty { throw .noCost(id: task.id, task: i) }
            for (deviceClass, cost) in task.costSeconds where !(cost.isFinite && cost >= 0) {
                throw .badCost(id: task.id, task: i, deviceClass: deviceClass, value: cost)
            }
            for (deviceClass, energy) in task.energyJoules where !(energy.isFinite && energy >= 0) || task.costSeconds[deviceClass] == nil {
                throw .badEnergy(id: task.id, task: i, deviceClass: deviceClass, value: energy)
            }
        }
        var usesIndex: [[Int]] = []
        usesIndex.reserveCapacity(tasks.count)
        for (i, task) in tasks.enumerated() {
            var indices: [Int] = []
            for (k, id) in task.uses.enumerated() {
                guard let d = dataIndex[id] else { throw .unknownData(id: id, task: i, use: k) }
                if indices.contains(d) { throw .repeatedUse(id: id, task: i, use: k) }
                indices.append(d)
            }
            usesIndex.append(indices)
        }
        var sources = [Int](), targets = [Int]()
        sources.reserveCapacity(edges.count)
        targets.reserveCapacity(edges.count)
        var seen = Set<Int64>()
        seen.reserveCapacity(edges.count)
        for (e, edge) in edges.enumerated() {
            guard let u = index[edge.from] else { throw .unknownTask(id: edge.from, edge: e, end: .from) }
            guard let v = index[edge.to] else { throw .unknownTask(id: edge.to, edge: e, end: .to) }
            if u == v { throw .selfLoop(id: edge.from, edge: e) }
            switch edge.data {
            case let .seconds(s) where !(s.isFinite && s >= 0): throw .badEdgeData(edge: e, value: s)
            case let .bytes(b) where !(b.isFinite && b >= 0): throw .badEdgeData(edge: e, value: b)
            default: break
            }
            if !seen.insert(Int64(u) << 32 | Int64(v)).inserted { throw .duplicateEdge(from: edge.from, to: edge.to, edge: e) }
            sources.append(u)
            targets.append(v)
        }
        self.tasks = tasks
        self.edges = edges
        self.data = data
        self.usesIndex = usesIndex
        self.edgeSources = sources
        self.edgeTargets = targets
        self.index = index
        self.topologicalOrder = try Self.topologicalOrder(taskCount: tasks.count, sources: sources, targets: targets, tasks: tasks)
    }

    /// Kahn's algorithm with the ready tasks taken lowest index first; on a cycle, names one.
    private static func topologicalOrder(taskCount n: Int, sources: [Int], targets: [Int], tasks: [Task]) throws(TaskGraphError) -> [Int] {
        var indegree = [Int](repeating: 0, count: n)
        for v in targets { indegree[v] += 1 }
        let successors = CSR(count: n, from: sources, to: targets)
        var ready = MinHeap<Int>(by: <)
        for v in 0..<n where indegree[v] == 0 { ready.push(v) }
        var order = [Int]()
        order.reserveCapacity(n)
        while let u = ready.pop() {
            order.append(u)
            for k in successors.range(u) {
                let v = successors.items[k]
                indegree[v] -= 1
                if indegree[v] == 0 { ready.push(v) }
            }
        }
        if order.count < n {
            throw .cycle(ids: findCycle(remaining: indegree, sources: sources, targets: targets).map { tasks[$0].id })
        }
        return order
    }

    /// One cycle among the tasks Kahn's algorithm could not order. Each of them still has an
    /// unordered predecessor, so walking predecessors inside that set must revisit a task; the
    /// walk from there back to itself, reversed, is a cycle in edge direction.
    private static func findCycle(remaining indegree: [Int], sources: [Int], targets: [Int]) -> [Int] {
        let remaining = indegree.map { $0 > 0 }
        let predecessors = CSR(count: indegree.count, from: targets, to: sources)
        guard var u = remaining.firstIndex(of: true) else { return [] }
        var position = [Int: Int]()
        var path = [Int]()
        while position[u] == nil {
            position[u] = path.count
            path.append(u)
            guard let next = predecessors.range(u).lazy.map({ predecessors.items[$0] }).first(where: { remaining[$0] }) else { return path }
            u = next
        }
        let cycle = Array(path[position[u]!...].reversed())
        // Start at the task listed first in the file, so the message is stable.
        let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
        let rotated = Array(cycle[first...] + cycle[..<first])
        return rotated + [rotated[0]]
    }

    public var taskCount: Int { tasks.count }

    /// Every device class some task can run on, sorted.
    public var deviceClasses: [String] { Array(Set(tasks.flatMap { $0.costSeconds.keys })).sorted() }
}

/// Compressed adjacency lists: the items of node `u` are `items[offsets[u]..<offsets[u+1]]`,
/// and `edge[k]` is the index of the edge that put `items[k]` there.
struct CSR: Sendable {
    let offsets: [Int]
    let items: [Int]
    let edge: [Int]

    init(count n: Int, from: [Int], to: [Int]) {
        var offsets = [Int](repeating: 0, count: n + 1)
        for u in from { offsets[u + 1] += 1 }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var items = [Int](repeating: 0, count: from.count)
        var edge = [Int](repeating: 0, count: from.count)
        for e in 0..<from.count {
            let u = from[e]
            items[fill[u]] = to[e]
            edge[fill[u]] = e
            fill[u] += 1
        }
        self.offsets = offsets
        self.items = items
        self.edge = edge
    }

    @inline(__always) func range(_ u: Int) -> Range<Int> { offsets[u]..<offsets[u + 1] }
}
