import SPUFormats  // SplitMix64

/// Eager baseline: tasks in topological order (lowest index first among ready ones), each on the
/// processor that becomes free earliest among those that can run it (ties: lowest index), after
/// its last task and once its data is there; no gap filling. StarPU's `eager` policy in a static
/// form: idle workers take the next ready task, blind to cost.
public struct EagerScheduler: Scheduler {
    public let name = "eager"

    public init() {}

    public func schedule(_ problem: SchedulingProblem) -> Schedule {
        var assignments = Array(repeating: Schedule.Assignment(processor: 0, startSeconds: 0, finishSeconds: 0), count: problem.taskCount)
        var available = [Double](repeating: 0, count: problem.processorCount)
        for v in problem.graph.topologicalOrder {
            var chosen = -1
            for p in 0..<problem.processorCount where problem.canRun(task: v, processor: p) {
                if chosen < 0 || available[p] < available[chosen] { chosen = p }
            }
            let start = max(available[chosen], ListScheduling.dataReady(v, on: chosen, problem: problem, assignments: assignments))
            let finish = start + problem.cost(task: v, processor: chosen)
            available[chosen] = finish
            assignments[v] = Schedule.Assignment(processor: chosen, startSeconds: start, finishSeconds: finish)
        }
        return Schedule(scheduler: name, assignments: assignments)
    }
}

/// Random baseline: a uniformly random ready task at each step, on a uniformly random processor
/// that can run it, after that processor's last task and once its data is there. Reproducible
/// from `seed` (SplitMix64).
public struct RandomScheduler: Scheduler {
    public let name = "random"
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func schedule(_ problem: SchedulingProblem) -> Schedule {
        var rng = SplitMix64(seed: seed)
        var assignments = Array(repeating: Schedule.Assignment(processor: 0, startSeconds: 0, finishSeconds: 0), count: problem.taskCount)
        var available = [Double](repeating: 0, count: problem.processorCount)
        var waiting = (0..<problem.taskCount).map { problem.predecessors.range($0).count }
        var ready = (0..<problem.taskCount).filter { waiting[$0] == 0 }
        var runnable = [Int]()
        while !ready.isEmpty {
            let pick = Int(rng.next() % UInt64(ready.count))
            ready.swapAt(pick, ready.count - 1)
            let v = ready.removeLast()
            runnable.removeAll(keepingCapacity: true)
            for p in 0..<problem.processorCount where problem.canRun(task: v, processor: p) { runnable.append(p) }
            let p = runnable[Int(rng.next() % UInt64(runnable.count))]
            let start = max(available[p], ListScheduling.dataReady(v, on: p, problem: problem, assignments: assignments))
            let finish = start + problem.cost(task: v, processor: p)
            available[p] = finish
            assignments[v] = Schedule.Assignment(processor: p, startSeconds: start, finishSeconds: finish)
            for k in problem.successors.range(v) {
                let w = problem.successors.items[k]
                waiting[w] -= 1
                if waiting[w] == 0 { ready.append(w) }
            }
        }
        return Schedule(scheduler: name, assignments: assignments)
    }
}
