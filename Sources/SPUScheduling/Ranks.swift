/// The list-scheduling priorities of Topcuoglu, Hariri & Wu (2002), eqs. (5)–(6):
///
///   rank_u(nᵢ) = w̄ᵢ + max_{nⱼ ∈ succ(nᵢ)} (c̄ᵢⱼ + rank_u(nⱼ)),   rank_u(exit) = w̄_exit
///   rank_d(nᵢ) = max_{nⱼ ∈ pred(nᵢ)} (rank_d(nⱼ) + w̄ⱼ + c̄ⱼᵢ),   rank_d(entry) = 0
///
/// with w̄ the mean computation cost over the processors that can run the task and c̄ the mean
/// communication cost of the edge (`SchedulingProblem.meanCost`, `meanCommunicationSeconds`).
public enum Ranks {
    /// Upward rank of every task: the length of the longest path from the task's start to the
    /// end of the graph, in mean costs.
    public static func upward(_ problem: SchedulingProblem) -> [Double] {
        let n = problem.taskCount
        var rank = [Double](repeating: 0, count: n)
        let successors = problem.successors
        for u in problem.graph.topologicalOrder.reversed() {
            var longest = 0.0
            for k in successors.range(u) {
                longest = max(longest, problem.meanCommunicationSeconds(edge: successors.edge[k]) + rank[successors.items[k]])
            }
            rank[u] = problem.meanCost(task: u) + longest
        }
        return rank
    }

    /// Downward rank of every task: the longest path from the start of the graph to the task's
    /// start, in mean costs.
    public static func downward(_ problem: SchedulingProblem) -> [Double] {
        let n = problem.taskCount
        var rank = [Double](repeating: 0, count: n)
        let predecessors = problem.predecessors
        var mean = [Double](repeating: 0, count: n)
        for u in 0..<n { mean[u] = problem.meanCost(task: u) }
        for v in problem.graph.topologicalOrder {
            var longest = 0.0
            for k in predecessors.range(v) {
                let u = predecessors.items[k]
                longest = max(longest, rank[u] + mean[u] + problem.meanCommunicationSeconds(edge: predecessors.edge[k]))
            }
            rank[v] = longest
        }
        return rank
    }
}
