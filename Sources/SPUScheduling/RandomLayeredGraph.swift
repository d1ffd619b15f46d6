import SPUFormats  // SplitMix64

/// Random layered task graphs on a platform with several device classes, for property tests and
/// the scheduling benchmark. After the random graph generator of Topcuoglu, Hariri & Wu (2002,
/// §5.1): tasks in layers, each task's mean cost w̄ uniform in [0, 2·w_DAG], its cost on each class
/// uniform in w̄·(1 ± β/2) (β: heterogeneity), and edge times uniform in [0, 2·CCR·w_DAG] so that
/// CCR is the communication-to-computation ratio. Here every task has ≥ 1 predecessor in the layer
/// before (layers after the first), plus up to `extraPredecessors` from any earlier layer.
public struct RandomLayeredGraph: Sendable {
    public var tasks: Int
    public var processors: Int
    /// Device classes; processor `p` gets class `p % classes`.
    public var classes: Int = 3
    /// Tasks per layer on average (the graph's width).
    public var width: Int = 32
    public var extraPredecessors: Int = 2
    public var meanCostSeconds: Double = 10
    public var communicationToComputation: Double = 0.5
    public var heterogeneity: Double = 1
    /// Probability that a task cannot run on a class other than its first choice (0: all run anywhere).
    public var missingClassProbability: Double = 0
    public var seed: UInt64

    public init(tasks: Int, processors: Int, seed: UInt64) {
        self.tasks = tasks
        self.processors = processors
        self.seed = seed
    }

    public func className(_ c: Int) -> String { "class\(c)" }

    public var platform: SchedulingPlatform {
        SchedulingPlatform(processors: (0..<processors).map { .init(name: "P\($0 + 1)", deviceClass: className($0 % classes)) })
    }

    public func graph() -> TaskGraph {
        var rng = SplitMix64(seed: seed)
        let usedClasses = min(classes, processors)
        var layerStart: [Int] = [0]
        var layerOf = [Int](repeating: 0, count: tasks)
        var t = 0
        while t < tasks {
            let size = 1 + Int(rng.next() % UInt64(2 * width))
            for i in t..<min(tasks, t + size) { layerOf[i] = layerStart.count - 1 }
            t += size
            layerStart.append(min(tasks, t))
        }
        var taskList: [TaskGraph.Task] = []
        taskList.reserveCapacity(tasks)
        for i in 0..<tasks {
            let mean = rng.nextUnit() * 2 * meanCostSeconds
            let home = Int(rng.next() % UInt64(usedClasses))
            var costs: [String: Double] = [:]
            for c in 0..<usedClasses {
                let cost = mean * (1 + heterogeneity * (rng.nextUnit() - 0.5))
                if c == home || rng.nextUnit() >= missingClassProbability { costs[className(c)] = cost }
            }
            taskList.append(TaskGraph.Task(id: "t\(i)", costSeconds: costs))
        }
        var edges: [TaskGraph.Edge] = []
        edges.reserveCapacity(tasks * (1 + extraPredecessors))
        var chosen = Set<Int>()
        for v in 0..<tasks where layerOf[v] > 0 {
            let layer = layerOf[v]
            chosen.removeAll(keepingCapacity: true)
            let previous = layerStart[layer - 1]..<layerStart[layer]
            chosen.insert(previous.lowerBound + Int(rng.next() % UInt64(previous.count)))
            for _ in 0..<Int(rng.next() % UInt64(extraPredecessors + 1)) {
                chosen.insert(Int(rng.next() % UInt64(layerStart[layer])))
            }
            for u in chosen.sorted() {
                let time = rng.nextUnit() * 2 * communicationToComputation * meanCostSeconds
                edges.append(TaskGraph.Edge(from: taskList[u].id, to: taskList[v].id, data: .seconds(time)))
            }
        }
        // Valid by construction: edges go from earlier layers to later ones.
        // swiftlint:disable:next force_try
        return try! TaskGraph(tasks: taskList, edges: edges)
    }
}
