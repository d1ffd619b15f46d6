import Foundation
import SPUCore
import SPUScheduling
import Testing

/// The runtime simulator on platforms with links and device memories (issue 17): contention on
/// shared links, routes across nodes, evictions and write-backs under a memory limit, and the
/// execution checker re-verifying every run.
@Suite struct RuntimeTests {
    static func violations(_ execution: Execution, _ problem: SchedulingProblem) -> [ScheduleChecker.Violation] {
        ExecutionChecker.violations(execution, graph: problem.graph, platform: problem.platform)
    }

    /// One node: a host CPU and `gpus` GPUs, each on its own PCIe link of `pcie` bytes/s, with
    /// `memory` bytes each; GPUs optionally in one fabric.
    static func node(gpus: Int, pcie: Double = 1e9, memory: Double? = nil, fabric: Double? = nil) -> SchedulingPlatform {
        var links: [Link] = [], attachments = [Topology.Attachment(node: 0)]
        var processors = [SchedulingPlatform.Processor(name: "cpu", deviceClass: "cpu", activePowerWatts: 300, idlePowerWatts: 100)]
        for g in 0..<gpus {
            var a = Topology.Attachment(node: 0, hostLink: links.count)
            links.append(Link(name: "gpu\(g).pcie", kind: .pcie, bytesPerSecond: pcie, latencySeconds: 0, joulesPerByte: 1e-11))
            if let fabric {
                a.fabric = 0
                a.fabricLink = links.count
                links.append(Link(name: "gpu\(g).nvlink", kind: .fabric, bytesPerSecond: fabric, latencySeconds: 0, joulesPerByte: 1e-12))
            }
            attachments.append(a)
            processors.append(.init(name: "gpu\(g)", deviceClass: "gpu", activePowerWatts: 700, idlePowerWatts: 70, memoryBytes: memory))
        }
        return SchedulingPlatform(processors: processors, interconnect: .topology(Topology(links: links, nodes: [.init(name: "n")], attachments: attachments)))
    }

    static func task(_ id: String, _ costs: [String: Double], uses: [String] = []) -> TaskGraph.Task {
        TaskGraph.Task(id: id, costSeconds: costs, uses: uses)
    }

    static func edge(_ from: String, _ to: String, _ bytes: Double) -> TaskGraph.Edge { .init(from: from, to: to, data: .bytes(bytes)) }

    // MARK: Links

