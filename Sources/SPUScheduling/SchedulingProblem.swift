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
    let cost: [Double]
    /// Communication time of edge `e` between different processors.
    let remoteSeconds: [Double]
    let predecessors: CSR
    let successors: CSR

    public init(graph: TaskGraph, platform: SchedulingPlatform) throws(TaskGraphError) {
        let p = platform.processors.count
        guard p > 0 else { throw .noProcessors }
        var cost = [Double](repeating: .infinity, count: graph.taskCount * p)
        for (t, task) in graph.tasks.enumerated() {
            var runnable = false
            for (q, processor) in platform.processors.enumerated() {
                if let c = task.costSeconds[processor.deviceClass] {
                    cost[t * p + q] = c
                    runnable = true
                }
            }
            if !runnable { throw .noRunnableProcessor(id: task.id, task: t, classes: task.costSeconds.keys.sorted()) }
        }
        var remote = [Double]()
        remote.reserveCapacity(graph.edges.count)
        for (e, edge) in graph.edges.enumerated() {
            guard let s = platform.communication.remoteSeconds(edge.data) else { throw .bytesWithoutBandwidth(edge: e) }
            remote.append(s)
        }
        self.graph = graph
        self.platform = platform
        self.processorCount = p
        self.cost = cost
        self.remoteSeconds = remote
        self.predecessors = CSR(count: graph.taskCount, from: graph.edgeTargets, to: graph.edgeSources)
        self.successors = CSR(count: graph.taskCount, from: graph.edgeSources, to: graph.edgeTargets)
    }

    public var taskCount: Int { graph.taskCount }

    /// Seconds task `task` runs on processor `p` (`.infinity` if it cannot).
    @inline(__always) public func cost(task: Int, processor p: Int) -> Double { cost[task * processorCount + p] }

    public func canRun(task: Int, processor p: Int) -> Bool { cost(task: task, processor: p).isFinite }

    /// Seconds edge `e`'s data takes from processor `p` to processor `q`: zero on the same processor.
    @inline(__always) public func communicationSeconds(edge e: Int, from p: Int, to q: Int) -> Double {
        p == q ? 0 : remoteSeconds[e]
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
    /// different processors, which is how the paper uses its edge weights in the ranks.
    public func meanCommunicationSeconds(edge e: Int) -> Double { remoteSeconds[e] }

    /// The edges into `task` as (predecessor, edge index).
    public func predecessors(of task: Int) -> [(task: Int, edge: Int)] {
        predecessors.range(task).map { (predecessors.items[$0], predecessors.edge[$0]) }
    }

    public func successors(of task: Int) -> [(task: Int, edge: Int)] {
        successors.range(task).map { (successors.items[$0], successors.edge[$0]) }
    }
}
