import SPUCore

/// What `spusim schedule` reports about one execution: makespan (and the static plan's), lower
/// bounds, per-processor busy time, utilisation and energy, per-link traffic and energy, the
/// critical path, and every task's placement; as JSON too.
///
/// Energy: a task costs its `energy_j` for the processor's class when the graph gives one (the
/// energy model priced it), else the processor's active power over its duration; an idle
/// processor draws its idle power until the makespan; a transfer costs its bytes times the
/// joules per byte of every link it crosses.
public struct ExecutionReport: Sendable {
    public struct ProcessorRow: Sendable {
        public var name: String
        public var deviceClass: String
        public var tasks: Int
        public var busySeconds: Double
        public var utilisation: Double
        public var busyJoules: Double
        public var idleJoules: Double
    }

    public struct LinkRow: Sendable {
        public var name: String
        public var kind: String
        /// Bytes carried out of (up) and into (down) the device or node.
        public var bytesOut: Double
        public var bytesIn: Double
        /// Busy seconds of the busier direction over the makespan.
        public var utilisation: Double
        public var joules: Double
    }

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
    public var plannedMakespanSeconds: Double?
    public var criticalPathBoundSeconds: Double
    public var workBoundSeconds: Double
    public var processors: [ProcessorRow]
    public var links: [LinkRow]
    public var transferCount: Int
    public var writeBackCount: Int
    public var bytesMoved: Double
    public var computeJoules: Double
    public var idleJoules: Double
    public var linkJoules: Double
    public var energyJoules: Double { computeJoules + idleJoules + linkJoules }
    /// TCO per hour of the platform's processors (nil when one is unknown), and what the
    /// execution costs at that rate: TCO/h × makespan.
    public var tcoUSDPerHour: Double?
    public var costUSD: Double? { tcoUSDPerHour.map { $0 * makespanSeconds / 3600 } }
    /// Task ids on the critical path, first to last, each with how it follows the one before.
    public var criticalPath: [(task: String, link: ScheduleAnalysis.Link)]
    /// Rows in start order (ties: task order).
    public var rows: [Row]

    public init(execution: Execution, problem: SchedulingProblem) {
        let graph = problem.graph, platform = problem.platform
        let a = execution.assignments
        scheduler = execution.scheduler
        taskCount = graph.taskCount
        edgeCount = graph.edges.count
        makespanSeconds = execution.makespanSeconds
        plannedMakespanSeconds = execution.plannedMakespanSeconds
        criticalPathBoundSeconds = LowerBounds.criticalPathSeconds(problem)
        workBoundSeconds = LowerBounds.workSeconds(problem)
        tcoUSDPerHour = platform.tcoUSDPerHour

        var busy = [Double](repeating: 0, count: problem.processorCount), busyJ = busy
        var count = [Int](repeating: 0, count: problem.processorCount)
        for (t, x) in a.enumerated() {
            let processor = platform.processors[x.processor]
            let duration = x.finishSeconds - x.startSeconds
            busy[x.processor] += duration
            count[x.processor] += 1
            busyJ[x.processor] += graph.tasks[t].energyJoules[processor.deviceClass] ?? processor.activePowerWatts * duration
        }
        let makespan = makespanSeconds
        processors = platform.processors.indices.map { p in
            ProcessorRow(name: platform.processors[p].name, deviceClass: platform.processors[p].deviceClass, tasks: count[p],
                         busySeconds: busy[p], utilisation: makespan > 0 ? busy[p] / makespan : 0, busyJoules: busyJ[p],
                         idleJoules: platform.processors[p].idlePowerWatts * max(0, makespan - busy[p]))
        }
        computeJoules = busyJ.reduce(0, +)
        idleJoules = processors.reduce(0) { $0 + $1.idleJoules }

        var linkBytes = [Double](repeating: 0, count: 2 * (platform.topology?.links.count ?? 0)), linkBusy = linkBytes
        var joules = 0.0, moved = 0.0
        for x in execution.transfers {
            moved += x.bytes
            guard let topology = platform.topology else { continue }
            let bottleneck = topology.profile(from: x.from, to: x.to).bytesPerSecond
            for r in x.resources {
                linkBytes[r] += x.bytes
                linkBusy[r] += x.bytes / bottleneck
                joules += x.bytes * topology.links[Topology.link(ofResource: r)].joulesPerByte
            }
        }
        bytesMoved = moved
        linkJoules = joules
        transferCount = execution.transfers.count
        writeBackCount = execution.transfers.reduce(0) { $0 + ($1.isWriteBack ? 1 : 0) }
        links = (platform.topology?.links ?? []).enumerated().map { l, link in
            let out = Topology.outbound(l), into = Topology.inbound(l)
            return LinkRow(name: link.name, kind: link.kind.rawValue, bytesOut: linkBytes[out], bytesIn: linkBytes[into],
                           utilisation: makespan > 0 ? max(linkBusy[out], linkBusy[into]) / makespan : 0,
                           joules: (linkBytes[out] + linkBytes[into]) * link.joulesPerByte)
        }
        criticalPath = ScheduleAnalysis.criticalPath(execution, problem: problem).map { (graph.tasks[$0.task].id, $0.link) }
        rows = a.indices.sorted { a[$0].startSeconds != a[$1].startSeconds ? a[$0].startSeconds < a[$1].startSeconds : $0 < $1 }.map {
            Row(task: graph.tasks[$0].id, processor: platform.processors[a[$0].processor].name,
                startSeconds: a[$0].startSeconds, finishSeconds: a[$0].finishSeconds)
        }
    }

    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("scheduler", .string(scheduler)),
            ("tasks", .number(Double(taskCount))),
            ("edges", .number(Double(edgeCount))),
            ("makespan_s", .number(makespanSeconds)),
        ]
        if let planned = plannedMakespanSeconds { pairs.append(("planned_makespan_s", .number(planned))) }
        pairs += [
            ("critical_path_bound_s", .number(criticalPathBoundSeconds)),
            ("work_bound_s", .number(workBoundSeconds)),
            ("energy_j", .number(energyJoules)),
            ("compute_energy_j", .number(computeJoules)),
            ("idle_energy_j", .number(idleJoules)),
            ("link_energy_j", .number(linkJoules)),
            ("tco_usd_per_hour", tcoUSDPerHour.map { .number($0) } ?? .null),
            ("cost_usd", costUSD.map { .number($0) } ?? .null),
            ("bytes_moved", .number(bytesMoved)),
            ("transfers", .number(Double(transferCount))),
            ("write_backs", .number(Double(writeBackCount))),
            ("processors", .array(processors.map { p in
                .object([("name", .string(p.name)), ("class", .string(p.deviceClass)), ("tasks", .number(Double(p.tasks))),
                         ("busy_s", .number(p.busySeconds)), ("utilisation", .number(p.utilisation)),
                         ("busy_energy_j", .number(p.busyJoules)), ("idle_energy_j", .number(p.idleJoules))])
            })),
            ("links", .array(links.map { l in
                .object([("name", .string(l.name)), ("kind", .string(l.kind)), ("bytes_out", .number(l.bytesOut)),
                         ("bytes_in", .number(l.bytesIn)), ("utilisation", .number(l.utilisation)), ("energy_j", .number(l.joules))])
            })),
            ("critical_path", .array(criticalPath.map { .object([("task", .string($0.task)), ("link", .string($0.link.rawValue))]) })),
            ("schedule", .array(rows.map {
                .object([("task", .string($0.task)), ("processor", .string($0.processor)),
                         ("start_s", .number($0.startSeconds)), ("finish_s", .number($0.finishSeconds))])
            })),
        ]
        return .object(pairs)
    }
}