    /// Two 1 GB outputs of a CPU task go to consumers on two GPUs: their PCIe links work in
    /// parallel (1 s each). When both consumers can only use GPU 0, its one link carries them in
    /// turn: the second lands at 2 s.
    @Test func transfersShareALinkInTurnAndSeparateLinksInParallel() throws {
        let graph = try TaskGraph(tasks: [Self.task("src", ["cpu": 0]), Self.task("a", ["gpu": 1]), Self.task("b", ["gpu": 1])],
                                  edges: [Self.edge("src", "a", 1e9), Self.edge("src", "b", 1e9)])
        let two = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 2))
        let parallel = SchedulerKind.heft.execute(two)
        #expect(Self.violations(parallel, two).isEmpty)
        #expect(abs(parallel.makespanSeconds - 2) < 1e-9)  // 1 s transfer + 1 s task, on both GPUs
        let one = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1))
        let serial = SchedulerKind.heft.execute(one)
        #expect(Self.violations(serial, one).isEmpty)
        let arrivals = serial.transfers.map(\.arrivalSeconds).sorted()
        #expect(arrivals.count == 2 && abs(arrivals[0] - 1) < 1e-9 && abs(arrivals[1] - 2) < 1e-9)
        #expect(abs(serial.makespanSeconds - 3) < 1e-9)  // a 1–2 s (after its data), b 2–3 s
    }

    @Test func fabricCarriesDeviceToDeviceTrafficAndPCIeHostTraffic() throws {
        let platform = Self.node(gpus: 2, pcie: 1e9, fabric: 1e10)
        let topology = platform.topology!
        #expect(topology.route(from: 1, to: 2) == [Topology.outbound(1), Topology.inbound(3)])  // gpu0.nvlink out, gpu1.nvlink in
        #expect(topology.route(from: 1, to: topology.hostLocation(node: 0)) == [Topology.outbound(0)])
        #expect(abs(topology.seconds(bytes: 1e10, from: 1, to: 2) - 1) < 1e-12)
        #expect(platform.location(ofProcessor: 0) == topology.hostLocation(node: 0))  // the CPU works in host memory
    }

    @Test func routesAcrossNodesCrossBothNetworkPorts() throws {
        let links = [Link(name: "a.nic", kind: .network, bytesPerSecond: 1e9, latencySeconds: 1e-6, joulesPerByte: 0),
                     Link(name: "b.nic", kind: .network, bytesPerSecond: 2e9, latencySeconds: 1e-6, joulesPerByte: 0),
                     Link(name: "b.gpu.pcie", kind: .pcie, bytesPerSecond: 4e9, latencySeconds: 1e-6, joulesPerByte: 0)]
        let topology = Topology(links: links, nodes: [.init(name: "a", networkLink: 0), .init(name: "b", networkLink: 1)],
                                attachments: [.init(node: 0), .init(node: 1, hostLink: 2)])
        #expect(topology.problem() == nil)
        let route = topology.route(from: topology.location(ofProcessor: 0), to: 1)
        #expect(route == [Topology.outbound(0), Topology.inbound(1), Topology.inbound(2)])
        let profile = topology.profile(from: topology.location(ofProcessor: 0), to: 1)
        #expect(profile.bytesPerSecond == 1e9)
        #expect(abs(profile.latencySeconds - 3e-6) < 1e-15)
        var broken = topology
        broken.nodes[1].networkLink = nil
        #expect(broken.problem()?.contains("needs a network port") == true)
    }

    // MARK: Memory

    /// A GPU with 10 GB runs three tasks, each using its own 6 GB of weights: each must evict the
    /// one before. Every run stays within capacity (the checker sweeps the residencies).
    @Test func persistentDataIsEvictedLeastRecentlyUsedWithinCapacity() throws {
        let data = (0..<3).map { TaskGraph.Data(id: "w\($0)", bytes: 6e9) }
        let tasks = (0..<3).map { Self.task("t\($0)", ["gpu": 1], uses: ["w\($0)"]) }
        let graph = try TaskGraph(tasks: tasks, edges: [.init(from: "t0", to: "t1", data: .bytes(0)), .init(from: "t1", to: "t2", data: .bytes(0))], data: data)
        let problem = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1, pcie: 1e10, memory: 10e9))
        for kind in SchedulerKind.allCases {
            let execution = kind.execute(problem)
            #expect(Self.violations(execution, problem).isEmpty, "\(kind)")
            #expect(execution.transfers.filter { !$0.isWriteBack }.count == 3)
            #expect(abs(execution.makespanSeconds - 3 * 1.6) < 1e-9, "\(kind): \(execution.makespanSeconds)")  // 0.6 s fetch + 1 s run, in turn
        }
    }

    /// An output whose consumer has not run, evicted for room, is written back to host memory
    /// first, and its consumer later reads it from there.
    @Test func evictedOutputsAreWrittenBackAndFetchedAgain() throws {
        let data = [TaskGraph.Data(id: "w", bytes: 6e9)]
        let tasks = [Self.task("slow", ["cpu": 10]), Self.task("make", ["gpu": 1]), Self.task("other", ["gpu": 1], uses: ["w"]),
                     Self.task("use", ["gpu": 1])]
        let edges = [Self.edge("make", "use", 6e9), Self.edge("slow", "use", 0), Self.edge("make", "other", 0)]
        let graph = try TaskGraph(tasks: tasks, edges: edges, data: data)
        let problem = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1, pcie: 1e10, memory: 10e9))
        let execution = SchedulerKind.heft.execute(problem)
        #expect(Self.violations(execution, problem).isEmpty)
        let writeBacks = execution.transfers.filter(\.isWriteBack)
        #expect(writeBacks.count == 1)
        #expect(writeBacks.first?.item == .edge(0))
        let refetch = execution.transfers.first { $0.item == .edge(0) && !$0.isWriteBack }
        #expect(refetch != nil && refetch!.startSeconds >= writeBacks[0].arrivalSeconds)
        #expect(execution.assignments[3].startSeconds >= 10)
    }

    /// The execution checker catches what a broken simulator could do: two transfers on one link at
    /// once, a transfer faster than its link, data held beyond a memory's capacity, and a consumer
    /// starting before its data lands.
    @Test func executionCheckerCatchesLinkMemoryAndDataViolations() throws {
        let graph = try TaskGraph(tasks: [Self.task("src", ["cpu": 0]), Self.task("a", ["gpu": 1]), Self.task("b", ["gpu": 1])],
                                  edges: [Self.edge("src", "a", 1e9), Self.edge("src", "b", 1e9)])
        let problem = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1, memory: 5e9))
        let good = SchedulerKind.heft.execute(problem)
        #expect(Self.violations(good, problem).isEmpty)
        var overlap = good
        overlap.transfers[1].startSeconds = overlap.transfers[0].startSeconds
        overlap.transfers[1].arrivalSeconds = overlap.transfers[1].startSeconds + 1
        #expect(Self.violations(overlap, problem).contains { $0.rule == "a link carries one transfer at a time" })
        var fast = good
        fast.transfers[0].arrivalSeconds -= 0.5
        #expect(Self.violations(fast, problem).contains { $0.rule == "transfer lasts latency + bytes / bandwidth" })
        var crowded = good
        crowded.residencies.append(.init(item: .data(0), location: 1, bytes: 4.5e9, fromSeconds: 0, toSeconds: 10))
        #expect(Self.violations(crowded, problem).contains { $0.rule == "memory within capacity" })
        var early = good
        let b = 2
        early.assignments[b].startSeconds -= 0.5
        early.assignments[b].finishSeconds -= 0.5
        #expect(Self.violations(early, problem).contains { $0.rule == "data arrives before its consumer starts" || $0.rule == "no overlap on a processor" })
    }

    @Test func aTaskThatFitsNoMemoryIsRefused() throws {
        let graph = try TaskGraph(tasks: [Self.task("big", ["gpu": 1], uses: ["w"])], edges: [], data: [.init(id: "w", bytes: 2e10)])
        #expect(throws: TaskGraphError.doesNotFit(id: "big", task: 0, bytes: 2e10, largestBytes: 1e10)) {
            _ = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1, memory: 1e10))
        }
        // With a CPU variant it runs on the host instead.
        let either = try TaskGraph(tasks: [Self.task("big", ["gpu": 1, "cpu": 5], uses: ["w"])], edges: [], data: [.init(id: "w", bytes: 2e10)])
        let problem = try SchedulingProblem(graph: either, platform: Self.node(gpus: 1, memory: 1e10))
        #expect(SchedulerKind.dmda.execute(problem).assignments[0].processor == 0)
    }

    // MARK: Random graphs on a topology

    /// Random layered graphs with edges in bytes on a node of one CPU and four GPUs (two classes
    /// of GPU), 8 GB each: every policy's run passes the checker and respects the lower bounds;
    /// the deque models, which see costs, finish sooner than the blind policies in total, and work
    /// stealing moves the fewest bytes. Measured at this commit (12 graphs, σ = 0.1): heft 1979 s,
    /// cpop 2262, dmda 2034, dm 2028, ws 2702, eager 2333, random 2837; ws 768 GB moved, the others
    /// 999–1234 GB.
    @Test func everyPolicyIsValidOnRandomGraphsWithLinksAndMemory() throws {
        var makespan: [SchedulerKind: Double] = [:], moved: [SchedulerKind: Double] = [:]
        for seed: UInt64 in 1...12 {
            var generator = RandomLayeredGraph(tasks: 40 + Int(seed % 4) * 20, processors: 3, seed: seed)
            generator.communicationToComputation = [0.5, 1, 3][Int(seed % 3)]
            let base = generator.graph()
            let classes = ["cpu", "gpu", "spu"]
            let tasks = base.tasks.map { t in
                TaskGraph.Task(id: t.id, costSeconds: Dictionary(uniqueKeysWithValues: t.costSeconds.map { (classes[Int($0.key.dropFirst(5))!], $0.value) }))
            }
            let edges = base.edges.map { e -> TaskGraph.Edge in
                guard case let .seconds(s) = e.data else { return e }
                return .init(from: e.from, to: e.to, data: .bytes(s * 1e8))
            }
            let graph = try TaskGraph(tasks: tasks, edges: edges)
            var platform = Self.node(gpus: 4, pcie: 1e9, memory: 8e9, fabric: 5e9)
            platform.processors[3].deviceClass = "spu"
            platform.processors[4].deviceClass = "spu"
            let problem = try SchedulingProblem(graph: graph, platform: platform)
            let bound = max(LowerBounds.criticalPathSeconds(problem), LowerBounds.workSeconds(problem))
            for kind in SchedulerKind.allCases {
                let execution = kind.execute(problem, error: PredictionError(sigma: 0.1, seed: seed), seed: seed)
                let found = Self.violations(execution, problem)
                #expect(found.isEmpty, "\(kind) seed \(seed): \(found)")
                #expect(execution.makespanSeconds >= bound * (1 - 1e-12))
                makespan[kind, default: 0] += execution.makespanSeconds
                moved[kind, default: 0] += execution.transfers.reduce(0) { $0 + $1.bytes }
            }
        }
        let summary = SchedulerKind.allCases.map { "\($0): \(Int(makespan[$0]!)) s \(Int(moved[$0]! / 1e9)) GB" }.joined(separator: ", ")
        #expect(makespan[.dmda]! < makespan[.eager]!, "\(summary)")
        #expect(makespan[.dmda]! < makespan[.random]!, "\(summary)")
        #expect(makespan[.heft]! < makespan[.random]!, "\(summary)")
        // Work stealing keeps a task where its last input was produced: the least traffic.
        #expect(moved[.ws]! < moved[.random]!, "\(summary)")
        #expect(moved[.ws]! < moved[.eager]!, "\(summary)")
    }

    @Test func energyAddsTasksIdleAndLinks() throws {
        let graph = try TaskGraph(tasks: [Self.task("src", ["cpu": 1]), Self.task("a", ["gpu": 2])], edges: [Self.edge("src", "a", 1e9)])
        let problem = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1))
        let report = ExecutionReport(execution: SchedulerKind.heft.execute(problem), problem: problem)
        // cpu 1 s at 300 W then idle 3 s at 100 W; gpu idle 2 s at 70 W then 2 s at 700 W; 1 GB over one PCIe link at 1e-11 J/B.
        #expect(abs(report.makespanSeconds - 4) < 1e-9)
        #expect(abs(report.computeJoules - (300 + 1400)) < 1e-6)
        #expect(abs(report.idleJoules - (300 + 140)) < 1e-6)
        #expect(abs(report.linkJoules - 0.01) < 1e-9)
        #expect(report.links.first?.bytesIn == 1e9)
    }

    // MARK: Platform files

    static func platformError(_ json: String) -> ConfigError? {
        do {
            _ = try PlatformFile.decode(JSONObjectReader.document(file: "p.json", text: json))
            return nil
        } catch {
            return error
        }
    }

    static let cpu = #"{"name": "cpu", "class": "cpu", "host": true, "active_power_w": 360, "idle_power_w": 100, "source": "assumption"}"#
    static let pcie = #""host_link": {"pcie_generation": 5, "lanes": 16, "latency_s": 1e-6, "energy_pj_per_bit": 5, "source": "assumption"}"#

    @Test func platformFileBuildsNodesDevicesAndLinks() throws {
        let json = """
            {"name": "two", "nodes": [{"name": "n", "count": 2,
              "network": {"bandwidth_bytes_per_s": 5e10, "latency_s": 3e-6, "energy_pj_per_bit": 20, "source": "assumption"},
              "fabrics": [{"name": "nvlink", "port_bandwidth_bytes_per_s": 4.5e11, "latency_s": 1e-6, "energy_pj_per_bit": 1.3, "source": "assumption"}],
              "devices": [\(Self.cpu), {"name": "gpu", "count": 4, "class": "gpu", "memory_bytes": 8e10, "active_power_w": 700,
                "idle_power_w": 70, "source": "assumption", "fabric": "nvlink", \(Self.pcie)}]}]}
            """
        let file = try PlatformFile.decode(JSONObjectReader.document(file: "p.json", text: json))
        let platform = file.platform
        #expect(platform.processors.map(\.name) == ["n0.cpu", "n0.gpu0", "n0.gpu1", "n0.gpu2", "n0.gpu3", "n1.cpu", "n1.gpu0", "n1.gpu1", "n1.gpu2", "n1.gpu3"])
        let topology = try #require(platform.topology)
        #expect(topology.links.count == 2 + 2 * 4 * 2)
        #expect(abs(topology.links[1].bytesPerSecond - 16 * 3.938e9) < 1)  // PCIe 5.0 x16
        #expect(topology.route(from: 1, to: 2).count == 2)  // NVLink within a node
        #expect(topology.route(from: 1, to: 6).count == 4)  // PCIe up, two NICs, PCIe down
    }

    @Test func badPlatformsNameFilePathAndRule() {
        let noLink = Self.platformError(#"{"nodes": [{"name": "n", "devices": [{"name": "g", "class": "gpu", "active_power_w": 1, "idle_power_w": 0, "source": "assumption"}]}]}"#)
        #expect(noLink?.path == "$.nodes[0].devices[0].host_link")
        let fabric = Self.platformError("""
            {"nodes": [{"name": "n", "devices": [{"name": "g", "class": "gpu", "active_power_w": 1, "idle_power_w": 0, "source": "assumption", "fabric": "nv", \(Self.pcie)}]}]}
            """)
        #expect(fabric?.path == "$.nodes[0].devices[0].fabric")
        #expect(fabric?.message.contains("unknown fabric") == true)
        let network = Self.platformError(#"{"nodes": [{"name": "n", "count": 2, "devices": [\#(Self.cpu)]}]}"#)
        #expect(network?.path == "$.nodes[0].network")
        let lanes = Self.platformError("""
            {"nodes": [{"name": "n", "devices": [{"name": "g", "class": "gpu", "active_power_w": 1, "idle_power_w": 0, "source": "assumption",
              "host_link": {"pcie_generation": 5, "lanes": 12, "latency_s": 0, "energy_pj_per_bit": 5, "source": "assumption"}}]}]}
            """)
        #expect(lanes?.path == "$.nodes[0].devices[0].host_link.lanes")
        let design = Self.platformError(#"{"nodes": [{"name": "n", "devices": [{"name": "g", "design": "x.json"}]}]}"#)
        #expect(design?.message.contains("resolved by the command line") == true)
    }

    @Test func graphEdgesInSecondsAreRefusedOnATopology() throws {
        let graph = try TaskGraph(tasks: [Self.task("a", ["cpu": 1]), Self.task("b", ["gpu": 1])], edges: [.init(from: "a", to: "b", data: .seconds(2))])
        #expect(throws: TaskGraphError.secondsOnTopology(edge: 0)) { _ = try SchedulingProblem(graph: graph, platform: Self.node(gpus: 1)) }
    }
}
