import Foundation
import SPUCore
import SPUCost
import SPUHardware
import SPUScheduling
import SPUSystem
import SPUWorkload
import Testing

/// Systems of real devices (issue 17): task costs from the device models, workload traces as task
/// graphs, the RAG and CNN+LLM pipeline generators on the shipped platforms, every scheduler's
/// execution checked, and bad input.
@Suite struct SystemTests {
    static let cpuGPU = Repo.path("configs/platforms/cpu-gpu-node.json")
    static let cpuGPUSPU = Repo.path("configs/platforms/cpu-gpu-spu-node.json")

    static func inputs() throws -> CostInputs {
        try CostInputs.load(techDirectory: Repo.path("configs/tech"), tcoFile: Repo.path("configs/tco/default.json"))
    }

    /// A platform file with its designs resolved, and a coster for it.
    static func platform(_ path: String, catalog: DeviceCatalog) throws -> (PlatformFile, TaskCoster) {
        let file = try PlatformFile.load(path: path) { p throws(ConfigError) in try catalog.facts(path: p) }
        return (file, try TaskCoster(platform: file, catalog: catalog))
    }

    static func stages(_ model: String) throws -> TransformerStages {
        TransformerStages(generator: TransformerGenerator(model: try TransformerConfig.load(path: Repo.path("workloads/models/\(model).json")), modelName: model))
    }

    /// A small RAG graph (few requests, short outputs) to keep the tests fast.
    static func smallRAG(requests: Int = 4, coster: TaskCoster) throws -> (RAGPipeline, TaskGraph) {
        var rag = RAGPipeline(requests: requests)
        rag.outputTokens = 16
        return (rag, try rag.graph(llm: stages("llama-3-8b"), encoder: stages("all-minilm-l6-v2"), coster: coster))
    }

    // MARK: Task costs

    /// A task's cost on a class is exactly what `DesignEvaluator` gives for the same op alone.
    @Test func taskCostsEqualTheDesignEvaluator() throws {
        let inputs = try Self.inputs()
        let catalog = DeviceCatalog(inputs: inputs)
        let (_, coster) = try Self.platform(Self.cpuGPUSPU, catalog: catalog)
        #expect(coster.deviceClasses == ["cpu", "gpu", "spu"])
        #expect(coster.hasDesign("gpu") && coster.hasDesign("spu") && coster.hasDesign("cpu"))
        let trace = try Workload.load(path: Repo.path("workloads/traces/llama-3-8b-decode-b32-ctx4096.json"))
        let graph = try WorkloadTaskGraph.build(trace, coster: coster)
        let op = try #require(trace.ops.first { $0.name == "layers.qkv_proj" })
        let task = graph.tasks[graph.index["layers.qkv_proj"]!]
        let single = Workload(name: "one", phase: trace.phase, devices: trace.devices, throughputUnit: trace.throughputUnit,
                              itemsPerIteration: trace.itemsPerIteration, ops: [op])
        for (deviceClass, design) in [("gpu", "configs/gpus/h100-sxm.json"), ("spu", "configs/chips/spu-datacenter.json"), ("cpu", "configs/cpus/epyc-9654.json")] {
            let evaluation = try DesignEvaluator(device: DeviceSpec.load(path: Repo.path(design)), inputs: inputs).evaluate(single)
            #expect(evaluation.performance.feasible)
            #expect(task.costSeconds[deviceClass] == evaluation.performance.latencySeconds)
            #expect(task.energyJoules[deviceClass] == evaluation.cost.energyJ)
        }
        // The CPU, a design of its own (configs/cpus), prices the op too, and more slowly.
        #expect(task.costSeconds["cpu"]! > task.costSeconds["gpu"]!)
    }

