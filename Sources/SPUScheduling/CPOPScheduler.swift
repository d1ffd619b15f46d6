/// Critical-Path-on-a-Processor (Topcuoglu, Hariri & Wu, IEEE TPDS 13(3), 2002, §4.2).
///
/// Priority = rank_u + rank_d. The critical path starts at the entry task of highest priority and
/// follows, at each step, the successor of highest priority (on the critical path that priority
/// equals |CP|, the length of the path). The critical-path processor is the one minimising the
/// critical-path tasks' total cost among those that can run all of them. Ready tasks are taken by
/// highest priority (ties: lowest task index); a critical-path task goes on the critical-path
/// processor at its earliest start there (insertion), any other task on the processor giving the
/// earliest finish (insertion). If no processor can run the whole critical path, critical-path
/// tasks are placed like the others.
public struct CPOPScheduler: Scheduler {
    public let name = "cpop"

    public init() {}

    /// The critical path's tasks in order, and the priority of each task.
    public static func criticalPath(_ problem: SchedulingProblem) -> (tasks: [Int], priority: [Double]) {
        let up = Ranks.upward(problem), down = Ranks.downward(problem)
        let priority = zip(up, down).map { $0 + $1 }
        let successors = problem.successors
        var entries = (0..<problem.taskCount).filter { problem.predecessors.range($0).isEmpty }
        entries.sort { priority[$0] != priority[$1] ? priority[$0] > priority[$1] : $0 < $1 }
        guard var u = entries.first else { return ([], priority) }
        var path = [u]
        while !successors.range(u).isEmpty {
            var next = -1
            for k in successors.range(u) {
                let v = successors.items[k]
                if next < 0 || priority[v] > priority[next] || (priority[v] == priority[next] && v < next) { next = v }
            }
            path.append(next)
            u = next
        }
        return (path, priority)
    }

    public func schedule(_ problem: SchedulingProblem) -> Schedule {
        let (path, priority) = Self.criticalPath(problem)
        var onPath = [Bool](repeating: false, count: problem.taskCount)
        for t in path { onPath[t] = true }
        var pathProcessor = -1
        var bestTotal = Double.infinity
        for p in 0..<problem.processorCount {
            let total = path.reduce(0.0) { $0 + problem.cost(task: $1, processor: p) }
            if total < bestTotal { bestTotal = total; pathProcessor = p }
        }
        var waiting = (0..<problem.taskCount).map { problem.predecessors.range($0).count }
        var ready = MinHeap<Int> { a, b in priority[a] != priority[b] ? priority[a] > priority[b] : a < b }
        for t in 0..<problem.taskCount where waiting[t] == 0 { ready.push(t) }
        var timeline = ProcessorTimeline(processors: problem.processorCount)
        var assignments = Array(repeating: Schedule.Assignment(processor: 0, startSeconds: 0, finishSeconds: 0), count: problem.taskCount)
        while let v = ready.pop() {
            if onPath[v], pathProcessor >= 0 {
                let p = pathProcessor
                let dataReady = ListScheduling.dataReady(v, on: p, problem: problem, assignments: assignments)
                let slot = timeline.earliestStart(on: p, ready: dataReady, duration: problem.cost(task: v, processor: p))
                ListScheduling.place(v, on: p, start: slot.start, position: slot.position, problem: problem,
                                     timeline: &timeline, assignments: &assignments)
            } else {
                let choice = ListScheduling.earliestFinish(v, problem: problem, timeline: timeline, assignments: assignments)
                ListScheduling.place(v, on: choice.processor, start: choice.start, position: choice.position,
                                     problem: problem, timeline: &timeline, assignments: &assignments)
            }
            for k in problem.successors.range(v) {
                let w = problem.successors.items[k]
                waiting[w] -= 1
                if waiting[w] == 0 { ready.push(w) }
            }
        }
        return Schedule(scheduler: name, assignments: assignments)
    }
}
