import SPUCore
import SPUScheduling

extension GanttChart {
    /// The chart of an execution: a lane per processor, then a lane per link direction that
    /// carried data (`↑` out of the device or node, `↓` into it) with its transfers.
    public init(execution: Execution, problem: SchedulingProblem, title: String) {
        let graph = problem.graph, platform = problem.platform
        var categories = Categories()
        func category(_ name: String) -> Int { categories.index(name) }
        var lanes = platform.processors.map(\.name)
        var bars: [Bar] = execution.assignments.enumerated().map { t, a in
            let task = graph.tasks[t]
            return Bar(lane: a.processor, startSeconds: a.startSeconds, finishSeconds: a.finishSeconds,
                       category: category(task.kind ?? platform.processors[a.processor].deviceClass),
                       label: "\(task.id) on \(platform.processors[a.processor].name): \(TickLabel.value(a.startSeconds))–\(TickLabel.value(a.finishSeconds)) s")
        }
        if let topology = platform.topology {
            var laneOf: [Int: Int] = [:]
            let used = Set(execution.transfers.flatMap(\.resources)).sorted()
            for r in used {
                laneOf[r] = lanes.count
                lanes.append(topology.links[Topology.link(ofResource: r)].name + (r % 2 == 0 ? " ↑" : " ↓"))
            }
            for x in execution.transfers {
                let busy = x.bytes / topology.profile(from: x.from, to: x.to).bytesPerSecond
                let what: String
                switch x.item {
                case let .edge(e): what = "\(graph.edges[e].from) → \(graph.edges[e].to)"
                case let .data(d): what = graph.data[d].id
                }
                for r in x.resources {
                    bars.append(Bar(lane: laneOf[r]!, startSeconds: x.startSeconds, finishSeconds: x.startSeconds + busy,
                                    category: category(x.isWriteBack ? "write-back" : "transfer"),
                                    label: "\(what): \(TickLabel.value(x.bytes)) B, \(TickLabel.value(x.startSeconds))–\(TickLabel.value(x.arrivalSeconds)) s"))
                }
            }
        }
        self.init(title: title, lanes: lanes, categories: categories.names, bars: bars)
    }

    /// The chart of stored placements (`Placements.json`): processor lanes only.
    public init?(placements: JSONValue, title: String) {
        guard case let .object(pairs) = placements,
              case let .array(processors)? = pairs.first(where: { $0.key == "processors" })?.value,
              case let .array(categories)? = pairs.first(where: { $0.key == "categories" })?.value,
              case let .array(tasks)? = pairs.first(where: { $0.key == "tasks" })?.value else { return nil }
        var bars: [Bar] = []
        for task in tasks {
            guard case let .array(f) = task, f.count == 5, case let .string(id) = f[0], case let .number(p) = f[1],
                  case let .number(start) = f[2], case let .number(finish) = f[3], case let .number(c) = f[4] else { return nil }
            bars.append(Bar(lane: Int(p), startSeconds: start, finishSeconds: finish, category: Int(c), label: "\(id): \(TickLabel.value(start))–\(TickLabel.value(finish)) s"))
        }
        let names = processors.compactMap { if case let .string(s) = $0 { s } else { nil } }
        let kinds = categories.compactMap { if case let .string(s) = $0 { s } else { nil } }
        guard bars.allSatisfy({ names.indices.contains($0.lane) && kinds.indices.contains($0.category) }) else { return nil }
        self.init(title: title, lanes: names, categories: kinds, bars: bars)
    }
}
