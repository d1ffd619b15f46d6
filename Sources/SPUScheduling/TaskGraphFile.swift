import SPUCore

/// The JSON task-graph format (`docs/scheduling.md`): a graph and the processors it runs on.
///
/// ```json
/// {"name": "…", "source": "…",
///  "processors": [{"name": "P1", "class": "gpu"}],
///  "communication": {"latency_s": 0, "bandwidth_bytes_per_s": 2.5e10},
///  "tasks": [{"id": "t1", "name": "…", "kind": "…", "costs_s": {"gpu": 14}}],
///  "edges": [{"from": "t1", "to": "t2", "cost_s": 18}, {"from": "t1", "to": "t3", "bytes": 1e6}]}
/// ```
///
/// Read strictly: unknown keys, wrong types, out-of-range numbers and graph errors (duplicate ids,
/// unknown tasks, self-loops, cycles, a task no processor can run) are `ConfigError`s naming the
/// file, the JSON path and the rule.
public struct TaskGraphFile: Sendable {
    public var name: String?
    public var source: String?
    public var graph: TaskGraph
    public var platform: SchedulingPlatform

    /// Limits that keep a typo from sizing an absurd allocation (`docs/scheduling.md`).
    public enum Limits {
        public static let tasks = 1...10_000_000
        public static let processors = 1...4096
        public static let seconds: ClosedRange<Double> = 0...1e9
        public static let bytes: ClosedRange<Double> = 0...1e15
        public static let bandwidthBytesPerSecond: ClosedRange<Double> = 1...1e15
    }

    public static func load(path: String) throws(ConfigError) -> TaskGraphFile {
        try decode(try InputFile.readJSONObject(path))
    }

    public static func decode(_ root: JSONObjectReader) throws(ConfigError) -> TaskGraphFile {
        let file = root.file
        root.expecting(["name", "source", "processors", "communication", "tasks", "edges"])
        let name = try root.optionalString("name")
        let source = try root.optionalString("source")

        let processorItems = try root.array("processors")
        guard Limits.processors.contains(processorItems.count) else {
            throw root.fail("processors", "must list \(JSONObjectReader.describe(Limits.processors)) processors, got \(processorItems.count)")
        }
        var processors: [SchedulingPlatform.Processor] = []
        var processorNames = Set<String>()
        for item in processorItems {
            let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
            reader.expecting(["name", "class"])
            let processor = SchedulingPlatform.Processor(name: try reader.string("name"), deviceClass: try reader.string("class"))
            guard processorNames.insert(processor.name).inserted else { throw reader.fail("name", "duplicate processor name \"\(processor.name)\"") }
            try reader.finish()
            processors.append(processor)
        }

        var communication = UniformCommunication()
        if let reader = try root.optionalObject("communication") {
            reader.expecting(["latency_s", "bandwidth_bytes_per_s"])
            communication.latencySeconds = try reader.optionalNumber("latency_s", in: Limits.seconds) ?? 0
            communication.bandwidthBytesPerSecond = try reader.optionalNumber("bandwidth_bytes_per_s", in: Limits.bandwidthBytesPerSecond)
            try reader.finish()
        }

        let taskItems = try root.array("tasks")
        guard Limits.tasks.contains(taskItems.count) else {
            throw root.fail("tasks", "must list \(JSONObjectReader.describe(Limits.tasks)) tasks, got \(taskItems.count)")
        }
        var tasks: [TaskGraph.Task] = []
        tasks.reserveCapacity(taskItems.count)
        for item in taskItems {
            let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
            reader.expecting(["id", "name", "kind", "costs_s"])
            var costs: [String: Double] = [:]
            for entry in try reader.entries("costs_s") {
                costs[entry.key] = try JSONObjectReader.number(entry.value, in: Limits.seconds, file: file, path: entry.path)
            }
            tasks.append(TaskGraph.Task(id: try reader.string("id"), name: try reader.optionalString("name"),
                                        kind: try reader.optionalString("kind"), costSeconds: costs))
            try reader.finish()
        }

        var edges: [TaskGraph.Edge] = []
        let edgeItems = root.has("edges") ? try root.array("edges") : []
        edges.reserveCapacity(edgeItems.count)
        for item in edgeItems {
            let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
            reader.expecting(["from", "to", "cost_s", "bytes"])
            let seconds = try reader.optionalNumber("cost_s", in: Limits.seconds)
            let bytes = try reader.optionalNumber("bytes", in: Limits.bytes)
            let data: TaskGraph.EdgeData
            switch (seconds, bytes) {
            case let (s?, nil): data = .seconds(s)
            case let (nil, b?): data = .bytes(b)
            case (nil, nil): data = .seconds(0)
            case (_?, _?): throw reader.fail("bytes", "give either cost_s or bytes, not both")
            }
            edges.append(TaskGraph.Edge(from: try reader.string("from"), to: try reader.string("to"), data: data))
            try reader.finish()
        }
        try root.finish()

        let platform = SchedulingPlatform(processors: processors, communication: communication)
        do throws(TaskGraphError) {
            let graph = try TaskGraph(tasks: tasks, edges: edges)
            _ = try SchedulingProblem(graph: graph, platform: platform)
            return TaskGraphFile(name: name, source: source, graph: graph, platform: platform)
        } catch {
            throw ConfigError(file: file, path: error.jsonPath, message: error.description)
        }
    }

    /// The graph on its platform, ready for a scheduler (validated when the file was read).
    public func problem() -> SchedulingProblem {
        // swiftlint:disable:next force_try
        try! SchedulingProblem(graph: graph, platform: platform)
    }
}