extension ExecutionReport {
    /// Per-processor and per-link figures as JSON (the `detail_json` of a stored schedule).
    public var detailJSON: JSONValue {
        .object([
            ("processors", .array(processors.map { p in
                .object([("name", .string(p.name)), ("class", .string(p.deviceClass)), ("tasks", .number(Double(p.tasks))),
                         ("busy_s", .number(p.busySeconds)), ("utilisation", .number(p.utilisation)),
                         ("busy_energy_j", .number(p.busyJoules)), ("idle_energy_j", .number(p.idleJoules))])
            })),
            ("links", .array(links.filter { $0.bytesIn + $0.bytesOut > 0 }.map { l in
                .object([("name", .string(l.name)), ("kind", .string(l.kind)), ("bytes_out", .number(l.bytesOut)),
                         ("bytes_in", .number(l.bytesIn)), ("utilisation", .number(l.utilisation)), ("energy_j", .number(l.joules))])
            })),
        ])
    }
}

/// Every task's placement in a compact JSON form, for storage and for Gantt charts read back
/// from a database: `{"processors": [names], "categories": [names], "tasks": [[id, processor,
/// start_s, finish_s, category], …]}`. A task's category is its kind, else its processor's class.
public enum Placements {
    public static func json(_ execution: Execution, problem: SchedulingProblem) -> JSONValue {
        let graph = problem.graph, platform = problem.platform
        var categories = Categories()
        let rows: [JSONValue] = execution.assignments.enumerated().map { t, a in
            let c = categories.index(graph.tasks[t].kind ?? platform.processors[a.processor].deviceClass)
            return .array([.string(graph.tasks[t].id), .number(Double(a.processor)), .number(a.startSeconds), .number(a.finishSeconds), .number(Double(c))])
        }
        return .object([("processors", .array(platform.processors.map { .string($0.name) })),
                        ("categories", .array(categories.names.map { .string($0) })),
                        ("tasks", .array(rows))])
    }
}

/// Names numbered in order of first appearance: the colour categories of a Gantt chart (a
/// task's kind or class, transfers, write-backs).
public struct Categories: Sendable {
    public private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    public init() {}

    /// The number of `name`, adding it if new.
    public mutating func index(_ name: String) -> Int {
        if let known = numbers[name] { return known }
        numbers[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