    /// Two devices of one class with different designs are refused, naming both.
    @Test func oneDesignPerClass() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mixed.json").path
        let link = #"{"pcie_generation": 5, "lanes": 16, "latency_s": 1e-6, "energy_pj_per_bit": 10, "source": "assumption"}"#
        try """
            {"nodes": [{"name": "n", "devices": [
              {"name": "cpu", "class": "cpu", "host": true, "active_power_w": 360, "idle_power_w": 100, "source": "assumption"},
              {"name": "a", "design": "\(Repo.path("configs/gpus/h100-sxm.json"))", "host_link": \(link)},
              {"name": "b", "design": "\(Repo.path("configs/gpus/a100-sxm-80gb.json"))", "host_link": \(link)}]}]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try PlatformFile.load(path: path) { p throws(ConfigError) in try catalog.facts(path: p) }
        #expect(throws: TaskCostingError.self) { try TaskCoster(platform: file, catalog: catalog) }
        do {
            _ = try TaskCoster(platform: file, catalog: catalog)
        } catch {
            #expect(error.description.contains("h100-sxm.json") && error.description.contains("a100-sxm-80gb.json"))
        }
    }

    // MARK: Trace DAG

    /// One task per unfused op; an edge for every `after` between different tasks, carrying the
    /// producer's output bytes; weights as data, each op's shape evaluated once.
    @Test func traceDAGFollowsAfter() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let (_, coster) = try Self.platform(Self.cpuGPUSPU, catalog: catalog)
        for name in ["llama-3-8b-decode-b32-ctx4096", "resnet50-b32"] {
            let trace = try Workload.load(path: Repo.path("workloads/traces/\(name).json"))
            let before = coster.evaluations
            let graph = try WorkloadTaskGraph.build(trace, coster: coster)
            let fused = trace.ops.filter(\.fusedWithProducer)
            #expect(graph.taskCount == trace.ops.count - fused.count, "\(name)")
            var taskOf: [String: String] = [:]
            for op in trace.ops { taskOf[op.name] = op.fusedWithProducer ? taskOf[op.after[0]]! : op.name }
            var expected: [String: Double] = [:]
            for op in trace.ops {
                for producer in op.after where taskOf[producer] != taskOf[op.name] {
                    let p = trace.ops.first { $0.name == producer }!
                    expected[taskOf[producer]! + "→" + taskOf[op.name]!, default: 0] += p.bytes(p.output)
                }
            }
            #expect(graph.edges.count == expected.count, "\(name)")
            for edge in graph.edges {
                #expect(edge.data == .bytes(expected[edge.from + "→" + edge.to] ?? -1), "\(name): \(edge.from) → \(edge.to)")
            }
            let weights = trace.ops.flatMap { $0.inputs.filter { $0.role == .weight } }.compactMap(\.name)
            #expect(Set(graph.data.map(\.id)).isSuperset(of: weights))
            // Identical op shapes are priced once: fewer evaluations than tasks (ResNet's bottlenecks repeat).
            #expect(coster.evaluations - before <= graph.taskCount)
        }
        let resnet = try WorkloadTaskGraph.build(try Workload.load(path: Repo.path("workloads/traces/resnet50-b32.json")), coster: coster)
        #expect(resnet.tasks.allSatisfy { $0.costSeconds["gpu"] != nil && $0.costSeconds["spu"] != nil })
    }

    // MARK: Pipelines

    @Test func ragGraphHasTheStatedStructure() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let (_, coster) = try Self.platform(Self.cpuGPUSPU, catalog: catalog)
        let (rag, graph) = try Self.smallRAG(requests: 3, coster: coster)
        var kinds: [String: Int] = [:]
        for task in graph.tasks { kinds[task.kind ?? "", default: 0] += 1 }
        #expect(kinds == ["tokenize": 3, "embed": 3, "vector_search": 3, "fetch": 3, "prefill": 3, "decode": 3, "detokenize": 3])
        #expect(graph.edges.count == 3 * 7)
        for task in graph.tasks {
            switch task.kind {
            case "tokenize", "vector_search", "fetch", "detokenize": #expect(Array(task.costSeconds.keys) == ["cpu"], "\(task.id)")
            case "embed": #expect(Set(task.costSeconds.keys) == ["cpu", "gpu", "spu"])
            default: #expect(Set(task.costSeconds.keys) == ["cpu", "gpu", "spu"], "\(task.id)")  // the LLM runs on a CPU too, slowly
            }
        }
        // The KV cache of the prompt on the prefill → decode edge: 2 (K, V) × 32 layers × 8 KV heads × 128 × 2 bytes per token.
        let kv = graph.edges.first { $0.from == "r0.prefill" && $0.to == "r0.decode" }!
        #expect(rag.promptTokens == 32 + 5 * 256)
        #expect(kv.data == .bytes(Double(rag.promptTokens) * 2 * 32 * 8 * 128 * 2))
        #expect(graph.edges.first { $0.from == "r0.embed" }!.data == .bytes(384 * 4))
        // Weights: Llama-3-8B in bf16 is 8.03 G parameters, about 16 GB.
        let weights = graph.data.first { $0.id == "llm.weights" }!.bytes
        #expect(weights > 15.5e9 && weights < 16.5e9)
        // Decode of 16 tokens takes 16 steps: more than 16 × (weights / HBM bandwidth of an H100, 3.35 TB/s).
        let decode = graph.tasks[graph.index["r0.decode"]!]
        #expect(decode.costSeconds["gpu"]! > 16 * weights / 3.35e12)
        #expect(graph.tasks[graph.index["r0.search"]!].uses == ["vector.index"])
    }

    @Test func multimodalGraphHasTheStatedStructure() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let (_, coster) = try Self.platform(Self.cpuGPU, catalog: catalog)
        var pipeline = MultimodalPipeline(requests: 2)
        pipeline.outputTokens = 8
        let graph = try pipeline.graph(llm: Self.stages("llama-3-8b"), coster: coster)
        var kinds: [String: Int] = [:]
        for task in graph.tasks { kinds[task.kind ?? "", default: 0] += 1 }
        #expect(kinds == ["preprocess": 2, "tokenize": 2, "vision_encoder": 2, "projection": 2, "prefill": 2, "decode": 2, "detokenize": 2])
        #expect(graph.tasks[graph.index["r0.vision"]!].costSeconds.keys.sorted() == ["cpu", "gpu"])
        #expect(graph.tasks[graph.index["r0.preprocess"]!].costSeconds.keys.sorted() == ["cpu"])
        #expect(graph.edges.first { $0.from == "r0.preprocess" }!.data == .bytes(3 * 224 * 224 * 2))
        #expect(graph.edges.first { $0.from == "r1.project" }!.data == .bytes(49 * 4096 * 2))
    }

    // MARK: Schedules on the shipped platforms

    /// Every scheduler, with and without model error, on both shipped platforms: the execution
    /// checker finds nothing, and the makespan respects the critical-path bound.
    @Test func everySchedulerPassesTheCheckerOnTheShippedPlatforms() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        for path in [Self.cpuGPU, Self.cpuGPUSPU] {
            let (file, coster) = try Self.platform(path, catalog: catalog)
            let graph = try Self.smallRAG(requests: 6, coster: coster).1
            let problem = try SchedulingProblem(graph: graph, platform: file.platform)
            for kind in SchedulerKind.allCases {
                for sigma in [0.0, 0.2] {
                    let execution = kind.execute(problem, error: PredictionError(sigma: sigma, seed: 3), seed: 3)
                    let violations = ExecutionChecker.violations(execution, graph: problem.graph, platform: problem.platform)
                    #expect(violations.isEmpty, "\(kind) σ=\(sigma) on \(path): \(violations.prefix(3))")
                    #expect(execution.makespanSeconds >= LowerBounds.criticalPathSeconds(problem) * (1 - 1e-9))
                }
            }
        }
    }

    /// Adding 4 SPUs to the CPU+GPU node: HEFT's plan for the same RAG requests. HEFT cannot
    /// promise a shorter plan (list-scheduling anomalies, `SchedulingTests`), so this measures it:
    /// the plan never grows by more than 10 % (docs/scheduling.md, "Study").
    @Test func addingSPUsToTheNodeKeepsHEFTsPlanWithinTheAnomalyBound() throws {
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let (gpuFile, gpuCoster) = try Self.platform(Self.cpuGPU, catalog: catalog)
        let (spuFile, spuCoster) = try Self.platform(Self.cpuGPUSPU, catalog: catalog)
        for requests in [1, 4, 9, 16] {
            let before = try SchedulingProblem(graph: Self.smallRAG(requests: requests, coster: gpuCoster).1, platform: gpuFile.platform)
            let after = try SchedulingProblem(graph: Self.smallRAG(requests: requests, coster: spuCoster).1, platform: spuFile.platform)
            let planBefore = HEFTScheduler().schedule(before).makespanSeconds
            let planAfter = HEFTScheduler().schedule(after).makespanSeconds
            #expect(planAfter <= planBefore * 1.10, "\(requests) requests: \(planBefore) → \(planAfter)")
        }
    }

    // MARK: Bad input

    @Test func badInputExitsWithFilePathAndRule() throws {
        let dir = Repo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A platform naming a design that does not exist.
        let platform = dir.appendingPathComponent("platform.json").path
        try """
            {"nodes": [{"name": "n", "devices": [
              {"name": "cpu", "class": "cpu", "host": true, "active_power_w": 360, "idle_power_w": 100, "source": "assumption"},
              {"name": "gpu", "design": "missing-gpu.json", "host_link": {"pcie_generation": 5, "lanes": 16, "latency_s": 1e-6, "energy_pj_per_bit": 10, "source": "assumption"}}]}]}
            """.write(toFile: platform, atomically: true, encoding: .utf8)
        let missing = CLI.runCapturing(["schedule", "--pipeline", "rag", "--requests", "2", "--platform", platform])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing-gpu.json"))
        // A workload no device can run: a 2 TB weight fits no device.
        let trace = dir.appendingPathComponent("huge.json").path
        try """
            {"format_version": 1, "name": "huge", "phase": "inference", "throughput": {"unit": "samples", "per_iteration": 1},
             "ops": [{"name": "fc", "kind": "matmul", "einsum": "bk,kn->bn", "dims": {"b": 1, "k": 1000000, "n": 1000000},
                      "inputs": [{"format": "bf16"}, {"name": "w", "format": "bf16", "role": "weight"}], "output": {"format": "bf16"}}]}
            """.write(toFile: trace, atomically: true, encoding: .utf8)
        let huge = CLI.runCapturing(["schedule", "--workload", trace, "--platform", Self.cpuGPUSPU])
        #expect(huge.status == 2)
        #expect(huge.stderr.contains("\(trace): $.ops[0]: task \"fc\" can run on no device"))
        #expect(huge.stderr.contains("gpu (h100-sxm)") && huge.stderr.contains("spu (spu-datacenter)"))
        // Unknown pipeline and option values are usage errors (exit 64, as every option of spusim).
        #expect(CLI.runCapturing(["schedule", "--pipeline", "rga", "--platform", Self.cpuGPU]).status == 64)
        #expect(CLI.runCapturing(["schedule", "--pipeline", "rag", "--recipe", "fp7", "--platform", Self.cpuGPU]).status == 64)
        #expect(CLI.runCapturing(["schedule", "--pipeline", "multimodal", "--chunk-tokens", "9", "--platform", Self.cpuGPU]).status == 64)
        #expect(CLI.runCapturing(["schedule", "--pipeline", "rag", "--requests", "0", "--platform", Self.cpuGPU]).status == 64)
        #expect(CLI.runCapturing(["schedule", "--pipeline", "rag"]).status == 64)
        // A model that fits no accelerator: Llama-3-70B in bf16 (141 GB of weights) exceeds the
        // H100's 80 GB, so its prefill and decode can run only on the CPUs (host memory).
        let catalog = DeviceCatalog(inputs: try Self.inputs())
        let (cpuGPU, coster) = try Self.platform(Self.cpuGPU, catalog: catalog)
        var rag = RAGPipeline(requests: 1)
        rag.outputTokens = 16
        let graph = try rag.graph(llm: Self.stages("llama-3-70b"), encoder: Self.stages("all-minilm-l6-v2"), coster: coster)
        let problem = try SchedulingProblem(graph: graph, platform: cpuGPU.platform)
        let prefill = graph.index["r0.prefill"]!
        #expect((0..<problem.processorCount).filter { problem.canRun(task: prefill, processor: $0) }.map { problem.platform.processors[$0].deviceClass } == ["cpu", "cpu"])
    }
}
