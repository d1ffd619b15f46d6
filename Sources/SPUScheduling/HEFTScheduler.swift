/// Heterogeneous Earliest Finish Time (Topcuoglu, Hariri & Wu, IEEE TPDS 13(3), 2002, §4.1).
///
/// Tasks are taken in decreasing upward rank (ties: earlier in topological order, which keeps the
/// list a valid topological order even with zero costs); each goes on the processor where it
/// finishes earliest, allowed to fill an idle gap between scheduled tasks (insertion policy).
public struct HEFTScheduler: Scheduler {
    public let name = "heft"

    public init() {}

    public func schedule(_ problem: SchedulingProblem) -> Schedule {
        let rank = Ranks.upward(problem)
        var position = [Int](repeating: 0, count: problem.taskCount)
        for (i, t) in problem.graph.topologicalOrder.enumerated() { position[t] = i }
        let order = problem.graph.topologicalOrder.sorted { a, b in
            rank[a] != rank[b] ? rank[a] > rank[b] : position[a] < position[b]
        }
        var timeline = ProcessorTimeline(processors: problem.processorCount)
        var assignments = Array(repeating: Schedule.Assignment(processor: 0, startSeconds: 0, finishSeconds: 0), count: problem.taskCount)
        for v in order {
            let choice = ListScheduling.earliestFinish(v, problem: problem, timeline: timeline, assignments: assignments)
            ListScheduling.place(v, on: choice.processor, start: choice.start, position: choice.position,
                                 problem: problem, timeline: &timeline, assignments: &assignments)
        }
        return Schedule(scheduler: name, assignments: assignments)
    }
}
