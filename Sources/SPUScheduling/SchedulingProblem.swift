/// A task graph placed on a platform, compiled for the schedulers: a dense cost matrix
/// (`+infinity` where a processor's class has no cost for the task), predecessor and successor
/// lists, and each edge's communication time between two different processors.
///
/// Validation that needs both halves happens here: every task must be runnable on some processor,
/// and edges given in bytes need a bandwidth.
public struct SchedulingProblem: Sendable {
    public let graph: TaskGraph
    public let platform: SchedulingPlatform
    public let processorCount: Int
    /// `cost[task * processorCount + p]`, seconds; `.infinity` when `p` cannot run `task`.
    var cost: [Double]
    /// Uniform platform: communication time of edge `e` between different processors.
    /// Topology: the edge's bytes.
    let remoteSeconds: [Double]
    let edgeBytes: [Double]
    /// Topology: mean route latency and mean inverse bottleneck bandwidth over ordered pairs of
    /// different processors (c̄ of the ranks).
    let meanLatencySeconds: Double
    let meanSecondsPerByte: Double
    let predecessors: CSR
    let successors: CSR

    /// Compiles `graph` onto `platform`. On a topology platform a processor cannot run a task whose
    /// inputs, outputs and used data do not fit its memory together.
    public init(graph: TaskGraph, platform: SchedulingPlatform) throws(TaskGraphError) {
        let p = platform.processors.count
        guard p > 0 else { throw .noProcessors }
        let topology = platform.topology
        if let topology {
            for (d, item) in graph.data.enumerated() where !topology.nodes.indices.contains(item.homeNode) {
                throw .unknownHomeNode(id: item.id, data: d, node: item.homeNode)
            }
        }
        var resident = [Double](repeating: 0, count: graph.taskCount)
        if topology != nil {
            for (e, edge) in graph.edges.enumerated() {
                guard case let .bytes(b) = edge.data else {
                    if case let .seconds(s) = edge.data, s == 0 { continue }
                    throw .secondsOnTopology(edge: e)
                }
                resident[graph.edgeSources[e]] += b
                resident[graph.edgeTargets[e]] += b
            }
            for t in 0..<graph.taskCount { for d in graph.usesIndex[t] { resident[t] += graph.data[d].bytes } }
        }
        var cost = [Double](repeating: .infinity, count: graph.taskCount * p)
        for (t, task) in graph.tasks.enumerated() {
            var classMatched = false, fits = false
            var largest = 0.0
            for (q, processor) in platform.processors.enumerated() {
                guard let c = task.costSeconds[processor.deviceClass] else { continue }
                classMatched = true
                let capacity = platform.capacityBytes(location: platform.location(ofProcessor: q)) ?? .infinity
                largest = max(largest, capacity)
                if resident[t] <= capacity {
                    cost[t * p + q] = c
                    fits = true
                }
            }
            if !classMatched { throw .noRunnableProcessor(id: task.id, task: t, classes: task.costSeconds.keys.sorted()) }
            if !fits { throw .doesNotFit(id: task.id, task: t, bytes: resident[t], largestBytes: largest) }
        }
        var remote = [Double](), bytes = [Double]()
        remote.reserveCapacity(graph.edges.count)
        bytes.reserveCapacity(graph.edges.count)
        for (e, edge) in graph.edges.enumerated() {
            if case let .bytes(b) = edge.data { bytes.append(b) } else { bytes.append(0) }
            switch platform.interconnect {
            case let .uniform(communication):
                guard let s = communication.remoteSeconds(edge.data) else { throw .bytesWithoutBandwidth(edge: e) }
                remote.append(s)
            case .topology:
                remote.append(0)
            }
        }
        var meanLatency = 0.0, meanSecondsPerByte = 0.0
        if let topology, p > 1 {
            // Ordered pairs of different processors; pairs sharing a location (two CPUs of one node) count as free.
            for a in 0..<p {
                for b in 0..<p where a != b {
                    let la = topology.location(ofProcessor: a), lb = topology.location(ofProcessor: b)
                    guard la != lb else { continue }
                    let profile = topology.profile(from: la, to: lb)
                    meanLatency += profile.latencySeconds
                    meanSecondsPerByte += 1 / profile.bytesPerSecond
                }
            }
            let pairs = Double(p * (p - 1))
            meanLatency /= pairs
            meanSecondsPerByte /= pairs
        }
        self.graph = graph
        self.platform = platform
        self.processorCount = p
        self.cost = cost
        self.remoteSeconds = remote
        self.edgeBytes = bytes
        self.meanLatencySeconds = meanLatency
        self.meanSecondsPerByte = meanSecondsPerByte
        self.predecessors = CSR(count: graph.taskCount, from: graph.edgeTargets, to: graph.edgeSources)
        self.successors = CSR(count: graph.taskCount, from: graph.edgeSources, to: graph.edgeTargets)
    }

