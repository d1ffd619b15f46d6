/// Lower bounds on any schedule's makespan.
public enum LowerBounds {
    /// The longest path through the graph with every task at its fastest cost and no
    /// communication: no schedule can be shorter.
    public static func criticalPathSeconds(_ problem: SchedulingProblem) -> Double {
        var finish = [Double](repeating: 0, count: problem.taskCount)
        var longest = 0.0
        for v in problem.graph.topologicalOrder {
            var start = 0.0
            for k in problem.predecessors.range(v) { start = max(start, finish[problem.predecessors.items[k]]) }
            finish[v] = start + problem.minimumCost(task: v)
            longest = max(longest, finish[v])
        }
        return longest
    }

    /// Total work at each task's fastest cost over the number of processors.
    public static func workSeconds(_ problem: SchedulingProblem) -> Double {
        (0..<problem.taskCount).reduce(0.0) { $0 + problem.minimumCost(task: $1) } / Double(problem.processorCount)
    }
}
