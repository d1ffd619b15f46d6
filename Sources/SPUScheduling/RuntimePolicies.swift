import SPUFormats  // SplitMix64

/// Runs a static schedule (HEFT, CPOP): every task on its planned processor, each processor's
/// tasks in planned start order, each as soon as its data has arrived and its processor is free.
/// On a uniform platform with exact costs this reproduces the plan exactly; on a topology the
/// links' contention and memory traffic the planner did not see can only delay it.
public final class StaticPlanPolicy: RuntimePolicy {
    public let name: String
    public let prefetches = true
    let plan: Schedule
    private var sequence: [[Int]]
    private var next: [Int]
    private var ready: [Bool]

    /// `topologicalOrder` breaks ties between tasks planned at the same instant (zero costs), so a
    /// processor never waits on a task planned after it.
    public init(plan: Schedule, processors: Int, topologicalOrder: [Int]) {
        name = plan.scheduler
        self.plan = plan
        let a = plan.assignments
        var position = [Int](repeating: 0, count: a.count)
        for (i, t) in topologicalOrder.enumerated() { position[t] = i }
        var sequence = [[Int]](repeating: [], count: processors)
        for t in a.indices { sequence[a[t].processor].append(t) }
        for p in sequence.indices {
            sequence[p].sort { a[$0].startSeconds != a[$1].startSeconds ? a[$0].startSeconds < a[$1].startSeconds : position[$0] < position[$1] }
        }
        self.sequence = sequence
        next = [Int](repeating: 0, count: processors)
        ready = [Bool](repeating: false, count: a.count)
    }

    public func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]? {
        ready[task] = true
        return [plan.assignments[task].processor]
    }

    public func pop(processor p: Int, view: RuntimeView) -> Int? {
        guard next[p] < sequence[p].count, ready[sequence[p][next[p]]] else { return nil }
        defer { next[p] += 1 }
        return sequence[p][next[p]]
    }
}

/// StarPU's `eager`: one shared FIFO of ready tasks; an idle processor takes the oldest task it
/// can run. Blind to cost and to where data is.
public final class EagerPolicy: RuntimePolicy {
    public let name = "eager"
    public let prefetches = false
    /// One FIFO per set of device classes a task can run on, so a processor finds the oldest task
    /// it can run without scanning tasks it cannot.
    private var queues: [[(sequence: Int, task: Int)]] = []
    private var heads: [Int] = []
    private var signatureIndex: [[Bool]: Int] = [:]
    private var signatures: [[Bool]] = []
    private var pushed = 0

    public init() {}

    public func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]? {
        let runnable = (0..<view.problem.processorCount).map { view.problem.canRun(task: task, processor: $0) }
        let s: Int
        if let known = signatureIndex[runnable] { s = known } else {
            s = signatures.count
            signatureIndex[runnable] = s
            signatures.append(runnable)
            queues.append([])
            heads.append(0)
        }
        queues[s].append((pushed, task))
        pushed += 1
        return nil
    }

    public func pop(processor p: Int, view: RuntimeView) -> Int? {
        var best = -1
        for s in signatures.indices where signatures[s][p] && heads[s] < queues[s].count {
            if best < 0 || queues[s][heads[s]].sequence < queues[best][heads[best]].sequence { best = s }
        }
        guard best >= 0 else { return nil }
        defer { heads[best] += 1 }
        return queues[best][heads[best]].task
    }
}

/// A random processor for every ready task (among those that can run it), FIFO on each. Baseline.
public final class RandomPolicy: RuntimePolicy {
    public let name = "random"
    public let prefetches = true
    private var rng: SplitMix64
    private var queues: [[Int]]
    private var heads: [Int]

    public init(processors: Int, seed: UInt64) {
        rng = SplitMix64(seed: seed)
        queues = Array(repeating: [], count: processors)
        heads = Array(repeating: 0, count: processors)
    }

    public func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]? {
        let runnable = (0..<view.problem.processorCount).filter { view.problem.canRun(task: task, processor: $0) }
        let p = runnable[Int(rng.next() % UInt64(runnable.count))]
        queues[p].append(task)
        return [p]
    }

    public func pop(processor p: Int, view: RuntimeView) -> Int? {
        guard heads[p] < queues[p].count else { return nil }
        defer { heads[p] += 1 }
        return queues[p][heads[p]]
    }
}