    /// The same problem with other costs (a performance model's predictions): `predicted(task,
    /// processor, actual)` for every finite cost; infinite costs stay infinite.
    public func withCosts(_ predicted: (Int, Int, Double) -> Double) -> SchedulingProblem {
        var copy = self
        var cost = self.cost
        for t in 0..<taskCount {
            for q in 0..<processorCount where cost[t * processorCount + q].isFinite {
                cost[t * processorCount + q] = predicted(t, q, cost[t * processorCount + q])
            }
        }
        copy.cost = cost
        return copy
    }

    public var taskCount: Int { graph.taskCount }

    /// Seconds task `task` runs on processor `p` (`.infinity` if it cannot).
    @inline(__always) public func cost(task: Int, processor p: Int) -> Double { cost[task * processorCount + p] }

    public func canRun(task: Int, processor p: Int) -> Bool { cost(task: task, processor: p).isFinite }

    /// Seconds edge `e`'s data takes from processor `p` to processor `q` on idle links: zero on the
    /// same processor (and, on a topology, between processors sharing a memory).
    @inline(__always) public func communicationSeconds(edge e: Int, from p: Int, to q: Int) -> Double {
        if p == q { return 0 }
        guard case let .topology(topology) = platform.interconnect else { return remoteSeconds[e] }
        return topology.seconds(bytes: edgeBytes[e], from: topology.location(ofProcessor: p), to: topology.location(ofProcessor: q))
    }

    /// The task's mean cost over the processors that can run it (Topcuoglu's w̄ᵢ; the paper's
    /// processors can all run every task, so this is its mean over all of them).
    public func meanCost(task: Int) -> Double {
        var sum = 0.0, n = 0
        for q in 0..<processorCount {
            let c = cost[task * processorCount + q]
            if c.isFinite { sum += c; n += 1 }
        }
        return sum / Double(n)
    }

    /// The task's cheapest cost on any processor.
    public func minimumCost(task: Int) -> Double {
        var best = Double.infinity
        for q in 0..<processorCount { best = min(best, cost[task * processorCount + q]) }
        return best
    }

    /// Mean communication time of edge `e` (c̄ᵢⱼ): in the uniform model the time between any two
    /// different processors, which is how the paper uses its edge weights in the ranks; on a
    /// topology the mean over ordered pairs of different processors on idle links.
    @inline(__always) public func meanCommunicationSeconds(edge e: Int) -> Double {
        guard case .topology = platform.interconnect else { return remoteSeconds[e] }
        return meanLatencySeconds + edgeBytes[e] * meanSecondsPerByte
    }

    /// The edges into `task` as (predecessor, edge index).
    public func predecessors(of task: Int) -> [(task: Int, edge: Int)] {
        predecessors.range(task).map { (predecessors.items[$0], predecessors.edge[$0]) }
    }

    public func successors(of task: Int) -> [(task: Int, edge: Int)] {
        successors.range(task).map { (successors.items[$0], successors.edge[$0]) }
    }
}
