import SPUCore

/// What `spusim schedule` reports about one schedule: makespan, per-processor busy time and
/// utilisation, the critical path, the lower bounds, and every task's placement; as JSON too.
public struct ScheduleReport: Sendable {
    public struct Row: Sendable {
        public var task: String
        public var processor: String
        public var startSeconds: Double
        public var finishSeconds: Double
    }

    public var scheduler: String
    public var taskCount: Int
    public var edgeCount: Int
    public var makespanSeconds: Double
    public var processors: [String]
    public var busySeconds: [Double]
    public var utilisation: [Double]
    /// Task ids on the critical path, first to last, each with how it follows the one before.
    public var criticalPath: [(task: String, link: ScheduleAnalysis.Link)]
    /// Longest path with every task at its fastest cost and no communication.
    public var criticalPathBoundSeconds: Double
    /// Total fastest work over the processor count.
    public var workBoundSeconds: Double
    /// Rows in start order (ties: task order).
    public var rows: [Row]

    public init(schedule: Schedule, problem: SchedulingProblem) {
        let graph = problem.graph, platform = problem.platform
        scheduler = schedule.scheduler
        taskCount = graph.taskCount
        edgeCount = graph.edges.count
        makespanSeconds = schedule.makespanSeconds
        processors = platform.processors.map(\.name)
        busySeconds = schedule.busySeconds(processors: problem.processorCount)
        utilisation = schedule.utilisation(processors: problem.processorCount)
        criticalPath = ScheduleAnalysis.criticalPath(schedule, problem: problem).map { (graph.tasks[$0.task].id, $0.link) }
        criticalPathBoundSeconds = LowerBounds.criticalPathSeconds(problem)
        workBoundSeconds = LowerBounds.workSeconds(problem)
        let a = schedule.assignments
        rows = a.indices.sorted { a[$0].startSeconds != a[$1].startSeconds ? a[$0].startSeconds < a[$1].startSeconds : $0 < $1 }.map {
            Row(task: graph.tasks[$0].id, processor: platform.processors[a[$0].processor].name,
                startSeconds: a[$0].startSeconds, finishSeconds: a[$0].finishSeconds)
        }
    }

    public var jsonValue: JSONValue {
        .object([
            ("scheduler", .string(scheduler)),
            ("tasks", .number(Double(taskCount))),
            ("edges", .number(Double(edgeCount))),
            ("makespan_s", .number(makespanSeconds)),
            ("critical_path_bound_s", .number(criticalPathBoundSeconds)),
            ("work_bound_s", .number(workBoundSeconds)),
            ("processors", .array(processors.indices.map { p in
                .object([("name", .string(processors[p])), ("busy_s", .number(busySeconds[p])), ("utilisation", .number(utilisation[p]))])
            })),
            ("critical_path", .array(criticalPath.map { .object([("task", .string($0.task)), ("link", .string($0.link.rawValue))]) })),
            ("schedule", .array(rows.map {
                .object([("task", .string($0.task)), ("processor", .string($0.processor)),
                         ("start_s", .number($0.startSeconds)), ("finish_s", .number($0.finishSeconds))])
            })),
        ])
    }
}

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