/// Work stealing (StarPU's `lws`, after Cilk): a ready task joins the deque of the processor that
/// released it when that processor can run it (its data is there), else of a random one that
/// can. A processor takes its newest task (locality); an idle one with an empty deque steals the
/// oldest task it can run from the processor with the longest deque. Model-free: it never looks
/// at costs.
public final class WorkStealingPolicy: RuntimePolicy {
    public let name = "ws"
    public let prefetches = false
    private var rng: SplitMix64
    private var deques: [[Int]]
    private var heads: [Int]

    public init(processors: Int, seed: UInt64) {
        rng = SplitMix64(seed: seed)
        deques = Array(repeating: [], count: processors)
        heads = Array(repeating: 0, count: processors)
    }

    public func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]? {
        let n = view.problem.processorCount
        let p: Int
        if let r = releasedBy, view.problem.canRun(task: task, processor: r) {
            p = r
        } else {
            let runnable = (0..<n).filter { view.problem.canRun(task: task, processor: $0) }
            p = runnable[Int(rng.next() % UInt64(runnable.count))]
        }
        deques[p].append(task)
        return nil
    }

    public func pop(processor p: Int, view: RuntimeView) -> Int? {
        if heads[p] < deques[p].count { return deques[p].removeLast() }
        // Steal: victims by decreasing queue length (ties: lowest index), oldest task p can run.
        let victims = deques.indices.filter { $0 != p && heads[$0] < deques[$0].count }
            .sorted { deques[$0].count - heads[$0] != deques[$1].count - heads[$1] ? deques[$0].count - heads[$0] > deques[$1].count - heads[$1] : $0 < $1 }
        for v in victims {
            for k in heads[v]..<deques[v].count where view.problem.canRun(task: deques[v][k], processor: p) {
                let task = deques[v][k]
                if k == heads[v] { heads[v] += 1 } else { deques[v].remove(at: k) }
                return task
            }
        }
        return nil
    }
}

/// StarPU's deque-model policies (Augonnet, Thibault, Namyst & Wacrenier, CCPE 23(2), 2011):
/// when a task becomes ready it goes to the processor with the earliest expected termination,
/// `max(now, expected end of p) + predicted length` — `dm` — plus, for `dmda`, the predicted
/// time to bring its data to p from where it is. Each processor runs its queue in FIFO order.
/// Predictions come from the performance model with its error (`PredictionError`).
public final class DequeModelPolicy: RuntimePolicy {
    public let name: String
    public let prefetches = true
    public let dataAware: Bool
    private var queues: [[Int]]
    private var heads: [Int]
    /// Expected seconds of the tasks queued on each processor and not yet committed.
    private var pendingSeconds: [Double]
    private var estimate: [Int: Double] = [:]
    /// Predicted finish of the tasks committed on each processor.
    private var committedEnd: [Double]

    public init(processors: Int, dataAware: Bool) {
        self.dataAware = dataAware
        name = dataAware ? "dmda" : "dm"
        queues = Array(repeating: [], count: processors)
        heads = Array(repeating: 0, count: processors)
        pendingSeconds = Array(repeating: 0, count: processors)
        committedEnd = Array(repeating: 0, count: processors)
    }

    public func push(task: Int, releasedBy: Int?, view: RuntimeView) -> [Int]? {
        let n = view.problem.processorCount
        let now = view.nowSeconds
        var best = -1, bestEnd = Double.infinity, bestLength = 0.0
        for p in 0..<n {
            let length = view.predictedSeconds(task: task, processor: p)
            guard length.isFinite else { continue }
            let transfer = dataAware ? view.predictedTransferSeconds(task: task, processor: p) : 0
            let end = max(now, committedEnd[p]) + pendingSeconds[p] + transfer + length
            if end < bestEnd { best = p; bestEnd = end; bestLength = transfer + length }
        }
        queues[best].append(task)
        pendingSeconds[best] += bestLength
        estimate[task] = bestLength
        return [best]
    }

    public func pop(processor p: Int, view: RuntimeView) -> Int? {
        guard heads[p] < queues[p].count else { return nil }
        let task = queues[p][heads[p]]
        heads[p] += 1
        pendingSeconds[p] = max(0, pendingSeconds[p] - (estimate.removeValue(forKey: task) ?? 0))
        return task
    }

    public func committed(task: Int, processor p: Int, startSeconds: Double, finishSeconds: Double, view: RuntimeView) {
        committedEnd[p] = startSeconds + view.predictedSeconds(task: task, processor: p)
    }
}
