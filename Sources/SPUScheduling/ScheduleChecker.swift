/// Validates a schedule against its graph and platform, independently of the scheduler: it reads
/// costs and communication from the `TaskGraph` and `SchedulingPlatform` themselves, not from the
/// compiled `SchedulingProblem` the schedulers use.
///
/// Rules: one assignment per task, on an existing processor whose class has a cost for the task;
/// start ≥ 0 and finish − start equal to that cost; no two tasks overlap on a processor; every
/// task starts after each predecessor's finish plus the edge's communication time when the two
/// are on different processors (on a topology: on idle links, as the static schedulers plan).
/// Times are compared with a tolerance of 1e-9 × max(1, makespan). `ExecutionChecker` checks what
/// the runtime simulator did, links and memory included.
public enum ScheduleChecker {
    /// One broken rule.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public var rule: String
        public var detail: String
        public var description: String { "\(rule): \(detail)" }
    }

    /// Every rule the schedule breaks (empty when it is valid). Reports at most `limit`.
    public static func violations(_ schedule: Schedule, graph: TaskGraph, platform: SchedulingPlatform, limit: Int = 20) -> [Violation] {
        var found = processorViolations(schedule, graph: graph, platform: platform, limit: limit)
        guard found.count < limit, schedule.assignments.count == graph.tasks.count else { return found }
        let a = schedule.assignments
        let tolerance = 1e-9 * max(1, schedule.makespanSeconds)
        for (e, edge) in graph.edges.enumerated() {
            let u = graph.edgeSources[e], v = graph.edgeTargets[e]
            guard platform.processors.indices.contains(a[u].processor), platform.processors.indices.contains(a[v].processor) else { continue }
            let communication = platform.idleCommunicationSeconds(edge.data, from: a[u].processor, to: a[v].processor) ?? .infinity
            if a[v].startSeconds < a[u].finishSeconds + communication - tolerance, found.count < limit {
                found.append(Violation(rule: "dependency respected", detail: "\(edge.from) → \(edge.to): \(edge.to) starts at \(a[v].startSeconds), data arrives at \(a[u].finishSeconds + communication)"))
            }
        }
        return found
    }

    /// The rules about tasks on processors alone — one assignment per task, on a processor whose
    /// class can run it, for exactly its cost, no overlap on a processor — shared with
    /// `ExecutionChecker`, which checks communication on the transfers instead.
    static func processorViolations(_ schedule: Schedule, graph: TaskGraph, platform: SchedulingPlatform, limit: Int) -> [Violation] {
        var found: [Violation] = []
        func report(_ rule: String, _ detail: String) { if found.count < limit { found.append(Violation(rule: rule, detail: detail)) } }
        let a = schedule.assignments
        guard a.count == graph.tasks.count else {
            return [Violation(rule: "every task scheduled once", detail: "\(a.count) assignments for \(graph.tasks.count) tasks")]
        }
        let tolerance = 1e-9 * max(1, schedule.makespanSeconds)
        var perProcessor = [[Int]](repeating: [], count: platform.processors.count)
        for (t, task) in graph.tasks.enumerated() {
            let x = a[t]
            guard platform.processors.indices.contains(x.processor) else {
                report("processor exists", "task \(task.id) on processor \(x.processor)")
                continue
            }
            let processor = platform.processors[x.processor]
            guard let cost = task.costSeconds[processor.deviceClass] else {
                report("processor can run the task", "task \(task.id) on \(processor.name) (class \(processor.deviceClass))")
                continue
            }
            if !(x.startSeconds >= 0) { report("start ≥ 0", "task \(task.id) starts at \(x.startSeconds)") }
            if !(abs((x.finishSeconds - x.startSeconds) - cost) <= tolerance) {
                report("duration equals cost", "task \(task.id) on \(processor.name): \(x.finishSeconds - x.startSeconds) s, cost \(cost) s")
            }
            perProcessor[x.processor].append(t)
        }
        for (p, tasks) in perProcessor.enumerated() {
            let sorted = tasks.sorted { a[$0].startSeconds != a[$1].startSeconds ? a[$0].startSeconds < a[$1].startSeconds : a[$0].finishSeconds < a[$1].finishSeconds }
            for (x, y) in zip(sorted, sorted.dropFirst()) where a[y].startSeconds < a[x].finishSeconds - tolerance {
                report("no overlap on a processor", "\(graph.tasks[x].id) and \(graph.tasks[y].id) on \(platform.processors[p].name)")
            }
        }
        return found
    }
}
