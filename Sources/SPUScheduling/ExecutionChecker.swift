/// Validates what the runtime simulator did, from the `TaskGraph` and `SchedulingPlatform` alone
/// (not the simulator's compiled problem or its internal state).
///
/// Rules, with times compared to a tolerance of 1e-9 × max(1, makespan):
/// - **tasks**: each scheduled once on a processor whose class has a cost for it, for exactly
///   that cost, never two at once on a processor;
/// - **dependencies**: a task starts after each predecessor finished; when the edge carries data
///   and the two work in different memories, a transfer of that edge into the consumer's memory
///   (a fetch, or a write-back when the consumer works in host memory) started after the producer
///   finished and arrived before the consumer started;
/// - **persistent data** (topology): a task using a data item outside its home memory has a
///   transfer of it into its memory that arrived before it started;
/// - **links** (topology): each transfer takes the route of the wiring, lasts latency + bytes /
///   bottleneck bandwidth, and holds each directed link alone (no two transfers overlap on one);
/// - **memory** (devices with a capacity): the copies held never exceed the capacity at any
///   time, and everything a task reads or writes is held in its memory while it runs.
public enum ExecutionChecker {
    public static func violations(_ execution: Execution, graph: TaskGraph, platform: SchedulingPlatform, limit: Int = 20) -> [ScheduleChecker.Violation] {
        var found: [ScheduleChecker.Violation] = []
        func report(_ rule: String, _ detail: String) { if found.count < limit { found.append(.init(rule: rule, detail: detail)) } }
        // Tasks on processors: the plan checker's rules; communication is checked below on the transfers.
        found += ScheduleChecker.processorViolations(execution.schedule, graph: graph, platform: platform, limit: limit)
        guard found.isEmpty else { return found }

        let a = execution.assignments
        let tolerance = 1e-9 * max(1, execution.makespanSeconds)
        let topology = platform.topology
        var transfersByItem: [Execution.Item: [Execution.Transfer]] = [:]
        for x in execution.transfers { transfersByItem[x.item, default: []].append(x) }

        for (e, edge) in graph.edges.enumerated() {
            let u = graph.edgeSources[e], v = graph.edgeTargets[e]
            let lu = platform.location(ofProcessor: a[u].processor), lv = platform.location(ofProcessor: a[v].processor)
            let carriesData: Bool
            switch edge.data {
            case let .bytes(b): carriesData = topology == nil || b > 0
            case .seconds: carriesData = topology == nil
            }
            guard lu != lv, carriesData else { continue }
            let delivered = (transfersByItem[.edge(e)] ?? []).contains {
                $0.to == lv && $0.startSeconds >= a[u].finishSeconds - tolerance && $0.arrivalSeconds <= a[v].startSeconds + tolerance
            }
            if !delivered { report("data arrives before its consumer starts", "\(edge.from) → \(edge.to): no transfer into \(platform.locationName(lv)) between \(a[u].finishSeconds) and \(a[v].startSeconds)") }
            if topology == nil, let x = (transfersByItem[.edge(e)] ?? []).first(where: { $0.to == lv }),
               let expected = platform.idleCommunicationSeconds(edge.data, from: a[u].processor, to: a[v].processor),
               abs(x.arrivalSeconds - x.startSeconds - expected) > tolerance {
                report("transfer lasts its communication time", "\(edge.from) → \(edge.to): \(x.arrivalSeconds - x.startSeconds) s, expected \(expected) s")
            }
        }

        guard let topology else { return found }
        for (t, task) in graph.tasks.enumerated() {
            let l = platform.location(ofProcessor: a[t].processor)
            for d in graph.usesIndex[t] where graph.data[d].bytes > 0 && l != topology.hostLocation(node: graph.data[d].homeNode) {
                let delivered = (transfersByItem[.data(d)] ?? []).contains { $0.to == l && $0.arrivalSeconds <= a[t].startSeconds + tolerance }
                if !delivered { report("data arrives before its user starts", "\(graph.data[d].id) is not brought to \(platform.locationName(l)) before \(task.id) starts") }
            }
        }

        // Links: route, duration, exclusivity.
        var occupancy = [[(start: Double, end: Double)]](repeating: [], count: 2 * topology.links.count)
        for x in execution.transfers {
            let route = topology.route(from: x.from, to: x.to)
            if x.resources != route { report("transfer follows the wiring", "\(platform.locationName(x.from)) → \(platform.locationName(x.to)) used \(x.resources), route is \(route)") ; continue }
            let profile = topology.profile(from: x.from, to: x.to)
            let busy = route.isEmpty ? 0 : x.bytes / profile.bytesPerSecond
            if abs(x.arrivalSeconds - x.startSeconds - profile.latencySeconds - busy) > tolerance {
                report("transfer lasts latency + bytes / bandwidth", "\(platform.locationName(x.from)) → \(platform.locationName(x.to)): \(x.arrivalSeconds - x.startSeconds) s")
            }
            for r in route { occupancy[r].append((x.startSeconds, x.startSeconds + busy)) }
        }
        for (r, intervals) in occupancy.enumerated() {
            let sorted = intervals.sorted { $0.start < $1.start }
            for (x, y) in zip(sorted, sorted.dropFirst()) where y.start < x.end - tolerance {
                report("a link carries one transfer at a time", "\(topology.links[Topology.link(ofResource: r)].name) (\(r % 2 == 0 ? "out" : "in")): [\(x.start), \(x.end)) and [\(y.start), \(y.end))")
                break
            }
        }

        // Memory: capacity at every instant, and what each running task needs held.
        var byLocation = [Int: [Execution.Residency]]()
        for r in execution.residencies { byLocation[r.location, default: []].append(r) }
        for l in 0..<platform.locationCount {
            guard let capacity = platform.capacityBytes(location: l) else { continue }
            let held = byLocation[l] ?? []
            var points: [(time: Double, delta: Double)] = []
            for r in held where r.toSeconds > r.fromSeconds { points.append((r.fromSeconds, r.bytes)); points.append((r.toSeconds, -r.bytes)) }
            points.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
            var used = 0.0
            for point in points {
                used += point.delta
                if used > capacity * (1 + 1e-12) { report("memory within capacity", "\(platform.locationName(l)) holds \(used) bytes at \(point.time) s, capacity \(capacity)"); break }
            }
        }
        var edgesOf = [[Int]](repeating: [], count: graph.taskCount)
        for (e, edge) in graph.edges.enumerated() {
            if case let .bytes(b) = edge.data, b > 0 { edgesOf[graph.edgeSources[e]].append(e); edgesOf[graph.edgeTargets[e]].append(e) }
        }
        var heldBy = [Execution.Item: [Execution.Residency]]()
        for r in execution.residencies { heldBy[r.item, default: []].append(r) }
        for (t, task) in graph.tasks.enumerated() {
            let l = platform.location(ofProcessor: a[t].processor)
            guard platform.capacityBytes(location: l) != nil else { continue }
            let needed: [Execution.Item] = graph.usesIndex[t].filter { graph.data[$0].bytes > 0 }.map { .data($0) } + edgesOf[t].map { .edge($0) }
            for item in needed {
                let heldThrough = (heldBy[item] ?? []).contains {
                    $0.location == l && $0.fromSeconds <= a[t].startSeconds + tolerance && $0.toSeconds >= a[t].finishSeconds - tolerance
                }
                if !heldThrough { report("a running task's data is held in its memory", "\(task.id) on \(platform.processors[a[t].processor].name): \(item) not held over [\(a[t].startSeconds), \(a[t].finishSeconds)]") }
            }
        }
        return found
    }
}
