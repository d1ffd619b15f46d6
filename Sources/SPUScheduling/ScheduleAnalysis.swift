/// What a schedule's length is made of: its critical path.
///
/// Walking back from the task that finishes last, each task's start is explained either by data
/// (a predecessor's finish plus communication equals the start) or by its processor (the task
/// before it there finishes at the start); the walk stops at a task that starts at time 0 or
/// after an idle wait that nothing explains. Data links are preferred over processor links when
/// both explain a start.
public enum ScheduleAnalysis {
    /// Why a task on the critical path starts when it does.
    public enum Link: String, Sendable { case start, data, processor }

    public struct Step: Sendable, Equatable {
        public var task: Int
        /// How this task is linked to the one before it on the path (`start` for the first).
        public var link: Link
    }

    /// The critical path of a plan (communication on idle links) from its first task to the task
    /// that finishes last.
    public static func criticalPath(_ schedule: Schedule, problem: SchedulingProblem) -> [Step] {
        let a = schedule.assignments
        return criticalPath(schedule, problem: problem) { e, u, v in
            a[u].finishSeconds + problem.communicationSeconds(edge: e, from: a[u].processor, to: a[v].processor)
        }
    }

    /// The critical path of an execution: data arrives when the runtime's transfer of the edge
    /// into the consumer's memory landed.
    public static func criticalPath(_ execution: Execution, problem: SchedulingProblem) -> [Step] {
        let a = execution.assignments
        var landed = [Int: Double]()
        for x in execution.transfers where !x.isWriteBack {
            if case let .edge(e) = x.item { landed[e] = max(landed[e] ?? 0, x.arrivalSeconds) }
        }
        return criticalPath(execution.schedule, problem: problem) { e, u, v in
            problem.platform.location(ofProcessor: a[u].processor) == problem.platform.location(ofProcessor: a[v].processor)
                ? a[u].finishSeconds : (landed[e] ?? a[u].finishSeconds)
        }
    }

    /// The critical path given when each edge's data is available to its consumer (`arrival(edge, from, to)`).
    static func criticalPath(_ schedule: Schedule, problem: SchedulingProblem, arrival: (Int, Int, Int) -> Double) -> [Step] {
        let a = schedule.assignments
        guard let last = a.indices.max(by: { a[$0].finishSeconds != a[$1].finishSeconds ? a[$0].finishSeconds < a[$1].finishSeconds : $0 > $1 }) else { return [] }
        let tolerance = 1e-9 * max(1, schedule.makespanSeconds)
        // The task before each one on its processor.
        var previousOnProcessor = [Int](repeating: -1, count: a.count)
        var byProcessor = [[Int]](repeating: [], count: problem.processorCount)
        for t in a.indices { byProcessor[a[t].processor].append(t) }
        for tasks in byProcessor {
            let sorted = tasks.sorted { a[$0].startSeconds != a[$1].startSeconds ? a[$0].startSeconds < a[$1].startSeconds : a[$0].finishSeconds < a[$1].finishSeconds }
            for (x, y) in zip(sorted, sorted.dropFirst()) { previousOnProcessor[y] = x }
        }
        var reversed: [Step] = []
        var v = last
        while true {
            let start = a[v].startSeconds
            var data = -1
            for (u, e) in problem.predecessors(of: v) {
                if abs(arrival(e, u, v) - start) <= tolerance, data < 0 || a[u].finishSeconds > a[data].finishSeconds { data = u }
            }
            let before = previousOnProcessor[v]
            if data >= 0 {
                reversed.append(Step(task: v, link: .data)); v = data
            } else if before >= 0, abs(a[before].finishSeconds - start) <= tolerance, start > 0 {
                reversed.append(Step(task: v, link: .processor)); v = before
            } else {
                reversed.append(Step(task: v, link: .start)); break
            }
        }
        return reversed.reversed()
    }
}
