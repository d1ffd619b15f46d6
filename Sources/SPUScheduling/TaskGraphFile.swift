import SPUCore

/// The JSON task-graph format (`docs/scheduling.md`): a graph, and optionally the processors it
/// runs on with a uniform interconnect (Topcuoglu's model); without them the graph needs a
/// platform file (`PlatformFile`).
///
/// ```json
/// {"name": "…", "source": "…",
///  "processors": [{"name": "P1", "class": "gpu"}],
///  "communication": {"latency_s": 0, "bandwidth_bytes_per_s": 2.5e10},
///  "data": [{"id": "weights", "bytes": 1.4e11}],
///  "tasks": [{"id": "t1", "name": "…", "kind": "…", "costs_s": {"gpu": 14}, "energy_j": {"gpu": 9000}, "uses": ["weights"]}],
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
    /// The embedded processors on a uniform interconnect; nil when the file lists none.
    public var platform: SchedulingPlatform?

    /// Limits that keep a typo from sizing an absurd allocation (`docs/scheduling.md`).
    public enum Limits {
        public static let tasks = 1...10_000_000
        public static let processors = 1...4096
        public static let seconds: ClosedRange<Double> = 0...1e9
        public static let bytes: ClosedRange<Double> = 0...1e15
        public static let bandwidthBytesPerSecond: ClosedRange<Double> = 1...1e15
        public static let joules: ClosedRange<Double> = 0...1e15
        public static let watts: ClosedRange<Double> = 0...1e6
    }

    public static func load(path: String) throws(ConfigError) -> TaskGraphFile {
        try decode(try InputFile.readJSONObject(path))
    }

    public static func decode(_ root: JSONObjectReader) throws(ConfigError) -> TaskGraphFile {
        let file = root.file
        root.expecting(["name", "source", "processors", "communication", "data", "codelets", "tasks", "edges"])
        let name = try root.optionalString("name")
        let source = try root.optionalString("source")

        let processorItems = root.has("processors") ? try root.array("processors") : []
        if root.has("processors") || root.has("communication") {
            guard Limits.processors.contains(processorItems.count) else {
                throw root.fail("processors", "must list \(JSONObjectReader.describe(Limits.processors)) processors, got \(processorItems.count)")
            }
        }
        var processors: [SchedulingPlatform.Processor] = []
        var processorNames = Set<String>()
        for item in processorItems {
            let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
            reader.expecting(["name", "class", "active_power_w", "idle_power_w"])
            let processor = SchedulingPlatform.Processor(name: try reader.string("name"), deviceClass: try reader.string("class"),
                                                         activePowerWatts: try reader.optionalNumber("active_power_w", in: Limits.watts) ?? 0,
                                                         idlePowerWatts: try reader.optionalNumber("idle_power_w", in: Limits.watts) ?? 0)
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

        var data: [TaskGraph.Data] = []
        if root.has("data") {
            for item in try root.array("data") {
                let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
                reader.expecting(["id", "bytes", "home_node", "source"])
                _ = try reader.optionalString("source")
                data.append(TaskGraph.Data(id: try reader.string("id"), bytes: try reader.number("bytes", in: Limits.bytes),
                                           homeNode: try reader.optionalInt("home_node", in: 0...4095) ?? 0))
                try reader.finish()
            }
        }

        var codelets: [String: Codelet] = [:]
        if root.has("codelets") {
            for item in try root.array("codelets") {
                let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
                let codelet = try Codelet.decode(reader)
                guard codelets[codelet.name] == nil else { throw reader.fail("name", "duplicate codelet \"\(codelet.name)\"") }
                codelets[codelet.name] = codelet
            }
        }

        let taskItems = try root.array("tasks")
        guard Limits.tasks.contains(taskItems.count) else {
            throw root.fail("tasks", "must list \(JSONObjectReader.describe(Limits.tasks)) tasks, got \(taskItems.count)")
        }
        var tasks: [TaskGraph.Task] = []
        tasks.reserveCapacity(taskItems.count)
        for item in taskItems {
            let reader = try JSONObjectReader(file: file, path: item.path, value: item.value)
            reader.expecting(["id", "name", "kind", "costs_s", "energy_j", "uses", "codelet", "size"])
            var costs: [String: Double] = [:]
            var energies: [String: Double] = [:]
            var kind = try reader.optionalString("kind")
            if let name = try reader.optionalString("codelet") {
                guard let codelet = codelets[name] else {
                    throw reader.fail("codelet", "unknown codelet \"\(name)\"" + (codelets.isEmpty ? " (the file defines no codelets)" : " (not among $.codelets[*].name: \(codelets.keys.sorted().joined(separator: ", ")))"))
                }
                guard !reader.has("costs_s"), !reader.has("energy_j") else { throw reader.fail("costs_s", "a task gives a codelet or costs_s and energy_j, not both") }
                let size = try reader.optionalNumber("size", in: Codelet.sizes) ?? 1
                (costs, energies) = codelet.costs(size: size)
                kind = kind ?? codelet.name
            } else {
                if reader.has("size") { throw reader.fail("size", "size applies to a task that names a codelet") }
                for entry in try reader.entries("costs_s") {
                    costs[entry.key] = try JSONObjectReader.number(entry.value, in: Limits.seconds, file: file, path: entry.path)
                }
            }
            if reader.has("energy_j") {
                for entry in try reader.entries("energy_j") {
                    energies[entry.key] = try JSONObjectReader.number(entry.value, in: Limits.joules, file: file, path: entry.path)
                }
            }
            var uses: [String] = []
            if reader.has("uses") {
                for use in try reader.array("uses") {
                    guard case let .string(id) = use.value else { throw ConfigError(file: file, path: use.path, message: "must be a data id (string)") }
                    uses.append(id)
                }
            }
            tasks.append(TaskGraph.Task(id: try reader.string("id"), name: try reader.optionalString("name"),
                                        kind: kind, costSeconds: costs, energyJoules: energies, uses: uses))
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

        let platform = processors.isEmpty ? nil : SchedulingPlatform(processors: processors, communication: communication)
        do throws(TaskGraphError) {
            let graph = try TaskGraph(tasks: tasks, edges: edges, data: data)
            if let platform { _ = try SchedulingProblem(graph: graph, platform: platform) }
            return TaskGraphFile(name: name, source: source, graph: graph, platform: platform)
        } catch {
            throw ConfigError(file: file, path: error.jsonPath, message: error.description)
        }
    }

    /// The graph on its embedded platform, ready for a scheduler (validated when the file was read).
    /// Precondition: the file lists processors.
    public func problem() -> SchedulingProblem {
        // swiftlint:disable:next force_try
        try! SchedulingProblem(graph: graph, platform: platform!)
    }

    /// The graph on another platform; errors name this file's JSON paths.
    public func problem(on platform: SchedulingPlatform, file: String) throws(ConfigError) -> SchedulingProblem {
        do throws(TaskGraphError) {
            return try SchedulingProblem(graph: graph, platform: platform)
        } catch {
            throw ConfigError(file: file, path: error.jsonPath, message: error.description)
        }
    }
}
